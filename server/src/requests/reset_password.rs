use tertulia_shared::Reply;

use super::answer::{Answer, Outcome};
use super::staff::staff;
use crate::session::Session;

/// `reset_password`: teachers for students, admins for anyone. The account
/// gets a one-time password, its session tokens are revoked, and its next
/// login must choose a new password; recorded in the audit log. The
/// password is in the reply only, never in the server's log.
pub(super) async fn apply(session: &mut Session, login: String) -> Outcome {
    let (actor, role) = staff(session)?;
    let (login, password) = session
        .shared
        .accounts
        .reset_password((actor.clone(), role), login)
        .await?;
    tracing::info!(peer = %session.peer, %actor, %login, "password reset");
    Ok(Answer::reply(Reply::PasswordReset { login, password }))
}
