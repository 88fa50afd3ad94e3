use tertulia_shared::{ErrorBody, ErrorCode, MessageId, Reply};

use super::answer::{Answer, Outcome};
use super::staff::staff;
use crate::accounts::forbidden;
use crate::history::{Entry, unreadable};
use crate::rooms::Seen;
use crate::session::Session;

fn not_found(id: MessageId) -> ErrorBody {
    ErrorBody::new(
        ErrorCode::MessageNotFound,
        format!("There is no message {id} (it may be older than the server keeps)."),
    )
}

/// `delete_message`: staff delete a message of a lower role, or their own.
/// The text goes to the audit record first, then the log forgets it (in
/// the writer's order, after the message itself) and whoever saw the
/// message hears `message_deleted`.
pub(super) async fn apply(session: &mut Session, id: MessageId) -> Outcome {
    let (actor, role) = staff(session)?;
    let shared = &session.shared;
    if id == 0 || id > shared.hub.last_id() {
        return Err(not_found(id));
    }
    // A message delivered a moment ago may still be on its way to the disk.
    let _ = shared.log.stored(id).await;
    let found = shared
        .log
        .find(id)
        .await
        .map_err(unreadable)?
        .ok_or_else(|| not_found(id))?;
    if found.deleted {
        return Ok(Answer::reply(Reply::MessageDeleted { message: id }));
    }
    if found.from != actor {
        let author = shared.accounts.role(found.from.clone()).await?;
        if !role.outranks(author) {
            return Err(forbidden());
        }
    }
    let (seen, place) = match (found.room_key, found.to) {
        (Some(room_key), _) => (
            Seen::Room {
                room_key: room_key.clone(),
            },
            room_key,
        ),
        (None, to) => {
            let to = to.unwrap_or_default();
            let place = format!("private to {to}");
            (
                Seen::Private {
                    from: found.from.clone(),
                    to,
                },
                place,
            )
        }
    };
    let detail = Some(format!("message {id} ({place}): {}", found.text));
    shared
        .accounts
        .record_action(actor.clone(), "delete_message", Some(found.from), detail)
        .await?;
    shared
        .log
        .append(Entry::Delete {
            id,
            by: actor.clone(),
        })
        .map_err(|_| {
            ErrorBody::new(
                ErrorCode::Busy,
                "The server is saving messages more slowly than they arrive; try again.",
            )
            .retry_after(std::time::Duration::from_secs(1))
        })?;
    shared.hub.message_deleted(id, &seen, &actor);
    tracing::info!(peer = %session.peer, %actor, id, "message deleted");
    Ok(Answer::reply(Reply::MessageDeleted { message: id }))
}
