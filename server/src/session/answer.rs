//! Turning a line into its answer: decoded here (a malformed line is
//! refused at once), applied by `requests::apply`, written back as one line.

use bytes::Bytes;
use tertulia_shared::codec::{DecodeError, decode_request, encode};
use tertulia_shared::{ClientRequest, ErrorBody, Reply, RequestId, ServerMessage};

use super::Session;
use crate::requests::{self, Answer};

pub(super) use crate::requests::Step;

/// Applies the request on `line`: exactly one answer for each line, with
/// the id it carries back.
pub(super) fn answer_line(session: &mut Session, line: &str) -> (Option<RequestId>, Step) {
    match decode_request(line) {
        Err(DecodeError { id, error }) => {
            tracing::debug!(peer = %session.peer, "malformed request: {:?}", error.message);
            (id, Step::Now(Answer::refused(error)))
        }
        Ok(ClientRequest { id, request }) => (id, requests::apply(session, request)),
    }
}

/// The line that answers request `id`.
pub(super) fn reply_line(
    session: &Session,
    id: Option<RequestId>,
    result: Result<Reply, ErrorBody>,
) -> Bytes {
    encode(&match result {
        Ok(result) => ServerMessage::Reply { id, result },
        Err(error) => {
            tracing::debug!(peer = %session.peer, code = ?error.code, "request refused: {:?}", error.message);
            ServerMessage::Error { id, error }
        }
    })
}
