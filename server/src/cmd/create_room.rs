use tertulia_shared::{ErrorBody, Reply, validate};

use crate::session::Session;

/// `create_room` (`#cR`): the creator is moved into the new room.
pub(super) fn apply(session: &mut Session, room: &str) -> Result<Reply, ErrorBody> {
    let login = session.logged_in()?;
    validate::room(room)?;
    let (room, members) = session.shared.hub.create_room(&login, room)?;
    tracing::info!(%login, %room, "room created");
    Ok(Reply::Joined { room, members })
}
