//! Server settings that are not about storage (those belong to [`crate::accounts`]).

use std::time::Duration;

/// How the server behaves; `main` builds it from the command line, tests by hand.
#[derive(Debug, Clone)]
pub struct Config {
    /// Sent in `welcome` so clients can show which server they reached.
    pub server_name: String,
    /// The room every client lands in; it always exists and cannot be deleted.
    pub default_room: String,
    /// Connections beyond this get `server_full` and are closed.
    pub max_connections: usize,
    /// A connection that has not logged in after this long is closed.
    pub login_timeout: Duration,
    /// Lines waiting to be written to one client; past this the client is
    /// disconnected as too slow instead of delaying its room.
    pub outbox_capacity: usize,
    /// On shutdown, how long connections get to flush before being dropped.
    pub shutdown_grace: Duration,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            server_name: format!("tertulia-server {}", env!("CARGO_PKG_VERSION")),
            default_room: "lobby".to_owned(),
            max_connections: 10_000,
            login_timeout: Duration::from_secs(60),
            outbox_capacity: 1024,
            shutdown_grace: Duration::from_secs(5),
        }
    }
}
