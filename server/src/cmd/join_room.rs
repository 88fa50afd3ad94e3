use tertulia_shared::{ErrorBody, Reply};

use crate::session::Session;

/// `join_room` (`#gR`).
pub(super) fn apply(session: &mut Session, room: &str) -> Result<Reply, ErrorBody> {
    let login = session.logged_in()?;
    let (room, members) = session.shared.hub.join_room(&login, room)?;
    Ok(Reply::Joined { room, members })
}
