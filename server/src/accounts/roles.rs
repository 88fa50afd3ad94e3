//! Roles: who is an admin, a teacher or a student, and the audit record of
//! every change. Admins are the logins given with `--admin`; with none
//! given, the first account registered on a fresh database (whoever hosts
//! from the client signs up first).

use tertulia_shared::{ErrorBody, ErrorCode, Field, Mute, Role};

use super::sessions::{Revocation, revoke_all_in};
use super::{AccountError, Accounts};
use crate::sql::{Sql, SqlError, WriteLock, write_transaction};
use crate::sql_params;

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

impl From<RoleError> for ErrorBody {
    fn from(e: RoleError) -> Self {
        match e {
            RoleError::NoAccount => ErrorBody::new(
                ErrorCode::UserNotFound,
                "There is no account with that login.",
            )
            .with_field(Field::Login),
            RoleError::LastAdmin => ErrorBody::new(
                ErrorCode::LastAdmin,
                "That is the only admin: make someone else admin first.",
            ),
            RoleError::Outranked => forbidden(),
            RoleError::Accounts(e) => e.into(),
        }
    }
}

/// Moderation needs staff, and acts only on a lower role.
pub fn forbidden() -> ErrorBody {
    ErrorBody::new(
        ErrorCode::Forbidden,
        "Only teachers and admins can do that, and only to someone of a lower role.",
    )
}

impl From<SqlError> for RoleError {
    fn from(e: SqlError) -> Self {
        RoleError::Accounts(e.into())
    }
}

/// An account's standing, as a login reads it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Standing {
    pub role: Role,
    /// The ban's reason, while banned.
    pub banned: Option<String>,
    /// A mute that has not ended.
    pub muted: Option<Mute>,
    /// The password is a one-time one (`reset_password`).
    pub must_change_password: bool,
}

/// One line of the audit record, as it is written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuditRecord {
    pub actor: String,
    pub action: &'static str,
    pub target: Option<String>,
    pub reason: Option<String>,
    pub detail: Option<String>,
}

impl Accounts {
    /// What a login needs to know of `login`, in one read: role, ban,
    /// mute and whether the password was a one-time one.
    pub async fn standing(&self, login: String) -> Result<Standing, AccountError> {
        self.blocking(move |this| {
            let found = Self::lock(&this.db).query_opt(
                "SELECT role, banned, muted_until, mute_reason, must_change_password
                 FROM accounts WHERE login = ?1",
                sql_params![&login],
            )?;
            let Some(row) = found else {
                return Ok(Standing::default());
            };
            let muted_until: Option<i64> = row.get(2)?;
            let reason: Option<String> = row.get(3)?;
            Ok(Standing {
                role: Role::parse(&row.get::<String>(0)?).unwrap_or_default(),
                banned: row.get(1)?,
                muted: muted_until
                    .filter(|&until| until > crate::now_ms())
                    .map(|until_ms| Mute {
                        until_ms,
                        reason: reason.unwrap_or_default(),
                    }),
                must_change_password: row.get(4)?,
            })
        })
        .await
    }

    /// `login`'s role (a student if there is no such account).
    pub async fn role(&self, login: String) -> Result<Role, AccountError> {
        Ok(self.standing(login).await?.role)
    }

    /// Makes the accounts named in `--admin` admins (those registered
    /// later become admins when they sign up). Blocking: call it at start.
    pub fn promote_admins(&self) -> Result<(), AccountError> {
        let mut db = Self::lock(&self.db);
        for login in self.admins.iter() {
            db.execute(
                "UPDATE accounts SET role = 'admin' WHERE login = ?1",
                sql_params![login],
            )?;
        }
        Ok(())
    }

    /// Runs `change` on `login`'s account (its login as registered and its
    /// role) in one transaction that holds the write lock from the start,
    /// and commits it; `NoAccount` when there is none.
    pub(super) async fn on_account<T: Send + 'static>(
        &self,
        login: String,
        change: impl FnOnce(&mut dyn Sql, String, Role) -> Result<T, RoleError> + Send + 'static,
    ) -> Result<T, RoleError> {
        let this = self.clone();
        tokio::task::spawn_blocking(move || {
            let mut db = Self::lock(&this.db);
            write_transaction(db.as_mut(), WriteLock::Accounts, |tx| {
                let found = tx.query_opt(
                    "SELECT login, role FROM accounts WHERE login = ?1",
                    sql_params![&login],
                )?;
                let Some(row) = found else {
                    return Err(RoleError::NoAccount);
                };
                let (login, role): (String, String) = (row.get(0)?, row.get(1)?);
                change(tx, login, Role::parse(&role).unwrap_or_default())
            })
        })
        .await
        .map_err(|e| RoleError::Accounts(e.into()))?
    }

    /// Gives `login` `role` and records it, refusing to take the last
    /// admin's role. Returns the login as registered.
    pub async fn set_role(
        &self,
        actor: String,
        login: String,
        role: Role,
    ) -> Result<String, RoleError> {
        self.on_account(login, move |tx, login, was| {
            if was == Role::Admin && role != Role::Admin {
                let admins: i64 = tx
                    .query_opt("SELECT COUNT(*) FROM accounts WHERE role = 'admin'", &[])?
                    .map_or(Ok(0), |row| row.get(0))?;
                if admins <= 1 {
                    return Err(RoleError::LastAdmin);
                }
            }
            tx.execute(
                "UPDATE accounts SET role = ?1 WHERE login = ?2",
                sql_params![role.as_str(), &login],
            )?;
            let detail = Some(role.as_str().to_owned());
            record(
                tx,
                &AuditRecord::new(actor, "set_role", &login, None, detail),
            )?;
            Ok(login)
        })
        .await
    }

    /// Bans `login` (with `reason`) or lifts the ban (`None`), revoking
    /// every token of a banned account, and records it; all in one
    /// transaction, only over a lower role. Returns the login as registered.
    pub async fn set_ban(
        &self,
        (actor, actor_role): (String, Role),
        login: String,
        reason: Option<String>,
    ) -> Result<String, RoleError> {
        self.on_account(login, move |tx, login, role| {
            if !actor_role.outranks(role) {
                return Err(RoleError::Outranked);
            }
            tx.execute(
                "UPDATE accounts SET banned = ?1 WHERE login = ?2",
                sql_params![reason.clone(), &login],
            )?;
            if reason.is_some() {
                revoke_all_in(tx, &login, Revocation::Banned)?;
            }
            let action = if reason.is_some() { "ban" } else { "unban" };
            record(tx, &AuditRecord::new(actor, action, &login, reason, None))?;
            Ok(login)
        })
        .await
    }

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
        self.on_account(login, move |tx, login, role| {
            if !actor_role.outranks(role) {
                return Err(RoleError::Outranked);
            }
            record(tx, &AuditRecord::new(actor, action, &login, reason, None))?;
            Ok(login)
        })
        .await
    }
}

impl AuditRecord {
    pub(super) fn new(
        actor: String,
        action: &'static str,
        target: &str,
        reason: Option<String>,
        detail: Option<String>,
    ) -> AuditRecord {
        AuditRecord {
            actor,
            action,
            target: Some(target.to_owned()),
            reason,
            detail,
        }
    }
}

/// Appends one line to the audit record, in the caller's transaction.
pub(super) fn record(db: &mut dyn Sql, entry: &AuditRecord) -> Result<(), SqlError> {
    db.execute(
        "INSERT INTO audit (time_ms, actor, action, target, reason, detail)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
        sql_params![
            crate::now_ms(),
            &entry.actor,
            entry.action,
            entry.target.clone(),
            entry.reason.clone(),
            entry.detail.clone()
        ],
    )?;
    Ok(())
}
