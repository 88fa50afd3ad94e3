use std::time::Instant;

use tertulia_shared::{ErrorBody, ErrorCode, SessionToken};

use super::answer::Outcome;
use super::login::{enter, too_many};
use crate::accounts::TokenRefusal;
use crate::session::Session;

/// Stands for every token guess in the login throttle: a wrong token
/// counts like a wrong password for one account from that address (no
/// login can be empty, so it is nobody's).
const TOKEN_GUESSES: &str = "";

/// `resume`: logs in with the token of an earlier `logged_in`, without the
/// password and without bcrypt, and answers like `login` with a fresh token
/// (the one used stops working; both in one transaction). A token this server never gave counts as
/// a failed login from the address; an expired or revoked one does not
/// (a class coming back the morning after is not an attack).
pub(super) async fn apply(session: &mut Session, token: SessionToken) -> Outcome {
    session.require_anonymous()?;
    let address = session.peer.ip().to_canonical();
    let allowed = session
        .shared
        .logins()
        .check(TOKEN_GUESSES, address, Instant::now());
    if let Err(wait) = allowed {
        tracing::info!(peer = %session.peer, "resume refused: too many failed attempts");
        return Err(too_many(wait));
    }
    let lifetime = session.shared.config.session_lifetime;
    let exchanged = session
        .shared
        .accounts
        .exchange_token(&token, lifetime)
        .await?;
    let (login, fresh, hash) = match exchanged {
        Ok(exchanged) => exchanged,
        Err(refusal) => {
            tracing::info!(peer = %session.peer, ?refusal, "resume refused");
            return Err(refused(session, refusal, address));
        }
    };
    enter(session, login, Some((fresh, hash))).await
}

/// The error for a token that logs nobody in; a token this server never
/// gave counts as a failed login from `address`.
fn refused(session: &Session, refusal: TokenRefusal, address: std::net::IpAddr) -> ErrorBody {
    match refusal {
        TokenRefusal::Unknown => {
            let wait = session
                .shared
                .logins()
                .fail(TOKEN_GUESSES, address, Instant::now());
            if wait.is_zero() {
                ErrorBody::new(
                    ErrorCode::InvalidToken,
                    "This server does not know that session; log in with your password.",
                )
            } else {
                too_many(wait)
            }
        }
        TokenRefusal::Expired => ErrorBody::new(
            ErrorCode::TokenExpired,
            "Your session has expired; log in with your password.",
        ),
        TokenRefusal::Revoked => ErrorBody::new(
            ErrorCode::TokenRevoked,
            "Your session was closed (logged out, password changed or banned); \
             log in with your password.",
        ),
    }
}
