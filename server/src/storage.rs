//! Everything the server keeps on disk, opened together: the accounts and
//! the message log share one SQLite file.

use std::path::Path;

use crate::accounts::{AccountError, Accounts};
use crate::history::{MessageLog, Resume};

/// The opened database.
#[derive(Debug)]
pub struct Storage {
    pub accounts: Accounts,
    pub log: MessageLog,
    pub resume: Resume,
}

impl Storage {
    /// Opens (creating if needed) the database at `path`; accounts hash
    /// new passwords at `bcrypt_cost`. Blocking: call it before serving,
    /// or from a blocking thread.
    pub fn open(path: &Path, bcrypt_cost: u32) -> Result<Storage, AccountError> {
        let accounts = Accounts::open(path, bcrypt_cost)?;
        let (log, resume) = MessageLog::open(path)?;
        Ok(Storage {
            accounts,
            log,
            resume,
        })
    }
}
