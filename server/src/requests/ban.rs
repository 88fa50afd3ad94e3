use crate::rooms::Change;
use tertulia_shared::{ErrorBody, Event, Field, Reply};

use super::answer::{Answer, Outcome};
use super::staff::staff;
use crate::session::Session;

/// `ban` (with `Some(reason)`) and `unban`: staff over a lower role. A ban
/// revokes the account's session tokens, closes its online session with a
/// `kicked` event, and refuses its logins with `banned`; both are recorded
/// in the audit log.
pub(super) async fn apply(session: &mut Session, login: String, reason: Option<String>) -> Outcome {
    let (actor, actor_role) = staff(session)?;
    let reason = reason.map(|r| r.trim().to_owned());
    if let Some(reason) = reason.as_deref() {
        check_reason(reason)?;
    }
    let accounts = &session.shared.accounts;
    let banning = reason.is_some();
    let login = accounts
        .set_ban((actor.clone(), actor_role), login, reason.clone())
        .await?;
    if let Some(reason) = reason {
        let event = Event::Kicked {
            by: actor.clone(),
            reason,
            banned: true,
        };
        let online = session.shared.hub.online_anywhere(&login);
        session.shared.hub.disconnect(&login, event.clone());
        let target = login.clone();
        let change = || Change::Disconnect {
            login: target,
            event,
        };
        session.shared.tell_others(change).await;
        tracing::info!(peer = %session.peer, %actor, %login, online, "banned");
    } else {
        tracing::info!(peer = %session.peer, %actor, %login, "unbanned");
    }
    Ok(Answer::reply(Reply::BanSet {
        login,
        banned: banning,
    }))
}

/// A moderator's reason is shown to the person, in an event or an error:
/// at most as long as an error's message.
pub(super) fn check_reason(reason: &str) -> Result<(), ErrorBody> {
    if reason.chars().count() > tertulia_shared::ERROR_MESSAGE_MAX_CHARS {
        return Err(ErrorBody::invalid_field(
            Field::Text,
            format!(
                "A reason has at most {} characters.",
                tertulia_shared::ERROR_MESSAGE_MAX_CHARS
            ),
        ));
    }
    Ok(())
}
