//! What a request handler returns: its reply and what the session must do about it.

use tertulia_shared::{ErrorBody, MessageId, Reply};

/// What a request did: its reply (or why it was refused) and what the
/// session must do about it.
#[derive(Debug)]
pub(crate) struct Answer {
    pub result: Result<Reply, ErrorBody>,
    /// The reply promises that this message is stored: it is held until it is.
    pub stored: Option<MessageId>,
    /// File bytes the request moved: charged to the transfer rate instead
    /// of one request to the request rate.
    pub file_bytes: Option<usize>,
    /// The connection closes after the reply (`logout`, a refused `hello`).
    pub close: bool,
}

impl Answer {
    pub fn reply(reply: impl Into<Reply>) -> Answer {
        Answer {
            result: Ok(reply.into()),
            stored: None,
            file_bytes: None,
            close: false,
        }
    }

    pub fn refused(error: ErrorBody) -> Answer {
        Answer {
            result: Err(error),
            stored: None,
            file_bytes: None,
            close: false,
        }
    }

    /// The reply waits until message `id` (if any) is stored.
    pub fn when_stored(self, id: impl Into<Option<MessageId>>) -> Answer {
        Answer {
            stored: id.into(),
            ..self
        }
    }

    /// The request moved `bytes` of a file.
    pub fn transferred(self, bytes: usize) -> Answer {
        Answer {
            file_bytes: Some(bytes),
            ..self
        }
    }

    /// The connection closes after this answer.
    pub fn then_close(self) -> Answer {
        Answer {
            close: true,
            ..self
        }
    }
}

/// What a handler's `apply` returns: an answer, or the refusal as an error
/// so that `?` can refuse.
pub(crate) type Outcome = Result<Answer, ErrorBody>;
