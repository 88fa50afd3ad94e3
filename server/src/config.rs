//! Server settings that are not about storage (those belong to [`crate::accounts`]).
//! Every limit here is a command-line option of `tertulia-server`; the
//! defaults are what docs/SECURITY.md lists.

use std::time::Duration;

pub use crate::throttle::{Backoff, Rate};

/// How the server behaves; `main` builds it from the command line, tests by hand.
#[derive(Debug, Clone)]
pub struct Config {
    /// Sent in `welcome` so clients can show which server they reached.
    pub server_name: String,
    /// The room every client lands in; it always exists and cannot be deleted.
    pub default_room: String,
    /// Connections beyond this get `server_full` and are closed. Lowered at
    /// start to what the open-file limit allows.
    pub max_connections: usize,
    /// Connections from one address beyond this get `too_many_connections`.
    pub max_per_address: usize,
    /// Connections that have not logged in yet, in all; beyond this new ones
    /// get `server_full`, so silent connections cannot take every slot.
    pub max_anonymous: usize,
    /// Connections from one address that have not logged in yet.
    pub max_anonymous_per_address: usize,
    /// A connection that has not said `hello` after this long is closed.
    pub hello_timeout: Duration,
    /// A connection that has not logged in after this long is closed.
    pub login_timeout: Duration,
    /// A logged-in connection silent for this long is closed: its computer
    /// is probably gone. Clients send `time` as a heartbeat well within it.
    pub idle_timeout: Duration,
    /// TCP keepalive probes start after this much silence, so the kernel
    /// also notices a vanished peer (0: off).
    pub keepalive: Duration,
    /// Lines waiting to be written to one client; past this the client is
    /// disconnected as too slow instead of delaying its room.
    pub outbox_capacity: usize,
    /// Longest a single socket write may take before the client is
    /// disconnected as too slow.
    pub write_timeout: Duration,
    /// The kernel send buffer of each connection (`SO_SNDBUF`), so a client
    /// that stops reading holds kilobytes of kernel memory, not megabytes.
    pub send_buffer_bytes: usize,
    /// `say` per connection.
    pub message_rate: Rate,
    /// `private` per connection.
    pub private_rate: Rate,
    /// `create_room`, `delete_room`, `join_room` and `leave_room` per connection.
    pub room_rate: Rate,
    /// Every request per connection; past it the server stops reading from
    /// the connection until the allowance refills (no error, just slower).
    pub request_rate: Rate,
    /// Rooms one user may own at once.
    pub max_rooms_per_user: usize,
    /// Failed logins for one account from one address before waiting starts.
    pub account_backoff: Backoff,
    /// Failed logins from one address (any accounts) before waiting starts.
    pub address_backoff: Backoff,
    /// On shutdown, how long connections get to flush before being dropped.
    pub shutdown_grace: Duration,
    /// How long a session token lets its client log in again without the
    /// password (`--session-days`).
    pub session_lifetime: Duration,
    /// Messages each room keeps in memory and sends to whoever enters it.
    pub history: usize,
    /// Stored messages older than this are deleted.
    pub keep: Duration,
    /// TLS on the port (`None`: plain text, as `--plain`).
    pub tls: Option<std::sync::Arc<rustls::ServerConfig>>,
    /// Announce the server on the LAN (mDNS); `None`: not announced.
    pub announce: Option<crate::announce::AnnounceConfig>,
    /// Kept up to date with the number of people online (for a program
    /// that hosts the server, e.g. the client's status bar).
    pub online: Option<std::sync::Arc<std::sync::atomic::AtomicUsize>>,
    /// Largest file and total kept (`--max-file-mb`, `--files-quota-mb`).
    pub files: crate::files::FileLimits,
    /// File bytes per second per connection, uploads and downloads
    /// together; past it the server reads from the connection more slowly.
    pub file_rate: Rate,
    /// `--rooms-by teachers`: only staff create rooms.
    pub rooms_by_staff: bool,
    /// `--privates staff`: students write privately only to staff.
    pub privates_staff: bool,
    /// `--search-index off`: `search` is refused.
    pub search_index: bool,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            server_name: format!("tertulia-server {}", env!("CARGO_PKG_VERSION")),
            default_room: "lobby".to_owned(),
            max_connections: 10_000,
            max_per_address: 512,
            max_anonymous: 1_000,
            max_anonymous_per_address: 256,
            hello_timeout: Duration::from_secs(10),
            login_timeout: Duration::from_secs(60),
            idle_timeout: Duration::from_secs(45),
            keepalive: Duration::from_secs(20),
            outbox_capacity: 1024,
            write_timeout: Duration::from_secs(10),
            send_buffer_bytes: 128 * 1024,
            message_rate: Rate::new(5.0, 20),
            private_rate: Rate::new(5.0, 20),
            room_rate: Rate::new(1.0, 10),
            request_rate: Rate::new(20.0, 100),
            max_rooms_per_user: tertulia_shared::limits::ROOMS_PER_USER,
            account_backoff: Backoff {
                free_failures: 5,
                first_wait: Duration::from_secs(1),
                max_wait: Duration::from_secs(300),
                forget_after: Duration::from_secs(15 * 60),
            },
            address_backoff: Backoff {
                free_failures: 50,
                first_wait: Duration::from_secs(1),
                max_wait: Duration::from_secs(300),
                forget_after: Duration::from_secs(15 * 60),
            },
            shutdown_grace: Duration::from_secs(5),
            session_lifetime: Duration::from_secs(30 * 24 * 3600),
            history: 50,
            keep: Duration::from_secs(30 * 24 * 3600),
            tls: None,
            announce: None,
            online: None,
            files: crate::files::FileLimits::default(),
            file_rate: Rate::new(20.0 * 1024.0 * 1024.0, 1024 * 1024),
            rooms_by_staff: false,
            privates_staff: false,
            search_index: true,
        }
    }
}

impl Config {
    /// No rate limits at all: for load benchmarks and tests that need speed.
    pub fn unthrottled(self) -> Config {
        Config {
            message_rate: Rate::UNLIMITED,
            private_rate: Rate::UNLIMITED,
            room_rate: Rate::UNLIMITED,
            request_rate: Rate::UNLIMITED,
            file_rate: Rate::UNLIMITED,
            ..self
        }
    }
}
