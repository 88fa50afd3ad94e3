//! "Host a chat on this computer": the Tertulia server running inside the
//! client process (the `tertulia-server` library), listening on every
//! interface and announcing itself on the LAN. It starts on a thread of its
//! own (opening the database and making the certificate take a moment), so
//! the window never waits.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::mpsc::{Receiver, TryRecvError};

use tertulia_server::announce::AnnounceConfig;
use tertulia_server::tls::Identity;

/// Where and how to host.
#[derive(Debug, Clone)]
pub struct HostOptions {
    /// The database and certificate live here.
    pub data_dir: PathBuf,
    pub port: u16,
    /// The name others see in their list of servers.
    pub name: String,
    /// Listen and announce on loopback only (tests in a namespace).
    pub loopback_only: bool,
    /// bcrypt cost for new passwords (`None`: measured on the first start,
    /// as `tertulia-server` does).
    pub bcrypt_cost: Option<u32>,
}

impl HostOptions {
    /// The defaults: the user's data directory, port 7878, the host name.
    pub fn for_this_computer() -> HostOptions {
        HostOptions {
            data_dir: directories::ProjectDirs::from("org", "Tertulia", "tertulia")
                .map(|dirs| dirs.data_dir().to_owned())
                .unwrap_or_else(|| PathBuf::from("tertulia-data")),
            port: tertulia_shared::DEFAULT_PORT,
            name: tertulia_server::announce::host_name(),
            loopback_only: false,
            bcrypt_cost: None,
        }
    }
}

/// A server that is up.
#[derive(Debug, Clone)]
pub struct Hosted {
    pub port: u16,
    pub name: String,
    /// The certificate's fingerprint (this computer trusts it already).
    pub fingerprint: String,
    /// This computer's LAN addresses with the port, for people to type
    /// (read once when the server starts, not on every frame).
    pub addresses: Vec<String>,
}

/// The embedded server's life.
#[derive(Debug)]
pub enum HostState {
    Starting,
    Running(Hosted),
    Failed(HostFailure),
}

/// Why hosting failed, said in the interface's language when shown (the
/// server's thread words nothing; the library's reason goes to the log).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum HostFailure {
    Start,
    Database,
    Certificate,
    PortInUse(u16),
    Listen(u16),
    Stopped,
}

impl HostFailure {
    pub fn text(&self) -> String {
        use crate::i18n::{tr, tr_args};
        match self {
            HostFailure::Start => tr("host-failed-start"),
            HostFailure::Database => tr("host-failed-database"),
            HostFailure::Certificate => tr("host-failed-certificate"),
            HostFailure::PortInUse(port) => tr_args("host-failed-port-in-use", &[("port", port)]),
            HostFailure::Listen(port) => tr_args("host-failed-listen", &[("port", port)]),
            HostFailure::Stopped => tr("host-failed-stopped"),
        }
    }

    /// Logs `error` (a library's words) and stands for it.
    fn logged(self, error: impl std::fmt::Display) -> HostFailure {
        tracing::error!("hosting a chat: {self:?}: {error}");
        self
    }
}

/// The embedded server; stopped (clients told, messages stored) on drop.
#[derive(Debug)]
pub struct Hosting {
    started: Receiver<Result<Hosted, HostFailure>>,
    state: HostState,
    online: Arc<AtomicUsize>,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl Hosting {
    pub fn start(options: HostOptions) -> Hosting {
        let (ready, started) = std::sync::mpsc::channel();
        let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
        let online = Arc::new(AtomicUsize::new(0));
        let counter = online.clone();
        let thread = std::thread::Builder::new()
            .name("tertulia-host".into())
            .spawn(move || {
                if let Err(e) = serve(options, counter, stopped, &ready) {
                    let _ = ready.send(Err(e));
                }
            });
        let (thread, state) = match thread {
            Ok(thread) => (Some(thread), HostState::Starting),
            Err(e) => (None, HostState::Failed(HostFailure::Start.logged(e))),
        };
        Hosting {
            started,
            state,
            online,
            stop: Some(stop),
            thread,
        }
    }

    /// Where the server stands (checks for news without waiting).
    pub fn state(&mut self) -> &HostState {
        if matches!(self.state, HostState::Starting) {
            match self.started.try_recv() {
                Ok(Ok(hosted)) => self.state = HostState::Running(hosted),
                Ok(Err(e)) => self.state = HostState::Failed(e),
                Err(TryRecvError::Empty) => {}
                Err(TryRecvError::Disconnected) => {
                    self.state = HostState::Failed(HostFailure::Stopped)
                }
            }
        }
        &self.state
    }

    /// People logged in to the hosted chat (this computer's user included).
    pub fn online(&self) -> usize {
        self.online.load(Ordering::Relaxed)
    }
}

impl Drop for Hosting {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

/// This computer's LAN addresses with `port`, for people to type.
fn lan_addresses(port: u16) -> Vec<String> {
    let mut addresses: Vec<String> = if_addrs::get_if_addrs()
        .unwrap_or_default()
        .into_iter()
        .filter(|interface| !interface.is_loopback() && interface.ip().is_ipv4())
        .map(|interface| SocketAddr::new(interface.ip(), port).to_string())
        .collect();
    addresses.sort();
    addresses.dedup();
    addresses
}

/// Runs the server until `stopped`; reports readiness (or why not) first.
fn serve(
    options: HostOptions,
    online: Arc<AtomicUsize>,
    stopped: tokio::sync::oneshot::Receiver<()>,
    ready: &std::sync::mpsc::Sender<Result<Hosted, HostFailure>>,
) -> Result<(), HostFailure> {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .map_err(|e| HostFailure::Start.logged(e))?;
    let db = options.data_dir.join("accounts.db");
    let database = |e: tertulia_server::accounts::AccountError| {
        HostFailure::Database.logged(format!("{}: {e}", db.display()))
    };
    let cost = match options.bcrypt_cost {
        Some(cost) => cost,
        None => tertulia_server::accounts::calibrated_cost(&db).map_err(database)?,
    };
    let storage = tertulia_server::Storage::open(&db, cost).map_err(database)?;
    let (identity, _) =
        Identity::self_signed_in(&options.data_dir, tertulia_server::tls::local_names())
            .map_err(|e| HostFailure::Certificate.logged(e))?;
    let fingerprint = identity.fingerprint();
    let tls = identity
        .server_config(&options.data_dir)
        .map_err(|e| HostFailure::Certificate.logged(e))?;
    let ip: std::net::IpAddr = if options.loopback_only {
        [127, 0, 0, 1].into()
    } else {
        [0, 0, 0, 0].into()
    };
    let listener = runtime
        .block_on(tokio::net::TcpListener::bind((ip, options.port)))
        .map_err(|e| match e.kind() {
            std::io::ErrorKind::AddrInUse => HostFailure::PortInUse(options.port),
            _ => HostFailure::Listen(options.port).logged(e),
        })?;
    let port = listener.local_addr().map_or(options.port, |a| a.port());
    let config = tertulia_server::Config {
        tls: Some(tls),
        announce: Some(AnnounceConfig {
            name: options.name.clone(),
            loopback_only: options.loopback_only,
            fingerprint: Some(fingerprint.clone()),
        }),
        online: Some(online),
        ..tertulia_server::Config::default()
    };
    let _ = ready.send(Ok(Hosted {
        port,
        name: options.name,
        fingerprint,
        addresses: lan_addresses(port),
    }));
    runtime.block_on(tertulia_server::run(listener, config, storage, async {
        let _ = stopped.await;
    }));
    Ok(())
}
