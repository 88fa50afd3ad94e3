//! The log's only writer: a thread that stores whatever has queued up in
//! one transaction, then tells the sessions how far the log is stored.

use std::sync::mpsc::{Receiver, TryRecvError};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use tertulia_shared::MessageId;
use tertulia_shared::validate::fold;
use tokio::sync::watch;

use super::Entry;
use super::index::Indexer;
use crate::sql::{Engine, Sql, SqlError, WriteLock, write_transaction};
use crate::sql_params;

/// Most entries stored in one transaction.
const MAX_BATCH: usize = 4096;

/// Under load, the shortest time between two commits. A commit rewrites
/// the same B-tree pages (each room's index leaf, the table's last page)
/// that the previous one wrote moments before: waiting a little lets more
/// messages share them. Only after a batch of at least [`BUSY_BATCH`]
/// entries: a lone message (someone typing, a bot waiting for each `sent`)
/// is committed at once; and a full batch is followed at once by the next.
pub(super) const COMMIT_INTERVAL: Duration = Duration::from_millis(10);

/// A batch this large means messages arrive faster than commits finish.
const BUSY_BATCH: usize = 32;

/// Attempts at a failing transaction before its messages are given up on.
const ATTEMPTS: u32 = 3;

/// Lost ranges remembered (the oldest are forgotten past this).
const MAX_LOST: usize = 1024;

pub(super) fn spawn(
    db: Box<dyn Sql>,
    entries: Receiver<Entry>,
    (stored, indexed): (watch::Sender<MessageId>, watch::Sender<MessageId>),
    lost: Arc<Mutex<Vec<(MessageId, MessageId)>>>,
    forgotten: Box<dyn Fn() + Send>,
) -> std::io::Result<()> {
    std::thread::Builder::new()
        .name("message-log".into())
        .spawn(move || run(db, &entries, (&stored, &indexed), &lost, &*forgotten))?;
    Ok(())
}

fn run(
    mut db: Box<dyn Sql>,
    entries: &Receiver<Entry>,
    (stored, indexed): (&watch::Sender<MessageId>, &watch::Sender<MessageId>),
    lost: &Mutex<Vec<(MessageId, MessageId)>>,
    forgotten: &dyn Fn(),
) {
    let mut batch = Vec::new();
    let mut last_commit: Option<Instant> = None;
    let mut indexer = match Indexer::open(db.as_mut()) {
        Ok(indexer) => Some(indexer),
        Err(e) => {
            tracing::error!("the search index cannot be read; searches find nothing new: {e}");
            None
        }
    };
    // Ends when every handle (and so every sender) is gone.
    loop {
        let first = match (&mut indexer, entries.try_recv()) {
            (_, Ok(entry)) => entry,
            (_, Err(TryRecvError::Disconnected)) => break,
            // Nothing queued: time to index what was stored.
            (Some(index), Err(TryRecvError::Empty)) if index.behind => {
                if let Err(e) = index.step(db.as_mut()) {
                    tracing::error!("indexing messages for search failed; it stops: {e}");
                    indexer = None;
                } else {
                    indexed.send_replace(index.indexed());
                }
                continue;
            }
            (_, Err(TryRecvError::Empty)) => match entries.recv() {
                Ok(entry) => entry,
                Err(_) => break,
            },
        };
        if let Some(wait) = last_commit.and_then(|at| COMMIT_INTERVAL.checked_sub(at.elapsed())) {
            // The pause lets more messages share the next commit; the
            // index uses it.
            match &mut indexer {
                Some(index) if index.behind => {
                    if index.work_until(db.as_mut(), Instant::now() + wait).is_ok() {
                        indexed.send_replace(index.indexed());
                    }
                }
                _ => std::thread::sleep(wait),
            }
        }
        let started = Instant::now();
        batch.push(first);
        while batch.len() < MAX_BATCH {
            match entries.try_recv() {
                Ok(entry) => batch.push(entry),
                Err(_) => break,
            }
        }
        last_commit = (BUSY_BATCH..MAX_BATCH)
            .contains(&batch.len())
            .then_some(started);
        let ids = batch.iter().filter_map(Entry::id);
        let range = ids.clone().min().zip(ids.max());
        if let Err(e) = store_with_retries(db.as_mut(), &batch) {
            tracing::error!(
                "could not store {} messages in the log, giving up on them: {e}",
                batch.len()
            );
            if let Some(range) = range {
                let mut lost = lost.lock().unwrap_or_else(|p| p.into_inner());
                if lost.len() >= MAX_LOST {
                    lost.remove(0);
                }
                lost.push(range);
            }
        }
        if let (Some(index), Some((_, high))) = (&mut indexer, range) {
            index.committed(high);
            indexed.send_replace(index.indexed());
        }
        if let Some((_, high)) = range {
            stored.send_if_modified(|stored| {
                let moved = high > *stored;
                *stored = (*stored).max(high);
                moved
            });
        }
        if batch.iter().any(Entry::forgets) {
            forgotten();
        }
        for entry in batch.drain(..) {
            if let Entry::Flush(done) = entry {
                let _ = done.send(());
            }
        }
    }
}

impl Entry {
    /// Whether storing it deletes files' rows.
    fn forgets(&self) -> bool {
        matches!(
            self,
            Entry::ForgetRoom { .. } | Entry::ForgetRoomsExcept { .. } | Entry::Prune { .. }
        )
    }

    fn id(&self) -> Option<MessageId> {
        match self {
            Entry::Room { message, .. } => Some(message.id),
            Entry::Private { message, .. } => Some(message.id),
            _ => None,
        }
    }
}

fn store_with_retries(db: &mut dyn Sql, batch: &[Entry]) -> Result<(), SqlError> {
    let mut attempt = 1;
    loop {
        match store(db, batch) {
            Ok(()) => return Ok(()),
            Err(e) if attempt >= ATTEMPTS => return Err(e),
            Err(e) => {
                tracing::warn!("storing messages failed (attempt {attempt}), retrying: {e}");
                std::thread::sleep(Duration::from_millis(200) * attempt);
                attempt += 1;
            }
        }
    }
}

pub(super) fn sql_id(id: MessageId) -> i64 {
    i64::try_from(id).unwrap_or(i64::MAX)
}

/// Applies a batch in one transaction.
fn store(db: &mut dyn Sql, batch: &[Entry]) -> Result<(), SqlError> {
    write_transaction(db, WriteLock::Log, |tx| {
        for entry in batch {
            apply(tx, entry)?;
        }
        // PostgreSQL has no AUTOINCREMENT memory of the highest id ever
        // stored: the log keeps it, so a restart never gives an id again.
        if tx.engine() == Engine::Postgres
            && let Some(high) = batch.iter().filter_map(Entry::id).max()
        {
            tx.execute(
                "UPDATE log_state SET highest_id = GREATEST(highest_id, ?1)",
                sql_params![high],
            )?;
        }
        Ok(())
    })
}

/// Stores a room message.
fn insert_room_message(
    tx: &mut dyn Sql,
    room_key: &str,
    message: &tertulia_shared::ChatMessage,
) -> Result<(), SqlError> {
    let quote = message.reply_to.as_deref();
    tx.execute(
        "INSERT INTO messages (id, room, sender, text, time_ms, file_id,
                               reply_to, reply_from, reply_quote)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
        sql_params![
            message.id,
            room_key,
            &message.from,
            &message.text,
            message.time_ms,
            message.file.as_ref().map(|f| f.id),
            quote.map(|q| q.id),
            quote.map(|q| q.from.as_str()),
            quote.map(|q| q.text.as_str()),
        ],
    )?;
    Ok(())
}

/// Applies one entry, in the batch's transaction.
fn apply(tx: &mut dyn Sql, entry: &Entry) -> Result<(), SqlError> {
    match entry {
        Entry::Room { room_key, message } => insert_room_message(tx, room_key, message)?,
        Entry::Private { message, pending } => {
            tx.execute(
                "INSERT INTO messages
                   (id, sender, recipient, sender_key, recipient_key, text, time_ms, pending,
                    file_id, reply_to, reply_from, reply_quote)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)",
                sql_params![
                    message.id,
                    &message.from,
                    &message.to,
                    fold(&message.from),
                    fold(&message.to),
                    &message.text,
                    message.time_ms,
                    *pending,
                    message.file.as_ref().map(|f| f.id),
                    message.reply_to.as_ref().map(|q| q.id),
                    message.reply_to.as_ref().map(|q| q.from.as_str()),
                    message.reply_to.as_ref().map(|q| q.text.as_str()),
                ],
            )?;
        }
        Entry::ForgetRoom { room_key } => {
            tx.execute(
                "DELETE FROM messages WHERE room = ?1",
                sql_params![room_key],
            )?;
            tx.execute("DELETE FROM files WHERE room = ?1", sql_params![room_key])?;
        }
        Entry::ForgetRoomsExcept { room_key } => {
            tx.execute(
                "DELETE FROM messages WHERE room IS NOT NULL AND room <> ?1",
                sql_params![room_key],
            )?;
            tx.execute(
                "DELETE FROM files WHERE room IS NOT NULL AND room <> ?1",
                sql_params![room_key],
            )?;
        }
        Entry::Delivered { login, up_to } => {
            tx.execute(
                "UPDATE messages SET pending = FALSE
                 WHERE room IS NULL AND recipient_key = ?1 AND pending AND id <= ?2",
                sql_params![fold(login), *up_to],
            )?;
        }
        Entry::DeliveredOne { id } => {
            tx.execute(
                "UPDATE messages SET pending = FALSE WHERE id = ?1",
                sql_params![*id],
            )?;
        }
        Entry::Prune { before_ms } => {
            let pruned = tx.execute(
                "DELETE FROM messages WHERE time_ms < ?1",
                sql_params![*before_ms],
            )?;
            tx.execute(
                "DELETE FROM files WHERE time_ms < ?1",
                sql_params![*before_ms],
            )?;
            if pruned > 0 {
                tracing::info!("pruned {pruned} messages past the retention period");
            }
        }
        Entry::Delete { id, by } => {
            tx.execute(
                "UPDATE messages SET text = '', file_id = NULL, deleted_by = ?2 WHERE id = ?1",
                sql_params![*id, by],
            )?;
            // Replies no longer quote it.
            tx.execute(
                "UPDATE messages SET reply_quote = '' WHERE reply_to = ?1",
                sql_params![*id],
            )?;
            tx.execute("DELETE FROM reactions WHERE message = ?1", sql_params![*id])?;
        }
        Entry::Edit { id, text } => {
            tx.execute(
                "UPDATE messages SET text = ?2, edited = TRUE WHERE id = ?1",
                sql_params![*id, text],
            )?;
        }
        Entry::Flush(_) => {}
    }
    Ok(())
}
