//! Everything the server keeps on disk, opened together: the accounts, the
//! message log and the shared files' records share one SQLite file.

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
}

impl Storage {
    /// Opens (creating if needed) the database at `path`; accounts hash
    /// new passwords at `bcrypt_cost`. Blocking: call it before serving,
    /// or from a blocking thread.
    pub fn open(path: &Path, bcrypt_cost: u32) -> Result<Storage, AccountError> {
        let accounts = Accounts::open(path, bcrypt_cost)?;
        let files = FileStore::open(path)?;
        // When rooms or old messages go, their files' rows go with them
        // (same transaction); the content nobody refers to goes after.
        let sweeper = files.clone();
        let (log, resume) = MessageLog::open(path, move || {
            if let Err(e) = sweeper.sweep() {
                tracing::warn!("removing files nobody shares any more: {e}");
            }
        })?;
        Ok(Storage {
            accounts,
            log,
            resume,
            files,
        })
    }
}
