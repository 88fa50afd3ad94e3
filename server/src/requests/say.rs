use tertulia_shared::{Reply, validate};

use super::answer::{Answer, Outcome};
use crate::session::{Limited, Session};

/// `say`: a message for everyone in the sender's room, the sender included.
/// Delivered at once; the reply waits until the message is stored.
pub(super) fn apply(session: &mut Session, text: String) -> Outcome {
    let login = session.logged_in()?;
    let text = validate::line_breaks(text);
    validate::message(&text)?;
    session.within(Limited::Messages)?;
    let message = session.shared.hub.say(&login, text)?;
    let id = message.id;
    Ok(Answer::reply(Reply::Sent { message }).when_stored(id))
}
