use tertulia_shared::{MoveReason, Reply};

use super::answer::{Answer, Outcome};
use crate::accounts::Revocation;
use crate::session::Session;

/// `logout` (`#exit`): answers `bye`; the connection closes right after.
/// The user goes offline before the reply, so a private message sent to
/// them from then on is queued for their next login instead of being
/// written to a connection that is closing. The session's token stops
/// working: logging out on a shared lab machine leaves nothing behind.
pub(super) async fn apply(session: &mut Session) -> Outcome {
    let Some(user) = &session.user else {
        return Ok(Answer::reply(Reply::Bye).then_close());
    };
    let deleted = session
        .shared
        .hub
        .leave_server(&user.login, &session.outbox);
    if let Some(cluster) = &session.shared.cluster {
        cluster
            .rooms_deleted(deleted, MoveReason::CreatorLeft)
            .await;
    }
    let revoked = session
        .shared
        .accounts
        .revoke_token(user.token.clone(), Revocation::Logout)
        .await;
    if let Err(e) = revoked {
        tracing::error!(peer = %session.peer, "could not revoke the session token at logout: {e}");
    }
    Ok(Answer::reply(Reply::Bye).then_close())
}
