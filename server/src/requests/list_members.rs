use tertulia_shared::Reply;

use super::answer::{Answer, Outcome};
use crate::session::Session;

/// `list_members`: one page of a room's members, for rooms too full to list
/// in one `joined` line.
pub(super) fn apply(session: &mut Session, room: &str, after: Option<&str>) -> Outcome {
    session.logged_in()?;
    let (room, members, staff, next) = session.shared.hub.list_members(room, after)?;
    Ok(Answer::reply(Reply::MemberList {
        room,
        members,
        staff,
        next,
    }))
}
