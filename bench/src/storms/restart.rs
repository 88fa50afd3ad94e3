//! Every client coming back: after a server restart (with and without TLS
//! tickets), and after a network blip while others chat.

use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::bail;
use tokio::sync::{mpsc, watch};
use tokio::task::JoinSet;

use super::class::{Storm, StormSeen, paced_chat};
use super::client::{Credentials, jitter, log_in, own_tls};
use crate::scenario::{Report, Target};

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
