use tertulia_shared::{ErrorBody, ExportFormat, Field, Reply, TimestampMs};

use super::answer::{Answer, Outcome};
use super::staff::staff;
use crate::export;
use crate::files::work::off_thread;
use crate::history::unreadable;
use crate::session::Session;

/// Most messages in one export: a term of a busy class. A longer span is
/// exported in parts.
const MAX_MESSAGES: usize = 100_000;

/// `export_room`: staff get a room's messages stamped in `from_ms..to_ms`
/// as a CSV or HTML file, shared privately with them (a `private` message
/// to themselves, downloaded with `download_chunk` like any file); deleted messages are marked. Recorded
/// in the audit log.
pub(super) async fn apply(
    session: &mut Session,
    room: String,
    (from_ms, to_ms): (TimestampMs, TimestampMs),
    format: ExportFormat,
) -> Outcome {
    let (actor, _) = staff(session)?;
    if to_ms <= from_ms {
        return Err(ErrorBody::invalid_field(
            Field::Text,
            "The span's end must come after its start.",
        ));
    }
    let shared = &session.shared;
    let (key, name, first_id) = shared.hub.history_of(&room)?;
    // Everything said so far is in the span it belongs to.
    shared.log.flush().await;
    let messages = shared
        .log
        .span(key, name.clone(), (from_ms, to_ms), first_id, MAX_MESSAGES)
        .await
        .map_err(unreadable)?;
    let bytes = export::render(&name, &messages, format);
    let file_name = export::file_name(&name, &messages, format);
    let (files, limits, owner) = (shared.files.clone(), shared.config.files, actor.clone());
    let file = off_thread(move || files.keep_made(&owner, &file_name, &bytes, limits)).await?;
    // Also a private message to the asker: it stays in their notes to
    // self, to download again later.
    shared
        .send_private(
            &actor,
            &actor,
            None,
            file.name.clone(),
            (Some(file.clone()), None),
        )
        .await?;
    let detail = Some(format!(
        "{} messages as {}",
        messages.len(),
        format.extension()
    ));
    shared
        .accounts
        .record_action(actor.clone(), "export_room", Some(name.clone()), detail)
        .await?;
    tracing::info!(peer = %session.peer, %actor, room = %name, count = messages.len(), "room exported");
    Ok(Answer::reply(Reply::Exported {
        room: name,
        messages: messages.len(),
        file,
    }))
}
