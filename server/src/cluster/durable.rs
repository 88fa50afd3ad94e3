//! `sent` means stored on disk, and a message crossing nodes should not
//! wait for the disk before its members see it. So a cluster's sequencers
//! commit without waiting for the disk (`synchronous_commit = off`): a
//! message is delivered and published as soon as it is committed, and
//! acknowledged once a durable commit has followed its own. PostgreSQL
//! writes its log in order, so one durable commit covers every message
//! committed before it: the messages waiting at that moment are
//! acknowledged together (group commit), one disk flush for all of them.

use std::sync::{Arc, Mutex};

use tertulia_shared::ErrorBody;
use tokio::sync::{mpsc, oneshot};

use super::unreachable_database;
use crate::sql::Sql;
use crate::sql_params;

/// Whether the flush that followed a message succeeded.
type Asker = oneshot::Sender<bool>;

/// The durable commits, one after another on a connection of their own.
#[derive(Debug)]
pub(super) struct Durability {
    asks: mpsc::UnboundedSender<Asker>,
}

impl Durability {
    /// Starts the task that flushes, on `db` (a connection whose commits
    /// wait for the disk), for node `node`.
    pub fn start(db: Box<dyn Sql>, node: &str) -> Durability {
        let node = node.to_owned();
        let (asks, mut waiting) = mpsc::unbounded_channel::<Asker>();
        let db = Arc::new(Mutex::new(db));
        tokio::spawn(async move {
            while let Some(first) = waiting.recv().await {
                let mut batch = vec![first];
                while let Ok(more) = waiting.try_recv() {
                    batch.push(more);
                }
                let (db, node) = (db.clone(), node.clone());
                let flushed = tokio::task::spawn_blocking(move || {
                    let mut db = db.lock().unwrap_or_else(|p| p.into_inner());
                    // A commit that wrote something (here: this node is
                    // alive) waits until the log is on disk up to its own
                    // record, and so everything written before it. (One
                    // that wrote nothing would not wait.)
                    db.execute(
                        "INSERT INTO nodes (node, seen) VALUES (?1, now())
                         ON CONFLICT (node) DO UPDATE SET seen = now()",
                        sql_params![&node],
                    )
                    .map(drop)
                })
                .await;
                let ok = match flushed {
                    Ok(Ok(())) => true,
                    Ok(Err(e)) => {
                        tracing::error!("making messages durable: {e}");
                        false
                    }
                    Err(e) => {
                        tracing::error!("making messages durable: {e}");
                        false
                    }
                };
                for asker in batch {
                    let _ = asker.send(ok);
                }
            }
        });
        Durability { asks }
    }

    /// Returns once everything this node committed before the call is on
    /// disk.
    pub async fn durable(&self) -> Result<(), ErrorBody> {
        let (asker, answer) = oneshot::channel();
        let stopped = || unreachable_database(&"the flushing task stopped");
        self.asks.send(asker).map_err(|_| stopped())?;
        match answer.await {
            Ok(true) => Ok(()),
            Ok(false) => Err(unreachable_database(&"the flush failed")),
            Err(_) => Err(stopped()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scratch_postgres::{ScratchPostgres, required};

    /// Whether everything written up to `lsn` is on disk.
    fn flushed_past(db: &mut dyn Sql, lsn: &str) -> bool {
        let row = db
            .query_opt(
                "SELECT pg_current_wal_flush_lsn() >= ?1::text::pg_lsn",
                sql_params![lsn],
            )
            .ok()
            .flatten();
        row.is_some_and(|row| row.get::<bool>(0).unwrap_or(false))
    }

    #[tokio::test]
    async fn what_was_committed_before_is_on_disk_once_durable_returns() {
        let address = match ScratchPostgres::shared().and_then(|pg| pg.fresh_database()) {
            Ok(address) => address,
            Err(why) if required() => panic!("PostgreSQL is required in CI: {why}"),
            Err(why) => return eprintln!("skipped: {why}"),
        };
        let (mut later, flusher) = tokio::task::spawn_blocking(move || {
            let later: Box<dyn Sql> =
                Box::new(crate::sql::connect_postgres_committing_later(&address).unwrap());
            let flusher: Box<dyn Sql> =
                Box::new(crate::sql::connect_postgres_committing_durably(&address).unwrap());
            (later, flusher)
        })
        .await
        .unwrap();
        let durability = Durability::start(flusher, "uno");
        for n in 0..20 {
            // A commit that does not wait for the disk, and where the log
            // ends after it.
            let (back, lsn) = tokio::task::spawn_blocking(move || {
                later
                    .execute(
                        "INSERT INTO settings (key, value) VALUES (?1, 'x')",
                        sql_params![format!("k{n}")],
                    )
                    .unwrap();
                let lsn: String = later
                    .query_opt("SELECT pg_current_wal_insert_lsn()::text", &[])
                    .unwrap()
                    .unwrap()
                    .get(0)
                    .unwrap();
                (later, lsn)
            })
            .await
            .unwrap();
            later = back;
            durability.durable().await.unwrap();
            let (back, flushed) = tokio::task::spawn_blocking(move || {
                let flushed = flushed_past(later.as_mut(), &lsn);
                (later, flushed)
            })
            .await
            .unwrap();
            later = back;
            assert!(flushed, "commit {n} was acknowledged before it was on disk");
        }
    }
}
