use tertulia_shared::{ErrorBody, Reply};

use crate::session::{Limited, Session};

/// `join_room` (`#gR`).
pub(super) fn apply(session: &mut Session, room: &str) -> Result<Reply, ErrorBody> {
    let login = session.logged_in()?;
    session.within(Limited::RoomChanges)?;
    Ok(session.shared.hub.join_room(&login, room)?.into())
}
