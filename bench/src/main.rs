//! `tertulia-bench`: many real TCP clients from one process against a chat
//! server on loopback (Tertulia, or an IRC daemon for comparison).
//! Prints a table and one JSON line per scenario.

mod abuse;
mod crowd;
mod files;
mod measure;
mod proto;
mod quiet;
mod relay;
mod report;
mod scenario;
mod search;
mod storms;

use std::io::Write;
use std::net::{SocketAddr, ToSocketAddrs};
use std::time::Duration;

use anyhow::{Context, bail};
use clap::Parser;

use proto::Proto;
use scenario::{Report, Target};

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
enum Preset {
    /// The sizes of docs/PERFORMANCE.md (minutes).
    Full,
    /// A tenth of the work (under a minute).
    Quick,
    /// A few clients, to prove the tool works (seconds).
    Smoke,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
enum Scenario {
    FanOut,
    Paced,
    Idle,
    ManyRooms,
    LoginStorm,
    /// Legitimate clients with and without a flooder, a non-reader and a
    /// slot filler (Tertulia only; run it against default limits).
    Abuse,
    /// GUI clients at rest (heartbeat only) with many accounts registered:
    /// server CPU while nobody types (Tertulia only).
    QuietLab,
    /// A room chatting at a steady pace without, then with, a large file
    /// being shared in it (Tertulia only).
    FileTransfer,
    /// A class arriving at once: clients with accounts connect, log in and
    /// join their rooms together (5000 and 10,000 in the full preset).
    JoinStorm,
    /// A class of 200 logging in within a second, all from one address, at
    /// the server's default cost and limits, while 100 others chat (run it
    /// against a server with its defaults: bench/storms.sh).
    ClassStart,
    /// 1000 logged-in clients; the server restarts; everyone comes back
    /// with its session token (needs --server-pid-file: bench/storms.sh).
    RestartStorm,
    /// Writers fill the log (1,000,000 messages in the full preset), then
    /// searches are timed (bench/search.sh runs it with the search index
    /// on and off).
    Search,
}

/// Load generator for chat servers on this machine.
#[derive(Debug, Parser)]
#[command(version, about)]
struct Cli {
    /// The protocol the server speaks.
    #[arg(long, value_enum, default_value = "tertulia")]
    proto: Proto,
    /// Server address; must be a loopback address. Several, separated by
    /// commas, are the nodes of one cluster: client `i` talks to node
    /// `i % nodes`, and the first client on each node makes the room
    /// (bench/cluster.sh).
    #[arg(long, default_value = "127.0.0.1:7878")]
    addr: String,
    /// The server's PID, for its CPU time and memory (from /proc); several,
    /// separated by commas, are summed (a cluster's nodes, NATS, PostgreSQL).
    #[arg(long, value_delimiter = ',')]
    server_pid: Vec<u32>,
    /// A file holding the server's PID, read at each measurement: the
    /// restart storm sends that process SIGTERM and expects whatever runs
    /// it to start it again (bench/storms.sh).
    #[arg(long)]
    server_pid_file: Option<std::path::PathBuf>,
    /// Sizes of the scenarios.
    #[arg(long, value_enum, default_value = "quick")]
    preset: Preset,
    /// Scenarios to run, in order (default: all but login-storm).
    #[arg(long, value_enum, value_delimiter = ',')]
    scenarios: Vec<Scenario>,
    /// Name shown in the results (default: the protocol).
    #[arg(long)]
    label: Option<String>,
    /// Hard limit for the whole run, seconds.
    #[arg(long, default_value_t = 900)]
    time_limit: u64,
    /// Bytes of text per benchmark message.
    #[arg(long, default_value_t = 100)]
    size: usize,
    /// Speak TLS to a Tertulia server (its default); without it, plain
    /// text (a server started with --plain, as the IRC daemons speak).
    #[arg(long)]
    tls: bool,
    /// Instead of benchmarking, be a bare relay on 127.0.0.1:PORT (just
    /// enough IRC for the generator; the ceiling a server could reach).
    #[arg(long, value_name = "PORT")]
    relay: Option<u16>,
}

fn loopback(addr: &str) -> anyhow::Result<SocketAddr> {
    let resolved: Vec<SocketAddr> = addr
        .to_socket_addrs()
        .with_context(|| format!("cannot resolve {addr}"))?
        .collect();
    match resolved.into_iter().find(|a| a.ip().is_loopback()) {
        Some(a) => Ok(a),
        None => {
            bail!("{addr} is not a loopback address: this tool only loads servers on this machine")
        }
    }
}

async fn run(cli: &Cli, target: &mut Target) -> anyhow::Result<Vec<Report>> {
    let scenarios = if cli.scenarios.is_empty() {
        vec![
            Scenario::FanOut,
            Scenario::Paced,
            Scenario::Idle,
            Scenario::ManyRooms,
        ]
    } else {
        cli.scenarios.clone()
    };
    let size = cli.size;
    let mut reports = Vec::new();
    let mut tag = b'a';
    for scenario in scenarios {
        let mut batch = Vec::new();
        // Each preset: (fan-out runs, paced, idle runs, many-rooms, login storm).
        use Preset::*;
        macro_rules! next_tag {
            () => {{
                target.tag = tag as char;
                tag += 1;
                // Let the server finish with the previous crowd.
                tokio::time::sleep(Duration::from_secs(2)).await;
            }};
        }
        match (scenario, cli.preset) {
            (Scenario::FanOut, p) => {
                let runs: &[(usize, usize, u64)] = match p {
                    Full => &[(100, 10, 10_000), (1000, 5, 2_000)],
                    Quick => &[(100, 10, 1_000), (1000, 5, 200)],
                    Smoke => &[(5, 2, 20)],
                };
                for &(n, s, m) in runs {
                    next_tag!();
                    batch.push(outcome(
                        scenario::fan_out(target, n, s, m, size).await,
                        "fan-out",
                    ));
                }
            }
            (Scenario::Paced, p) => {
                let (n, s, secs) = match p {
                    Full => (1000, 5, 20),
                    Quick => (1000, 5, 5),
                    Smoke => (5, 1, 1),
                };
                next_tag!();
                batch.push(outcome(
                    scenario::paced(target, n, s, 50, Duration::from_secs(secs), size).await,
                    "paced",
                ));
            }
            // A crowd of the same sizes: at rest (memory), or arriving at once.
            (Scenario::Idle | Scenario::JoinStorm, p) => {
                let runs: &[usize] = match p {
                    Full => &[5_000, 10_000],
                    Quick => &[2_000],
                    Smoke => &[20],
                };
                for &n in runs {
                    next_tag!();
                    let rooms = 50.min(n);
                    batch.push(if scenario == Scenario::Idle {
                        outcome(scenario::idle(target, n, rooms).await, "idle")
                    } else {
                        outcome(scenario::join_storm(target, n, rooms).await, "join-storm")
                    });
                }
            }
            (Scenario::ManyRooms, p) => {
                let (rooms, per, m) = match p {
                    Full => (200, 10, 200),
                    Quick => (200, 10, 20),
                    Smoke => (3, 3, 5),
                };
                next_tag!();
                batch.push(outcome(
                    scenario::many_rooms(target, rooms, per, m, size).await,
                    "many-rooms",
                ));
            }
            (Scenario::Abuse, p) => {
                let (n, senders, secs) = match p {
                    Full => (100, 20, 20),
                    Quick => (100, 20, 10),
                    Smoke => (10, 3, 2),
                };
                for attack in [false, true] {
                    next_tag!();
                    batch.push(outcome(
                        abuse::lab(target, n, senders, 2, Duration::from_secs(secs), attack).await,
                        "abuse",
                    ));
                }
            }
            (Scenario::QuietLab, p) => {
                let (accounts, online, secs) = match p {
                    Full => (2_000, 500, 30),
                    Quick => (2_000, 500, 10),
                    Smoke => (20, 5, 2),
                };
                for poll in [false, true] {
                    next_tag!();
                    let window = Duration::from_secs(secs);
                    batch.push(outcome(
                        quiet::quiet_lab(target, accounts, online, window, poll).await,
                        "quiet-lab",
                    ));
                }
            }
            (Scenario::FileTransfer, p) => {
                let (n, senders, secs, mb) = match p {
                    Full => (100, 5, 5, 50),
                    Quick => (100, 5, 5, 50),
                    Smoke => (5, 1, 2, 1),
                };
                for upload in [0, mb] {
                    next_tag!();
                    let window = Duration::from_secs(secs);
                    batch.push(outcome(
                        files::file_transfer(target, n, senders, 50, window, upload).await,
                        "file-transfer",
                    ));
                }
            }
            (Scenario::ClassStart, p) => {
                storms::check(target)?;
                let (n, paced, secs) = match p {
                    Full | Quick => (200, 100, 10),
                    Smoke => (10, 5, 2),
                };
                next_tag!();
                match storms::class_start(
                    target,
                    n,
                    Duration::from_secs(1),
                    paced,
                    Duration::from_secs(secs),
                )
                .await
                {
                    Ok(reports) => batch.extend(reports),
                    Err(e) => batch.push(outcome(Err(e), "class-start")),
                }
            }
            (Scenario::RestartStorm, p) => {
                storms::check(target)?;
                let (n, paced, secs) = match p {
                    Full | Quick => (1000, 100, 10),
                    Smoke => (10, 5, 2),
                };
                next_tag!();
                match storms::restart_storm(target, n, paced, Duration::from_secs(secs)).await {
                    Ok(reports) => batch.extend(reports),
                    Err(e) => batch.push(outcome(Err(e), "restart-storm")),
                }
            }
            (Scenario::Search, p) => {
                let (messages, writers) = match p {
                    Full => (1_000_000, 8),
                    Quick => (100_000, 8),
                    Smoke => (2_000, 2),
                };
                next_tag!();
                batch.push(outcome(
                    search::search(target, messages, writers).await,
                    "search",
                ));
            }
            (Scenario::LoginStorm, p) => {
                let n = match p {
                    // 100 at bcrypt cost 12 keep one core busy ~25 s, inside the
                    // generator's 60 s answer timeout when the server is pinned.
                    Full => 100,
                    Quick => 50,
                    Smoke => 5,
                };
                next_tag!();
                batch.push(outcome(
                    scenario::login_storm(target, n).await,
                    "login-storm",
                ));
            }
        }
        for report in &mut batch {
            report.target = cli
                .label
                .clone()
                .unwrap_or_else(|| format!("{:?}", cli.proto).to_lowercase());
            eprintln!("{}", report::row(report));
        }
        reports.append(&mut batch);
    }
    Ok(reports)
}

/// A failed scenario still gets a line, so a comparison run goes on.
fn outcome(result: anyhow::Result<Report>, scenario: &str) -> Report {
    result.unwrap_or_else(|e| Report {
        scenario: scenario.to_owned(),
        params: format!("FAILED: {e:#}"),
        error: Some(format!("{e:#}")),
        ..Report::default()
    })
}

fn main() -> anyhow::Result<()> {
    let cli = Cli::parse();
    if let Some(port) = cli.relay {
        return tokio::runtime::Builder::new_multi_thread()
            .enable_all()
            .build()?
            .block_on(relay::serve(port));
    }
    if cli.tls {
        proto::use_tls();
    }
    let nodes = cli
        .addr
        .split(',')
        .map(loopback)
        .collect::<anyhow::Result<Vec<_>>>()?;
    let addr = nodes[0];
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?;
    // Unique per run, so Tertulia accounts from earlier runs never collide.
    let seconds = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    let run_id = format!("{:x}", seconds % 0x10_0000);
    let mut target = Target {
        proto: cli.proto,
        addr,
        nodes,
        pid: (!cli.server_pid.is_empty()).then(|| {
            let pids: Vec<String> = cli.server_pid.iter().map(u32::to_string).collect();
            pids.join(",")
        }),
        run_id,
        tag: 'a',
        spread: false,
        registered: false,
        pid_file: cli.server_pid_file.clone(),
    };
    eprintln!("{}", report::header());
    let limit = Duration::from_secs(cli.time_limit);
    let reports = runtime.block_on(async {
        tokio::time::timeout(limit, run(&cli, &mut target))
            .await
            .map_err(|_| anyhow::anyhow!("time limit of {}s reached", cli.time_limit))?
    })?;
    let mut out = std::io::stdout().lock();
    for report in &reports {
        writeln!(out, "{}", serde_json::to_string(report)?)?;
    }
    // Thousands of sockets close faster without waiting for their tasks.
    runtime.shutdown_timeout(Duration::from_secs(1));
    Ok(())
}
