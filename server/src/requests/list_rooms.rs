use tertulia_shared::Reply;

use super::answer::{Answer, Outcome};
use crate::session::Session;

/// `list_rooms` (`#lR`): one page of rooms with participant counts and creators.
pub(super) fn apply(session: &mut Session, after: Option<&str>) -> Outcome {
    session.logged_in()?;
    let (rooms, next) = session.shared.hub.list_rooms(after);
    Ok(Answer::reply(Reply::RoomList { rooms, next }))
}
