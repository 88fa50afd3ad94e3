//! A class logging in at once beside a room that chats, and the paced
//! chat harness every storm is measured with.

use std::time::{Duration, Instant};

use tokio::task::JoinSet;

use super::client::{Credentials, log_in, own_tls};
use crate::scenario::{CpuWindow, Report, Target, paced_receipts, summarize};

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
pub(super) type Storm =
    std::pin::Pin<Box<dyn std::future::Future<Output = anyhow::Result<StormSeen>> + Send>>;

/// When the last client of a storm was in, how many there were, and what
/// the storm was, for the report.
pub(super) struct StormSeen {
    pub(super) last: Duration,
    pub(super) clients: usize,
    pub(super) what: String,
}

/// Paced chat of `clients` in one room for `window`; with `storm`, the
/// class logs in meanwhile and the report carries its figures.
pub(super) async fn paced_chat(
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
