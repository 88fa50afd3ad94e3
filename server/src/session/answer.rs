//! Turning a line into its answer: at once for most requests, through an
//! `async` call only for those that wait (bcrypt, the database, files).

use tertulia_shared::codec::{DecodeError, decode_request};
use tertulia_shared::{ClientRequest, ErrorBody, Reply, RequestId, ServerMessage};

use super::Session;
use crate::cmd::{self, Waiting};

/// A request that waits, with the id its answer carries.
pub(super) type Later = Box<(Option<RequestId>, Waiting)>;

impl Session {
    /// Answers one line at once if it can: a reply or an error, always
    /// exactly one. A request that waits comes back, for [`Self::answer_later`].
    pub(super) fn answer_now(&mut self, line: &str) -> Result<ServerMessage, Later> {
        match decode_request(line) {
            Err(DecodeError { id, error }) => {
                tracing::debug!(peer = %self.peer, "malformed request: {:?}", error.message);
                Ok(ServerMessage::Error { id, error })
            }
            Ok(ClientRequest { id, request }) => match cmd::apply_now(self, request) {
                Ok(result) => Ok(self.answer(id, result)),
                Err(waiting) => Err(Box::new((id, waiting))),
            },
        }
    }

    /// Answers a request that waits (see [`Self::answer_now`]).
    pub(super) async fn answer_later(&mut self, waiting: Later) -> ServerMessage {
        let (id, waiting) = *waiting;
        let result = cmd::apply_later(self, waiting).await;
        self.answer(id, result)
    }

    fn answer(&self, id: Option<RequestId>, result: Result<Reply, ErrorBody>) -> ServerMessage {
        match result {
            Ok(result) => ServerMessage::Reply { id, result },
            Err(error) => {
                tracing::debug!(peer = %self.peer, code = ?error.code, "request refused: {:?}", error.message);
                ServerMessage::Error { id, error }
            }
        }
    }
}
