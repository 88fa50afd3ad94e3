use tertulia_shared::{ErrorBody, Reply};

use crate::session::{Limited, Session};

/// `delete_room` (`#dR`): only the creator may; members go to the default room.
pub(super) fn apply(session: &mut Session, room: &str) -> Result<Reply, ErrorBody> {
    let login = session.logged_in()?;
    session.within(Limited::RoomChanges)?;
    let room = session.shared.hub.delete_room(&login, room)?;
    tracing::info!(%login, room = ?room, "room deleted");
    Ok(Reply::RoomDeleted { room })
}
