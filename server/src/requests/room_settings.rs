use crate::rooms::Change;
use tertulia_shared::Reply;

use super::answer::{Answer, Outcome};
use super::staff::staff;
use crate::accounts::LOBBY_ANNOUNCE_SETTING;
use crate::session::Session;

/// `room_settings`: staff make a room an announcement room (only staff
/// write there) or an ordinary one again; everyone online hears it. The
/// default room's setting is kept across restarts (other rooms are not).
pub(super) async fn apply(session: &mut Session, room: String, announce: bool) -> Outcome {
    let (actor, _) = staff(session)?;
    let (room, is_default) = session.shared.hub.set_announce(&room, announce)?;
    let told = room.clone();
    let change = || Change::Announce {
        room: told,
        announce,
    };
    session.shared.tell_others(change).await;
    let accounts = &session.shared.accounts;
    let value = if announce { "on" } else { "off" };
    if is_default {
        accounts
            .set_setting(LOBBY_ANNOUNCE_SETTING, value.to_owned())
            .await?;
    }
    let detail = Some(format!("announce {value}"));
    accounts
        .record_action(actor.clone(), "room_settings", Some(room.clone()), detail)
        .await?;
    tracing::info!(peer = %session.peer, %actor, %room, announce, "room settings");
    Ok(Answer::reply(Reply::RoomSettings { room, announce }))
}
