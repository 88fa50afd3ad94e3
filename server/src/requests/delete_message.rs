use crate::rooms::Change;
use tertulia_shared::validate::fold;
use tertulia_shared::{ErrorBody, ErrorCode, MessageId, Reply};

use super::answer::{Answer, Outcome};
use super::staff::staff;
use crate::accounts::forbidden;
use crate::history::Entry;
use crate::rooms::Seen;
use crate::session::Session;

/// The log's queue is full: the disk is slower than the chat.
pub(super) fn log_busy() -> ErrorBody {
    ErrorBody::new(
        ErrorCode::Busy,
        "The server is saving messages more slowly than they arrive; try again.",
    )
    .retry_after(std::time::Duration::from_secs(1))
}

/// `delete_message`: the author deletes their own message; staff delete a
/// message of a lower role too, and then its text goes to the audit record
/// first. The log forgets the text (in the writer's order, after the
/// message itself) and whoever saw the message hears `message_deleted`.
pub(super) async fn apply(session: &mut Session, id: MessageId) -> Outcome {
    let login = session.logged_in()?;
    let shared = &session.shared;
    let found = shared.original(id).await?;
    if found.deleted {
        return Ok(Answer::reply(Reply::MessageDeleted { message: id }));
    }
    let own = fold(&found.from) == fold(&login);
    if own {
        // Someone else's private message is not theirs to delete, but a
        // private message they sent is.
        shared.hub.check_not_muted(&login)?;
    } else {
        let (_, role) = staff(session)?;
        let author = shared.accounts.role(found.from.clone()).await?;
        if !role.outranks(author) {
            return Err(forbidden());
        }
        let place = match (&found.room_key, &found.to) {
            (Some(room_key), _) => room_key.clone(),
            (None, to) => format!("private to {}", to.as_deref().unwrap_or_default()),
        };
        let detail = Some(format!("message {id} ({place}): {}", found.text));
        shared
            .accounts
            .record_action(
                login.clone(),
                "delete_message",
                Some(found.from.clone()),
                detail,
            )
            .await?;
    }
    shared
        .log
        .append(Entry::Delete {
            id,
            by: login.clone(),
        })
        .map_err(|_| log_busy())?;
    // Answered once stored: whoever reads history after the answer reads
    // the change.
    shared.log.flush().await;
    let seen = Seen::of(found);
    shared.hub.message_deleted(id, &seen, &login);
    let by = login.clone();
    let change = || Change::MessageDeleted { id, seen, by };
    shared.tell_others(change).await;
    tracing::info!(peer = %session.peer, %login, id, own, "message deleted");
    Ok(Answer::reply(Reply::MessageDeleted { message: id }))
}
