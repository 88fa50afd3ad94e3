//! The search index, kept by the log's writer when it has time: after a
//! commit with nothing queued, and in the pause it takes between commits
//! under load. Indexing each message as it is stored cost the log more
//! than half its messages per second (FTS5 through a trigger on every
//! insert); deferred, a flood is stored at full speed and indexed a moment
//! later, as Zulip's search does. `search` waits for the index to reach
//! what was said before it (up to [`CATCH_UP`]).

use std::time::{Duration, Instant};

use rusqlite::{Connection, OptionalExtension, params};
use tertulia_shared::MessageId;

/// Messages indexed in one transaction.
const STEP_ROWS: i64 = 2000;

/// Longest a search waits for the index to reach the messages said before
/// it: during a flood it answers with what is indexed by then.
pub const CATCH_UP: Duration = Duration::from_secs(1);

/// Where the index stands.
#[derive(Debug)]
pub(super) struct Indexer {
    /// The highest id indexed; `None` when the index is off.
    up_to: Option<i64>,
    /// Stored messages may be waiting to be indexed.
    pub behind: bool,
}

impl Indexer {
    pub fn open(db: &Connection) -> rusqlite::Result<Indexer> {
        let up_to = db
            .query_row("SELECT indexed_up_to FROM search_state", [], |row| {
                row.get(0)
            })
            .optional()?;
        Ok(Indexer {
            up_to,
            behind: up_to.is_some(),
        })
    }

    /// The highest id indexed (0 when off: nothing is).
    pub fn indexed(&self) -> MessageId {
        self.up_to
            .map_or(0, |id| MessageId::try_from(id).unwrap_or(0))
    }

    /// Indexes the next stored messages, one transaction of at most
    /// [`STEP_ROWS`]; `behind` stays true while more remain.
    pub fn step(&mut self, db: &mut Connection) -> rusqlite::Result<()> {
        let Some(from) = self.up_to else {
            self.behind = false;
            return Ok(());
        };
        let tx = db.transaction()?;
        let last: Option<i64> = tx.query_row(
            "SELECT MAX(id) FROM (SELECT id FROM messages WHERE id > ?1 ORDER BY id LIMIT ?2)",
            params![from, STEP_ROWS],
            |row| row.get(0),
        )?;
        let Some(last) = last else {
            self.behind = false;
            return Ok(());
        };
        tx.execute(
            "INSERT INTO messages_fts(rowid, text)
             SELECT id, text FROM messages WHERE id > ?1 AND id <= ?2",
            params![from, last],
        )?;
        tx.execute("UPDATE search_state SET indexed_up_to = ?1", [last])?;
        tx.commit()?;
        self.up_to = Some(last);
        Ok(())
    }

    /// Indexes until `until`, or until nothing is left.
    pub fn work_until(&mut self, db: &mut Connection, until: Instant) -> rusqlite::Result<()> {
        while self.behind && Instant::now() < until {
            self.step(db)?;
        }
        Ok(())
    }
}
