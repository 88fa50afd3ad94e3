use tertulia_shared::Reply;

use super::answer::{Answer, Outcome};
use crate::session::Session;

/// `logout` (`#exit`): answers `bye`; the connection closes right after.
/// The user goes offline before the reply, so a private message sent to
/// them from then on is queued for their next login instead of being
/// written to a connection that is closing.
pub(super) fn apply(session: &mut Session) -> Outcome {
    if let Some(login) = &session.login {
        session.shared.hub.leave_server(login, &session.outbox);
    }
    Ok(Answer::reply(Reply::Bye).then_close())
}
