//! The command line of `tertulia-server`, and the same options from a
//! TOML file (`--config`, see [`crate::config_file`]): every option's name,
//! default and help is written once, here.

use std::net::IpAddr;
use std::path::PathBuf;

use clap::Parser;
use tertulia_shared::DEFAULT_PORT;

/// Tertulia chat server: rooms in memory, accounts in SQLite.
#[derive(Debug, Parser)]
#[command(name = "tertulia-server", version, about, args_override_self = true)]
pub struct Cli {
    /// Address to listen on (0.0.0.0: every network interface).
    #[arg(long, default_value = "0.0.0.0")]
    pub bind: IpAddr,
    /// TCP port to listen on.
    #[arg(long, short, default_value_t = DEFAULT_PORT)]
    pub port: u16,
    /// SQLite database of accounts and messages [default: accounts.db in
    /// the user's data directory].
    #[arg(long)]
    pub db: Option<PathBuf>,
    /// PostgreSQL database instead of the SQLite file
    /// (`postgres://user@host/db`; also from TERTULIA_DATABASE, so a
    /// password need not be on the command line). The folder of `--db`
    /// still keeps this node's certificate and unfinished uploads.
    #[arg(long, env = "TERTULIA_DATABASE", hide_env_values = true)]
    pub database: Option<String>,
    /// NATS between the nodes that share `--database` and serve one chat
    /// (`nats://host:4222`; also from TERTULIA_CLUSTER). See
    /// docs/SCALING.md for what crosses nodes so far.
    #[arg(long, env = "TERTULIA_CLUSTER", requires = "database")]
    pub cluster: Option<String>,
    /// This node's name in a cluster, in its logs [default: the host's
    /// name and the port].
    #[arg(long)]
    pub node_id: Option<String>,
    /// Name of the room every client lands in.
    #[arg(long, default_value = "lobby")]
    pub default_room: String,
    /// bcrypt work factor for password hashes (4–31; each step doubles the
    /// cost) [default: measured on the first start so that one check takes
    /// 50–100 ms here, never below 10, and kept in the database].
    #[arg(long, value_parser = clap::value_parser!(u32).range(4..=31))]
    pub bcrypt_cost: Option<u32>,
    /// Days a session token lets a client log in again without its password.
    #[arg(long, default_value_t = 30, value_parser = clap::value_parser!(u64).range(1..=3650))]
    pub session_days: u64,
    /// Most simultaneous connections; more get a "server full" error
    /// (lowered to what the open-file limit allows).
    #[arg(long, default_value_t = 10_000)]
    pub max_connections: usize,
    /// Most simultaneous connections from one address (a whole lecture
    /// hall behind one NAT fits).
    #[arg(long, default_value_t = 512)]
    pub max_per_address: usize,
    /// Most connections that have not logged in yet, in all.
    #[arg(long, default_value_t = 1000)]
    pub max_anonymous: usize,
    /// Most connections from one address that have not logged in yet (a
    /// class logging in together behind one NAT fits).
    #[arg(long, default_value_t = 256)]
    pub max_anonymous_per_address: usize,
    /// Seconds a connection may stay without saying hello.
    #[arg(long, default_value_t = 10)]
    pub hello_timeout: u64,
    /// Seconds a connection may stay without logging in.
    #[arg(long, default_value_t = 60)]
    pub login_timeout: u64,
    /// Seconds a logged-in connection may stay silent before it is taken for
    /// gone (clients send a heartbeat every 15 s).
    #[arg(long, default_value_t = 45)]
    pub idle_timeout: u64,
    /// Seconds of silence before TCP keepalive probes start (0: off).
    #[arg(long, default_value_t = 20)]
    pub keepalive: u64,
    /// Lines that may wait for one client before it is disconnected as too slow.
    #[arg(long, default_value_t = 1024)]
    pub outbox_capacity: usize,
    /// Seconds one socket write may take before the client is disconnected as too slow.
    #[arg(long, default_value_t = 10)]
    pub write_timeout: u64,
    /// Kernel send buffer per connection, in KiB (0: the system's default).
    #[arg(long, default_value_t = 128)]
    pub send_buffer_kib: usize,
    /// Chat messages per second per connection (0: no limit)…
    #[arg(long, default_value_t = 5.0)]
    pub message_rate: f64,
    /// …and how many may come in a burst.
    #[arg(long, default_value_t = 20)]
    pub message_burst: u32,
    /// Private messages per second per connection (0: no limit)…
    #[arg(long, default_value_t = 5.0)]
    pub private_rate: f64,
    /// …and how many may come in a burst.
    #[arg(long, default_value_t = 20)]
    pub private_burst: u32,
    /// Room creations, deletions, joins and leaves per second per connection (0: no limit)…
    #[arg(long, default_value_t = 1.0)]
    pub room_rate: f64,
    /// …and how many may come in a burst.
    #[arg(long, default_value_t = 10)]
    pub room_burst: u32,
    /// Requests of any kind per second per connection; past it the server
    /// reads that connection more slowly (0: no limit)…
    #[arg(long, default_value_t = 20.0)]
    pub request_rate: f64,
    /// …and how many may come in a burst.
    #[arg(long, default_value_t = 100)]
    pub request_burst: u32,
    /// Rooms one user may own at once.
    #[arg(long, default_value_t = 10)]
    pub max_rooms_per_user: usize,
    /// Failed logins for one account from one address before each further
    /// attempt must wait (1 s, doubling up to 5 min).
    #[arg(long, default_value_t = 5)]
    pub login_free_failures: u32,
    /// Failed logins from one address, any accounts, before waiting starts.
    #[arg(long, default_value_t = 50)]
    pub address_free_failures: u32,
    /// Password checks that may wait for a bcrypt thread; more get "busy"
    /// [default: what the bcrypt threads check in 5 seconds].
    #[arg(long)]
    pub hash_queue: Option<usize>,
    /// Latest messages of a room sent to whoever enters it (older ones are
    /// read with `history`).
    #[arg(long, default_value_t = 50)]
    pub history: usize,
    /// Days messages are kept; older ones are deleted (0: keep forever).
    #[arg(long, default_value_t = 30)]
    pub keep_days: u64,
    /// Largest file people may share, in MB.
    #[arg(long, default_value_t = tertulia_shared::files::MAX_FILE_MB)]
    pub max_file_mb: u64,
    /// Shared files kept in all, in MB; past it the oldest files go.
    #[arg(long, default_value_t = 2048)]
    pub files_quota_mb: u64,
    /// File transfer per connection (uploads and downloads), MB per second
    /// (0: no limit).
    #[arg(long, default_value_t = 20.0)]
    pub file_rate_mb: f64,
    /// TLS certificate chain (PEM) [default: a self-signed one, made on first
    /// start as tls-cert.pem beside the database].
    #[arg(long, requires = "key", conflicts_with = "plain")]
    pub cert: Option<PathBuf>,
    /// The certificate's private key (PEM).
    #[arg(long, requires = "cert", conflicts_with = "plain")]
    pub key: Option<PathBuf>,
    /// Speak plain text instead of TLS (for nc and teaching): passwords and
    /// messages then cross the network readable by anyone on it.
    #[arg(long)]
    pub plain: bool,
    /// Do not announce the server on the LAN (mDNS, UDP 5353).
    #[arg(long)]
    pub no_announce: bool,
    /// An account that is an admin (repeat for more); with none, the first
    /// account registered on a fresh database is.
    #[arg(long = "admin", value_name = "LOGIN")]
    pub admins: Vec<String>,
    /// Who may create rooms: `everyone`, or only `teachers` (and admins).
    #[arg(long, value_enum, default_value_t = Who::Everyone)]
    pub rooms_by: Who,
    /// Who students may write privately to: `everyone`, or only `staff`
    /// (teachers and admins).
    #[arg(long, value_enum, default_value_t = Who::Everyone)]
    pub privates: Who,
    /// Keep the index `search` reads (`on`), or not (`off`: a few percent
    /// more messages stored per second; `search` is then refused).
    #[arg(long, value_enum, default_value_t = OnOff::On)]
    pub search_index: OnOff,
    /// A TOML file with any of these options (`port = 7878`,
    /// `max-per-address = 512`…); the command line wins over it.
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// The name clients see in their list of servers [default: the host name].
    #[arg(long)]
    pub name: Option<String>,
}

impl Cli {
    /// The command line, with the options of `--config FILE` under it (what
    /// is typed wins). A file that cannot be read, an unknown option or a
    /// bad value in it is an error naming the file and the line.
    pub fn from_args_and_file(
        args: impl IntoIterator<Item = std::ffi::OsString>,
    ) -> Result<Cli, crate::config_file::ConfigFileError> {
        let args: Vec<std::ffi::OsString> = args.into_iter().collect();
        let typed = match Cli::try_parse_from(&args) {
            Ok(typed) => typed,
            Err(e) => return Err(crate::config_file::ConfigFileError::CommandLine(e)),
        };
        let Some(path) = typed.config.clone() else {
            return Ok(typed);
        };
        let from_file = crate::config_file::options_in::<Cli>(&path)?;
        let mut merged = Vec::with_capacity(args.len() + from_file.len());
        merged.extend(args.first().cloned());
        merged.extend(from_file);
        merged.extend(args.into_iter().skip(1));
        Cli::try_parse_from(merged).map_err(crate::config_file::ConfigFileError::CommandLine)
    }
}

/// Everyone, or only teachers and admins (`--rooms-by`, `--privates`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Who {
    Everyone,
    /// Teachers and admins (also accepted as `teachers`).
    #[value(alias = "teachers")]
    Staff,
}

/// A switch (`--search-index`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum OnOff {
    On,
    Off,
}
