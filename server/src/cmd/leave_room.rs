use tertulia_shared::{ErrorBody, Reply};

use crate::session::{Limited, Session};

/// `leave_room` (`#eR`): back to the default room; no effect when already there.
pub(super) fn apply(session: &mut Session) -> Result<Reply, ErrorBody> {
    let login = session.logged_in()?;
    session.within(Limited::RoomChanges)?;
    let (view, changed) = session.shared.hub.leave_room(&login)?;
    let (history, history_more) = match changed {
        true => (view.history, view.history_more),
        false => (Vec::new(), false),
    };
    Ok(Reply::Left {
        room: view.room,
        changed,
        history,
        history_more,
    })
}
