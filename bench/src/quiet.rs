//! The `quiet-lab` scenario: a lab where nobody types. GUI clients stay
//! logged in, sending only the heartbeat the desktop client sends (a `time`
//! request every 15 s), with many more accounts registered than online. A
//! server that makes clients poll lists would burn CPU here; one that
//! pushes presence should be close to idle.

use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::bail;
use tertulia_shared::codec::encode;
use tertulia_shared::{ClientRequest, Request};
use tokio::io::AsyncBufReadExt;
use tokio::sync::Semaphore;
use tokio::task::JoinSet;
use tokio_util::sync::CancellationToken;

use crate::proto::Proto;
use crate::scenario::{Report, Target};

/// The desktop client's heartbeat.
const HEARTBEAT: Duration = Duration::from_secs(15);

/// How often the client polled the room and user lists before presence was
/// pushed; `quiet_lab` with `poll: true` replays that for comparison.
const OLD_POLL: Duration = Duration::from_secs(5);

pub async fn quiet_lab(
    target: &Target,
    accounts: usize,
    online: usize,
    window: Duration,
    poll: bool,
) -> anyhow::Result<Report> {
    if target.proto != Proto::Tertulia {
        bail!("quiet-lab measures Tertulia's GUI protocol only");
    }
    let started = Instant::now();
    let gate = Arc::new(Semaphore::new(64));
    // Accounts that exist but are not online: signed up, then gone.
    let mut signups = JoinSet::new();
    for i in online..accounts {
        let (target, gate) = (target.clone(), gate.clone());
        signups.spawn(async move {
            let _slot = gate.acquire_owned().await?;
            let name = target.name_of(&format!("q{i}"));
            target.proto.connect(target.addr, &name, true).await?;
            anyhow::Ok(())
        });
    }
    while let Some(done) = signups.join_next().await {
        done??;
    }
    // The online ones, each a GUI client at rest.
    let stop = CancellationToken::new();
    let mut clients = JoinSet::new();
    for i in 0..online {
        let (target, gate, stop) = (target.clone(), gate.clone(), stop.clone());
        let name = target.name_of(&format!("q{i}"));
        let session = {
            let _slot = gate.acquire_owned().await?;
            target.proto.connect(target.addr, &name, true).await?
        };
        clients.spawn(async move {
            let mut session = session;
            let mut beat = tokio::time::interval(HEARTBEAT);
            let mut polls = tokio::time::interval(OLD_POLL);
            let mut line = String::new();
            let mut id = 1_000;
            loop {
                line.clear();
                tokio::select! {
                    () = stop.cancelled() => return anyhow::Ok(()),
                    _ = beat.tick() => {
                        id += 1;
                        session.write(&encode(&ClientRequest::new(id, Request::Time))).await?;
                    }
                    _ = polls.tick(), if poll => {
                        for request in [Request::ListRooms { after: None }, Request::ListUsers { after: None }] {
                            id += 1;
                            session.write(&encode(&ClientRequest::new(id, request))).await?;
                        }
                    }
                    read = session.reader.read_line(&mut line) => {
                        if read? == 0 {
                            bail!("the server closed an idle client");
                        }
                    }
                }
            }
        });
    }
    let setup = started.elapsed();
    // Let the logins' presence events drain, then measure rest.
    tokio::time::sleep(Duration::from_secs(2)).await;
    let before = target.server_cpu();
    tokio::time::sleep(window).await;
    let after = target.server_cpu();
    stop.cancel();
    let mut closed = 0;
    while let Some(done) = clients.join_next().await {
        if !matches!(done, Ok(Ok(()))) {
            closed += 1;
        }
    }
    let how = if poll {
        format!(
            ", polling both lists every {} s as the old client did",
            OLD_POLL.as_secs()
        )
    } else {
        String::new()
    };
    let mut report = Report::new(
        if poll {
            "quiet-lab-polling"
        } else {
            "quiet-lab"
        },
        format!(
            "{online} GUI clients at rest (heartbeat every {} s{how}), {accounts} accounts, {} s",
            HEARTBEAT.as_secs(),
            window.as_secs()
        ),
        online,
        setup,
    );
    report.server_cpu_s = after.zip(before).map(|(a, b)| a - b);
    report.lost = closed;
    Ok(report)
}
