//! Accounts in SQLite, passwords as bcrypt hashes.
//!
//! bcrypt is slow on purpose and SQLite does blocking file I/O, so neither may
//! run on a tokio worker thread: every public method hands its work to
//! `spawn_blocking`. The hash is computed or checked outside the connection
//! lock, so a login storm hashes in parallel while the database stays serial.

use std::path::Path;
use std::sync::{Arc, Mutex, MutexGuard};

use rusqlite::{Connection, OptionalExtension, params};
use rusqlite_migration::{M, Migrations};
use tertulia_shared::{ErrorBody, ErrorCode, Field, Registration};

/// Schema history. Append new migrations; never edit a released one.
const MIGRATIONS: &[M<'static>] = &[M::up(
    "CREATE TABLE accounts (
        id            INTEGER PRIMARY KEY,
        login         TEXT NOT NULL UNIQUE COLLATE NOCASE,
        first_names   TEXT NOT NULL,
        last_names    TEXT NOT NULL,
        password_hash TEXT NOT NULL,
        age           INTEGER NOT NULL,
        gender        TEXT NOT NULL,
        created_at_ms INTEGER NOT NULL
    );",
)];

/// Why an account operation failed.
#[derive(Debug, thiserror::Error)]
pub enum AccountError {
    #[error("the login is taken")]
    LoginTaken,
    #[error("wrong login or password")]
    BadCredentials,
    #[error("database: {0}")]
    Database(#[from] rusqlite::Error),
    #[error("migrations: {0}")]
    Migration(#[from] rusqlite_migration::Error),
    #[error("bcrypt: {0}")]
    Bcrypt(#[from] bcrypt::BcryptError),
    #[error("background task failed: {0}")]
    Join(#[from] tokio::task::JoinError),
}

impl From<AccountError> for ErrorBody {
    fn from(e: AccountError) -> Self {
        match e {
            AccountError::LoginTaken => ErrorBody::new(
                ErrorCode::LoginTaken,
                "That login is taken; choose another one.",
            )
            .with_field(Field::Login),
            AccountError::BadCredentials => {
                ErrorBody::new(ErrorCode::BadCredentials, "Wrong login or password.")
            }
            other => {
                tracing::error!("account storage failed: {other}");
                ErrorBody::new(
                    ErrorCode::Internal,
                    "The server could not reach its account database; try again.",
                )
            }
        }
    }
}

/// A registered user as `#show users` lists them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AccountSummary {
    pub login: String,
    pub first_names: String,
    pub last_names: String,
}

/// Shared handle to the account database.
#[derive(Debug, Clone)]
pub struct Accounts {
    db: Arc<Mutex<Connection>>,
    bcrypt_cost: u32,
    /// Checked against when the login does not exist, so an unknown login
    /// takes as long to refuse as a wrong password.
    dummy_hash: Arc<str>,
}

impl Accounts {
    /// Opens (creating if needed) the database at `path` and brings its schema
    /// up to date. Blocking: call it before serving, or from a blocking thread.
    pub fn open(path: &Path, bcrypt_cost: u32) -> Result<Accounts, AccountError> {
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir).map_err(|e| {
                rusqlite::Error::SqliteFailure(
                    rusqlite::ffi::Error::new(rusqlite::ffi::SQLITE_CANTOPEN),
                    Some(format!("cannot create {}: {e}", dir.display())),
                )
            })?;
        }
        let mut db = Connection::open(path)?;
        db.pragma_update(None, "journal_mode", "WAL")?;
        db.pragma_update(None, "synchronous", "NORMAL")?;
        db.busy_timeout(std::time::Duration::from_secs(5))?;
        Migrations::from_slice(MIGRATIONS).to_latest(&mut db)?;
        let dummy_hash = bcrypt::hash("not a real password", bcrypt_cost)?;
        Ok(Accounts {
            db: Arc::new(Mutex::new(db)),
            bcrypt_cost,
            dummy_hash: dummy_hash.into(),
        })
    }

    fn lock(db: &Mutex<Connection>) -> MutexGuard<'_, Connection> {
        db.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// Runs `work` on a blocking thread.
    async fn blocking<T, F>(&self, work: F) -> Result<T, AccountError>
    where
        T: Send + 'static,
        F: FnOnce(&Accounts) -> Result<T, AccountError> + Send + 'static,
    {
        let this = self.clone();
        tokio::task::spawn_blocking(move || work(&this)).await?
    }

    /// Creates an account. The form must already be validated.
    pub async fn register(&self, form: Registration) -> Result<(), AccountError> {
        self.blocking(move |this| {
            let taken = |db: &Connection| -> Result<bool, AccountError> {
                Ok(db
                    .query_row(
                        "SELECT 1 FROM accounts WHERE login = ?1",
                        [&form.login],
                        |_| Ok(()),
                    )
                    .optional()?
                    .is_some())
            };
            // Cheap check first, so a taken login costs no bcrypt.
            if taken(&Self::lock(&this.db))? {
                return Err(AccountError::LoginTaken);
            }
            let hash = bcrypt::hash(form.password.expose(), this.bcrypt_cost)?;
            let db = Self::lock(&this.db);
            let inserted = db.execute(
                "INSERT INTO accounts
                   (login, first_names, last_names, password_hash, age, gender, created_at_ms)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
                params![
                    form.login,
                    form.first_names.trim(),
                    form.last_names.trim(),
                    hash,
                    form.age,
                    form.gender.as_str(),
                    crate::now_ms(),
                ],
            );
            match inserted {
                Ok(_) => Ok(()),
                // Two signups raced for the same login between check and insert.
                Err(rusqlite::Error::SqliteFailure(e, _))
                    if e.code == rusqlite::ErrorCode::ConstraintViolation =>
                {
                    Err(AccountError::LoginTaken)
                }
                Err(e) => Err(e.into()),
            }
        })
        .await
    }

    /// Checks a login and password; returns the login as registered (its
    /// original case).
    pub async fn verify(&self, login: String, password: String) -> Result<String, AccountError> {
        self.blocking(move |this| {
            let row: Option<(String, String)> = Self::lock(&this.db)
                .query_row(
                    "SELECT login, password_hash FROM accounts WHERE login = ?1",
                    [&login],
                    |row| Ok((row.get(0)?, row.get(1)?)),
                )
                .optional()?;
            match row {
                Some((login, hash)) if bcrypt::verify(&password, &hash)? => Ok(login),
                Some(_) => Err(AccountError::BadCredentials),
                None => {
                    let _ = bcrypt::verify(&password, &this.dummy_hash);
                    Err(AccountError::BadCredentials)
                }
            }
        })
        .await
    }

    /// The login as registered, if an account has it (any case).
    pub async fn find(&self, login: String) -> Result<Option<String>, AccountError> {
        self.blocking(move |this| {
            Ok(Self::lock(&this.db)
                .query_row(
                    "SELECT login FROM accounts WHERE login = ?1",
                    [&login],
                    |row| row.get(0),
                )
                .optional()?)
        })
        .await
    }

    /// Every account, ordered by login.
    pub async fn list(&self) -> Result<Vec<AccountSummary>, AccountError> {
        self.blocking(|this| {
            let db = Self::lock(&this.db);
            let mut statement = db.prepare_cached(
                "SELECT login, first_names, last_names FROM accounts ORDER BY login COLLATE NOCASE",
            )?;
            let rows = statement.query_map([], |row| {
                Ok(AccountSummary {
                    login: row.get(0)?,
                    first_names: row.get(1)?,
                    last_names: row.get(2)?,
                })
            })?;
            Ok(rows.collect::<Result<Vec<_>, _>>()?)
        })
        .await
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use tertulia_shared::Password;
    use tertulia_shared::validate::Gender;

    fn form(login: &str) -> Registration {
        Registration {
            first_names: "Ana María".into(),
            last_names: "Pérez".into(),
            login: login.into(),
            password: Password("correct horse".into()),
            age: 21,
            gender: Gender::PreferNotToSay,
        }
    }

    #[tokio::test]
    async fn register_verify_and_case_insensitive_uniqueness() {
        let dir = tempfile::tempdir().unwrap();
        let accounts = Accounts::open(&dir.path().join("a.db"), 4).unwrap();
        accounts.register(form("Ana")).await.unwrap();
        assert!(matches!(
            accounts.register(form("ANA")).await,
            Err(AccountError::LoginTaken)
        ));
        assert_eq!(
            accounts
                .verify("ana".into(), "correct horse".into())
                .await
                .unwrap(),
            "Ana"
        );
        assert!(matches!(
            accounts.verify("ana".into(), "wrong".into()).await,
            Err(AccountError::BadCredentials)
        ));
        assert!(matches!(
            accounts.verify("nobody".into(), "x".into()).await,
            Err(AccountError::BadCredentials)
        ));
    }

    #[tokio::test]
    async fn only_a_bcrypt_hash_is_stored() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("a.db");
        let accounts = Accounts::open(&path, 4).unwrap();
        accounts.register(form("ana")).await.unwrap();
        drop(accounts);
        let db = Connection::open(&path).unwrap();
        let hash: String = db
            .query_row("SELECT password_hash FROM accounts", [], |r| r.get(0))
            .unwrap();
        let gender: String = db
            .query_row("SELECT gender FROM accounts", [], |r| r.get(0))
            .unwrap();
        assert_eq!(gender, "prefer_not_to_say");
        assert!(hash.starts_with("$2"), "{hash}");
        assert!(!hash.contains("correct horse"));
        let raw = std::fs::read(&path).unwrap();
        assert!(!raw.windows(13).any(|w| w == b"correct horse"));
    }
}
