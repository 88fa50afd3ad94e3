use tertulia_shared::Reply;

use super::answer::{Answer, Outcome};
use crate::session::{Limited, Session};

/// `delete_room` (`#dR`): only the creator may; members go to the default room.
pub(super) fn apply(session: &mut Session, room: &str) -> Outcome {
    let login = session.logged_in()?;
    session.within(Limited::RoomChanges)?;
    let room = session.shared.hub.delete_room(&login, room)?;
    tracing::info!(%login, room = ?room, "room deleted");
    Ok(Answer::reply(Reply::RoomDeleted { room }))
}
