//! Everything the server keeps, opened together: the accounts, the message
//! log and the shared files share one SQLite file, or one PostgreSQL
//! database (`--database`, see docs/SCALING.md).

use std::path::Path;

use crate::accounts::{AccountError, Accounts};
use crate::files::FileStore;
use crate::history::{MessageLog, Resume};

/// The opened database and the shared files beside it.
#[derive(Debug)]
pub struct Storage {
    pub accounts: Accounts,
    pub log: MessageLog,
    pub resume: Resume,
    pub files: FileStore,
    /// On PostgreSQL, the connection that holds this node's claim on the
    /// database (see [`Storage::open_postgres`]).
    pub(crate) claim: Option<Box<dyn crate::sql::Sql>>,
    /// The other nodes sharing the database (`--cluster`), once joined.
    pub cluster: Option<std::sync::Arc<crate::cluster::Cluster>>,
}

impl Storage {
    /// Opens (creating if needed) the database at `path`; accounts hash
    /// new passwords at `bcrypt_cost`. Blocking: call it before serving,
    /// or from a blocking thread.
    pub fn open(path: &Path, bcrypt_cost: u32) -> Result<Storage, AccountError> {
        let accounts = Accounts::open(path, bcrypt_cost)?;
        let files = FileStore::open(path)?;
        together(accounts, files, |swept| MessageLog::open(path, swept))
    }

    /// Opens (setting up if needed) the PostgreSQL database at `address`
    /// (`postgres://…` or `host=… dbname=…`); uploads in progress are kept
    /// in this node's `dir`. Blocking.
    ///
    /// Until nodes share their messages (docs/SCALING.md), one node serves
    /// a database: it holds an advisory lock for as long as it runs, and a
    /// second node is refused at start instead of giving out the same
    /// message ids.
    pub fn open_postgres(
        address: &str,
        dir: &Path,
        bcrypt_cost: u32,
    ) -> Result<Storage, AccountError> {
        let claim = claim_database(address)?;
        let mut storage = Self::open_shared(address, dir, bcrypt_cost)?;
        storage.claim = Some(claim);
        Ok(storage)
    }

    /// [`Storage::open_postgres`] for a node of a cluster, which shares the
    /// database with the others (its messages are numbered by PostgreSQL:
    /// see [`crate::cluster`]). Blocking.
    pub fn open_shared(
        address: &str,
        dir: &Path,
        bcrypt_cost: u32,
    ) -> Result<Storage, AccountError> {
        let accounts = Accounts::open_postgres(address, bcrypt_cost)?;
        let files = FileStore::open_postgres(address, dir)?;
        together(accounts, files, |swept| {
            MessageLog::open_postgres(address, swept)
        })
    }

    /// Whether this storage is a PostgreSQL database (alone, or shared by
    /// a cluster).
    pub fn is_postgres(&self) -> bool {
        self.claim.is_some() || self.cluster.is_some()
    }
}

/// The accounts, the files and the log opened by `open_log`, which is given
/// what to call after a change that deleted files' rows: when rooms or old
/// messages go, their files' rows go with them (same transaction), and the
/// content nobody refers to goes after.
fn together(
    accounts: Accounts,
    files: FileStore,
    open_log: impl FnOnce(Box<dyn Fn() + Send>) -> Result<(MessageLog, Resume), crate::db::DbError>,
) -> Result<Storage, AccountError> {
    let sweeper = files.clone();
    let (log, resume) = open_log(Box::new(move || {
        if let Err(e) = sweeper.sweep() {
            tracing::warn!("removing files nobody shares any more: {e}");
        }
    }))?;
    Ok(Storage {
        accounts,
        log,
        resume,
        files,
        claim: None,
        cluster: None,
    })
}

/// The advisory lock of the one node serving a PostgreSQL database.
const NODE_LOCK: i64 = 0x7465_7274_6e6f_6465; // "tertnode"

/// Takes the database's claim, waiting a moment for a node that has just
/// stopped (a restart) to let go of it.
fn claim_database(address: &str) -> Result<Box<dyn crate::sql::Sql>, AccountError> {
    use crate::sql::Sql;
    let mut claim = crate::sql::connect_postgres(address)?;
    for _ in 0..40 {
        let row = claim.query_opt(
            "SELECT pg_try_advisory_lock(?1)",
            crate::sql_params![NODE_LOCK],
        )?;
        if row.map_or(Ok(false), |row| row.get(0))? {
            return Ok(Box::new(claim));
        }
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    Err(AccountError::Claimed)
}
