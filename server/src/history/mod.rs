//! The message log: every room and private message, kept in SQLite (one
//! node) or PostgreSQL (see docs/SCALING.md).
//!
//! The hub assigns each message its id and stamp under its lock and hands
//! it to [`MessageLog::append`], which only queues it: one writer thread
//! ([`writer`]) stores whatever has queued up in one transaction (group
//! commit), then publishes the highest id stored. A session answers `sent`
//! only once its message is stored ([`MessageLog::stored`]), without ever
//! holding up the fan-out or its own reading. Reads (history pages, queued
//! private messages) use their own connection on the blocking pool.

mod index;
mod reactions;
mod read;
mod search;
#[cfg(test)]
mod tests;
mod writer;

use std::path::Path;
use std::sync::mpsc::{SyncSender, TrySendError};
use std::sync::{Arc, Mutex};

use tertulia_shared::{ChatMessage, MessageId, PrivateMessage, Reaction, TimestampMs};
use tokio::sync::watch;

use crate::db::DbError;
use crate::sql::{Sql, SqlError};
pub use read::{Found, Page};
pub use search::{Scope, Words, match_query};

/// Messages (and other changes) waiting for the writer at most; past this
/// `say` and `private` answer `busy` instead of letting memory grow.
pub const QUEUE_CAPACITY: usize = 65_536;

/// A change to the log, applied by the writer in the order queued.
#[derive(Debug)]
pub(crate) enum Entry {
    Room {
        room_key: String,
        message: Arc<ChatMessage>,
    },
    Private {
        /// Boxed: the queue holds `QUEUE_CAPACITY` entries from the start,
        /// each as large as the largest variant.
        message: Box<PrivateMessage>,
        /// The recipient was offline: deliver at their next login.
        pending: bool,
    },
    /// A room was deleted: its history goes with it.
    ForgetRoom { room_key: String },
    /// At start: rooms other than the default one did not survive the restart.
    ForgetRoomsExcept { room_key: String },
    /// The private messages queued for `login` up to `up_to` were delivered.
    Delivered { login: String, up_to: MessageId },
    /// Private message `id`, queued by another node of a cluster, reached
    /// its recipient here.
    DeliveredOne { id: MessageId },
    /// Retention: messages stamped before this go.
    Prune { before_ms: TimestampMs },
    /// Message `id` was deleted (by `by`: its author or a moderator): its
    /// text, file, reactions and the quotes of it go.
    Delete { id: MessageId, by: String },
    /// Its author changed message `id`'s text.
    Edit { id: MessageId, text: String },
    /// Answered once everything queued before it is stored.
    Flush(tokio::sync::oneshot::Sender<()>),
}

/// The writer's queue is full: the disk is slower than the chat.
#[derive(Debug, Clone, Copy, thiserror::Error)]
#[error("the message log is full")]
pub struct LogFull;

/// A message that was delivered but could not be stored.
#[derive(Debug, Clone, Copy, thiserror::Error)]
#[error("message {0} could not be stored")]
pub struct NotStored(pub MessageId);

#[derive(Debug)]
struct Inner {
    queue: SyncSender<Entry>,
    /// Also moved by a cluster's sequencer, which stores room messages
    /// itself (see [`MessageLog::stored_elsewhere`]).
    stored_tx: watch::Sender<MessageId>,
    /// The highest id stored (or given up on, see `lost`).
    stored: watch::Receiver<MessageId>,
    /// The highest id the search index has reached.
    indexed: watch::Receiver<MessageId>,
    /// Id ranges whose transaction failed even after retries.
    lost: Arc<Mutex<Vec<(MessageId, MessageId)>>>,
    reader: Mutex<Box<dyn Sql>>,
}

/// Shared handle to the message log (cheap to clone).
#[derive(Debug, Clone)]
pub struct MessageLog {
    inner: Arc<Inner>,
}

/// Where the log stood when it was opened.
#[derive(Debug, Clone, Copy)]
pub struct Resume {
    /// The first id to give out.
    pub next_id: MessageId,
    /// The latest stamp stored: stamps never go back, even if the clock does.
    pub last_stamp_ms: TimestampMs,
}

impl MessageLog {
    /// Opens the log in the database at `path` and starts its writer, which
    /// calls `forgotten` after a change that deleted files' rows (rooms or
    /// old messages gone). Blocking: call it before serving, or from a
    /// blocking thread.
    pub fn open(
        path: &Path,
        forgotten: impl Fn() + Send + 'static,
    ) -> Result<(MessageLog, Resume), DbError> {
        let writer = Box::new(crate::db::connect(path)?);
        let reader = Box::new(crate::db::connect(path)?);
        Self::start(writer, reader, forgotten)
    }

    /// Opens the log in a PostgreSQL database (`postgres://…`), bringing
    /// its schema up to date, and starts its writer. Blocking: call it
    /// from a blocking thread.
    pub fn open_postgres(
        address: &str,
        forgotten: impl Fn() + Send + 'static,
    ) -> Result<(MessageLog, Resume), DbError> {
        let writer = Box::new(crate::sql::connect_postgres(address)?);
        let reader = Box::new(crate::sql::connect_postgres_planning_each_query(address)?);
        Self::start(writer, reader, forgotten)
    }

    fn start(
        writer: Box<dyn Sql>,
        mut reader: Box<dyn Sql>,
        forgotten: impl Fn() + Send + 'static,
    ) -> Result<(MessageLog, Resume), DbError> {
        let resume = read::resume(reader.as_mut())?;
        let (queue, entries) = std::sync::mpsc::sync_channel(QUEUE_CAPACITY);
        let (stored_tx, stored) = watch::channel(resume.next_id.saturating_sub(1));
        let (indexed_tx, indexed) = watch::channel(0);
        let lost = Arc::new(Mutex::new(Vec::new()));
        writer::spawn(
            writer,
            entries,
            (stored_tx.clone(), indexed_tx),
            lost.clone(),
            Box::new(forgotten),
        )?;
        let log = MessageLog {
            inner: Arc::new(Inner {
                queue,
                stored_tx,
                stored,
                indexed,
                lost,
                reader: Mutex::new(reader),
            }),
        };
        Ok((log, resume))
    }

    /// Queues a change without waiting (the hub calls it under its lock, so
    /// the queue's order is the ids' order).
    pub(crate) fn append(&self, entry: Entry) -> Result<(), LogFull> {
        match self.inner.queue.try_send(entry) {
            Ok(()) => Ok(()),
            Err(TrySendError::Full(_)) => Err(LogFull),
            Err(TrySendError::Disconnected(_)) => {
                tracing::error!("the message log writer has stopped");
                Err(LogFull)
            }
        }
    }

    /// Message `id` was stored by a cluster's sequencer, not by this log's
    /// writer: whoever waits for it (a reply quoting it) need not.
    pub fn stored_elsewhere(&self, id: MessageId) {
        self.inner.stored_tx.send_if_modified(|stored| {
            let moved = id > *stored;
            *stored = (*stored).max(id);
            moved
        });
    }

    /// Waits until message `id` (and every one before it) is stored.
    pub async fn stored(&self, id: MessageId) -> Result<(), NotStored> {
        self.until_stored(id).await;
        // Not stored even now: the writer stopped (it never does while a
        // handle exists), so nothing more will be.
        self.check(id).unwrap_or(Err(NotStored(id)))
    }

    /// Resolves once message `id` is stored or given up on ([`Self::check`]
    /// tells which); owns what it needs, so it can be kept between polls.
    pub fn until_stored(&self, id: MessageId) -> impl Future<Output = ()> + Send + 'static {
        let mut stored = self.inner.stored.clone();
        async move {
            let _ = stored.wait_for(|high| *high >= id).await;
        }
    }

    /// Whether message `id` is stored or given up on (not which: see
    /// [`Self::check`]); reads no lock but the watch's.
    pub fn settled(&self, id: MessageId) -> bool {
        *self.inner.stored.borrow() >= id
    }

    /// Whether message `id` is stored yet: `None` while it is still queued.
    pub fn check(&self, id: MessageId) -> Option<Result<(), NotStored>> {
        if !self.settled(id) {
            return None;
        }
        let lost = self.inner.lost.lock().unwrap_or_else(|p| p.into_inner());
        if lost.iter().any(|(low, high)| (*low..=*high).contains(&id)) {
            return Some(Err(NotStored(id)));
        }
        Some(Ok(()))
    }

    /// Waits until everything queued so far is stored.
    pub async fn flush(&self) {
        let (done, stored) = tokio::sync::oneshot::channel();
        if self.append(Entry::Flush(done)).is_ok() {
            let _ = stored.await;
        }
    }

    /// Runs a read on a blocking thread with the reader connection.
    async fn read<T, F>(&self, work: F) -> Result<T, SqlError>
    where
        T: Send + 'static,
        F: FnOnce(&mut dyn Sql) -> Result<T, SqlError> + Send + 'static,
    {
        let inner = self.inner.clone();
        tokio::task::spawn_blocking(move || {
            let mut reader = inner.reader.lock().unwrap_or_else(|p| p.into_inner());
            work(reader.as_mut())
        })
        .await?
    }

    /// One page of a room's stored messages (see [`Page`]), named
    /// `room_name`, from id `first_id` on (an older room of that name
    /// is not this one).
    pub async fn room_page(
        &self,
        room_key: String,
        room_name: String,
        page: Page,
        first_id: MessageId,
    ) -> Result<(Vec<ChatMessage>, bool), SqlError> {
        self.read(move |db| read::room_page(db, &room_key, &room_name, page, first_id))
            .await
    }

    /// One page of the private messages `login` sent or received.
    pub async fn private_page(
        &self,
        login_key: String,
        page: Page,
    ) -> Result<(Vec<PrivateMessage>, bool), SqlError> {
        self.read(move |db| read::private_page(db, &login_key, page))
            .await
    }

    /// The private messages queued for `login_key` while they were
    /// offline, up to `up_to`, oldest first.
    pub async fn queued_privates(
        &self,
        login_key: String,
        up_to: MessageId,
    ) -> Result<Vec<PrivateMessage>, SqlError> {
        self.read(move |db| read::queued_privates(db, &login_key, up_to))
            .await
    }

    /// The stored message `id`, wherever it is (room or private).
    pub async fn find(&self, id: MessageId) -> Result<Option<Found>, SqlError> {
        self.read(move |db| read::find(db, id)).await
    }

    /// Waits (up to [`index::CATCH_UP`]) until the search index has
    /// reached message `id`.
    pub async fn indexed(&self, id: MessageId) {
        let mut indexed = self.inner.indexed.clone();
        let _ = tokio::time::timeout(index::CATCH_UP, indexed.wait_for(|high| *high >= id)).await;
    }

    /// One page of search hits, newest first (see [`read::search`]).
    pub async fn search(
        &self,
        words: Words,
        scope: Scope,
        before_id: Option<MessageId>,
        limit: usize,
    ) -> Result<search::Hits, SqlError> {
        self.read(move |db| search::search(db, &words, &scope, before_id, limit))
            .await
    }

    /// Toggles `login`'s `emoji` on stored message `id`; its reactions after.
    pub async fn toggle_reaction(
        &self,
        id: MessageId,
        login: String,
        emoji: String,
    ) -> Result<Vec<Reaction>, SqlError> {
        self.read(move |db| reactions::toggle_reaction(db, id, &login, &emoji))
            .await
    }

    /// A room's messages stamped in `from_ms..to_ms` (from id `first_id`
    /// on), oldest first, at most `limit`; for `export_room`.
    pub async fn span(
        &self,
        room_key: String,
        room_name: String,
        (from_ms, to_ms): (TimestampMs, TimestampMs),
        first_id: MessageId,
        limit: usize,
    ) -> Result<Vec<ChatMessage>, SqlError> {
        self.read(move |db| {
            read::span(db, &room_key, &room_name, (from_ms, to_ms), first_id, limit)
        })
        .await
    }

    /// The latest `count` messages of a room, oldest first, and whether
    /// older ones exist. Blocking: for start-up.
    pub fn recent_blocking(
        &self,
        room_key: &str,
        room_name: &str,
        count: usize,
    ) -> Result<(Vec<ChatMessage>, bool), SqlError> {
        let mut reader = self.inner.reader.lock().unwrap_or_else(|p| p.into_inner());
        read::recent(reader.as_mut(), room_key, room_name, count)
    }
}

/// A failed read of the log, as the person who asked is told it (the
/// cause goes to the server's log).
pub fn unreadable(e: SqlError) -> tertulia_shared::ErrorBody {
    tracing::error!("reading the message log failed: {e}");
    tertulia_shared::ErrorBody::new(
        tertulia_shared::ErrorCode::Internal,
        "The server could not read its message history; try again.",
    )
}
