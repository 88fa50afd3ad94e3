//! The search index, kept by the log's writer when it has time: after a
//! commit with nothing queued, and in the pause it takes between commits
//! under load. Indexing each message as it is stored cost the log more
//! than half its messages per second (FTS5 through a trigger on every
//! insert); deferred, a flood is stored at full speed and indexed a moment
//! later, as Zulip's search does. `search` waits for the index to reach
//! what was said before it (up to [`CATCH_UP`]).
//!
//! On PostgreSQL the index is an expression index PostgreSQL keeps at each
//! commit: the indexer only follows the commits.

use std::time::{Duration, Instant};

use tertulia_shared::MessageId;

use crate::sql::{Engine, Sql, SqlError, WriteLock, write_transaction};
use crate::sql_params;

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
    /// The engine indexes at commit (PostgreSQL).
    at_commit: bool,
}

impl Indexer {
    pub fn open(db: &mut dyn Sql) -> Result<Indexer, SqlError> {
        if db.engine() == Engine::Postgres {
            return Ok(Indexer {
                up_to: Some(0),
                behind: false,
                at_commit: true,
            });
        }
        let up_to = db
            .query_opt("SELECT indexed_up_to FROM search_state", &[])?
            .map(|row| row.get(0))
            .transpose()?;
        Ok(Indexer {
            up_to,
            behind: up_to.is_some(),
            at_commit: false,
        })
    }

    /// The writer committed messages up to `high`.
    pub fn committed(&mut self, high: MessageId) {
        if self.at_commit {
            self.up_to = Some(i64::try_from(high).unwrap_or(i64::MAX));
        } else {
            self.behind = self.up_to.is_some();
        }
    }

    /// The highest id indexed (0 when off: nothing is).
    pub fn indexed(&self) -> MessageId {
        self.up_to
            .map_or(0, |id| MessageId::try_from(id).unwrap_or(0))
    }

    /// Indexes the next stored messages, one transaction of at most
    /// [`STEP_ROWS`]; `behind` stays true while more remain.
    pub fn step(&mut self, db: &mut dyn Sql) -> Result<(), SqlError> {
        let (Some(from), false) = (self.up_to, self.at_commit) else {
            self.behind = false;
            return Ok(());
        };
        let indexed = write_transaction(db, WriteLock::Log, |tx| {
            let last: Option<i64> = tx
                .query_opt(
                    "SELECT MAX(id) FROM (SELECT id FROM messages WHERE id > ?1 ORDER BY id LIMIT ?2)",
                    sql_params![from, STEP_ROWS],
                )?
                .map(|row| row.get(0))
                .transpose()?
                .flatten();
            let Some(last) = last else {
                return Ok(None);
            };
            tx.execute(
                "INSERT INTO messages_fts(rowid, text)
                 SELECT id, text FROM messages WHERE id > ?1 AND id <= ?2",
                sql_params![from, last],
            )?;
            tx.execute(
                "UPDATE search_state SET indexed_up_to = ?1",
                sql_params![last],
            )?;
            Ok::<_, SqlError>(Some(last))
        })?;
        match indexed {
            Some(last) => self.up_to = Some(last),
            None => self.behind = false,
        }
        Ok(())
    }

    /// Indexes until `until`, or until nothing is left.
    pub fn work_until(&mut self, db: &mut dyn Sql, until: Instant) -> Result<(), SqlError> {
        while self.behind && Instant::now() < until {
            self.step(db)?;
        }
        Ok(())
    }
}
