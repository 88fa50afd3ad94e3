//! `tertulia-server`: command line, logging, signals; the server itself is the library.

use std::net::{IpAddr, SocketAddr};
use std::path::PathBuf;
use std::time::Duration;

use anyhow::Context;
use clap::Parser;
use tertulia_server::{Accounts, Config};
use tertulia_shared::DEFAULT_PORT;
use tertulia_shared::validate;
use tokio::net::TcpListener;

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
    /// SQLite account database [default: accounts.db in the user's data directory].
    #[arg(long)]
    db: Option<PathBuf>,
    /// Name of the room every client lands in.
    #[arg(long, default_value = "lobby")]
    default_room: String,
    /// bcrypt work factor for password hashes (4–31; each step doubles the cost).
    #[arg(long, default_value_t = 12, value_parser = clap::value_parser!(u32).range(4..=31))]
    bcrypt_cost: u32,
    /// Most simultaneous connections; more get a "server full" error.
    #[arg(long, default_value_t = 10_000)]
    max_connections: usize,
    /// Seconds a connection may stay without logging in.
    #[arg(long, default_value_t = 60)]
    login_timeout: u64,
    /// Lines that may wait for one client before it is disconnected as too slow.
    #[arg(long, default_value_t = 1024)]
    outbox_capacity: usize,
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

/// Threads for blocking work (bcrypt, SQLite). bcrypt is CPU-bound, so more
/// threads than cores only add memory: tokio's default of 512 let a login
/// storm grow the process by a stack and a malloc arena per thread.
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
    validate::room(&cli.default_room)
        .map_err(|e| anyhow::anyhow!("--default-room: {}", e.message))?;

    let db_path = cli.db.clone().unwrap_or_else(default_db_path);
    let cost = cli.bcrypt_cost;
    let accounts = {
        let path = db_path.clone();
        tokio::task::spawn_blocking(move || Accounts::open(&path, cost))
            .await?
            .with_context(|| format!("cannot open the account database {}", db_path.display()))?
    };

    let address = SocketAddr::new(cli.bind, cli.port);
    let listener = TcpListener::bind(address).await.with_context(|| {
        format!(
            "cannot listen on {address} (is another server already using port {}?)",
            cli.port
        )
    })?;
    let config = Config {
        default_room: cli.default_room,
        max_connections: cli.max_connections,
        login_timeout: Duration::from_secs(cli.login_timeout),
        outbox_capacity: cli.outbox_capacity,
        ..Config::default()
    };
    tracing::info!(
        "Tertulia listening on {} (accounts in {}, default room {:?})",
        listener.local_addr()?,
        db_path.display(),
        config.default_room
    );
    tertulia_server::run(listener, config, accounts, shutdown_signal()).await;
    tracing::info!("stopped");
    Ok(())
}
