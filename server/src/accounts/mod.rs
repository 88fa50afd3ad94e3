//! Accounts in SQLite (one node) or PostgreSQL (several, docs/SCALING.md),
//! passwords as bcrypt hashes.
//!
//! bcrypt is slow on purpose and both databases block, so neither may run
//! on a tokio worker thread. Database work goes to `spawn_blocking`; bcrypt
//! to the [`Hasher`]'s own threads and bounded queue, so a login storm can
//! never make a database read wait behind password hashes.

use std::path::Path;
use std::sync::{Arc, Mutex, MutexGuard};

use tertulia_shared::{ErrorBody, ErrorCode, Field, Registration};

use crate::hasher::{Busy, Hasher};
use crate::sql::{PostgresError, Sql, SqlError, WriteLock, write_transaction};
use crate::sql_params;

/// Why an account operation failed.
#[derive(Debug, thiserror::Error)]
pub enum AccountError {
    #[error("the login is taken")]
    LoginTaken,
    #[error("wrong login or password")]
    BadCredentials,
    #[error("database: {0}")]
    Database(#[from] rusqlite::Error),
    #[error("database: {0}")]
    Sql(#[from] SqlError),
    #[error("{0}")]
    Postgres(#[from] PostgresError),
    #[error("{0}")]
    Open(#[from] crate::db::DbError),
    #[error("bcrypt: {0}")]
    Bcrypt(#[from] bcrypt::BcryptError),
    #[error("background task failed: {0}")]
    Join(#[from] tokio::task::JoinError),
    #[error("{0}")]
    Busy(#[from] Busy),
    #[error("{0}")]
    Io(#[from] std::io::Error),
    #[error("the system's random source failed")]
    Random,
    #[error(
        "another tertulia-server already serves this PostgreSQL database; \
         several nodes on one database need NATS between them (docs/SCALING.md)"
    )]
    Claimed,
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
            AccountError::Busy(Busy(come_back)) => ErrorBody::new(
                ErrorCode::Busy,
                "The server is busy checking other passwords; try again in a moment.",
            )
            .retry_after(come_back),
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
    pub role: tertulia_shared::Role,
}

/// Shared handle to the account database.
#[derive(Debug, Clone)]
pub struct Accounts {
    db: Arc<Mutex<Box<dyn Sql>>>,
    hasher: Hasher,
    bcrypt_cost: u32,
    /// How long one bcrypt check took when the database was opened.
    per_hash: std::time::Duration,
    /// Checked against when the login does not exist, so an unknown login
    /// takes as long to refuse as a wrong password.
    dummy_hash: Arc<str>,
    /// The logins given with `--admin`, folded (see [`roles`]).
    admins: Arc<[String]>,
}

impl Accounts {
    /// Opens (creating if needed) the database at `path` and brings its schema
    /// up to date. Blocking: call it before serving, or from a blocking thread.
    pub fn open(path: &Path, bcrypt_cost: u32) -> Result<Accounts, AccountError> {
        Self::with_database(Box::new(crate::db::connect(path)?), bcrypt_cost)
    }

    /// Opens the accounts of a PostgreSQL database (`postgres://…`),
    /// bringing its schema up to date. Blocking: call it from a blocking
    /// thread.
    pub fn open_postgres(address: &str, bcrypt_cost: u32) -> Result<Accounts, AccountError> {
        Self::with_database(
            Box::new(crate::sql::connect_postgres(address)?),
            bcrypt_cost,
        )
    }

    fn with_database(db: Box<dyn Sql>, bcrypt_cost: u32) -> Result<Accounts, AccountError> {
        // Timed: how long one check takes sizes the password queue.
        let started = std::time::Instant::now();
        let dummy_hash = bcrypt::hash("not a real password", bcrypt_cost)?;
        let per_hash = started.elapsed();
        let threads = Hasher::default_threads();
        let hasher = Hasher::new(threads, Hasher::queue_for(threads, per_hash), per_hash)?;
        Ok(Accounts {
            db: Arc::new(Mutex::new(db)),
            hasher,
            bcrypt_cost,
            per_hash,
            dummy_hash: dummy_hash.into(),
            admins: Arc::from([]),
        })
    }

    /// The logins that are admins (`--admin`); with none, the first account
    /// registered on a fresh database is. Those that exist are promoted now.
    /// Blocking: call it before serving.
    pub fn with_admins(mut self, logins: &[String]) -> Result<Accounts, AccountError> {
        self.admins = logins
            .iter()
            .map(|login| tertulia_shared::validate::fold(login))
            .collect();
        self.promote_admins()?;
        Ok(self)
    }

    /// Uses `hasher` for bcrypt instead of the default one (one thread per
    /// core, a queue of [`MAX_QUEUE_WAIT`](crate::hasher::MAX_QUEUE_WAIT) of work).
    pub fn with_hasher(mut self, hasher: Hasher) -> Accounts {
        self.hasher = hasher;
        self
    }

    /// How long one password check takes at this database's bcrypt cost.
    pub fn per_hash(&self) -> std::time::Duration {
        self.per_hash
    }

    /// Waiting password checks the queue holds before answering `busy`.
    pub fn hash_queue(&self) -> usize {
        self.hasher.queue()
    }

    fn lock(db: &Mutex<Box<dyn Sql>>) -> MutexGuard<'_, Box<dyn Sql>> {
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
        let login = form.login.clone();
        // Cheap check first, so a taken login costs no bcrypt.
        let taken = self
            .blocking(move |this| {
                Ok(Self::lock(&this.db)
                    .query_opt(
                        "SELECT 1 FROM accounts WHERE login = ?1",
                        sql_params![&login],
                    )?
                    .is_some())
            })
            .await?;
        if taken {
            return Err(AccountError::LoginTaken);
        }
        let cost = self.bcrypt_cost;
        let password = form.password.clone();
        let hash = self
            .hasher
            .run(move || bcrypt::hash(password.expose(), cost))
            .await??;
        let named_admin = self
            .admins
            .contains(&tertulia_shared::validate::fold(&form.login));
        let first_is_admin = self.admins.is_empty();
        self.blocking(move |this| {
            // An admin named with `--admin`; with none named, the first
            // account of a fresh database.
            // In a writing transaction: of two first signups on two
            // nodes, one is the first.
            let mut db = Self::lock(&this.db);
            write_transaction(db.as_mut(), WriteLock::Accounts, |tx| {
                let inserted = tx.execute(
                    "INSERT INTO accounts
                       (login, first_names, last_names, password_hash, age, gender, created_at_ms, role)
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7,
                       CASE WHEN ?8 OR (?9 AND NOT EXISTS (SELECT 1 FROM accounts))
                            THEN 'admin' ELSE 'student' END)",
                    sql_params![
                        &form.login,
                        form.first_names.trim(),
                        form.last_names.trim(),
                        hash,
                        form.age,
                        form.gender.as_str(),
                        crate::now_ms(),
                        named_admin,
                        first_is_admin,
                    ],
                );
                match inserted {
                    Ok(_) => Ok(()),
                    // Two signups raced for the same login between check and insert.
                    Err(e) if e.is_unique_violation() => Err(AccountError::LoginTaken),
                    Err(e) => Err(e.into()),
                }
            })
        })
        .await
    }

    /// Checks a login and password; returns the login as registered (its
    /// original case). A hash made at another bcrypt cost than the server's
    /// is replaced after a successful check, so every account ends up taking
    /// the same time to check (no timing difference tells old accounts apart).
    pub async fn verify(&self, login: String, password: String) -> Result<String, AccountError> {
        let row: Option<(String, String)> = self
            .blocking(move |this| {
                let found = Self::lock(&this.db).query_opt(
                    "SELECT login, password_hash FROM accounts WHERE login = ?1",
                    sql_params![&login],
                )?;
                Ok(match found {
                    Some(row) => Some((row.get(0)?, row.get(1)?)),
                    None => None,
                })
            })
            .await?;
        let cost = self.bcrypt_cost;
        let Some((login, hash)) = row else {
            // Unknown login: as slow as a wrong password.
            let dummy = self.dummy_hash.clone();
            let _ = self
                .hasher
                .run(move || bcrypt::verify(password, &dummy))
                .await?;
            return Err(AccountError::BadCredentials);
        };
        let checked = self
            .hasher
            .run(
                move || -> Result<Option<Option<String>>, bcrypt::BcryptError> {
                    if !bcrypt::verify(&password, &hash)? {
                        return Ok(None);
                    }
                    if hash_cost(&hash) == Some(cost) {
                        return Ok(Some(None));
                    }
                    Ok(Some(Some(bcrypt::hash(&password, cost)?)))
                },
            )
            .await??;
        match checked {
            None => Err(AccountError::BadCredentials),
            Some(None) => Ok(login),
            Some(Some(rehashed)) => {
                let who = login.clone();
                self.blocking(move |this| {
                    Self::lock(&this.db).execute(
                        "UPDATE accounts SET password_hash = ?1 WHERE login = ?2",
                        sql_params![rehashed, who],
                    )?;
                    Ok(())
                })
                .await?;
                tracing::info!(%login, "password hash upgraded to cost {cost}");
                Ok(login)
            }
        }
    }

    /// Replaces `login`'s password after checking the old one. The caller
    /// revokes the account's session tokens.
    pub async fn change_password(
        &self,
        login: String,
        old: Option<String>,
        new: String,
    ) -> Result<(), AccountError> {
        // Without `old` only right after a login with a one-time password,
        // which the caller checks.
        let login = match old {
            Some(old) => self.verify(login, old).await?,
            None => login,
        };
        let cost = self.bcrypt_cost;
        let hash = self.hasher.run(move || bcrypt::hash(new, cost)).await??;
        self.blocking(move |this| {
            Self::lock(&this.db).execute(
                "UPDATE accounts SET password_hash = ?1, must_change_password = FALSE
                 WHERE login = ?2",
                sql_params![hash, login],
            )?;
            Ok(())
        })
        .await
    }

    /// The login as registered and the role, if an account has it (any case).
    pub async fn find(
        &self,
        login: String,
    ) -> Result<Option<(String, tertulia_shared::Role)>, AccountError> {
        self.blocking(move |this| {
            let found = Self::lock(&this.db).query_opt(
                "SELECT login, role FROM accounts WHERE login = ?1",
                sql_params![&login],
            )?;
            let Some(row) = found else { return Ok(None) };
            let role: String = row.get(1)?;
            Ok(Some((
                row.get(0)?,
                tertulia_shared::Role::parse(&role).unwrap_or_default(),
            )))
        })
        .await
    }

    /// Up to `limit` accounts whose login sorts after `after` (regardless of
    /// case), ordered by login.
    pub async fn list_page(
        &self,
        after: Option<String>,
        limit: usize,
    ) -> Result<Vec<AccountSummary>, AccountError> {
        self.blocking(move |this| {
            // `login` ignores case on both engines (NOCASE, citext), so
            // the comparison and the order do too; every login sorts after "".
            let limit = i64::try_from(limit).unwrap_or(i64::MAX);
            let rows = Self::lock(&this.db).query(
                "SELECT login, first_names, last_names, role FROM accounts
                 WHERE login > ?1 ORDER BY login LIMIT ?2",
                sql_params![after.unwrap_or_default(), limit],
            )?;
            rows.iter()
                .map(|row| {
                    Ok(AccountSummary {
                        login: row.get(0)?,
                        first_names: row.get(1)?,
                        last_names: row.get(2)?,
                        role: tertulia_shared::Role::parse(&row.get::<String>(3)?)
                            .unwrap_or_default(),
                    })
                })
                .collect()
        })
        .await
    }
}

/// The cost a bcrypt hash was made with (`$2b$12$…` → 12).
fn hash_cost(hash: &str) -> Option<u32> {
    hash.split('$').nth(2)?.parse().ok()
}

mod cost;
mod moderation;
mod roles;
mod sessions;

pub use cost::{MAX_CHECK, MIN_COST, calibrated_cost, calibrated_cost_in};
pub use moderation::{EXAM_SETTING, LOBBY_ANNOUNCE_SETTING};
pub use roles::{AuditRecord, RoleError, Standing, forbidden};
pub use sessions::{Revocation, TokenHash, TokenRefusal};

#[cfg(test)]
mod tests;
