//! The two storms of issue 25: a class logging in at once while others
//! chat (`class-start`), and every client coming back after the server
//! restarts (`restart-storm`). Both run against a Tertulia server at its
//! default bcrypt cost and limits, every client from one address (a school
//! behind one NAT), over TLS when `--tls` is given.

use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::{Context, bail};
use tertulia_shared::codec::encode;
use tertulia_shared::{ClientRequest, PROTOCOL_VERSION, Password, Request, SessionToken};
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
use tokio::sync::{mpsc, watch};
use tokio::task::JoinSet;

use crate::proto::{PASSWORD, Proto, STEP_TIMEOUT, open};
use crate::scenario::{CpuWindow, Report, Target, paced_receipts, summarize};

/// How the clients of a storm log in.
#[derive(Debug, Clone)]
enum Credentials {
    Password(String),
    /// Signs up first, then logs in with the password.
    Register(String),
    Token(SessionToken),
}

/// One storm client's connection, read line by line.
struct Link {
    reader: BufReader<tokio::io::ReadHalf<Box<dyn crate::proto::Io>>>,
    writer: tokio::io::WriteHalf<Box<dyn crate::proto::Io>>,
    next_id: u64,
}

/// Connects (TLS with `tls`, resuming its TLS session when it has one),
/// says hello and logs in; returns the link, the session token, and
/// whether the TLS handshake was a resumption.
async fn log_in(
    target: &Target,
    from: Option<std::net::IpAddr>,
    tls: Option<&Arc<rustls::ClientConfig>>,
    credentials: &Credentials,
) -> anyhow::Result<(Link, SessionToken, bool)> {
    let stream = open(target.addr, from, None).await?;
    let mut resumed = false;
    let stream: Box<dyn crate::proto::Io> = match tls {
        Some(config) => {
            let name = rustls::pki_types::ServerName::try_from("localhost")?;
            let tls = tokio_rustls::TlsConnector::from(config.clone())
                .connect(name, stream)
                .await
                .context("TLS handshake")?;
            resumed = tls.get_ref().1.handshake_kind() == Some(rustls::HandshakeKind::Resumed);
            Box::new(tls)
        }
        None => Box::new(stream),
    };
    let (read, writer) = tokio::io::split(stream);
    let mut link = Link {
        reader: BufReader::new(read),
        writer,
        next_id: 1,
    };
    link.ask(Request::Hello {
        version: PROTOCOL_VERSION,
        client: "tertulia-bench".into(),
    })
    .await?;
    if let Credentials::Register(login) = credentials {
        link.ask(Request::Register(crate::proto::registration(login)))
            .await?;
    }
    let answer = link
        .ask(match credentials {
            Credentials::Password(login) | Credentials::Register(login) => Request::Login {
                login: login.clone(),
                password: Password(PASSWORD.into()),
            },
            Credentials::Token(token) => Request::Resume {
                token: token.clone(),
            },
        })
        .await?;
    let token = answer["token"]
        .as_str()
        .map(|t| SessionToken(t.to_owned()))
        .context("logged_in without a token")?;
    Ok((link, token, resumed))
}

impl Link {
    /// Sends `request` and returns its reply's `result`; on `busy`, waits
    /// as told plus up to a quarter more (as the desktop client does) and
    /// asks again.
    async fn ask(&mut self, request: Request) -> anyhow::Result<serde_json::Value> {
        let id = self.next_id;
        self.next_id += 1;
        let line = encode(&ClientRequest::new(id, request));
        self.writer.write_all(&line).await?;
        self.writer.flush().await?;
        let mut text = String::new();
        loop {
            text.clear();
            let read = tokio::time::timeout(STEP_TIMEOUT, self.reader.read_line(&mut text))
                .await
                .context("no answer in time")??;
            if read == 0 {
                bail!("the server closed the connection");
            }
            let value: serde_json::Value = serde_json::from_str(&text)?;
            if value["id"].as_u64() != Some(id) {
                continue;
            }
            if value["type"] == "reply" {
                return Ok(value["result"].clone());
            }
            if value["code"] == "busy" {
                let told = Duration::from_millis(value["retry_after_ms"].as_u64().unwrap_or(1000));
                tokio::time::sleep(told + told.mul_f64(jitter() / 4.0)).await;
                self.writer.write_all(&line).await?;
                self.writer.flush().await?;
                continue;
            }
            bail!("refused: {}", text.trim_end());
        }
    }

    /// Reads until the server closes the connection, sending the desktop
    /// client's heartbeat (`time` every 15 s) meanwhile.
    async fn idle_until_closed(&mut self) {
        let mut sink = Vec::new();
        let mut heartbeat = tokio::time::interval(Duration::from_secs(15));
        loop {
            tokio::select! {
                read = self.reader.read_until(b'\n', &mut sink) => match read {
                    Ok(0) | Err(_) => return,
                    Ok(_) => sink.clear(),
                },
                _ = heartbeat.tick() => {
                    let id = self.next_id;
                    self.next_id += 1;
                    let line = encode(&ClientRequest::new(id, Request::Time));
                    if self.writer.write_all(&line).await.is_err() || self.writer.flush().await.is_err() {
                        return;
                    }
                }
            }
        }
    }
}

/// A number in [0, 1), different at each call.
fn jitter() -> f64 {
    use std::hash::BuildHasher;
    let bits = std::hash::RandomState::new().hash_one(Instant::now());
    (bits >> 11) as f64 / (1u64 << 53) as f64
}

/// A TLS configuration of the client's own, so that its session tickets are
/// its own, as on separate computers (`resume`: keep them at all).
fn own_tls(resume: bool) -> Option<Arc<rustls::ClientConfig>> {
    let shared = crate::proto::tls_config()?;
    let mut config = (*shared).clone();
    config.resumption = match resume {
        true => rustls::client::Resumption::in_memory_sessions(4),
        false => rustls::client::Resumption::disabled(),
    };
    Some(Arc::new(config))
}

/// `n` clients whose accounts exist, all from one address, start logging
/// in within `over` (the teacher said "log in now"); meanwhile `paced`
/// clients already in chat. Two reports: the paced chat alone, then the
/// storm with the paced chat during it (its p99 beside the first).
pub async fn class_start(
    target: &Target,
    n: usize,
    over: Duration,
    paced: usize,
    window: Duration,
) -> anyhow::Result<Vec<Report>> {
    let mut storm_target = target.clone();
    storm_target.tag = target.tag.to_ascii_uppercase();
    let accounts = crate::scenario::with_accounts(&storm_target, n).await?;
    let calm = paced_chat(target, 'q', paced, window, None).await?;
    let storm: Storm = Box::pin(async move {
        let last = log_in_together(&accounts, n, over).await?;
        Ok(StormSeen {
            last,
            clients: n,
            what: format!(
                "{n} logins from one address within {:.1}s",
                over.as_secs_f64()
            ),
        })
    });
    let mut during = paced_chat(target, 'p', paced, window, Some(storm)).await?;
    during.scenario = "class-start".into();
    Ok(vec![calm, during])
}

/// A storm run beside paced chat, and what it saw.
type Storm = std::pin::Pin<Box<dyn std::future::Future<Output = anyhow::Result<StormSeen>> + Send>>;

/// When the last client of a storm was in, how many there were, and what
/// the storm was, for the report.
struct StormSeen {
    last: Duration,
    clients: usize,
    what: String,
}

/// Paced chat of `clients` in one room for `window`; with `storm`, the
/// class logs in meanwhile and the report carries its figures.
async fn paced_chat(
    target: &Target,
    tag: char,
    clients: usize,
    window: Duration,
    storm: Option<Storm>,
) -> anyhow::Result<Report> {
    // Within the default `--message-rate` (5 per second per sender).
    let (senders, rate) = (clients.min(20), 4);
    let expected = paced_receipts(senders, rate * window.as_secs());
    let mut chat_target = target.clone();
    chat_target.tag = tag;
    let crowd = crate::scenario::crowd(&chat_target, clients, 1, expected).await?;
    let cpu = CpuWindow::start(target);
    let t0 = crate::measure::now_us();
    let room = chat_target.room(0);
    let sending: Vec<_> = (0..senders)
        .map(|i| crowd.send_paced(target.proto, i, room.clone(), rate, window, 100))
        .collect();
    let storming = storm.map(tokio::spawn);
    for sender in sending {
        sender.await??;
    }
    let storm = match storming {
        Some(storm) => Some(storm.await??),
        None => None,
    };
    let (received, _) = crowd.finish(Duration::from_secs(30)).await;
    let mut report = Report::new(
        "paced-calm",
        format!(
            "{clients} clients, {senders} senders x {rate} msg/s x {}s, no storm",
            window.as_secs()
        ),
        clients,
        Duration::ZERO,
    );
    cpu.end(target, &mut report);
    let wanted: u64 = (0..clients).map(expected).sum();
    summarize(&mut report, &received, wanted, t0);
    if let Some(seen) = storm {
        let last = seen.last.as_secs_f64();
        report.params = format!(
            "{}, last in after {last:.2}s; p99 of {clients} paced clients during it",
            seen.what
        );
        report.setup_s = last;
        report.slowest_login_ms = Some(last * 1000.0);
        report.logins_per_s = Some(seen.clients as f64 / last.max(1e-6));
    }
    Ok(report)
}

/// Client `i` of `n` starts at `i/n` of `over`; returns when the last is
/// logged in (in the default room), how long after the first started.
async fn log_in_together(accounts: &Target, n: usize, over: Duration) -> anyhow::Result<Duration> {
    let started = Instant::now();
    let mut set = JoinSet::new();
    for i in 0..n {
        let target = accounts.clone();
        let start_at = started + over.mul_f64(i as f64 / n as f64);
        set.spawn(async move {
            tokio::time::sleep_until(start_at.into()).await;
            let tls = own_tls(true);
            let who = Credentials::Password(target.name(i));
            let (link, _, _) = log_in(&target, None, tls.as_ref(), &who).await?;
            anyhow::Ok((started.elapsed(), link))
        });
    }
    let mut last = Duration::ZERO;
    let mut links = Vec::with_capacity(n);
    while let Some(done) = set.join_next().await {
        let (took, link) = done??;
        last = last.max(took);
        links.push(link);
    }
    drop(links);
    Ok(last)
}

/// `n` logged-in clients, each from its own loopback address as in a lab,
/// sending the desktop client's heartbeat; the server is sent SIGTERM and
/// started again on the same database by whatever runs it
/// (`bench/storms.sh`); every client comes back with its session token
/// after the desktop client's jittered first delay (0.5–1.5 s) and its
/// backoff. Twice: keeping TLS tickets, then without them (what TLS
/// resumption saves). Each report gives the time from SIGTERM until the
/// last is back, how many TLS handshakes were resumptions, and the new
/// server process's CPU until then (its startup included).
pub async fn restart_storm(
    target: &Target,
    n: usize,
    paced: usize,
    window: Duration,
) -> anyhow::Result<Vec<Report>> {
    let Some(pid_file) = target.pid_file.clone() else {
        bail!("restart-storm needs --server-pid-file (run it from bench/storms.sh)");
    };
    let mut lab = target.clone();
    lab.spread = true;
    let (ready_tx, mut ready) = mpsc::unbounded_channel::<()>();
    let (round_tx, round) = watch::channel(None::<Round>);
    let (back_tx, mut back) = mpsc::unbounded_channel::<Return>();
    let slots = Arc::new(tokio::sync::Semaphore::new(64));
    let mut clients = JoinSet::new();
    for i in 0..n {
        let (lab, slots) = (lab.clone(), slots.clone());
        let (ready, round, back) = (ready_tx.clone(), round.clone(), back_tx.clone());
        clients.spawn(async move { storm_client(lab, i, slots, ready, round, back).await });
    }
    drop(ready_tx);
    for _ in 0..n {
        tokio::select! {
            _ = ready.recv() => {}
            Some(ended) = clients.join_next() => {
                ended??;
                bail!("a client ended before the restart");
            }
        }
    }
    let mut reports = Vec::new();
    for tickets in [true, false] {
        let old_pid = std::fs::read_to_string(&pid_file)?.trim().to_owned();
        let started = Instant::now();
        round_tx.send_replace(Some(Round {
            started,
            tickets,
            blip: false,
        }));
        let kill = std::process::Command::new("kill")
            .args(["-TERM", &old_pid])
            .status()?;
        if !kill.success() {
            bail!("could not signal the server (pid {old_pid})");
        }
        let (mut last, mut resumed_tls) = (Duration::ZERO, 0);
        let mut again = Retries::default();
        for _ in 0..n {
            let Return {
                took,
                resumed,
                retried,
            } = tokio::select! {
                Some(came_back) = back.recv() => came_back,
                Some(ended) = clients.join_next() => {
                    ended??;
                    bail!("a client ended during the restart");
                }
            };
            last = last.max(took);
            resumed_tls += usize::from(resumed);
            again.note(retried);
        }
        let new_pid = std::fs::read_to_string(&pid_file)?.trim().to_owned();
        let mut report = Report::new(
            "restart-storm",
            format!(
                "{n} clients resume after SIGTERM + restart, last back after {:.2}s; \
                 TLS resumed {resumed_tls}/{n} (client tickets {}){again}",
                last.as_secs_f64(),
                if tickets { "kept" } else { "off" }
            ),
            n,
            last,
        );
        report.server_cpu_s = crate::measure::cpu_seconds(&new_pid);
        report.slowest_login_ms = Some(last.as_secs_f64() * 1000.0);
        report.logins_per_s = Some(n as f64 / last.as_secs_f64().max(1e-6));
        if old_pid == new_pid {
            report.error = Some("the server was not restarted".into());
        }
        reports.push(report);
        // Let the presence of everyone's return settle before the next round.
        tokio::time::sleep(Duration::from_secs(3)).await;
    }
    // A network blip: every one of them drops and comes back at once while
    // the server stays up and `paced` others keep chatting.
    let blip: Storm = Box::pin(async move {
        let started = Instant::now();
        round_tx.send_replace(Some(Round {
            started,
            tickets: true,
            blip: true,
        }));
        let mut last = Duration::ZERO;
        let mut again = Retries::default();
        for _ in 0..n {
            let Return { took, retried, .. } = tokio::select! {
                Some(came_back) = back.recv() => came_back,
                Some(ended) = clients.join_next() => {
                    ended??;
                    bail!("a client ended during the blip");
                }
            };
            last = last.max(took);
            again.note(retried);
        }
        // Everyone stays until the paced chat is over.
        tokio::time::sleep_until((started + window).into()).await;
        clients.abort_all();
        Ok(StormSeen {
            last,
            clients: n,
            what: format!(
                "{n} clients drop and resume at once (a network blip, the server stays up){again}"
            ),
        })
    });
    let mut during = paced_chat(target, 'r', paced, window, Some(blip)).await?;
    during.scenario = "blip-storm".into();
    reports.push(during);
    Ok(reports)
}

/// A client back after a restart or a blip: how long after it started,
/// whether its TLS session was resumed, and why it had to try again, if
/// it did.
#[derive(Debug)]
struct Return {
    took: Duration,
    resumed: bool,
    retried: Option<String>,
}

/// How many clients had to try again, and the first reason.
#[derive(Debug, Default)]
struct Retries {
    count: usize,
    first: Option<String>,
}

impl Retries {
    fn note(&mut self, retried: Option<String>) {
        if let Some(why) = retried {
            self.count += 1;
            self.first.get_or_insert(why);
        }
    }
}

impl std::fmt::Display for Retries {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match &self.first {
            Some(why) => write!(f, "; {} tried again (first: {why})", self.count),
            None => Ok(()),
        }
    }
}

/// A restart under way: when SIGTERM was sent, and whether clients keep
/// their TLS tickets this time.
#[derive(Debug, Clone, Copy)]
struct Round {
    started: Instant,
    tickets: bool,
    /// The clients drop their connections themselves; the server stays up.
    blip: bool,
}

/// Resolves when a blip other than `seen` is announced.
async fn blip_announced(rounds: &mut watch::Receiver<Option<Round>>, seen: Option<Instant>) {
    loop {
        if rounds.changed().await.is_err() {
            return std::future::pending().await;
        }
        if let Some(round) = *rounds.borrow()
            && round.blip
            && Some(round.started) != seen
        {
            return;
        }
    }
}

/// One client of the restart storm: signs up and logs in, then at each
/// restart comes back with its token and says how long it took.
async fn storm_client(
    target: Target,
    i: usize,
    slots: Arc<tokio::sync::Semaphore>,
    ready: mpsc::UnboundedSender<()>,
    mut rounds: watch::Receiver<Option<Round>>,
    back: mpsc::UnboundedSender<Return>,
) -> anyhow::Result<()> {
    let mut tls = own_tls(true);
    let from = target.address(i);
    let (mut link, mut token, _) = {
        let _slot = slots.acquire_owned().await?;
        let who = Credentials::Register(target.name(i));
        log_in(&target, from, tls.as_ref(), &who).await?
    };
    let _ = ready.send(());
    let mut seen = None;
    loop {
        // Until the server closes the link, or a blip drops it from here.
        tokio::select! {
            () = link.idle_until_closed() => {}
            () = blip_announced(&mut rounds, seen) => {}
        }
        // Closed at once, as the desktop client does: the server waits for
        // its clients to close before it can stop and start again.
        drop(link);
        // The restart that closed it (SIGTERM is sent after it is announced).
        let round = loop {
            let now = *rounds.borrow_and_update();
            match now {
                Some(round) if Some(round.started) != seen => break round,
                _ => rounds.changed().await?,
            }
        };
        seen = Some(round.started);
        if !round.tickets {
            tls = own_tls(false);
        }
        let mut attempt = 0usize;
        let mut retried = None;
        let (again, fresh, resumed) = loop {
            attempt += 1;
            let base = Duration::from_secs([1, 2, 4, 8, 15][(attempt - 1).min(4)]);
            tokio::time::sleep(base / 2 + base.mul_f64(jitter())).await;
            match log_in(
                &target,
                from,
                tls.as_ref(),
                &Credentials::Token(token.clone()),
            )
            .await
            {
                Ok(done) => break done,
                Err(e) if attempt < 6 => {
                    retried.get_or_insert_with(|| format!("{e:#}"));
                    continue;
                }
                Err(e) => return Err(e),
            }
        };
        let _ = back.send(Return {
            took: round.started.elapsed(),
            resumed,
            retried,
        });
        link = again;
        token = fresh;
    }
}

/// `Proto` is only Tertulia here.
pub fn check(target: &Target) -> anyhow::Result<()> {
    if target.proto != Proto::Tertulia {
        bail!("the storms are Tertulia's (session tokens)");
    }
    Ok(())
}
