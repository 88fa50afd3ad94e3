use super::answer::{Answer, Outcome};
use crate::session::{Limited, Session};

/// `join_room` (`#gR`).
pub(super) fn apply(session: &mut Session, room: &str) -> Outcome {
    let login = session.logged_in()?;
    session.within(Limited::RoomChanges)?;
    Ok(Answer::reply(session.shared.hub.join_room(&login, room)?))
}
