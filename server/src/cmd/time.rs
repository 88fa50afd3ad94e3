use tertulia_shared::Reply;

/// `time`: the server's clock, for Cristian's algorithm on the client.
pub(super) fn apply() -> Reply {
    Reply::Time {
        server_time_ms: crate::now_ms(),
    }
}
