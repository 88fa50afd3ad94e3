//! `tertulia-server`: command line, logging, signals; the server itself is the library.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::time::Duration;

use anyhow::Context;
use std::sync::Arc;
use tertulia_server::config::{Backoff, Rate};
use tertulia_server::files::FileLimits;
use tertulia_server::hasher::Hasher;

use tertulia_server::announce::{self, AnnounceConfig};
use tertulia_server::cluster::{Cluster, ClusterConfig};
use tertulia_server::log_writer;
use tertulia_server::tls::{self, Identity};
use tertulia_server::{Config, Storage};
use tertulia_shared::validate;
use tokio::net::TcpListener;

/// Bytes in a megabyte, as the file options count them.
const MB: u64 = 1024 * 1024;

use tertulia_server::cli::{Cli, OnOff, Who};

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

/// The SQLite file at `db_path`, or the PostgreSQL database of
/// `--database`; and the bcrypt cost.
async fn open_storage(cli: &Cli, db_path: &Path) -> anyhow::Result<(Storage, u32)> {
    let given_cost = cli.bcrypt_cost;
    let search_index = cli.search_index == OnOff::On;
    let path = db_path.to_owned();
    let database = cli.database.clone();
    let clustered = cli.cluster.is_some();
    let named = match &database {
        Some(_) => "the PostgreSQL database of --database".to_owned(),
        None => format!("the database {}", db_path.display()),
    };
    tokio::task::spawn_blocking(move || {
        let Some(address) = database else {
            tertulia_server::db::set_search_index(&path, search_index)?;
            let cost = match given_cost {
                Some(cost) => cost,
                None => tertulia_server::accounts::calibrated_cost(&path)?,
            };
            return Ok((Storage::open(&path, cost)?, cost));
        };
        if !search_index {
            tracing::info!("--search-index off: PostgreSQL indexes messages as it stores them");
        }
        let cost = match given_cost {
            Some(cost) => cost,
            None => tertulia_server::accounts::calibrated_cost_in(
                &mut tertulia_server::sql::connect_postgres(&address)?,
            )?,
        };
        let dir = path.parent().unwrap_or(Path::new(".")).join("files");
        let storage = if clustered {
            Storage::open_shared(&address, &dir, cost)?
        } else {
            Storage::open_postgres(&address, &dir, cost)?
        };
        Ok::<_, tertulia_server::accounts::AccountError>((storage, cost))
    })
    .await?
    .with_context(|| format!("cannot open {named}"))
}

fn main() -> anyhow::Result<()> {
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .max_blocking_threads(blocking_threads())
        .build()?
        .block_on(serve())
}

async fn serve() -> anyhow::Result<()> {
    let cli = match Cli::from_args_and_file(std::env::args_os()) {
        Ok(cli) => cli,
        Err(tertulia_server::config_file::ConfigFileError::CommandLine(e)) => e.exit(),
        Err(e) => anyhow::bail!("--config: {e}"),
    };
    // A node of a cluster names itself on every line of its log.
    let node = cli.cluster.as_ref().map(|_| {
        cli.node_id
            .clone()
            .unwrap_or_else(|| format!("{}:{}", announce::host_name(), cli.port))
    });
    tracing_subscriber::fmt()
        .with_writer(log_writer::Prefixed::new(node.as_deref()))
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env().unwrap_or_else(|_| "info".into()),
        )
        .init();
    let default_room = validate::normalize_room(&cli.default_room);
    validate::room(&default_room).map_err(|e| anyhow::anyhow!("--default-room: {}", e.message))?;

    let db_path = cli.db.clone().unwrap_or_else(default_db_path);
    let (mut storage, cost) = open_storage(&cli, &db_path).await?;
    if let (Some(nats), Some(database), Some(node)) = (&cli.cluster, &cli.database, node) {
        let config = ClusterConfig {
            nats: nats.clone(),
            database: database.clone(),
            node: node.clone(),
            node_timeout: Duration::from_secs(cli.idle_timeout.max(1)),
        };
        let cluster = Cluster::connect(config, storage.resume.next_id)
            .await
            .context("cannot join the cluster")?;
        tracing::info!(%node, "node of a cluster: room messages cross nodes over NATS");
        storage.cluster = Some(Arc::new(cluster));
    }
    if !cli.admins.is_empty() {
        let admins = cli.admins.clone();
        let accounts = storage.accounts;
        storage.accounts = tokio::task::spawn_blocking(move || accounts.with_admins(&admins))
            .await?
            .context("cannot make the --admin accounts admins")?;
    }
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
        rooms_by_staff: cli.rooms_by == Who::Staff,
        privates_staff: cli.privates == Who::Staff,
        search_index: cli.search_index == OnOff::On,
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
        if storage.is_postgres() {
            "PostgreSQL".to_owned()
        } else {
            db_path.display().to_string()
        },
        config.default_room
    );
    tertulia_server::run(listener, config, storage, shutdown_signal()).await;
    tracing::info!("stopped");
    Ok(())
}
