use tertulia_shared::{MessageId, Reply};

use super::answer::{Answer, Outcome};
use crate::history::{Page, unreadable};
use crate::session::Session;

/// `history`: one page of a room's stored messages. Rooms are public, so
/// any logged-in user may read any existing room's history.
pub(super) async fn apply(
    session: &mut Session,
    room: String,
    before_id: Option<MessageId>,
    after_id: Option<MessageId>,
) -> Outcome {
    session.logged_in()?;
    let page = Page::asked(before_id, after_id)?;
    let (room_key, room, first_id) = session.shared.hub.history_of(&room)?;
    let log = &session.shared.log;
    // Every message given out so far is readable before the read.
    let _ = log.stored(session.shared.hub.last_id()).await;
    let (messages, more) = log
        .room_page(room_key, room.clone(), page, first_id)
        .await
        .map_err(unreadable)?;
    Ok(Answer::reply(Reply::History {
        room,
        messages,
        more,
    }))
}
