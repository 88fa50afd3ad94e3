use tertulia_shared::{MoveReason, Reply};

use super::answer::{Answer, Outcome};
use crate::rooms::room_key;
use crate::session::{Limited, Session};

/// `delete_room` (`#dR`): only the creator may; members go to the default
/// room. In a cluster the room leaves PostgreSQL before the reply, and the
/// other nodes move their members out.
pub(super) async fn apply(session: &mut Session, room: String) -> Outcome {
    let login = session.logged_in()?;
    session.within(Limited::RoomChanges)?;
    let room = session.shared.hub.delete_room(&login, &room)?;
    if let Some(cluster) = &session.shared.cluster {
        cluster
            .rooms_deleted(vec![room_key(&room)], MoveReason::RoomDeleted)
            .await;
    }
    tracing::info!(%login, room = ?room, "room deleted");
    Ok(Answer::reply(Reply::RoomDeleted { room }))
}
