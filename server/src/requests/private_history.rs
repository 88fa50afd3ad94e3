use tertulia_shared::validate::fold;
use tertulia_shared::{MessageId, Reply};

use super::answer::{Answer, Outcome};
use crate::history::{Page, unreadable};
use crate::session::Session;

/// `private_history`: one page of the private messages this user sent or
/// received (catching up after a reconnection, or scrolling back).
pub(super) async fn apply(
    session: &mut Session,
    before_id: Option<MessageId>,
    after_id: Option<MessageId>,
) -> Outcome {
    let login = session.logged_in()?;
    let page = Page::asked(before_id, after_id)?;
    let log = &session.shared.log;
    let _ = log.stored(session.shared.hub.last_id()).await;
    let (messages, more) = log
        .private_page(fold(&login), page)
        .await
        .map_err(unreadable)?;
    Ok(Answer::reply(Reply::PrivateHistory { messages, more }))
}
