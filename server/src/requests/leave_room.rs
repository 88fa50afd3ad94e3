use tertulia_shared::Reply;

use super::answer::{Answer, Outcome};
use crate::session::{Limited, Session};

/// `leave_room` (`#eR`): back to the default room; no effect when already there.
pub(super) fn apply(session: &mut Session) -> Outcome {
    let login = session.logged_in()?;
    session.within(Limited::RoomChanges)?;
    let (view, changed) = session.shared.hub.leave_room(&login)?;
    let (history, history_more) = match changed {
        true => (view.history, view.history_more),
        false => (Vec::new(), false),
    };
    Ok(Answer::reply(Reply::Left {
        room: view.room,
        changed,
        announce: view.announce,
        history,
        history_more,
    }))
}
