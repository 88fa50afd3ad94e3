use tertulia_shared::{Reply, validate};

use super::answer::{Answer, Outcome};
use crate::session::{Limited, Session};

/// `private` (`#\private`): to any registered user, whatever room either is
/// in. Delivered at once if they are online, at their next login if not
/// (the rules are `Services::send_private`, shared with files sent to one
/// person); the reply waits until the message is stored.
pub(super) async fn apply(session: &mut Session, to: String, text: String) -> Outcome {
    let from = session.logged_in()?;
    let text = validate::line_breaks(text);
    validate::message(&text)?;
    session.within(Limited::Privates)?;
    let sent = session
        .shared
        .send_private(&from, &to, None, text, None)
        .await?;
    let id = sent.message.id;
    Ok(Answer::reply(Reply::PrivateSent {
        message: sent.message,
        queued: sent.queued,
    })
    .when_stored(id))
}
