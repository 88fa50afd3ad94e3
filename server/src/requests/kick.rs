use crate::rooms::Change;
use tertulia_shared::{ErrorBody, ErrorCode, Event, Reply};

use super::answer::{Answer, Outcome};
use super::ban::check_reason;
use super::staff::staff;
use crate::session::Session;

/// `kick`: staff over a lower role close someone's session, telling them
/// who and why (`kicked`); they may log in again. Recorded in the audit log.
pub(super) async fn apply(session: &mut Session, login: String, reason: String) -> Outcome {
    let (actor, actor_role) = staff(session)?;
    let reason = reason.trim().to_owned();
    check_reason(&reason)?;
    let accounts = &session.shared.accounts;
    let reason_kept = Some(reason.clone());
    let login = accounts
        .record_moderation((actor.clone(), actor_role), login, "kick", reason_kept)
        .await?;
    let kicked = Event::Kicked {
        by: actor.clone(),
        reason,
        banned: false,
    };
    // On this node or another of the cluster.
    if !session.shared.hub.online_anywhere(&login) {
        return Err(ErrorBody::new(
            ErrorCode::UserOffline,
            format!("{login} is not online."),
        ));
    }
    session.shared.hub.disconnect(&login, kicked.clone());
    let target = login.clone();
    let change = || Change::Disconnect {
        login: target,
        event: kicked,
    };
    session.shared.tell_others(change).await;
    tracing::info!(peer = %session.peer, %actor, %login, "kicked");
    Ok(Answer::reply(Reply::Kicked { login }))
}
