use tertulia_shared::{ErrorBody, Reply, validate};

use crate::session::{Limited, Session};

/// `say`: a message for everyone in the sender's room, the sender included.
/// Delivered at once; the reply waits until the message is stored.
pub(super) fn apply(session: &mut Session, text: String) -> Result<Reply, ErrorBody> {
    let login = session.logged_in()?;
    validate::message(&text)?;
    session.within(Limited::Messages)?;
    let message = session.shared.hub.say(&login, text)?;
    session.reply_when_stored(message.id);
    Ok(Reply::Sent { message })
}
