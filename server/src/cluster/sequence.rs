//! Where a cluster's ids and stamps come from: PostgreSQL. A room message
//! is stored in one statement that locks its room's row in `room_seq`,
//! takes the next id of the one sequence and a stamp never below the
//! room's last one, and records both: two messages of a room are numbered,
//! stamped and committed one after the other, whatever the nodes' clocks.

use std::sync::Arc;

use tertulia_shared::{ChatMessage, MessageId};

use crate::rooms::Draft;
use crate::sql::{Sql, SqlError};
use crate::sql_params;

/// A stored room message and the id of the one before it in its room (0:
/// none).
pub(super) struct Stored {
    pub message: Arc<ChatMessage>,
    pub prev_id: MessageId,
}

pub(super) fn store_room(db: &mut dyn Sql, draft: Draft) -> Result<Stored, SqlError> {
    // One statement, one round trip: the room's row is locked (`prev`),
    // moved on to the next id and a stamp never below its last one, and
    // the message stored with them, all in the statement's transaction.
    // The row exists from the room's first message on (made below).
    const STORE: &str = "WITH prev AS (
            SELECT last_id, last_time_ms FROM room_seq WHERE room = ?1 FOR UPDATE
        ), stamped AS (
            UPDATE room_seq SET last_id = nextval('message_ids'),
                                last_time_ms = GREATEST(prev.last_time_ms, ?2)
            FROM prev WHERE room_seq.room = ?1
            RETURNING room_seq.last_id AS id, room_seq.last_time_ms AS time_ms,
                      prev.last_id AS prev_id
        ), stored AS (
            INSERT INTO messages (id, room, sender, text, time_ms, file_id,
                                  reply_to, reply_from, reply_quote)
            SELECT id, ?1, ?3, ?4, time_ms, ?5, ?6, ?7, ?8 FROM stamped
        )
        SELECT id, time_ms, prev_id FROM stamped";
    let message = &draft.message;
    let quote = message.reply_to.as_deref();
    let store = |db: &mut dyn Sql| {
        db.query_opt(
            STORE,
            sql_params![
                &draft.room_key,
                crate::now_ms(),
                &message.from,
                &message.text,
                message.file.as_ref().map(|f| f.id),
                quote.map(|q| q.id),
                quote.map(|q| q.from.as_str()),
                quote.map(|q| q.text.as_str()),
            ],
        )
    };
    let row = match store(db)? {
        Some(row) => row,
        None => {
            // The room's first message anywhere: its row, then again.
            db.execute(
                "INSERT INTO room_seq (room, last_id, last_time_ms) VALUES (?1, 0, 0)
                 ON CONFLICT (room) DO NOTHING",
                sql_params![&draft.room_key],
            )?;
            store(db)?.ok_or(SqlError::Missing("the room's row in room_seq"))?
        }
    };
    let (id, time_ms, prev_id): (i64, i64, i64) = (row.get(0)?, row.get(1)?, row.get(2)?);
    Ok(Stored {
        message: Arc::new(ChatMessage {
            id: u64::try_from(id).unwrap_or(0),
            time_ms,
            ..draft.message
        }),
        prev_id: u64::try_from(prev_id).unwrap_or(0),
    })
}

/// The next id of the cluster (a private message's).
pub(super) fn next_id(db: &mut dyn Sql) -> Result<MessageId, SqlError> {
    next_in(db)
}

fn next_in(db: &mut dyn Sql) -> Result<MessageId, SqlError> {
    let id: i64 = db
        .query_opt("SELECT nextval('message_ids')", &[])?
        .map_or(Ok(0), |row| row.get(0))?;
    Ok(u64::try_from(id).unwrap_or(0))
}

/// The last id stored in each room (`room_seq`), by room key.
pub(super) fn last_ids(db: &mut dyn Sql) -> Result<Vec<(String, MessageId)>, SqlError> {
    db.query("SELECT room, last_id FROM room_seq", &[])?
        .iter()
        .map(|row| Ok((row.get(0)?, u64::try_from(row.get::<i64>(1)?).unwrap_or(0))))
        .collect()
}

/// The last id stored in room `room_key` (0: none yet).
pub(super) fn last_id(db: &mut dyn Sql, room_key: &str) -> Result<MessageId, SqlError> {
    let row = db.query_opt(
        "SELECT last_id FROM room_seq WHERE room = ?1",
        sql_params![room_key],
    )?;
    let last: i64 = row.map_or(Ok(0), |row| row.get(0))?;
    Ok(u64::try_from(last).unwrap_or(0))
}

/// Moves the sequence past every id already given: those stored, and
/// `at_least` (where this node's own counter starts).
pub(super) fn catch_up_sequence(db: &mut dyn Sql, at_least: MessageId) -> Result<(), SqlError> {
    db.query(
        "SELECT setval('message_ids', GREATEST(
            (SELECT last_value FROM message_ids),
            (SELECT highest_id FROM log_state),
            (SELECT COALESCE(MAX(id), 0) FROM messages),
            ?1))",
        sql_params![at_least],
    )?;
    Ok(())
}
