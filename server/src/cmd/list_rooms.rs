use tertulia_shared::{ErrorBody, Reply};

use crate::session::Session;

/// `list_rooms` (`#lR`): one page of rooms with participant counts and creators.
pub(super) fn apply(session: &mut Session, after: Option<&str>) -> Result<Reply, ErrorBody> {
    session.logged_in()?;
    let (rooms, next) = session.shared.hub.list_rooms(after);
    Ok(Reply::RoomList { rooms, next })
}
