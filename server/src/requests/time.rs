use tertulia_shared::Reply;

use super::answer::{Answer, Outcome};

/// `time`: the server's clock, for Cristian's algorithm on the client.
pub(super) fn apply() -> Outcome {
    Ok(Answer::reply(Reply::Time {
        server_time_ms: crate::now_ms(),
    }))
}
