use crate::rooms::Change;
use tertulia_shared::{ErrorBody, Event, Field, Reply};

use super::answer::{Answer, Outcome};
use super::ban::check_reason;
use super::staff::staff;
use crate::session::Session;

/// Longest mute: a school week. Longer is what `ban` is for.
const MAX_MINUTES: u32 = 7 * 24 * 60;

/// `mute` (with `Some((minutes, reason))`) and `unmute`: staff over a lower
/// role. Stored (a mute outlives a reconnection and a restart), applied
/// at once to an online session, which hears `muted` / `unmuted`, and
/// recorded in the audit log.
pub(super) async fn apply(
    session: &mut Session,
    login: String,
    mute: Option<(u32, String)>,
) -> Outcome {
    let (actor, role) = staff(session)?;
    let mute = match mute {
        Some((minutes, reason)) => {
            let reason = reason.trim().to_owned();
            check_reason(&reason)?;
            if !(1..=MAX_MINUTES).contains(&minutes) {
                return Err(ErrorBody::invalid_field(
                    Field::Text,
                    format!("A mute lasts from 1 to {MAX_MINUTES} minutes."),
                ));
            }
            Some((minutes, reason))
        }
        None => None,
    };
    let (login, muted) = session
        .shared
        .accounts
        .set_mute((actor.clone(), role), login, mute)
        .await?;
    let event = match &muted {
        Some(mute) => Event::Muted {
            by: actor.clone(),
            until_ms: mute.until_ms,
            reason: mute.reason.clone(),
        },
        None => Event::Unmuted { by: actor.clone() },
    };
    let until_ms = muted.as_ref().map(|m| m.until_ms);
    let online = session.shared.hub.online_anywhere(&login);
    session
        .shared
        .hub
        .set_mute(&login, muted.clone(), event.clone());
    let target = login.clone();
    let change = || Change::Mute {
        login: target,
        mute: muted,
        event,
    };
    session.shared.tell_others(change).await;
    tracing::info!(peer = %session.peer, %actor, %login, ?until_ms, online, "mute set");
    Ok(Answer::reply(Reply::MuteSet { login, until_ms }))
}
