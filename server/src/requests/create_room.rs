use tertulia_shared::{ErrorBody, ErrorCode, validate};

use super::answer::{Answer, Outcome};
use crate::session::{Limited, Session};

/// `create_room` (`#cR`): the creator is moved into the new room. The name
/// is stored in NFC; names that break the rules, or look like an existing
/// room's, are refused; with `--rooms-by teachers`, so are students.
pub(super) fn apply(session: &mut Session, room: &str) -> Outcome {
    let login = session.logged_in()?;
    if session.shared.config.rooms_by_staff
        && !session
            .shared
            .hub
            .role_of(&login)
            .is_some_and(|role| role.is_staff())
    {
        return Err(ErrorBody::new(
            ErrorCode::Forbidden,
            "On this server only teachers and admins create rooms.",
        ));
    }
    // Counted first: a refused name uses up the allowance like any room
    // request (PROTOCOL.md, rate limits).
    session.within(Limited::RoomChanges)?;
    let room = validate::normalize_room(room);
    validate::room(&room)?;
    let max_owned = session.shared.config.max_rooms_per_user;
    let view = session.shared.hub.create_room(&login, &room, max_owned)?;
    tracing::info!(%login, room = ?view.room, "room created");
    Ok(Answer::reply(view))
}

/// `create_room` on a node of a cluster: the room delivers its messages in
/// order from the last one stored under its name (see `crate::cluster`).
pub(super) async fn clustered(session: &mut Session, room: String) -> Outcome {
    let Some(cluster) = session.shared.cluster.clone() else {
        return apply(session, &room);
    };
    let key = crate::rooms::room_key(&validate::normalize_room(&room));
    let last_id = cluster.last_id(key.to_string()).await?;
    let answer = apply(session, &room)?;
    session.shared.hub.start_delivery(&key, last_id);
    Ok(answer)
}
