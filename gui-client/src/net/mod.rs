//! The network side of the client: one background thread owns the socket and
//! speaks the protocol; the UI talks to it only through channels, so a dead,
//! slow or unreachable server can never freeze the window.
//!
//! Commands go in through [`NetHandle`] (never blocking); [`NetEvent`]s come
//! out through a crossbeam channel the UI drains each frame. The module has no
//! UI dependency: tests and headless tools drive it the same way.

mod address;
pub mod discovery;
mod errors;
mod establish;
mod failure;
mod link;
mod out;
mod pages;
pub mod tls;
pub mod transfers;
mod worker;

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use tertulia_shared::{ChatMessage, Request};
use tertulia_shared::{ErrorBody, Event, Password, Registration, Reply, RequestId, SessionToken};
use tokio::sync::mpsc;

pub use address::{LINK_SCHEME, display_server, server_key, split_server, without_link};

/// What the UI asks of the network thread.
#[derive(Debug)]
pub enum NetOrder {
    /// Connect to `server` (`host` or `host:port`), optionally create the
    /// account, then log in. Reconnects by itself if the link drops later.
    Connect {
        server: String,
        /// What the connection trusts (TLS certificates, or plain text).
        trust: tls::Trust,
        credentials: Credentials,
        register: Option<Registration>,
    },
    /// Send a request; its reply comes back as [`NetEvent::Reply`] or
    /// [`NetEvent::Failed`] with the same id.
    Send {
        id: RequestId,
        request: Request,
    },
    /// Share the file at `path` with the current room, or with `to`.
    Upload {
        id: transfers::TransferId,
        path: std::path::PathBuf,
        to: Option<String>,
    },
    /// Save a shared file into `dir` (never over an existing file).
    Download {
        id: transfers::TransferId,
        file: tertulia_shared::FileInfo,
        dir: std::path::PathBuf,
    },
    CancelTransfer {
        id: transfers::TransferId,
    },
    /// `#exit`: log out, close, and stop reconnecting.
    Logout,
    /// Stop connecting (or reconnecting) and close.
    Cancel,
}

/// How the network thread logs in. A password is used once: from the
/// first `logged_in` on, the thread keeps only the session token it gave,
/// and reconnects with that (`resume`), which costs the server no bcrypt.
#[derive(Debug, Clone, PartialEq)]
pub enum Credentials {
    Password {
        login: String,
        password: Password,
    },
    /// The token of an earlier session (kept for "stay logged in").
    Token(SessionToken),
}

/// What the network thread tells the UI.
#[derive(Debug, Clone, PartialEq)]
pub enum NetEvent {
    /// A connection attempt started (`attempt` counts reconnections from 1).
    Connecting {
        server: String,
        attempt: u32,
    },
    /// The account was created (before logging in).
    Registered {
        login: String,
    },
    /// Logged in. `resumed` is true after a reconnection. Events that came
    /// with the login (private messages queued while away) follow it.
    LoggedIn {
        arrival: Arrival,
        resumed: bool,
    },
    /// The server refused the login or the signup: nothing will be retried.
    AuthRefused(ErrorBody),
    /// The server's certificate is not trusted: not signed by an authority
    /// the system trusts, and not the one pinned for `server` (`pinned`,
    /// when there is one: then it changed). Nothing will be retried until
    /// the user decides.
    Untrusted {
        server: String,
        fingerprint: String,
        pinned: Option<String>,
    },
    /// The first connection could not be made: nothing will be retried.
    ConnectFailed {
        message: String,
    },
    /// An established session was lost; a new attempt follows in `retry_in`.
    Disconnected {
        message: String,
        retry_in: Duration,
    },
    /// The session ended for good (logout, cancel).
    Closed {
        message: String,
    },
    /// The answer to a request. A paged list (`room_list`, `user_list`)
    /// arrives whole: the network thread fetches the further pages first.
    Reply {
        id: RequestId,
        result: Reply,
    },
    Failed {
        id: Option<RequestId>,
        error: ErrorBody,
    },
    /// A request that could not be sent: there is no connection right now
    /// (it is being restored, or was closed). Not the server's refusal.
    NotSent {
        id: RequestId,
    },
    Event(Event),
    /// How a file transfer is going.
    Transfer(transfers::TransferUpdate),
    /// A better estimate of the server clock (Cristian's algorithm).
    Clock {
        offset_ms: i64,
        rtt_ms: i64,
    },
}

/// What a successful login tells the client.
#[derive(Debug, Clone, PartialEq)]
pub struct Arrival {
    pub login: String,
    /// The room the user is placed in (the default room).
    pub room: String,
    /// The first page of the room's members.
    pub members: Vec<String>,
    pub member_count: usize,
    pub default_room: String,
    pub server_name: String,
    /// The node of a cluster that answered, for `#net`.
    pub node: Option<String>,
    /// The address this connection went to: the one typed, or one of the
    /// chat's nodes when several were given.
    pub address: String,
    /// The room's latest messages, and whether older ones exist.
    pub history: Vec<ChatMessage>,
    pub history_more: bool,
    /// Private messages that arrived while the user was offline.
    pub queued_privates: usize,
    /// The connection is TLS (false only when the user chose plain text).
    pub encrypted: bool,
    /// The server certificate's fingerprint (none in plain text), for
    /// `#net`: what the host reads out.
    pub fingerprint: Option<String>,
    /// Logs in again without the password until it expires or is revoked.
    pub token: SessionToken,
    /// Role, mute, exam mode, the room's announcement flag.
    pub standing: crate::state::Standing,
}

/// Traffic counters for `#net`.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct NetStats {
    pub server: Option<String>,
    pub connected_since: Option<chrono::DateTime<chrono::Local>>,
    pub bytes_sent: u64,
    pub bytes_received: u64,
    pub messages_sent: u64,
    pub messages_received: u64,
    pub reconnections: u32,
}

/// The UI's end of the network thread.
#[derive(Debug, Clone)]
pub struct NetHandle {
    orders: mpsc::UnboundedSender<NetOrder>,
    events: crossbeam_channel::Receiver<NetEvent>,
    next_id: Arc<AtomicU64>,
    stats: Arc<Mutex<NetStats>>,
}

/// Request ids at or above this belong to the network thread itself (hello,
/// login, clock samples); the UI's count up from 1.
pub(crate) const INTERNAL_IDS: RequestId = 1 << 62;

/// How long to wait for the TCP connection and for each handshake answer.
pub const CONNECT_TIMEOUT: Duration = Duration::from_secs(5);

impl NetHandle {
    /// Starts the network thread. `wake` is called after every event (the
    /// GUI passes `ctx.request_repaint`).
    pub fn spawn(wake: impl Fn() + Send + Sync + 'static) -> std::io::Result<NetHandle> {
        let (order_tx, order_rx) = mpsc::unbounded_channel();
        let (event_tx, event_rx) = crossbeam_channel::unbounded();
        let stats = Arc::new(Mutex::new(NetStats::default()));
        let worker = worker::Worker::new(order_rx, event_tx, Arc::new(wake), stats.clone());
        // Failures are told in the window's language, whenever it changes.
        let language = crate::i18n::speaking();
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()?;
        std::thread::Builder::new()
            .name("tertulia-net".into())
            .spawn(move || {
                crate::i18n::speak(language);
                runtime.block_on(worker.run())
            })?;
        Ok(NetHandle {
            orders: order_tx,
            events: event_rx,
            next_id: Arc::new(AtomicU64::new(1)),
            stats,
        })
    }

    /// Queues an order for the network thread; never blocks. Returns false if the thread is gone.
    pub fn order(&self, order: NetOrder) -> bool {
        self.orders.send(order).is_ok()
    }

    /// Sends a request; returns the id its answer will carry.
    pub fn send(&self, request: Request) -> RequestId {
        let id = self.next_id.fetch_add(1, Ordering::Relaxed);
        self.order(NetOrder::Send { id, request });
        id
    }

    /// The next event, if one is waiting.
    pub fn try_event(&self) -> Option<NetEvent> {
        self.events.try_recv().ok()
    }

    /// Waits up to `timeout` for the next event (for tests and headless use).
    pub fn wait_event(&self, timeout: Duration) -> Option<NetEvent> {
        self.events.recv_timeout(timeout).ok()
    }

    pub fn stats(&self) -> NetStats {
        self.stats
            .lock()
            .map(|s| s.clone())
            .unwrap_or_else(|p| p.into_inner().clone())
    }
}

/// Milliseconds since the Unix epoch on this computer's clock.
pub fn local_now_ms() -> i64 {
    chrono::Utc::now().timestamp_millis()
}

/// Backoff between reconnection attempts: 1, 2, 4, 8, then 15 s, each
/// between half and one and a half times that at random, so that a class
/// whose server restarted does not come back in one wave.
pub(crate) fn retry_delay(attempt: u32) -> Duration {
    let base = Duration::from_secs(match attempt {
        0 | 1 => 1,
        2 => 2,
        3 => 4,
        4 => 8,
        _ => 15,
    });
    base / 2 + base.mul_f64(random_fraction())
}

/// How long to wait when the server says `busy` for `retry_after`: that,
/// plus up to a quarter more at random (never sooner than told).
pub(crate) fn busy_delay(retry_after: Duration) -> Duration {
    retry_after + retry_after.mul_f64(random_fraction() / 4.0)
}

/// A number in [0, 1) that differs between calls and between computers:
/// std's per-process random hash keys, fed the time.
fn random_fraction() -> f64 {
    use std::hash::BuildHasher;
    let bits = std::hash::RandomState::new().hash_one(Instant::now());
    (bits >> 11) as f64 / (1u64 << 53) as f64
}

/// When a connection is considered dead: a clock sample unanswered this long.
pub(crate) const SILENCE_LIMIT: Duration = Duration::from_secs(15);

pub(crate) fn elapsed_since(t: Instant) -> Duration {
    Instant::now().saturating_duration_since(t)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_grows_then_caps_with_jitter() {
        for (attempt, base) in [(1, 1.0), (2, 2.0), (3, 4.0), (4, 8.0), (5, 15.0), (9, 15.0)] {
            let delay = retry_delay(attempt).as_secs_f64();
            assert!(
                (base / 2.0..base * 1.5).contains(&delay),
                "{attempt}: {delay}"
            );
        }
        // Spread: a class does not come back at one instant.
        let firsts: std::collections::BTreeSet<_> =
            (0..50).map(|_| retry_delay(1).as_millis()).collect();
        assert!(firsts.len() > 25, "{firsts:?}");
    }

    #[test]
    fn busy_waits_at_least_what_the_server_said() {
        let told = Duration::from_millis(400);
        let waits: Vec<_> = (0..50).map(|_| busy_delay(told)).collect();
        assert!(waits.iter().all(|w| (told..told * 5 / 4).contains(w)));
        assert!(waits.iter().any(|w| *w != waits[0]), "jittered");
    }
}
