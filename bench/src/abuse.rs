//! The abuse scenario: a lab of legitimate clients chatting at a human pace
//! while three attackers run at the same server, with its default limits:
//! a flooder sending as fast as the server reads it, a client that stops
//! reading, and a slot filler that keeps opening silent connections. The
//! same lab runs first without them; the figures to compare are the
//! legitimate clients' latency and how many of them were disconnected.

use std::net::IpAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use tertulia_shared::codec::encode;
use tertulia_shared::{ClientRequest, Request};
use tokio::io::AsyncBufReadExt;
use tokio_util::sync::CancellationToken;

use crate::measure::now_us;
use crate::proto::{Proto, open};
use crate::scenario::{CpuWindow, Report, Target, crowd, summarize};

/// The three attackers' machines.
const FLOODER: [u8; 4] = [127, 0, 0, 2];
const NON_READER: [u8; 4] = [127, 0, 0, 3];
const SLOT_FILLER: [u8; 4] = [127, 0, 0, 4];

/// What the attackers managed, for the report's parameters.
#[derive(Debug, Default)]
struct Damage {
    flood_sent: AtomicU64,
    flood_refused: AtomicU64,
    slots_opened: AtomicU64,
    slots_refused: AtomicU64,
}

/// `n` legitimate clients in one room, `senders` of them each sending
/// `rate` messages a second for `duration`; with attackers when `attack`.
pub async fn lab(
    target: &Target,
    n: usize,
    senders: usize,
    rate: u64,
    duration: Duration,
    attack: bool,
) -> anyhow::Result<Report> {
    anyhow::ensure!(
        target.proto == Proto::Tertulia,
        "the abuse scenario speaks Tertulia only"
    );
    let target = Target {
        spread: true,
        ..target.clone()
    };
    let senders = senders.min(n);
    let per_sender = rate * duration.as_secs();
    let expected = move |i: usize| {
        let others = if i < senders { senders - 1 } else { senders };
        others as u64 * per_sender
    };
    let crowd = crowd(&target, n, 1, expected).await?;
    let room = target.room(0);
    let damage = Arc::new(Damage::default());
    let stop = CancellationToken::new();
    let attackers = if attack {
        vec![
            tokio::spawn(flooder(
                target.clone(),
                room.clone(),
                damage.clone(),
                stop.clone(),
            )),
            tokio::spawn(non_reader(target.clone(), room.clone(), stop.clone())),
            tokio::spawn(slot_filler(target.clone(), damage.clone(), stop.clone())),
        ]
    } else {
        Vec::new()
    };
    // Let the attack get going before the measured traffic starts.
    if attack {
        tokio::time::sleep(Duration::from_secs(1)).await;
    }
    let mut report = Report::new(
        if attack { "abuse" } else { "abuse-base" },
        format!(
            "{n} clients, {senders} senders x {rate} msg/s x {}s{}",
            duration.as_secs(),
            if attack { ", with attackers" } else { "" }
        ),
        n,
        crowd.setup,
    );
    let cpu = CpuWindow::start(&target);
    let t0 = now_us();
    let size = 100;
    let sending: Vec<_> = (0..senders)
        .map(|i| crowd.send_paced(target.proto, i, room.clone(), rate, duration, size))
        .collect();
    for sender in sending {
        sender.await??;
    }
    let (received, disconnected) = crowd.finish(Duration::from_secs(30)).await;
    stop.cancel();
    for attacker in attackers {
        if let Ok(Err(e)) = attacker.await {
            report
                .params
                .push_str(&format!(" (an attacker failed: {e:#})"));
        }
    }
    cpu.end(&target, &mut report);
    let wanted: u64 = (0..n).map(expected).sum();
    summarize(&mut report, &received, wanted, t0);
    report
        .params
        .push_str(&format!("; {disconnected} legitimate clients disconnected"));
    if attack {
        report.params.push_str(&format!(
            "; flooder sent {} ({} refused), slot filler opened {} ({} refused)",
            damage.flood_sent.load(Ordering::Relaxed),
            damage.flood_refused.load(Ordering::Relaxed),
            damage.slots_opened.load(Ordering::Relaxed),
            damage.slots_refused.load(Ordering::Relaxed),
        ));
    }
    Ok(report)
}

/// Logs in from `from` and enters `room`.
async fn member(
    target: &Target,
    from: [u8; 4],
    who: &str,
    room: &str,
) -> anyhow::Result<crate::proto::Session> {
    let mut session = target
        .proto
        .connect_from(
            target.addr,
            Some(IpAddr::from(from)),
            &target.name_of(who),
            true,
        )
        .await?;
    target.proto.join(&mut session, room, false).await?;
    Ok(session)
}

/// Sends messages to the room as fast as the server takes them, in
/// pipelined batches, reading (and counting) what comes back.
async fn flooder(
    target: Target,
    room: String,
    damage: Arc<Damage>,
    stop: CancellationToken,
) -> anyhow::Result<()> {
    let session = member(&target, FLOODER, "flood", &room).await?;
    let mut reader = session.reader;
    let counting = {
        let damage = damage.clone();
        let stop = stop.clone();
        tokio::spawn(async move {
            let mut line = String::new();
            loop {
                line.clear();
                let read = tokio::select! {
                    read = reader.read_line(&mut line) => read,
                    () = stop.cancelled() => return,
                };
                match read {
                    Ok(0) | Err(_) => return,
                    Ok(_) if line.contains(r#""code":"rate_limited""#) => {
                        damage.flood_refused.fetch_add(1, Ordering::Relaxed);
                    }
                    Ok(_) => {}
                }
            }
        })
    };
    let line = encode(&ClientRequest {
        id: None,
        request: Request::Say {
            reply_to: None,
            text: "FLOOD ".repeat(300),
        },
    });
    let batch: Vec<u8> = line.iter().copied().cycle().take(line.len() * 64).collect();
    while !stop.is_cancelled() {
        tokio::select! {
            written = crate::proto::send(&session.writer, &batch) => written?,
            () = stop.cancelled() => break,
        }
        damage.flood_sent.fetch_add(64, Ordering::Relaxed);
    }
    counting.abort();
    Ok(())
}

/// Joins the room with a tiny receive buffer and never reads again.
async fn non_reader(target: Target, room: String, stop: CancellationToken) -> anyhow::Result<()> {
    let stream = open(target.addr, Some(IpAddr::from(NON_READER)), Some(4096)).await?;
    let mut session = target
        .proto
        .log_in_over(stream, &target.name_of("deaf"), true)
        .await?;
    target.proto.join(&mut session, &room, false).await?;
    // From here on nothing is read; the socket stays open until the end.
    stop.cancelled().await;
    drop(session);
    Ok(())
}

/// Opens silent connections from one address as fast as they are accepted,
/// keeping them open, and opens another whenever one is closed or refused.
async fn slot_filler(
    target: Target,
    damage: Arc<Damage>,
    stop: CancellationToken,
) -> anyhow::Result<()> {
    let mut held = Vec::new();
    while !stop.is_cancelled() {
        let stream = tokio::select! {
            stream = open(target.addr, Some(IpAddr::from(SLOT_FILLER)), None) => stream,
            () = stop.cancelled() => break,
        };
        let Ok(stream) = stream else {
            tokio::time::sleep(Duration::from_millis(10)).await;
            continue;
        };
        damage.slots_opened.fetch_add(1, Ordering::Relaxed);
        // A refused connection hears so at once; a held one stays silent.
        let mut probe = [0u8; 1];
        match tokio::time::timeout(Duration::from_millis(20), stream.peek(&mut probe)).await {
            Ok(_) => {
                damage.slots_refused.fetch_add(1, Ordering::Relaxed);
                tokio::time::sleep(Duration::from_millis(20)).await;
            }
            Err(_) => held.push(stream),
        }
        held.retain(|s| {
            let mut probe = [0u8; 1];
            !matches!(s.try_read(&mut probe), Ok(0))
        });
    }
    Ok(())
}
