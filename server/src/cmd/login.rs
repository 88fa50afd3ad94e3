use std::time::Instant;

use tertulia_shared::validate::fold;
use tertulia_shared::{ErrorBody, ErrorCode, Password, Reply};

use crate::accounts::AccountError;
use crate::session::Session;

/// `login`: checks the password, then puts the user online in the default
/// room. Repeated failures for an account from one address, or from one
/// address for any accounts, make the next attempts wait (`too_many_attempts`).
pub(super) async fn apply(
    session: &mut Session,
    login: String,
    password: Password,
) -> Result<Reply, ErrorBody> {
    session.require_anonymous()?;
    let address = session.peer.ip().to_canonical();
    let account = fold(&login);
    let too_many = |wait: std::time::Duration| {
        let seconds = wait.as_secs() + u64::from(wait.subsec_nanos() > 0);
        ErrorBody::new(
            ErrorCode::TooManyAttempts,
            format!("Too many failed logins; try again in {seconds} seconds."),
        )
        .retry_after(wait)
    };
    let allowed = session
        .shared
        .logins()
        .check(&account, address, Instant::now());
    if let Err(wait) = allowed {
        tracing::info!(peer = %session.peer, login = ?login, "login refused: too many failed attempts");
        return Err(too_many(wait));
    }
    let login = match session
        .shared
        .accounts
        .verify(login.clone(), password.0)
        .await
    {
        Ok(login) => login,
        Err(AccountError::BadCredentials) => {
            let wait = session
                .shared
                .logins()
                .fail(&account, address, Instant::now());
            tracing::info!(peer = %session.peer, login = ?login, "failed login");
            return Err(if wait.is_zero() {
                AccountError::BadCredentials.into()
            } else {
                too_many(wait)
            });
        }
        Err(other) => return Err(other.into()),
    };
    session.shared.logins().succeed(&account, address);
    let view = session
        .shared
        .hub
        .join_server(&login, session.outbox.clone())?;
    tracing::info!(peer = %session.peer, %login, "logged in");
    session.login = Some(login.clone());
    if let Some(ticket) = &mut session.ticket {
        ticket.logged_in();
    }
    Ok(Reply::LoggedIn {
        login,
        room: view.room,
        members: view.members,
        member_count: view.member_count,
        members_next: view.members_next,
        server_time_ms: crate::now_ms(),
    })
}
