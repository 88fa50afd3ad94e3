//! Roles: who is an admin, a teacher or a student, and the audit record of
//! every change. Admins are the logins given with `--admin`; with none
//! given, the first account registered on a fresh database (whoever hosts
//! from the client signs up first).

use rusqlite::{OptionalExtension, params};
use tertulia_shared::Role;

use super::{AccountError, Accounts};

/// Why a role could not be given.
#[derive(Debug, thiserror::Error)]
pub enum RoleError {
    #[error("no such account")]
    NoAccount,
    #[error("the server would be left without an admin")]
    LastAdmin,
    #[error("that account's role is not below the actor's")]
    Outranked,
    #[error("{0}")]
    Accounts(#[from] AccountError),
}

impl From<rusqlite::Error> for RoleError {
    fn from(e: rusqlite::Error) -> Self {
        RoleError::Accounts(e.into())
    }
}

/// One line of the audit record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuditEntry {
    pub actor: String,
    pub action: &'static str,
    pub target: Option<String>,
    pub reason: Option<String>,
    pub detail: Option<String>,
}

impl Accounts {
    /// `login`'s role (a student if there is no such account).
    pub async fn role(&self, login: String) -> Result<Role, AccountError> {
        self.blocking(move |this| {
            let role: Option<String> = Self::lock(&this.db)
                .query_row(
                    "SELECT role FROM accounts WHERE login = ?1",
                    [&login],
                    |row| row.get(0),
                )
                .optional()?;
            Ok(role.and_then(|r| Role::parse(&r)).unwrap_or_default())
        })
        .await
    }

    /// Makes the accounts named in `--admin` admins (those registered
    /// later become admins when they sign up). Blocking: call it at start.
    pub fn promote_admins(&self) -> Result<(), AccountError> {
        let db = Self::lock(&self.db);
        for login in self.admins.iter() {
            db.execute(
                "UPDATE accounts SET role = 'admin' WHERE login = ?1",
                [login],
            )?;
        }
        Ok(())
    }

    /// Gives `login` `role` and records it, refusing to take the last
    /// admin's role. Returns the login as registered.
    pub async fn set_role(
        &self,
        actor: String,
        login: String,
        role: Role,
    ) -> Result<String, RoleError> {
        let this = self.clone();
        tokio::task::spawn_blocking(move || {
            let mut db = Self::lock(&this.db);
            let change = db.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
            let found: Option<(String, String)> = change
                .query_row(
                    "SELECT login, role FROM accounts WHERE login = ?1",
                    [&login],
                    |row| Ok((row.get(0)?, row.get(1)?)),
                )
                .optional()?;
            let Some((login, was)) = found else {
                return Err(RoleError::NoAccount);
            };
            if was == Role::Admin.as_str() && role != Role::Admin {
                let admins: i64 = change.query_row(
                    "SELECT COUNT(*) FROM accounts WHERE role = 'admin'",
                    [],
                    |row| row.get(0),
                )?;
                if admins <= 1 {
                    return Err(RoleError::LastAdmin);
                }
            }
            change.execute(
                "UPDATE accounts SET role = ?1 WHERE login = ?2",
                params![role.as_str(), login],
            )?;
            record(
                &change,
                &AuditEntry {
                    actor,
                    action: "set_role",
                    target: Some(login.clone()),
                    reason: None,
                    detail: Some(role.as_str().to_owned()),
                },
            )?;
            change.commit()?;
            Ok(login)
        })
        .await
        .map_err(|e| RoleError::Accounts(e.into()))?
    }

    /// The audit record, newest last (tests and, later, `audit`).
    pub async fn audit_entries(
        &self,
    ) -> Result<Vec<(String, String, Option<String>, Option<String>)>, AccountError> {
        self.blocking(|this| {
            let db = Self::lock(&this.db);
            let mut statement =
                db.prepare("SELECT actor, action, target, detail FROM audit ORDER BY id")?;
            let rows = statement.query_map([], |row| {
                Ok((row.get(0)?, row.get(1)?, row.get(2)?, row.get(3)?))
            })?;
            Ok(rows.collect::<Result<Vec<_>, _>>()?)
        })
        .await
    }
}

/// Appends one line to the audit record, in the caller's transaction.
fn record(db: &rusqlite::Connection, entry: &AuditEntry) -> rusqlite::Result<()> {
    db.execute(
        "INSERT INTO audit (time_ms, actor, action, target, reason, detail)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
        params![
            crate::now_ms(),
            entry.actor,
            entry.action,
            entry.target,
            entry.reason,
            entry.detail
        ],
    )?;
    Ok(())
}

impl Accounts {
    /// Why `login` is banned, if it is.
    pub async fn ban_reason(&self, login: String) -> Result<Option<String>, AccountError> {
        self.blocking(move |this| {
            Ok(Self::lock(&this.db)
                .query_row(
                    "SELECT banned FROM accounts WHERE login = ?1",
                    [&login],
                    |row| row.get::<_, Option<String>>(0),
                )
                .optional()?
                .flatten())
        })
        .await
    }

    /// Bans `login` (with `reason`) or lifts the ban (`None`), revoking
    /// every token of a banned account, and records it; all in one
    /// transaction. Returns the login as registered and its role.
    pub async fn set_ban(
        &self,
        (actor, actor_role): (String, Role),
        login: String,
        reason: Option<String>,
    ) -> Result<(String, Role), RoleError> {
        let this = self.clone();
        tokio::task::spawn_blocking(move || {
            let mut db = Self::lock(&this.db);
            let change = db.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
            let found: Option<(String, String)> = change
                .query_row(
                    "SELECT login, role FROM accounts WHERE login = ?1",
                    [&login],
                    |row| Ok((row.get(0)?, row.get(1)?)),
                )
                .optional()?;
            let Some((login, role)) = found else {
                return Err(RoleError::NoAccount);
            };
            let role = Role::parse(&role).unwrap_or_default();
            if !actor_role.outranks(role) {
                return Err(RoleError::Outranked);
            }
            change.execute(
                "UPDATE accounts SET banned = ?1 WHERE login = ?2",
                params![reason, login],
            )?;
            if reason.is_some() {
                change.execute(
                    "UPDATE sessions SET revoked = 'ban' WHERE login = ?1 AND revoked IS NULL",
                    [&login],
                )?;
            }
            record(
                &change,
                &AuditEntry {
                    actor,
                    action: if reason.is_some() { "ban" } else { "unban" },
                    target: Some(login.clone()),
                    reason: reason.clone(),
                    detail: None,
                },
            )?;
            change.commit()?;
            Ok((login, role))
        })
        .await
        .map_err(|e| RoleError::Accounts(e.into()))?
    }
}

impl Accounts {
    /// For a moderation that changes nothing stored (`kick`): checks that
    /// `login` exists and is below the actor, and records the action.
    /// Returns the login as registered.
    pub async fn record_moderation(
        &self,
        (actor, actor_role): (String, Role),
        login: String,
        action: &'static str,
        reason: Option<String>,
    ) -> Result<String, RoleError> {
        let this = self.clone();
        tokio::task::spawn_blocking(move || {
            let mut db = Self::lock(&this.db);
            let record_it =
                db.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
            let found: Option<(String, String)> = record_it
                .query_row(
                    "SELECT login, role FROM accounts WHERE login = ?1",
                    [&login],
                    |row| Ok((row.get(0)?, row.get(1)?)),
                )
                .optional()?;
            let Some((login, role)) = found else {
                return Err(RoleError::NoAccount);
            };
            if !actor_role.outranks(Role::parse(&role).unwrap_or_default()) {
                return Err(RoleError::Outranked);
            }
            record(
                &record_it,
                &AuditEntry {
                    actor,
                    action,
                    target: Some(login.clone()),
                    reason,
                    detail: None,
                },
            )?;
            record_it.commit()?;
            Ok(login)
        })
        .await
        .map_err(|e| RoleError::Accounts(e.into()))?
    }
}
