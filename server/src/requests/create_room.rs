use tertulia_shared::{ErrorBody, ErrorCode, validate};

use super::answer::{Answer, Outcome};
use crate::session::{Limited, Session};

/// `create_room` (`#cR`): the creator is moved into the new room. The name
/// is stored in NFC; names that break the rules, or look like an existing
/// room's, are refused; with `--rooms-by teachers`, so are students.
pub(super) fn apply(session: &mut Session, room: &str) -> Outcome {
    let (login, room) = permitted(session, room)?;
    let max_owned = session.shared.config.max_rooms_per_user;
    let view = session
        .shared
        .hub
        .create_room(&login, &room, max_owned, None)?;
    tracing::info!(%login, room = ?view.room, "room created");
    Ok(Answer::reply(view))
}

/// `create_room` on a node of a cluster: the name is claimed in PostgreSQL
/// first (of two nodes making it at once, one wins), the room delivers its
/// messages in order from the last one stored under its name, and the
/// other nodes are told (see `crate::cluster`).
pub(super) async fn clustered(session: &mut Session, room: String) -> Outcome {
    let Some(cluster) = session.shared.cluster.clone() else {
        return apply(session, &room);
    };
    let (login, room) = permitted(session, &room)?;
    let max_owned = session.shared.config.max_rooms_per_user;
    let hub = &session.shared.hub;
    hub.may_create_room(&login, &room, max_owned)?;
    let last_id = match cluster.claim_room(&room, &login).await? {
        Ok(last_id) => last_id,
        Err(holder) => return Err(crate::cluster::name_taken(&room, &holder)),
    };
    let view = match hub.create_room(&login, &room, max_owned, Some(last_id)) {
        Ok(view) => view,
        Err(refused) => {
            cluster.unclaim_room(&room).await;
            return Err(refused);
        }
    };
    cluster.room_created(&room, &login, last_id).await;
    tracing::info!(%login, room = ?view.room, "room created");
    Ok(Answer::reply(view))
}

/// Who may make the room, and its name as stored: refused names, students
/// where only staff make rooms, and a caller past their allowance.
fn permitted(session: &mut Session, room: &str) -> Result<(String, String), ErrorBody> {
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
    Ok((login, room))
}
