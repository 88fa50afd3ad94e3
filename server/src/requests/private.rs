use tertulia_shared::validate::fold;
use tertulia_shared::{ErrorBody, ErrorCode, MessageId, Reply, validate};

use super::answer::{Answer, Outcome};
use super::say::quote;
use crate::session::{Limited, Session};

/// `private` (`#\private`): to any registered user, whatever room either is
/// in. Delivered at once if they are online, at their next login if not
/// (the rules are `Services::send_private`, shared with files sent to one
/// person); the reply waits until the message is stored. `reply_to` must
/// be a message of the same two people.
pub(super) async fn apply(
    session: &mut Session,
    to: String,
    text: String,
    reply_to: Option<MessageId>,
) -> Outcome {
    let from = session.logged_in()?;
    let text = validate::line_breaks(text);
    validate::message(&text)?;
    session.within(Limited::Privates)?;
    let reply_to = match reply_to {
        Some(id) => {
            let found = session.shared.original(id).await?;
            let ours = found.room_key.is_none()
                && found.between(&fold(&from))
                && found.between(&fold(&to));
            if !ours {
                return Err(ErrorBody::new(
                    ErrorCode::MessageNotFound,
                    format!(
                        "Message {id} is not of this conversation: a reply answers one of its own."
                    ),
                ));
            }
            Some(quote(id, found.from, &found.text))
        }
        None => None,
    };
    let sent = session
        .shared
        .send_private(&from, &to, None, text, (None, reply_to))
        .await?;
    let id = sent.message.id;
    Ok(Answer::reply(Reply::PrivateSent {
        message: Box::new(sent.message),
        queued: sent.queued,
    })
    .when_stored(id))
}
