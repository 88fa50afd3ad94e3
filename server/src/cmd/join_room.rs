use tertulia_shared::{ErrorBody, Reply};

use crate::session::Session;

/// `join_room` (`#gR`).
pub(super) fn apply(session: &mut Session, room: &str) -> Result<Reply, ErrorBody> {
    let login = session.logged_in()?;
    Session::within(&mut session.buckets.rooms, "room changes")?;
    Ok(session.shared.hub.join_room(&login, room)?.into())
}
