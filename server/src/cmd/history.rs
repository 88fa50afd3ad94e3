use tertulia_shared::{ErrorBody, ErrorCode, MessageId, Reply};

use crate::history::Page;
use crate::session::Session;

/// Which page `before_id` / `after_id` ask for.
pub(super) fn page(
    before_id: Option<MessageId>,
    after_id: Option<MessageId>,
) -> Result<Page, ErrorBody> {
    match (before_id, after_id) {
        (None, None) => Ok(Page::Latest),
        (Some(before), None) => Ok(Page::Before(before)),
        (None, Some(after)) => Ok(Page::After(after)),
        (Some(_), Some(_)) => Err(ErrorBody::new(
            ErrorCode::Malformed,
            "Give before_id or after_id, not both.",
        )),
    }
}

pub(super) fn unreadable(e: rusqlite::Error) -> ErrorBody {
    tracing::error!("reading the message log failed: {e}");
    ErrorBody::new(
        ErrorCode::Internal,
        "The server could not read its message history; try again.",
    )
}

/// `history`: one page of a room's stored messages. Rooms are public, so
/// any logged-in user may read any existing room's history.
pub(super) async fn apply(
    session: &mut Session,
    room: &str,
    before_id: Option<MessageId>,
    after_id: Option<MessageId>,
) -> Result<Reply, ErrorBody> {
    session.logged_in()?;
    let page = page(before_id, after_id)?;
    let (room_key, room, first_id) = session.shared.hub.history_of(room)?;
    let log = &session.shared.log;
    // Every message given out so far is readable before the read.
    let _ = log.stored(session.shared.hub.last_id()).await;
    let (messages, more) = log
        .room_page(room_key, room.clone(), page, first_id)
        .await
        .map_err(unreadable)?;
    Ok(Reply::History {
        room,
        messages,
        more,
    })
}
