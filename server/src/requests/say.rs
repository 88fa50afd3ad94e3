use tertulia_shared::{MessageId, QUOTE_MAX_CHARS, Quote, Reply, truncate_chars, validate};

use super::answer::{Answer, Outcome};
use crate::rooms::Answering;
use crate::session::{Limited, Session};

/// `say`: a message for everyone in the sender's room, the sender included.
/// Delivered at once; the reply waits until the message is stored.
pub(super) fn apply(session: &mut Session, text: String, reply_to: Option<Answering>) -> Outcome {
    let login = session.logged_in()?;
    let text = validate::line_breaks(text);
    validate::message(&text)?;
    session.within(Limited::Messages)?;
    let message = session.shared.hub.say(&login, text, reply_to)?;
    let id = message.id;
    Ok(Answer::reply(Reply::Sent { message }).when_stored(id))
}

/// `say` with `reply_to`: the original is read first (it may be older
/// than the room's latest messages), then the reply is said as any
/// message; the hub checks that the original is of the sender's room.
pub(super) async fn answering(session: &mut Session, text: String, id: MessageId) -> Outcome {
    session.logged_in()?;
    let found = session.shared.original(id).await?;
    let answering = Answering {
        // A private message is in no room: refused as another room's.
        room_key: found.room_key.unwrap_or_default(),
        quote: quote(id, found.from, &found.text),
    };
    apply(session, text, Some(answering))
}

/// `say` on a node of a cluster: PostgreSQL numbers and stores the
/// message, then it is delivered here and on the other nodes; the reply
/// goes once it is stored, as ever.
pub(super) async fn clustered(
    session: &mut Session,
    text: String,
    reply_to: Option<MessageId>,
) -> Outcome {
    let login = session.logged_in()?;
    let answering = match reply_to {
        Some(id) => {
            let found = session.shared.original(id).await?;
            Some(Answering {
                room_key: found.room_key.unwrap_or_default(),
                quote: quote(id, found.from, &found.text),
            })
        }
        None => None,
    };
    let text = validate::line_breaks(text);
    validate::message(&text)?;
    session.within(Limited::Messages)?;
    let message = session
        .shared
        .post_in_cluster(&login, None, text, None, answering)
        .await?;
    Ok(Answer::reply(Reply::Sent { message }))
}

/// The start of the original's text, as a reply carries it.
pub(super) fn quote(id: MessageId, from: String, text: &str) -> Box<Quote> {
    Box::new(Quote {
        id,
        from,
        text: truncate_chars(text, QUOTE_MAX_CHARS),
    })
}
