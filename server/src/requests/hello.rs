use tertulia_shared::{ErrorBody, ErrorCode, PROTOCOL_VERSION, Reply, validate};

use super::answer::{Answer, Outcome};
use crate::session::Session;

/// `hello`: the version handshake. A mismatch is refused and the connection closed.
pub(super) fn apply(session: &mut Session, version: u32, client: &str) -> Outcome {
    if session.greeted {
        return Err(ErrorBody::new(
            ErrorCode::AlreadyGreeted,
            "hello was already accepted on this connection.",
        ));
    }
    if version != PROTOCOL_VERSION {
        let refusal = ErrorBody::new(
            ErrorCode::UnsupportedVersion,
            format!(
                "This server speaks protocol version {PROTOCOL_VERSION}; the client speaks version {version}. Update the older one."
            ),
        );
        return Ok(Answer::refused(refusal).then_close());
    }
    validate::client_name(client)?;
    session.greeted = true;
    tracing::debug!(peer = %session.peer, client = ?client, "hello");
    Ok(Answer::reply(Reply::Welcome {
        version: PROTOCOL_VERSION,
        server: session.shared.config.server_name.clone(),
        default_room: session.shared.config.default_room.clone(),
        server_time_ms: crate::now_ms(),
        node: session
            .shared
            .cluster
            .as_ref()
            .map(|cluster| cluster.node().to_owned()),
    }))
}
