//! The rooms of a cluster and the nodes alive (docs/SCALING.md). Each room
//! is a row of `rooms` in PostgreSQL: of two nodes making one name at once
//! exactly one insert wins (the key and the look of the name are unique).
//! NATS tells the other nodes at once, and every node compares its rooms
//! with the table every few seconds, for a bell it missed. Each node says
//! it is alive in `nodes`, by PostgreSQL's clock; the rooms of a node
//! silent for longer than the idle timeout are deleted, and its people go
//! offline everywhere.

use std::borrow::Cow;
use std::time::Duration;

use serde::{Deserialize, Serialize};
use tertulia_shared::validate::{fold, room_skeleton};
use tertulia_shared::{ErrorBody, ErrorCode, MessageId, MoveReason};

use super::{Cluster, ROOMS_SUBJECT, sequence};
use crate::rooms::{Hub, SharedRoom, room_key};
use crate::sql::{Sql, SqlError};
use crate::sql_params;

/// A room made or deleted, as NATS carries it.
#[derive(Debug, Serialize, Deserialize)]
#[serde(tag = "change", rename_all = "snake_case")]
pub(super) enum RoomChange<'a> {
    Created {
        node: Cow<'a, str>,
        room: SharedRoom,
    },
    Deleted {
        node: Cow<'a, str>,
        keys: Vec<String>,
        reason: MoveReason,
    },
}

impl Cluster {
    /// Claims the name `name` for `login`'s new room: the last id stored
    /// under it (where the room's delivery starts), or the name of the
    /// room that has it or looks like it.
    pub(crate) async fn claim_room(
        &self,
        name: &str,
        login: &str,
    ) -> Result<Result<MessageId, String>, ErrorBody> {
        let (key, skeleton) = (room_key(name), room_skeleton(name));
        let (name, login, node) = (name.to_owned(), login.to_owned(), self.node.to_string());
        self.sequenced(move |db| {
            let inserted = db.execute(
                "INSERT INTO rooms (key, skeleton, name, creator_key, creator, node)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6) ON CONFLICT DO NOTHING",
                sql_params![&key, &skeleton, &name, fold(&login), &login, &node],
            )?;
            if inserted == 0 {
                let holder = db.query_opt(
                    "SELECT name FROM rooms WHERE key = ?1 OR skeleton = ?2",
                    sql_params![&key, &skeleton],
                )?;
                let holder = holder.map_or(Ok(name.clone()), |row| row.get(0))?;
                return Ok(Err(holder));
            }
            sequence::last_id(db, &key).map(Ok)
        })
        .await
    }

    /// Gives a claimed name back (the room could not be made here).
    pub(crate) async fn unclaim_room(&self, name: &str) {
        self.forget_rooms(vec![room_key(name)]).await;
    }

    /// Tells the other nodes of a room made here.
    pub(crate) async fn room_created(&self, name: &str, login: &str, last_id: MessageId) {
        let change = RoomChange::Created {
            node: Cow::Borrowed(&self.node),
            room: SharedRoom {
                name: name.to_owned(),
                creator_key: fold(login),
                creator: login.to_owned(),
                last_id,
            },
        };
        self.publish_room_change(&change).await;
    }

    /// Rooms deleted here (`#dR`, or their creator left): gone from
    /// PostgreSQL, and the other nodes move their members out.
    pub(crate) async fn rooms_deleted(&self, keys: Vec<String>, reason: MoveReason) {
        if keys.is_empty() {
            return;
        }
        self.forget_rooms(keys.clone()).await;
        let change = RoomChange::Deleted {
            node: Cow::Borrowed(&self.node),
            keys,
            reason,
        };
        self.publish_room_change(&change).await;
    }

    async fn forget_rooms(&self, keys: Vec<String>) {
        let forgotten = self
            .sequenced(move |db| {
                for key in &keys {
                    db.execute("DELETE FROM rooms WHERE key = ?1", sql_params![key])?;
                }
                Ok(())
            })
            .await;
        if forgotten.is_err() {
            // Its creator's node keeps saying it is alive: the next start
            // of that node deletes it (see `Cluster::connect`).
            tracing::warn!("a deleted room stays in the database until its node restarts");
        }
    }

    /// `login` logged in here: the rooms they created are this node's now
    /// (they go if this node dies, not if the one they left does).
    pub(crate) async fn rooms_follow(&self, login: &str) {
        let (key, node) = (fold(login), self.node.to_string());
        let moved = self
            .sequenced(move |db| {
                db.execute(
                    "UPDATE rooms SET node = ?2 WHERE creator_key = ?1 AND node <> ?2",
                    sql_params![&key, &node],
                )
            })
            .await;
        if let Err(e) = moved {
            tracing::warn!(%login, "could not move the rooms of a login to this node: {}", e.message);
        }
    }

    async fn publish_room_change(&self, change: &RoomChange<'_>) {
        match serde_json::to_vec(change) {
            Ok(payload) => {
                // Lost, the other nodes find it in PostgreSQL within a beat.
                if let Err(e) = self.nats.publish(ROOMS_SUBJECT, payload.into()).await {
                    tracing::warn!("telling the other nodes of a room: {e}");
                }
            }
            Err(e) => tracing::error!("encoding a room change for NATS: {e}"),
        }
    }

    /// This node stops: the rooms of its people go, and so does its beat,
    /// so that the other nodes need not wait for its silence.
    pub(super) async fn leave_rooms(&self) {
        let node = self.node.to_string();
        let left = self
            .sequenced(move |db| {
                let keys = db
                    .query(
                        "DELETE FROM rooms WHERE node = ?1 RETURNING key",
                        sql_params![&node],
                    )?
                    .iter()
                    .map(|row| row.get(0))
                    .collect::<Result<Vec<String>, _>>()?;
                db.execute("DELETE FROM nodes WHERE node = ?1", sql_params![&node])?;
                Ok(keys)
            })
            .await;
        if let Ok(keys) = left
            && !keys.is_empty()
        {
            let change = RoomChange::Deleted {
                node: Cow::Borrowed(&self.node),
                keys,
                reason: MoveReason::CreatorLeft,
            };
            self.publish_room_change(&change).await;
        }
    }

    /// This node is alive; the rooms of nodes that are not are deleted.
    /// Answers the nodes alive and the rooms of the chat.
    pub(super) async fn beat(&self) -> Result<(Vec<String>, Vec<SharedRoom>), ErrorBody> {
        let (node, timeout) = (self.node.to_string(), self.node_timeout);
        self.sequenced(move |db| beat(db, &node, timeout)).await
    }
}

/// A room change told by another node, applied here.
pub(super) fn apply_room_change(cluster: &Cluster, hub: &Hub, payload: &[u8]) {
    let change: RoomChange = match serde_json::from_slice(payload) {
        Ok(change) => change,
        Err(e) => {
            tracing::warn!("a room change on NATS that is not ours: {e}");
            return;
        }
    };
    match change {
        RoomChange::Created { node, room } if *node != *cluster.node => {
            hub.mirror_room(room);
        }
        RoomChange::Deleted { node, keys, reason } if *node != *cluster.node => {
            for key in keys {
                hub.drop_room(&key, reason);
            }
        }
        _ => {}
    }
}

/// Milliseconds, for PostgreSQL's clock.
fn millis(duration: Duration) -> i64 {
    i64::try_from(duration.as_millis()).unwrap_or(i64::MAX)
}

/// See [`Cluster::beat`].
fn beat(
    db: &mut dyn Sql,
    node: &str,
    timeout: Duration,
) -> Result<(Vec<String>, Vec<SharedRoom>), SqlError> {
    db.execute(
        "INSERT INTO nodes (node, seen) VALUES (?1, now())
         ON CONFLICT (node) DO UPDATE SET seen = now()",
        sql_params![node],
    )?;
    const ALIVE: &str = "SELECT node FROM nodes
                         WHERE seen > now() - ?1::bigint * interval '1 millisecond'";
    db.execute(
        &format!("DELETE FROM rooms WHERE node NOT IN ({ALIVE})"),
        sql_params![millis(timeout)],
    )?;
    let alive = db
        .query(ALIVE, sql_params![millis(timeout)])?
        .iter()
        .map(|row| row.get(0))
        .collect::<Result<_, _>>()?;
    let rooms = db
        .query(
            "SELECT r.name, r.creator_key, r.creator, COALESCE(s.last_id, 0)
             FROM rooms r LEFT JOIN room_seq s ON s.room = r.key",
            &[],
        )?
        .iter()
        .map(|row| {
            Ok(SharedRoom {
                name: row.get(0)?,
                creator_key: row.get(1)?,
                creator: row.get(2)?,
                last_id: u64::try_from(row.get::<i64>(3)?).unwrap_or(0),
            })
        })
        .collect::<Result<_, SqlError>>()?;
    Ok((alive, rooms))
}

/// A node starting: the rooms it held before (its people are gone) go,
/// and it says it is alive before it serves.
pub(super) fn starting(db: &mut dyn Sql, node: &str) -> Result<(), SqlError> {
    db.execute("DELETE FROM rooms WHERE node = ?1", sql_params![node])?;
    db.execute(
        "DELETE FROM nodes WHERE seen < now() - interval '1 day'",
        &[],
    )?;
    db.execute(
        "INSERT INTO nodes (node, seen) VALUES (?1, now())
         ON CONFLICT (node) DO UPDATE SET seen = now()",
        sql_params![node],
    )?;
    Ok(())
}

/// The chat's identity: made by the first node ever to start on the
/// database, read by the others.
pub(super) fn chat_identity(db: &mut dyn Sql) -> Result<String, SqlError> {
    db.execute(
        "INSERT INTO settings (key, value)
         VALUES ('cluster_chat', md5(random()::text || clock_timestamp()::text))
         ON CONFLICT (key) DO NOTHING",
        &[],
    )?;
    let row = db.query_opt("SELECT value FROM settings WHERE key = 'cluster_chat'", &[])?;
    row.map_or(Ok(String::new()), |row| row.get(0))
}

/// How a name already taken in the cluster is said: `name` was asked for,
/// `holder` has it (or looks like it).
pub(crate) fn name_taken(name: &str, holder: &str) -> ErrorBody {
    let looks = if fold(name) == fold(holder) {
        String::new()
    } else {
        format!(" ({name} would look the same)")
    };
    ErrorBody::new(
        ErrorCode::RoomExists,
        format!("A room called {holder} already exists{looks}. Join it with #gR {holder}."),
    )
}
