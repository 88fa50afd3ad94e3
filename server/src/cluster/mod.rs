//! Several nodes serving one chat (docs/SCALING.md): PostgreSQL numbers
//! and stores each room message (`sequence`), NATS rings the doorbell on
//! the other nodes, and each node delivers a room's messages in id order,
//! reading from PostgreSQL whatever the doorbell missed (`fanout`).

mod changes;
mod durable;
mod fanout;
mod presence;
mod rooms;
mod sequence;

pub(crate) use rooms::name_taken;

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use tertulia_shared::{ChatMessage, ErrorBody, ErrorCode, MessageId};

use crate::rooms::Draft;
use crate::sql::{Sql, SqlError};

/// How a node joins its cluster.
#[derive(Debug, Clone)]
pub struct ClusterConfig {
    /// `nats://host:4222`.
    pub nats: String,
    /// The PostgreSQL database every node shares.
    pub database: String,
    /// This node's name, in its logs and in `#net`.
    pub node: String,
    /// A node silent in PostgreSQL for this long is gone: its people go
    /// offline on the others, its rooms are deleted (the idle timeout).
    pub node_timeout: std::time::Duration,
}

/// Why a node could not join its cluster.
#[derive(Debug, thiserror::Error)]
pub enum ClusterError {
    #[error("cannot reach NATS at {address}: {error}")]
    Nats {
        address: String,
        error: async_nats::ConnectError,
    },
    #[error("NATS: {0}")]
    Subscribe(#[from] async_nats::SubscribeError),
    #[error("{0}")]
    Database(#[from] crate::sql::PostgresError),
    #[error("database: {0}")]
    Sql(#[from] SqlError),
    #[error("background task failed: {0}")]
    Join(#[from] tokio::task::JoinError),
}

/// This node's link to the others: its NATS client and its own connection
/// to PostgreSQL for numbering messages.
#[derive(Debug)]
pub struct Cluster {
    node: Arc<str>,
    nats: async_nats::Client,
    /// Connections numbering and storing messages, taken in turn: a room's
    /// row lock orders its messages, other rooms' go side by side.
    sequencers: Arc<[Mutex<Box<dyn Sql>>]>,
    turn: AtomicUsize,
    /// Counts NATS (re)connections: after one, every room is read again
    /// from where its delivery stands.
    connections: tokio::sync::watch::Receiver<u64>,
    /// The login number (from the cluster's sequence) of each account's
    /// latest session on this node, by folded login.
    sessions: Mutex<std::collections::HashMap<String, MessageId>>,
    /// Acknowledges messages once on disk (see `durable`).
    durability: durable::Durability,
    /// This node's presence news (see `presence`).
    herald: presence::Herald,
    node_timeout: std::time::Duration,
    /// The chat's identity, the same on every node (see [`Cluster::chat`]).
    chat: String,
}

/// Connections a node keeps for numbering messages.
const SEQUENCERS: usize = 4;

/// The one subject of stored room messages (the room is in the payload:
/// room names are not subject tokens).
const ROOM_SUBJECT: &str = "tertulia.room";

/// Private messages stored as queued because their recipient is not on
/// the sending node: the node where they are online delivers them.
const PRIVATE_SUBJECT: &str = "tertulia.private";

/// Logins: the newest session of an account, on whichever node, replaces
/// the others.
const SESSION_SUBJECT: &str = "tertulia.session";

/// Rooms made and deleted.
const ROOMS_SUBJECT: &str = "tertulia.rooms";

/// Each node's people: their changes once per batch, or a snapshot.
const PRESENCE_SUBJECT: &str = "tertulia.presence";

/// "Tell me who is on your node": every node answers with a snapshot.
const ASK_SUBJECT: &str = "tertulia.presence.ask";

/// Edits, deletions, reactions and moderation (`rooms::Change`).
const CHANGES_SUBJECT: &str = "tertulia.changes";

/// Every subject of the chat, subscribed to at once.
const ALL_SUBJECTS: &str = "tertulia.>";

impl Cluster {
    /// Connects to NATS and PostgreSQL; ids continue past `next_id` (this
    /// node's own counter) and everything stored.
    pub async fn connect(
        config: ClusterConfig,
        next_id: MessageId,
    ) -> Result<Cluster, ClusterError> {
        let address = config.database.clone();
        let node_name = config.node.clone();
        let (sequencers, flusher, chat) = tokio::task::spawn_blocking(move || {
            let mut flusher: Box<dyn Sql> =
                Box::new(crate::sql::connect_postgres_committing_durably(&address)?);
            sequence::catch_up_sequence(flusher.as_mut(), next_id)?;
            rooms::starting(flusher.as_mut(), &node_name)?;
            let chat = rooms::chat_identity(flusher.as_mut())?;
            let mut connections = Vec::with_capacity(SEQUENCERS);
            for _ in 0..SEQUENCERS {
                let db: Box<dyn Sql> =
                    Box::new(crate::sql::connect_postgres_committing_later(&address)?);
                connections.push(Mutex::new(db));
            }
            Ok::<_, ClusterError>((connections, flusher, chat))
        })
        .await??;
        let (connected, connections) = tokio::sync::watch::channel(0u64);
        let node: Arc<str> = config.node.into();
        let named = node.clone();
        let nats = async_nats::ConnectOptions::new()
            .name(format!("tertulia-server {named}"))
            .retry_on_initial_connect()
            .event_callback(move |event| {
                let connected = connected.clone();
                let named = named.clone();
                async move {
                    match event {
                        async_nats::Event::Connected => {
                            tracing::info!(node = %named, "connected to NATS");
                            connected.send_modify(|n| *n += 1);
                        }
                        async_nats::Event::Disconnected => {
                            tracing::warn!(
                                node = %named,
                                "lost NATS; other nodes' messages come from PostgreSQL meanwhile"
                            );
                        }
                        other => tracing::info!(node = %named, "NATS: {other}"),
                    }
                }
            })
            .connect(config.nats.as_str())
            .await
            .map_err(|error| ClusterError::Nats {
                address: config.nats.clone(),
                error,
            })?;
        let durability = durable::Durability::start(flusher, &node);
        Ok(Cluster {
            node,
            nats,
            sequencers: sequencers.into(),
            turn: AtomicUsize::new(0),
            connections,
            sessions: Mutex::default(),
            durability,
            herald: presence::Herald::new(),
            node_timeout: config.node_timeout,
            chat,
        })
    }

    /// This node's name.
    pub fn node(&self) -> &str {
        &self.node
    }

    /// What every node of this chat announces on the LAN as its chat.
    pub fn chat(&self) -> &str {
        &self.chat
    }

    /// This node stops serving (its clients are gone): the other nodes
    /// hear at once that its people are offline and its rooms deleted.
    pub async fn leave(&self) {
        self.say_goodbye().await;
        self.leave_rooms().await;
        if let Err(e) = self.nats.flush().await {
            tracing::warn!("NATS, at the end: {e}");
        }
    }

    /// Runs `work` on the sequencer's connection, on a blocking thread.
    async fn sequenced<T: Send + 'static>(
        &self,
        work: impl FnOnce(&mut dyn Sql) -> Result<T, SqlError> + Send + 'static,
    ) -> Result<T, ErrorBody> {
        let sequencers = self.sequencers.clone();
        let turn = self.turn.fetch_add(1, Ordering::Relaxed) % sequencers.len().max(1);
        let done = tokio::task::spawn_blocking(move || {
            let mut db = sequencers[turn].lock().unwrap_or_else(|p| p.into_inner());
            work(db.as_mut())
        })
        .await;
        match done {
            Ok(Ok(done)) => Ok(done),
            Ok(Err(e)) => Err(unreachable_database(&e)),
            Err(e) => Err(unreachable_database(&e)),
        }
    }

    /// Stores a room message: its id, stamp and the id before it in its
    /// room come from PostgreSQL. Committed, so every node can read it,
    /// but perhaps not on disk yet: [`Cluster::durable`] before `sent`.
    pub(crate) async fn store_room(
        &self,
        draft: Draft,
    ) -> Result<(Arc<ChatMessage>, MessageId), ErrorBody> {
        let stored = self
            .sequenced(move |db| sequence::store_room(db, draft))
            .await?;
        Ok((stored.message, stored.prev_id))
    }

    /// Returns once every message this node stored before is on disk:
    /// then it may be acknowledged (`sent`).
    pub(crate) async fn durable(&self) -> Result<(), ErrorBody> {
        self.durability.durable().await
    }

    /// The next id of the cluster, for a private message.
    pub(crate) async fn next_id(&self) -> Result<MessageId, ErrorBody> {
        self.sequenced(sequence::next_id).await
    }

    /// The same, before serving.
    pub fn last_id_blocking(&self, room_key: &str) -> Result<MessageId, SqlError> {
        let mut db = self.sequencers[0].lock().unwrap_or_else(|p| p.into_inner());
        sequence::last_id(db.as_mut(), room_key)
    }
}

/// A request that needs PostgreSQL while it cannot be reached: the client
/// is told to come back, and nothing was acknowledged.
fn unreachable_database(e: &dyn std::fmt::Display) -> ErrorBody {
    tracing::error!("the cluster's database: {e}");
    ErrorBody::new(
        ErrorCode::Busy,
        "The server cannot reach its database right now; try again in a moment.",
    )
    .retry_after(std::time::Duration::from_secs(2))
}

pub use fanout::{Receiving, spawn_receiver};
