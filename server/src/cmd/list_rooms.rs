use tertulia_shared::{ErrorBody, Reply};

use crate::session::Session;

/// `list_rooms` (`#lR`): every room with its participant count and creator.
pub(super) fn apply(session: &mut Session) -> Result<Reply, ErrorBody> {
    session.logged_in()?;
    Ok(Reply::RoomList {
        rooms: session.shared.hub.list_rooms(),
    })
}
