//! `tertulia-server`: command line, logging, signals; the server itself is the library.

use std::net::{IpAddr, SocketAddr};
use std::path::PathBuf;
use std::time::Duration;

use anyhow::Context;
use clap::Parser;
use std::sync::Arc;
use tertulia_server::config::{Backoff, Rate};
use tertulia_server::files::FileLimits;
use tertulia_server::hasher::Hasher;

use tertulia_server::announce::{self, AnnounceConfig};
use tertulia_server::tls::{self, Identity};
use tertulia_server::{Config, Storage};
use tertulia_shared::DEFAULT_PORT;
use tertulia_shared::validate;
use tokio::net::TcpListener;

/// Bytes in a megabyte, as the file options count them.
const MB: u64 = 1024 * 1024;

/// Tertulia chat server: rooms in memory, accounts in SQLite.
#[derive(Debug, Parser)]
#[command(version, about)]
struct Cli {
    /// Address to listen on (0.0.0.0: every network interface).
    #[arg(long, default_value = "0.0.0.0")]
    bind: IpAddr,
    /// TCP port to listen on.
    #[arg(long, short, default_value_t = DEFAULT_PORT)]
    port: u16,
    /// SQLite database of accounts and messages [default: accounts.db in
    /// the user's data directory].
    #[arg(long)]
    db: Option<PathBuf>,
    /// Name of the room every client lands in.
    #[arg(long, default_value = "lobby")]
    default_room: String,
    /// bcrypt work factor for password hashes (4–31; each step doubles the
    /// cost) [default: measured on the first start so that one check takes
    /// 50–100 ms here, never below 10, and kept in the database].
    #[arg(long, value_parser = clap::value_parser!(u32).range(4..=31))]
    bcrypt_cost: Option<u32>,
    /// Days a session token lets a client log in again without its password.
    #[arg(long, default_value_t = 30, value_parser = clap::value_parser!(u64).range(1..=3650))]
    session_days: u64,
    /// Most simultaneous connections; more get a "server full" error
    /// (lowered to what the open-file limit allows).
    #[arg(long, default_value_t = 10_000)]
    max_connections: usize,
    /// Most simultaneous connections from one address (a whole lecture
    /// hall behind one NAT fits).
    #[arg(long, default_value_t = 512)]
    max_per_address: usize,
    /// Most connections that have not logged in yet, in all.
    #[arg(long, default_value_t = 1000)]
    max_anonymous: usize,
    /// Most connections from one address that have not logged in yet (a
    /// class logging in together behind one NAT fits).
    #[arg(long, default_value_t = 256)]
    max_anonymous_per_address: usize,
    /// Seconds a connection may stay without saying hello.
    #[arg(long, default_value_t = 10)]
    hello_timeout: u64,
    /// Seconds a connection may stay without logging in.
    #[arg(long, default_value_t = 60)]
    login_timeout: u64,
    /// Seconds a logged-in connection may stay silent before it is taken for
    /// gone (clients send a heartbeat every 15 s).
    #[arg(long, default_value_t = 45)]
    idle_timeout: u64,
    /// Seconds of silence before TCP keepalive probes start (0: off).
    #[arg(long, default_value_t = 20)]
    keepalive: u64,
    /// Lines that may wait for one client before it is disconnected as too slow.
    #[arg(long, default_value_t = 1024)]
    outbox_capacity: usize,
    /// Seconds one socket write may take before the client is disconnected as too slow.
    #[arg(long, default_value_t = 10)]
    write_timeout: u64,
    /// Kernel send buffer per connection, in KiB (0: the system's default).
    #[arg(long, default_value_t = 128)]
    send_buffer_kib: usize,
    /// Chat messages per second per connection (0: no limit)…
    #[arg(long, default_value_t = 5.0)]
    message_rate: f64,
    /// …and how many may come in a burst.
    #[arg(long, default_value_t = 20)]
    message_burst: u32,
    /// Private messages per second per connection (0: no limit)…
    #[arg(long, default_value_t = 5.0)]
    private_rate: f64,
    /// …and how many may come in a burst.
    #[arg(long, default_value_t = 20)]
    private_burst: u32,
    /// Room creations, deletions, joins and leaves per second per connection (0: no limit)…
    #[arg(long, default_value_t = 1.0)]
    room_rate: f64,
    /// …and how many may come in a burst.
    #[arg(long, default_value_t = 10)]
    room_burst: u32,
    /// Requests of any kind per second per connection; past it the server
    /// reads that connection more slowly (0: no limit)…
    #[arg(long, default_value_t = 20.0)]
    request_rate: f64,
    /// …and how many may come in a burst.
    #[arg(long, default_value_t = 100)]
    request_burst: u32,
    /// Rooms one user may own at once.
    #[arg(long, default_value_t = 10)]
    max_rooms_per_user: usize,
    /// Failed logins for one account from one address before each further
    /// attempt must wait (1 s, doubling up to 5 min).
    #[arg(long, default_value_t = 5)]
    login_free_failures: u32,
    /// Failed logins from one address, any accounts, before waiting starts.
    #[arg(long, default_value_t = 50)]
    address_free_failures: u32,
    /// Password checks that may wait for a bcrypt thread; more get "busy"
    /// [default: what the bcrypt threads check in 5 seconds].
    #[arg(long)]
    hash_queue: Option<usize>,
    /// Latest messages of a room sent to whoever enters it (older ones are
    /// read with `history`).
    #[arg(long, default_value_t = 50)]
    history: usize,
    /// Days messages are kept; older ones are deleted (0: keep forever).
    #[arg(long, default_value_t = 30)]
    keep_days: u64,
    /// Largest file people may share, in MB.
    #[arg(long, default_value_t = tertulia_shared::files::MAX_FILE_MB)]
    max_file_mb: u64,
    /// Shared files kept in all, in MB; past it the oldest files go.
    #[arg(long, default_value_t = 2048)]
    files_quota_mb: u64,
    /// File transfer per connection (uploads and downloads), MB per second
    /// (0: no limit).
    #[arg(long, default_value_t = 20.0)]
    file_rate_mb: f64,
    /// TLS certificate chain (PEM) [default: a self-signed one, made on first
    /// start as tls-cert.pem beside the database].
    #[arg(long, requires = "key", conflicts_with = "plain")]
    cert: Option<PathBuf>,
    /// The certificate's private key (PEM).
    #[arg(long, requires = "cert", conflicts_with = "plain")]
    key: Option<PathBuf>,
    /// Speak plain text instead of TLS (for nc and teaching): passwords and
    /// messages then cross the network readable by anyone on it.
    #[arg(long)]
    plain: bool,
    /// Do not announce the server on the LAN (mDNS, UDP 5353).
    #[arg(long)]
    no_announce: bool,
    /// The name clients see in their list of servers [default: the host name].
    #[arg(long)]
    name: Option<String>,
}

/// The TLS configuration and the certificate's fingerprint.
type Tls = (Arc<rustls::ServerConfig>, String);

/// TLS as the command line asks: a given certificate, the server's own
/// self-signed one (made on first start), or none with `--plain`.
fn tls_config(cli: &Cli, db_path: &std::path::Path) -> anyhow::Result<Option<Tls>> {
    if cli.plain {
        tracing::warn!(
            "--plain: no TLS. Passwords and messages cross the network in clear \
             text, readable by anyone who can capture it"
        );
        return Ok(None);
    }
    let identity = match (&cli.cert, &cli.key) {
        (Some(cert), Some(key)) => {
            let identity = Identity::load(cert, key).context("cannot use --cert/--key")?;
            tracing::info!("TLS with the certificate {}", cert.display());
            identity
        }
        _ => {
            let dir = db_path.parent().unwrap_or(std::path::Path::new("."));
            let (identity, made) = Identity::self_signed_in(dir, tls::local_names())
                .context("cannot make or read the server's TLS certificate")?;
            tracing::info!(
                "TLS with a self-signed certificate{} ({}); clients will ask to trust it",
                if made { ", made now" } else { "" },
                dir.join("tls-cert.pem").display()
            );
            identity
        }
    };
    let fingerprint = identity.fingerprint();
    tracing::info!("certificate fingerprint (SHA-256), for people to compare: {fingerprint}");
    let ticket_dir = db_path.parent().unwrap_or(std::path::Path::new("."));
    Ok(Some((identity.server_config(ticket_dir)?, fingerprint)))
}

/// `accounts.db` in the per-user data directory (e.g.
/// `~/.local/share/tertulia/accounts.db` on Linux).
fn default_db_path() -> PathBuf {
    directories::ProjectDirs::from("org", "Tertulia", "tertulia")
        .map(|dirs| dirs.data_dir().join("accounts.db"))
        .unwrap_or_else(|| PathBuf::from("tertulia-accounts.db"))
}

/// Resolves on Ctrl-C or SIGTERM.
async fn shutdown_signal() {
    let ctrl_c = async {
        if let Err(e) = tokio::signal::ctrl_c().await {
            tracing::error!("cannot listen for Ctrl-C: {e}");
            std::future::pending::<()>().await;
        }
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(e) => {
                tracing::error!("cannot listen for SIGTERM: {e}");
                std::future::pending::<()>().await;
            }
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => tracing::info!("Ctrl-C received"),
        () = terminate => tracing::info!("SIGTERM received"),
    }
}

/// Threads for blocking work (SQLite; bcrypt has its own threads). Few are
/// needed: tokio's default of 512 let a login storm grow the process by a
/// stack and a malloc arena per thread.
fn blocking_threads() -> usize {
    std::thread::available_parallelism().map_or(2, |n| n.get() * 2)
}

fn main() -> anyhow::Result<()> {
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .max_blocking_threads(blocking_threads())
        .build()?
        .block_on(serve())
}

async fn serve() -> anyhow::Result<()> {
    tracing_subscriber::fmt()
        .with_writer(std::io::stderr)
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env().unwrap_or_else(|_| "info".into()),
        )
        .init();
    let cli = Cli::parse();
    let default_room = validate::normalize_room(&cli.default_room);
    validate::room(&default_room).map_err(|e| anyhow::anyhow!("--default-room: {}", e.message))?;

    let db_path = cli.db.clone().unwrap_or_else(default_db_path);
    let given_cost = cli.bcrypt_cost;
    let (mut storage, cost) = {
        let path = db_path.clone();
        tokio::task::spawn_blocking(move || {
            let cost = match given_cost {
                Some(cost) => cost,
                None => tertulia_server::accounts::calibrated_cost(&path)?,
            };
            Ok::<_, tertulia_server::accounts::AccountError>((Storage::open(&path, cost)?, cost))
        })
        .await?
        .with_context(|| format!("cannot open the database {}", db_path.display()))?
    };
    if let Some(queue) = cli.hash_queue {
        let accounts = storage.accounts;
        let hasher = Hasher::new(Hasher::default_threads(), queue, accounts.per_hash())
            .context("cannot start the password-checking threads")?;
        storage.accounts = accounts.with_hasher(hasher);
    }
    tracing::info!(
        "bcrypt cost {cost}: {:?} per password check, up to {} checks may wait",
        storage.accounts.per_hash(),
        storage.accounts.hash_queue()
    );

    let tls = tls_config(&cli, &db_path)?;
    let address = SocketAddr::new(cli.bind, cli.port);
    let listener = TcpListener::bind(address).await.with_context(|| {
        format!(
            "cannot listen on {address} (is another server already using port {}?)",
            cli.port
        )
    })?;
    let defaults = Config::default();
    let config = Config {
        default_room,
        max_connections: cli.max_connections,
        max_per_address: cli.max_per_address,
        max_anonymous: cli.max_anonymous,
        max_anonymous_per_address: cli.max_anonymous_per_address,
        hello_timeout: Duration::from_secs(cli.hello_timeout),
        login_timeout: Duration::from_secs(cli.login_timeout),
        idle_timeout: Duration::from_secs(cli.idle_timeout.max(1)),
        keepalive: Duration::from_secs(cli.keepalive),
        outbox_capacity: cli.outbox_capacity,
        write_timeout: Duration::from_secs(cli.write_timeout.max(1)),
        send_buffer_bytes: cli.send_buffer_kib * 1024,
        message_rate: Rate::new(cli.message_rate, cli.message_burst),
        private_rate: Rate::new(cli.private_rate, cli.private_burst),
        room_rate: Rate::new(cli.room_rate, cli.room_burst),
        request_rate: Rate::new(cli.request_rate, cli.request_burst),
        max_rooms_per_user: cli.max_rooms_per_user,
        history: cli.history,
        session_lifetime: Duration::from_secs(86_400 * cli.session_days),
        announce: (!cli.no_announce).then(|| AnnounceConfig {
            name: cli.name.clone().unwrap_or_else(announce::host_name),
            loopback_only: false,
            fingerprint: tls.as_ref().map(|(_, fingerprint)| fingerprint.clone()),
        }),
        tls: tls.map(|(config, _)| config),
        // "Forever" is a hundred years.
        keep: Duration::from_secs(
            86_400
                * if cli.keep_days == 0 {
                    36_500
                } else {
                    cli.keep_days
                },
        ),
        account_backoff: Backoff {
            free_failures: cli.login_free_failures,
            ..defaults.account_backoff
        },
        address_backoff: Backoff {
            free_failures: cli.address_free_failures,
            ..defaults.address_backoff
        },
        files: FileLimits {
            max_file_bytes: cli.max_file_mb * MB,
            quota_bytes: cli.files_quota_mb * MB,
        },
        file_rate: Rate::new(cli.file_rate_mb * MB as f64, MB as u32),
        ..defaults
    };
    tracing::info!(
        "Tertulia listening on {} with {} (database {}, default room {:?})",
        listener.local_addr()?,
        if config.tls.is_some() {
            "TLS"
        } else {
            "plain text"
        },
        db_path.display(),
        config.default_room
    );
    tertulia_server::run(listener, config, storage, shutdown_signal()).await;
    tracing::info!("stopped");
    Ok(())
}
