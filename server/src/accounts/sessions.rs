//! Session tokens: what lets a client log in again without its password.
//!
//! A token is 256 random bits, given to the client in `logged_in` and never
//! stored here: the database keeps only its SHA-256, so a copy of the
//! database cannot be used to log in. A token is so unguessable that checking
//! it needs no bcrypt: `resume` is a single indexed lookup, which is what
//! lets a whole class come back within seconds after a restart.

use std::time::Duration;

use tertulia_shared::SessionToken;
use tertulia_shared::files::{hex, sha256_hex};

use super::{AccountError, Accounts};
use crate::sql::{Sql, SqlError, WriteLock, write_transaction};
use crate::sql_params;

/// Why a token did not log anyone in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TokenRefusal {
    /// Never given by this server (forged, mistyped, another server's).
    Unknown,
    Expired,
    Revoked,
}

/// Why a token stopped working before it expired (kept, so the client
/// can be told; the row goes when it would have expired).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Revocation {
    /// The session logged out.
    Logout,
    /// The account's password changed.
    PasswordChanged,
    /// The account was banned.
    Banned,
    /// A `resume` replaced it with a fresh token.
    Rotated,
}

impl Revocation {
    fn as_str(self) -> &'static str {
        match self {
            Revocation::Logout => "logout",
            Revocation::PasswordChanged => "password",
            Revocation::Banned => "ban",
            Revocation::Rotated => "rotated",
        }
    }
}

/// How a token is kept: its SHA-256, hex. The session remembers this to
/// revoke its own token at logout.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TokenHash(String);

impl TokenHash {
    pub fn of(token: &SessionToken) -> TokenHash {
        TokenHash(sha256_hex(token.expose().as_bytes()))
    }
}

/// 256 bits from the operating system's random source, hex.
fn fresh_token() -> Result<SessionToken, AccountError> {
    let mut bytes = [0u8; 32];
    rustls::crypto::ring::default_provider()
        .secure_random
        .fill(&mut bytes)
        .map_err(|_| AccountError::Random)?;
    Ok(SessionToken(hex(&bytes)))
}

impl Accounts {
    /// A new token for `login` (as registered), valid for `lifetime`.
    /// Tokens long expired are swept away on the way.
    pub async fn issue_token(
        &self,
        login: String,
        lifetime: Duration,
    ) -> Result<(SessionToken, TokenHash), AccountError> {
        let token = fresh_token()?;
        let hash = TokenHash::of(&token);
        let stored = hash.0.clone();
        self.blocking(move |this| {
            let now = crate::now_ms();
            let mut db = Self::lock(&this.db);
            db.execute(
                "DELETE FROM sessions WHERE expires_ms < ?1",
                sql_params![now],
            )?;
            db.execute(
                "INSERT INTO sessions (token_hash, login, created_ms, expires_ms)
                 VALUES (?1, ?2, ?3, ?4)",
                sql_params![stored, login, now, now.saturating_add(millis(lifetime))],
            )?;
            Ok(())
        })
        .await?;
        Ok((token, hash))
    }

    /// `token`'s account and a fresh token that replaces it, in one
    /// transaction (one lookup, one commit: a class coming back at once
    /// is a thousand of these), or why it does not log anyone in.
    pub async fn exchange_token(
        &self,
        token: &SessionToken,
        lifetime: Duration,
    ) -> Result<Result<(String, SessionToken, TokenHash), TokenRefusal>, AccountError> {
        let used = TokenHash::of(token);
        let fresh = fresh_token()?;
        let hash = TokenHash::of(&fresh);
        let stored = hash.0.clone();
        let owner = self
            .blocking(move |this| {
                let now = crate::now_ms();
                let mut db = Self::lock(&this.db);
                // A writing transaction: the write lock first (waiting its
                // turn behind the message log's writer on SQLite), never a
                // read that cannot upgrade.
                write_transaction(db.as_mut(), WriteLock::Accounts, |exchange| {
                    let row = exchange.query_opt(
                        "SELECT a.login, s.expires_ms, s.revoked FROM sessions s
                         JOIN accounts a ON a.login = s.login WHERE s.token_hash = ?1",
                        sql_params![&used.0],
                    )?;
                    let Some(row) = row else {
                        return Ok(Err(TokenRefusal::Unknown));
                    };
                    let (login, expires, revoked): (String, i64, Option<String>) =
                        (row.get(0)?, row.get(1)?, row.get(2)?);
                    if revoked.is_some() {
                        return Ok(Err(TokenRefusal::Revoked));
                    }
                    if expires <= now {
                        return Ok(Err(TokenRefusal::Expired));
                    }
                    exchange.execute(
                        "UPDATE sessions SET revoked = ?1 WHERE token_hash = ?2",
                        sql_params![Revocation::Rotated.as_str(), &used.0],
                    )?;
                    exchange.execute(
                        "INSERT INTO sessions (token_hash, login, created_ms, expires_ms)
                         VALUES (?1, ?2, ?3, ?4)",
                        sql_params![stored, &login, now, now.saturating_add(millis(lifetime))],
                    )?;
                    Ok::<_, AccountError>(Ok(login))
                })
            })
            .await?;
        Ok(owner.map(|login| (login, fresh, hash)))
    }

    /// Stops one token from working.
    pub async fn revoke_token(&self, hash: TokenHash, why: Revocation) -> Result<(), AccountError> {
        self.blocking(move |this| {
            Self::lock(&this.db).execute(
                "UPDATE sessions SET revoked = ?1 WHERE token_hash = ?2 AND revoked IS NULL",
                sql_params![why.as_str(), hash.0],
            )?;
            Ok(())
        })
        .await
    }

    /// Stops every token of `login` from working (a password change, a ban).
    pub async fn revoke_all_tokens(
        &self,
        login: String,
        why: Revocation,
    ) -> Result<usize, AccountError> {
        self.blocking(move |this| Ok(revoke_all_in(Self::lock(&this.db).as_mut(), &login, why)?))
            .await
    }
}

/// Revokes every working token of `login`, in the caller's connection or
/// transaction (a ban does it in the same transaction as the ban).
pub(super) fn revoke_all_in(
    db: &mut dyn Sql,
    login: &str,
    why: Revocation,
) -> Result<usize, SqlError> {
    let revoked = db.execute(
        "UPDATE sessions SET revoked = ?1 WHERE login = ?2 AND revoked IS NULL",
        sql_params![why.as_str(), login],
    )?;
    Ok(usize::try_from(revoked).unwrap_or(usize::MAX))
}

fn millis(duration: Duration) -> i64 {
    i64::try_from(duration.as_millis()).unwrap_or(i64::MAX)
}
