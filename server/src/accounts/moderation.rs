//! What teachers and admins change in the accounts besides roles and bans
//! (`roles.rs`): mutes, one-time passwords, the server's class-wide
//! settings (exam mode, the default room's announcement flag), and reading
//! the audit record back.

use tertulia_shared::{AuditEntry, Mute, Password, Role};

use super::roles::{AuditRecord, RoleError, record};
use super::sessions::{Revocation, revoke_all_in};
use super::{AccountError, Accounts};
use crate::sql_params;

/// The `settings` key of exam mode (`on` / `off`).
pub const EXAM_SETTING: &str = "exam";
/// The `settings` key of the default room's announcement flag (other rooms
/// do not survive a restart).
pub const LOBBY_ANNOUNCE_SETTING: &str = "lobby_announce";

/// Letters and digits that cannot be mistaken for one another when a
/// teacher reads a one-time password aloud or copies it from the screen.
const ONE_TIME_ALPHABET: &[u8] = b"abcdefghjkmnpqrstuvwxyz23456789";
/// Long enough for a password that lives only until the next login.
const ONE_TIME_CHARS: usize = 10;

impl Accounts {
    /// Mutes `login` for `minutes` with `reason`, or lifts a mute (`None`),
    /// over a lower role, and records it. Returns the login as registered
    /// and the mute now in force.
    pub async fn set_mute(
        &self,
        (actor, actor_role): (String, Role),
        login: String,
        mute: Option<(u32, String)>,
    ) -> Result<(String, Option<Mute>), RoleError> {
        self.on_account(login, move |tx, login, role| {
            if !actor_role.outranks(role) {
                return Err(RoleError::Outranked);
            }
            let (action, detail, mute) = match mute {
                Some((minutes, reason)) => {
                    let until_ms = crate::now_ms() + i64::from(minutes) * 60_000;
                    let mute = Mute { until_ms, reason };
                    ("mute", Some(format!("{minutes} min")), Some(mute))
                }
                None => ("unmute", None, None),
            };
            tx.execute(
                "UPDATE accounts SET muted_until = ?1, mute_reason = ?2 WHERE login = ?3",
                sql_params![
                    mute.as_ref().map(|m| m.until_ms),
                    mute.as_ref().map(|m| m.reason.as_str()),
                    &login
                ],
            )?;
            let reason = mute.as_ref().map(|m| m.reason.clone());
            record(tx, &AuditRecord::new(actor, action, &login, reason, detail))?;
            Ok((login, mute))
        })
        .await
    }

    /// Gives `login` a fresh one-time password (teachers for students,
    /// admins for anyone): every session token of the account is revoked
    /// and the next login must choose a new password. Returns the login as
    /// registered and the password, which is stored only as its hash.
    pub async fn reset_password(
        &self,
        (actor, actor_role): (String, Role),
        login: String,
    ) -> Result<(String, Password), RoleError> {
        let password = one_time_password()?;
        let cost = self.bcrypt_cost;
        let plain = password.clone();
        let hash = self
            .hasher
            .run(move || bcrypt::hash(plain, cost))
            .await
            .map_err(AccountError::from)?
            .map_err(AccountError::from)?;
        let login = self
            .on_account(login, move |tx, login, role| {
                if !(actor_role == Role::Admin || actor_role.outranks(role)) {
                    return Err(RoleError::Outranked);
                }
                tx.execute(
                    "UPDATE accounts SET password_hash = ?1, must_change_password = TRUE
                     WHERE login = ?2",
                    sql_params![hash.clone(), &login],
                )?;
                revoke_all_in(tx, &login, Revocation::PasswordChanged)?;
                record(
                    tx,
                    &AuditRecord::new(actor, "reset_password", &login, None, None),
                )?;
                Ok(login)
            })
            .await?;
        Ok((login, Password(password)))
    }

    /// Records a moderation that is not about one account (exam mode, a
    /// room's settings, a deleted message, an export).
    pub async fn record_action(
        &self,
        actor: String,
        action: &'static str,
        target: Option<String>,
        detail: Option<String>,
    ) -> Result<(), AccountError> {
        self.blocking(move |this| {
            let entry = AuditRecord {
                actor,
                action,
                target,
                reason: None,
                detail,
            };
            record(Self::lock(&this.db).as_mut(), &entry)?;
            Ok(())
        })
        .await
    }

    /// One page of the audit record, newest first, before `before_id`,
    /// within `budget` bytes of JSON; and whether older entries exist.
    pub async fn audit_page(
        &self,
        before_id: Option<u64>,
        budget: usize,
    ) -> Result<(Vec<AuditEntry>, bool), AccountError> {
        self.blocking(move |this| {
            let before = before_id.map_or(i64::MAX, |id| i64::try_from(id).unwrap_or(i64::MAX));
            let rows = Self::lock(&this.db).query(
                "SELECT id, time_ms, actor, action, target, reason, detail FROM audit
                 WHERE id < ?1 ORDER BY id DESC LIMIT 200",
                sql_params![before],
            )?;
            let mut entries = Vec::new();
            let mut used = 0;
            let mut more = false;
            for row in rows {
                let entry = AuditEntry {
                    id: row.get::<i64>(0)?.try_into().unwrap_or_default(),
                    time_ms: row.get(1)?,
                    actor: row.get(2)?,
                    action: row.get(3)?,
                    target: row.get(4)?,
                    reason: row.get(5)?,
                    detail: row.get(6)?,
                };
                let size = crate::page::json_len(&entry).unwrap_or(budget) + 1;
                if used + size > budget || entries.len() == 100 {
                    more = true;
                    break;
                }
                used += size;
                entries.push(entry);
            }
            Ok((entries, more))
        })
        .await
    }

    /// A class-wide setting the server keeps across restarts.
    pub fn setting_blocking(&self, key: &str) -> Result<Option<String>, AccountError> {
        let found = Self::lock(&self.db).query_opt(
            "SELECT value FROM settings WHERE key = ?1",
            sql_params![key],
        )?;
        Ok(found.map(|row| row.get(0)).transpose()?)
    }

    /// Keeps a class-wide setting.
    pub async fn set_setting(&self, key: &'static str, value: String) -> Result<(), AccountError> {
        self.blocking(move |this| {
            Self::lock(&this.db).execute(
                "INSERT INTO settings (key, value) VALUES (?1, ?2)
                 ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                sql_params![key, value],
            )?;
            Ok(())
        })
        .await
    }
}

/// A password for one login, from the system's random source.
fn one_time_password() -> Result<String, AccountError> {
    let mut bytes = [0u8; ONE_TIME_CHARS];
    rustls::crypto::ring::default_provider()
        .secure_random
        .fill(&mut bytes)
        .map_err(|_| AccountError::Random)?;
    // 256 is not a multiple of the alphabet's 31 letters; the slight bias
    // does not matter for a password that lives until the next login.
    Ok(bytes
        .iter()
        .map(|b| char::from(ONE_TIME_ALPHABET[usize::from(*b) % ONE_TIME_ALPHABET.len()]))
        .collect())
}
