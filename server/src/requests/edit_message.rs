use crate::rooms::Change;
use tertulia_shared::validate::fold;
use tertulia_shared::{ErrorBody, ErrorCode, MessageId, Reply, validate};

use super::answer::{Answer, Outcome};
use crate::history::Entry;
use crate::rooms::Seen;
use crate::session::{Limited, Session};

/// `edit_message`: the author changes their message's text. Stored after
/// the message itself (the log's writer keeps the order), shown at once in
/// the room's latest messages, and told to whoever saw it
/// (`message_edited`); history gives the new text, marked edited.
pub(super) async fn apply(session: &mut Session, id: MessageId, text: String) -> Outcome {
    let login = session.logged_in()?;
    let text = validate::line_breaks(text);
    validate::message(&text)?;
    session.within(Limited::Messages)?;
    let shared = &session.shared;
    shared.hub.check_not_muted(&login)?;
    let found = shared.original(id).await?;
    if fold(&found.from) != fold(&login) {
        return Err(ErrorBody::new(
            ErrorCode::Forbidden,
            "Only its author can edit a message.",
        ));
    }
    if found.deleted || found.file {
        return Err(ErrorBody::new(
            ErrorCode::MessageNotFound,
            format!("Message {id} was deleted, or shares a file: there is no text to edit."),
        ));
    }
    shared
        .log
        .append(Entry::Edit {
            id,
            text: text.clone(),
        })
        .map_err(|_| super::delete_message::log_busy())?;
    // Answered once stored: whoever reads history after the answer reads
    // the change.
    shared.log.flush().await;
    let seen = Seen::of(found);
    shared.hub.message_edited(id, &seen, text.clone());
    let change = || Change::MessageEdited { id, seen, text };
    shared.tell_others(change).await;
    Ok(Answer::reply(Reply::MessageEdited { message: id }))
}
