//! The Tertulia chat server: a tokio socket server with rooms in memory and
//! accounts in SQLite.
//!
//! Where things are: [`server::run`] accepts connections (`admission` decides
//! who may); `session` runs one client; `requests/` holds one file per request
//! (`requests/mod.rs` maps each `#` word to its file; `docs/ARCHITECTURE.md` walks a
//! message through them);
//! [`rooms`] is the shared state of rooms and online users; [`accounts`] the
//! registered users, with bcrypt on the [`hasher`]'s threads; [`history`] the
//! message log; both live in one SQLite file ([`storage`]), beside the
//! shared [`files`]; [`throttle`] the rate limits and login backoff.

pub mod accounts;
mod admission;
pub mod announce;
pub mod cli;
pub mod cluster;
pub mod config;
pub mod config_file;
mod connection;
pub mod db;
mod export;
pub mod files;
pub mod hasher;
pub mod history;
pub mod log_writer;
mod outbox;
mod page;
mod requests;
pub mod rooms;
pub mod scratch_nats;
pub mod scratch_postgres;
pub mod server;
mod services;
mod session;
pub mod sql;
pub mod storage;
pub mod throttle;
pub mod tls;

pub use accounts::Accounts;
pub use config::Config;
pub use server::run;
pub use storage::Storage;

/// The server's clock: milliseconds since the Unix epoch, UTC. Every
/// timestamp the server sends comes from here.
pub fn now_ms() -> i64 {
    chrono::Utc::now().timestamp_millis()
}

/// Moves a box's contents out and frees the box at once. After
/// `let x = *boxed;` the box is freed only when `boxed` goes out of scope:
/// in an async fn or block that is its very end, so a box meant to be
/// emptied at the first poll would be kept for a connection's whole life.
#[allow(clippy::boxed_local)] // taking the box is the point
pub(crate) fn unbox<T>(boxed: Box<T>) -> T {
    *boxed
}

/// A socket error in words a person understands, for the log.
pub fn describe_io_error(e: &std::io::Error) -> String {
    use std::io::ErrorKind;
    let plain = match e.raw_os_error() {
        Some(libc::EMFILE) => {
            Some("too many open files in this process (raise the limit with `ulimit -n`)")
        }
        Some(libc::ENFILE) => Some("too many open files on this machine"),
        Some(libc::ENOBUFS) | Some(libc::ENOMEM) => Some("the system ran out of network buffers"),
        Some(libc::EINTR) => Some("the call was interrupted"),
        _ => match e.kind() {
            ErrorKind::ConnectionReset => Some("the client vanished (connection reset)"),
            ErrorKind::ConnectionAborted => Some("the connection was aborted"),
            ErrorKind::BrokenPipe => Some("the client stopped reading (broken pipe)"),
            ErrorKind::TimedOut => Some("the connection timed out"),
            _ => None,
        },
    };
    match plain {
        Some(words) => format!("{words} ({e})"),
        None => e.to_string(),
    }
}
