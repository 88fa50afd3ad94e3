//! The scenarios. Each connects a crowd of real TCP clients, lets some of them
//! send, has every client record what it receives, and returns one [`Report`].

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::{Duration, Instant};

use tokio::sync::Semaphore;
use tokio::task::JoinSet;

use crate::measure::{cpu_seconds, now_us, rss_kib};
use crate::proto::Proto;

pub(crate) use crate::crowd::crowd;
pub use crate::report::Report;
pub(crate) use crate::report::summarize;

/// Connections being set up at once.
pub(crate) const CONNECT_CONCURRENCY: usize = 256;

/// The server under test.
#[derive(Debug, Clone)]
pub struct Target {
    pub proto: Proto,
    pub addr: SocketAddr,
    /// Every node of the target (`addr` first): client `i` uses node
    /// `i % nodes.len()`.
    pub nodes: Vec<SocketAddr>,
    /// For CPU and memory readings from /proc.
    pub pid: Option<String>,
    /// Makes names unique across runs against the same Tertulia database.
    pub run_id: String,
    /// Makes names unique across scenarios (an IRC nick may linger briefly).
    pub tag: char,
    /// Each client connects from its own loopback address (127.0.1.1,
    /// 127.0.1.2…), like machines in a lab, instead of all from one.
    pub spread: bool,
    /// The clients' accounts exist already: they only log in.
    pub registered: bool,
    /// Where the server's PID is, when a script restarts it (the
    /// restart storm): read at each measurement instead of `pid`.
    pub pid_file: Option<std::path::PathBuf>,
}

impl Target {
    pub(crate) fn name(&self, index: usize) -> String {
        match self.proto {
            // IRC nicks are at most 9 characters on ngIRCd by default.
            Proto::Irc => format!("{}{index}", self.tag),
            Proto::Tertulia => format!("b{}{}{index}", self.run_id, self.tag),
        }
    }

    /// A Tertulia login for a named role (`flood`…), unique to this run.
    pub fn name_of(&self, who: &str) -> String {
        format!("b{}{}{who}", self.run_id, self.tag)
    }

    pub(crate) fn room(&self, index: usize) -> String {
        format!("r{}{}{index}", self.run_id, self.tag)
    }

    /// The node client `index` talks to.
    pub fn node(&self, index: usize) -> SocketAddr {
        self.nodes
            .get(index % self.nodes.len().max(1))
            .copied()
            .unwrap_or(self.addr)
    }

    /// The loopback address client `index` connects from, when spread.
    pub fn address(&self, index: usize) -> Option<std::net::IpAddr> {
        self.spread.then(|| {
            let (hi, lo) = (index / 250, index % 250);
            std::net::IpAddr::from([127, 0, 1 + hi as u8, 1 + lo as u8])
        })
    }

    /// The server's PID now (it changes when the server is restarted).
    fn server_pid(&self) -> Option<String> {
        match &self.pid_file {
            Some(file) => std::fs::read_to_string(file)
                .ok()
                .map(|pid| pid.trim().to_owned()),
            None => self.pid.clone(),
        }
    }

    /// CPU seconds of the server's processes (summed when several).
    pub(crate) fn server_cpu(&self) -> Option<f64> {
        let pids = self.server_pid()?;
        pids.split(',').map(cpu_seconds).sum()
    }

    fn server_rss(&self) -> Option<u64> {
        let pids = self.server_pid()?;
        pids.split(',').map(rss_kib).sum()
    }
}

/// Runs `body` between two CPU readings of the bench and the server.
pub(crate) struct CpuWindow {
    bench: Option<f64>,
    server: Option<f64>,
}

impl CpuWindow {
    pub(crate) fn start(target: &Target) -> CpuWindow {
        CpuWindow {
            bench: cpu_seconds("self"),
            server: target.server_cpu(),
        }
    }

    pub(crate) fn end(self, target: &Target, report: &mut Report) {
        report.bench_cpu_s = cpu_seconds("self").zip(self.bench).map(|(b, a)| b - a);
        report.server_cpu_s = target.server_cpu().zip(self.server).map(|(b, a)| b - a);
    }
}

/// N clients in one room; S senders × M messages as fast as possible.
pub async fn fan_out(
    target: &Target,
    n: usize,
    senders: usize,
    messages: u64,
    size: usize,
) -> anyhow::Result<Report> {
    let senders = senders.min(n);
    let expected = move |i: usize| {
        let others = if i < senders { senders - 1 } else { senders };
        others as u64 * messages
    };
    let mut crowd = crowd(target, n, 1, expected).await?;
    let mut report = Report::new(
        "fan-out",
        format!("{n} clients, {senders}x{messages} msgs of {size} B"),
        n,
        crowd.setup,
    );
    let cpu = CpuWindow::start(target);
    let t0 = now_us();
    let room = target.room(0);
    let sending: Vec<_> = (0..senders)
        .map(|i| crowd.send_burst(target.proto, i, room.clone(), messages, size))
        .collect();
    for sender in sending {
        sender.await??;
    }
    let (received, closed) = crowd.finish(Duration::from_secs(60)).await;
    cpu.end(target, &mut report);
    let wanted: u64 = (0..n).map(expected).sum();
    summarize(&mut report, &received, wanted, t0);
    if closed > 0 {
        report
            .params
            .push_str(&format!(" ({closed} clients disconnected)"));
    }
    Ok(report)
}

/// How many benchmark messages client `i` receives when the first
/// `senders` clients each send `per_sender` to the room (not their own).
pub(crate) fn paced_receipts(senders: usize, per_sender: u64) -> impl Fn(usize) -> u64 + Copy {
    move |i: usize| {
        let others = if i < senders { senders - 1 } else { senders };
        others as u64 * per_sender
    }
}

/// N clients in one room; S senders at `rate` messages/s for `duration`.
pub async fn paced(
    target: &Target,
    n: usize,
    senders: usize,
    rate: u64,
    duration: Duration,
    size: usize,
) -> anyhow::Result<Report> {
    let senders = senders.min(n);
    let expected = paced_receipts(senders, rate * duration.as_secs());
    let crowd = crowd(target, n, 1, expected).await?;
    let mut report = Report::new(
        "paced",
        format!(
            "{n} clients, {senders} senders x {rate} msg/s x {}s",
            duration.as_secs()
        ),
        n,
        crowd.setup,
    );
    let cpu = CpuWindow::start(target);
    let t0 = now_us();
    let room = target.room(0);
    let sending: Vec<_> = (0..senders)
        .map(|i| crowd.send_paced(target.proto, i, room.clone(), rate, duration, size))
        .collect();
    for sender in sending {
        sender.await??;
    }
    let (received, _) = crowd.finish(Duration::from_secs(30)).await;
    cpu.end(target, &mut report);
    let wanted: u64 = (0..n).map(expected).sum();
    summarize(&mut report, &received, wanted, t0);
    Ok(report)
}

/// K logged-in idle clients over `rooms` rooms: server memory per
/// connection. The accounts are made first, so the growth measured is the
/// connections' and not the sign-ups' (bcrypt, SQLite pages).
pub async fn idle(target: &Target, n: usize, rooms: usize) -> anyhow::Result<Report> {
    let ready = with_accounts(target, n).await?;
    let before = target.server_rss();
    let cpu = CpuWindow::start(target);
    let crowd = crowd(&ready, n, rooms, |_| 0).await?;
    // Let join notifications drain before reading memory.
    tokio::time::sleep(Duration::from_secs(2)).await;
    let after = target.server_rss();
    let mut report = Report {
        rss_per_conn_kib: after
            .zip(before)
            .map(|(a, b)| a.saturating_sub(b) as f64 / n as f64),
        rss_total_per_conn_kib: after.map(|a| a as f64 / n as f64),
        ..Report::new(
            "idle",
            format!("{n} clients over {rooms} rooms"),
            n,
            crowd.setup,
        )
    };
    cpu.end(target, &mut report);
    let (_, closed) = crowd.finish(Duration::ZERO).await;
    if closed > 0 {
        report.lost = closed as u64;
        report
            .params
            .push_str(&format!(" ({closed} clients disconnected)"));
    }
    Ok(report)
}

/// The target with accounts for its first `n` clients already made (on
/// Tertulia; IRC has none), so that what follows measures logging in, not
/// signing up. Their sign-up connections are gone when it returns.
pub(crate) async fn with_accounts(target: &Target, n: usize) -> anyhow::Result<Target> {
    let mut ready = target.clone();
    if target.proto == Proto::Tertulia {
        let slots = Arc::new(Semaphore::new(CONNECT_CONCURRENCY));
        let mut set = JoinSet::new();
        for i in 0..n {
            let (target, slots) = (target.clone(), slots.clone());
            set.spawn(async move {
                let _slot = slots.acquire_owned().await?;
                let name = target.name(i);
                target
                    .proto
                    .connect_from(target.addr, target.address(i), &name, true)
                    .await?;
                anyhow::Ok(())
            });
        }
        while let Some(done) = set.join_next().await {
            done??;
        }
        // Their departures told before the storm starts.
        tokio::time::sleep(Duration::from_secs(2)).await;
        ready.registered = true;
    }
    Ok(ready)
}

/// A class arriving at once: `n` clients whose accounts exist connect, log
/// in and join their rooms (`rooms` of them), all at the same time. The
/// accounts are made first, untimed (for IRC there is nothing to make).
pub async fn join_storm(target: &Target, n: usize, rooms: usize) -> anyhow::Result<Report> {
    let ready = with_accounts(target, n).await?;
    let cpu = CpuWindow::start(target);
    let crowd = crowd(&ready, n, rooms, |_| 0).await?;
    let mut report = Report::new(
        "join-storm",
        format!("{n} clients log in and join {rooms} rooms at once"),
        n,
        crowd.setup,
    );
    report.logins_per_s = Some(n as f64 / crowd.setup.as_secs_f64().max(1e-6));
    cpu.end(target, &mut report);
    let (_, closed) = crowd.finish(Duration::ZERO).await;
    if closed > 0 {
        report.lost = closed as u64;
    }
    Ok(report)
}

/// `rooms` rooms × `per_room` clients, every client sending `messages`.
pub async fn many_rooms(
    target: &Target,
    rooms: usize,
    per_room: usize,
    messages: u64,
    size: usize,
) -> anyhow::Result<Report> {
    let n = rooms * per_room;
    let expected = move |_| (per_room as u64 - 1) * messages;
    let mut crowd = crowd(target, n, rooms, expected).await?;
    let mut report = Report::new(
        "many-rooms",
        format!("{rooms} rooms x {per_room} clients, each sending {messages}"),
        n,
        crowd.setup,
    );
    let cpu = CpuWindow::start(target);
    let t0 = now_us();
    let sending: Vec<_> = (0..n)
        .map(|i| crowd.send_burst(target.proto, i, target.room(i % rooms), messages, size))
        .collect();
    for sender in sending {
        sender.await??;
    }
    let (received, _) = crowd.finish(Duration::from_secs(60)).await;
    cpu.end(target, &mut report);
    summarize(&mut report, &received, n as u64 * expected(0), t0);
    Ok(report)
}

/// K clients logging in at once (accounts created beforehand, untimed).
pub async fn login_storm(target: &Target, n: usize) -> anyhow::Result<Report> {
    let name = |i: usize| format!("{}s", target.name(i));
    if target.proto == Proto::Tertulia {
        let slots = Arc::new(Semaphore::new(8));
        let mut set = JoinSet::new();
        for i in 0..n {
            let (target, slots, login) = (target.clone(), slots.clone(), name(i));
            set.spawn(async move {
                let _slot = slots.acquire_owned().await?;
                target.proto.connect(target.addr, &login, true).await?;
                anyhow::Ok(())
            });
        }
        while let Some(done) = set.join_next().await {
            done??;
        }
        tokio::time::sleep(Duration::from_millis(500)).await;
    }
    let cpu = CpuWindow::start(target);
    let started = Instant::now();
    let mut set = JoinSet::new();
    for i in 0..n {
        let (target, login) = (target.clone(), name(i));
        set.spawn(async move {
            let begin = Instant::now();
            let session = target.proto.connect(target.addr, &login, false).await?;
            anyhow::Ok((begin.elapsed(), session))
        });
    }
    let mut slowest = Duration::ZERO;
    let mut sessions = Vec::with_capacity(n);
    while let Some(done) = set.join_next().await {
        let (took, session) = done??;
        slowest = slowest.max(took);
        sessions.push(session);
    }
    let total = started.elapsed();
    let mut report = Report {
        scenario: "login-storm".into(),
        params: format!("{n} clients at once"),
        clients: n,
        setup_s: total.as_secs_f64(),
        logins_per_s: Some(n as f64 / total.as_secs_f64()),
        slowest_login_ms: Some(slowest.as_secs_f64() * 1000.0),
        ..Report::default()
    };
    cpu.end(target, &mut report);
    drop(sessions);
    Ok(report)
}
