use crate::rooms::Change;
use tertulia_shared::validate::fold;
use tertulia_shared::{ErrorBody, ErrorCode, Field, MessageId, REACTIONS, Reply};

use super::answer::{Answer, Outcome};
use crate::history::unreadable;
use crate::rooms::Seen;
use crate::session::{Limited, Session};

/// `react`: toggles the user's `emoji` on a message of a room (rooms are
/// open to every account) or of their own conversations; whoever saw the
/// message hears its reactions, whole (`reactions`).
pub(super) async fn apply(session: &mut Session, id: MessageId, emoji: String) -> Outcome {
    let login = session.logged_in()?;
    if !REACTIONS.contains(&emoji.as_str()) {
        return Err(ErrorBody::invalid_field(
            Field::Text,
            format!("A reaction is one of {}.", REACTIONS.join(" ")),
        ));
    }
    session.within(Limited::Messages)?;
    let shared = &session.shared;
    let found = shared.original(id).await?;
    if found.deleted || (found.room_key.is_none() && !found.between(&fold(&login))) {
        return Err(ErrorBody::new(
            ErrorCode::MessageNotFound,
            format!("There is no message {id} you can react to."),
        ));
    }
    let reactions = shared
        .log
        .toggle_reaction(id, login, emoji)
        .await
        .map_err(unreadable)?;
    let seen = Seen::of(found);
    shared.hub.reactions_changed(id, &seen, reactions.clone());
    let told = reactions.clone();
    let change = || Change::Reactions {
        id,
        seen,
        reactions: told,
    };
    shared.tell_others(change).await;
    Ok(Answer::reply(Reply::Reacted {
        message: id,
        reactions,
    }))
}
