//! A crowd of benchmark clients: connected, logged in, each in its room,
//! with a task per client reading and recording what arrives.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use tokio::io::AsyncBufReadExt;
use tokio::sync::{Notify, Semaphore, mpsc};
use tokio::task::JoinSet;
use tokio_util::sync::CancellationToken;

use crate::measure::{Received, now_us, parse, payload};
use crate::proto::{Proto, Session};
use crate::scenario::{CONNECT_CONCURRENCY, Target};

/// Messages sent back to back before a round trip (same flow control for
/// every server: at most this many messages of one sender in flight).
const BURST: u64 = 100;

/// Connected clients with their reader tasks running.
pub(crate) struct Crowd {
    writers: Vec<Arc<tokio::sync::Mutex<crate::proto::Writer>>>,
    acks: Vec<mpsc::UnboundedReceiver<()>>,
    readers: Vec<tokio::task::JoinHandle<(usize, Received)>>,
    stop: CancellationToken,
    finished: Arc<AtomicUsize>,
    progress: Arc<Notify>,
    pub(crate) setup: Duration,
}

/// Connects `n` clients; client `i` joins room `room_of(i)`. Creators (first
/// client of each room) connect first. `expected(i)` is how many benchmark
/// messages client `i` should receive.
pub(crate) async fn crowd(
    target: &Target,
    n: usize,
    rooms: usize,
    expected: impl Fn(usize) -> u64,
) -> anyhow::Result<Crowd> {
    let started = Instant::now();
    let slots = Arc::new(Semaphore::new(CONNECT_CONCURRENCY));
    let stop = CancellationToken::new();
    let finished = Arc::new(AtomicUsize::new(0));
    let progress = Arc::new(Notify::new());
    type Joined = (
        usize,
        Arc<tokio::sync::Mutex<crate::proto::Writer>>,
        mpsc::UnboundedReceiver<()>,
        tokio::task::JoinHandle<(usize, Received)>,
    );
    let mut clients: Vec<Option<Joined>> = (0..n).map(|_| None).collect();
    // Creators first, then everyone else. Each client reads from the moment
    // it has joined, as a real client does, so the join notices of those
    // after it never pile up in the server.
    let creators = rooms.min(n);
    for phase in [0..creators, creators..n] {
        let mut set = JoinSet::new();
        for i in phase {
            let (target, slots) = (target.clone(), slots.clone());
            let (stop, finished, progress) = (stop.clone(), finished.clone(), progress.clone());
            let expected = expected(i);
            set.spawn(async move {
                let _slot = slots.acquire_owned().await?;
                let mut session = target
                    .proto
                    .connect_from(
                        target.node(i),
                        target.address(i),
                        &target.name(i),
                        !target.registered,
                    )
                    .await?;
                let room = target.room(i % rooms);
                // One creator per room; on a cluster the others find it on
                // every node.
                let create = i < rooms;
                target.proto.join(&mut session, &room, create).await?;
                let (ack_tx, ack_rx) = mpsc::unbounded_channel();
                let writer = session.writer.clone();
                let reader = tokio::spawn(read_all(
                    target.proto,
                    session,
                    i as u32,
                    expected,
                    ack_tx,
                    stop,
                    finished,
                    progress,
                ));
                anyhow::Ok((i, writer, ack_rx, reader))
            });
        }
        while let Some(joined) = set.join_next().await {
            let joined = joined??;
            let i = joined.0;
            clients[i] = Some(joined);
        }
    }
    let mut crowd = Crowd {
        writers: Vec::with_capacity(n),
        acks: Vec::with_capacity(n),
        readers: Vec::with_capacity(n),
        stop,
        finished,
        progress,
        setup: started.elapsed(),
    };
    for (i, client) in clients.into_iter().enumerate() {
        let Some((_, writer, acks, reader)) = client else {
            anyhow::bail!("client {i} did not connect");
        };
        crowd.writers.push(writer);
        crowd.acks.push(acks);
        crowd.readers.push(reader);
    }
    Ok(crowd)
}

/// A client's reader: records every benchmark message until stopped.
#[allow(clippy::too_many_arguments)]
async fn read_all(
    proto: Proto,
    mut session: Session,
    me: u32,
    expected: u64,
    acks: mpsc::UnboundedSender<()>,
    stop: CancellationToken,
    finished: Arc<AtomicUsize>,
    progress: Arc<Notify>,
) -> (usize, Received) {
    let mut received = Received::new();
    let mut last_seq: std::collections::HashMap<u32, u64> = std::collections::HashMap::new();
    let mut line = String::new();
    let mut done = expected == 0;
    if done {
        finished.fetch_add(1, Ordering::Relaxed);
        progress.notify_one();
    }
    loop {
        line.clear();
        let read = tokio::select! {
            read = session.reader.read_line(&mut line) => read,
            () = stop.cancelled() => break,
        };
        match read {
            Ok(0) | Err(_) => {
                received.closed_early = !stop.is_cancelled();
                break;
            }
            Ok(_) => {}
        }
        if proto.is_sync_answer(&line) {
            let _ = acks.send(());
            continue;
        }
        if let Some(answer) = proto.answer(&line) {
            let _ = crate::proto::send(&session.writer, &answer).await;
            continue;
        }
        if proto.is_reply(&line) {
            continue;
        }
        let Some((sender, seq, sent_us)) = parse(&line) else {
            continue;
        };
        if sender == me {
            continue;
        }
        let now = now_us();
        received.count += 1;
        let _ = received.latency.record(now.saturating_sub(sent_us).max(1));
        received.last_at_us = now;
        let last = last_seq.entry(sender).or_insert(0);
        if seq <= *last {
            received.out_of_order += 1;
        }
        *last = seq;
        if !done && received.count >= expected {
            done = true;
            finished.fetch_add(1, Ordering::Relaxed);
            progress.notify_one();
        }
    }
    (me as usize, received)
}

impl Crowd {
    /// Sends `count` messages from client `i` as fast as the burst window allows.
    pub(crate) fn send_burst(
        &mut self,
        proto: Proto,
        i: usize,
        room: String,
        count: u64,
        size: usize,
    ) -> tokio::task::JoinHandle<anyhow::Result<()>> {
        let writer = self.writers[i].clone();
        let mut acks = std::mem::replace(&mut self.acks[i], mpsc::unbounded_channel().1);
        tokio::spawn(async move {
            let mut seq = 0;
            let mut token = 1_000;
            while seq < count {
                let mut buffer = Vec::with_capacity(BURST as usize * (size + 64));
                for _ in 0..BURST.min(count - seq) {
                    seq += 1;
                    buffer.extend(proto.message(&room, &payload(i as u32, seq, size)));
                }
                token += 1;
                buffer.extend(proto.sync(token));
                crate::proto::send(&writer, &buffer).await?;
                tokio::time::timeout(Duration::from_secs(120), acks.recv())
                    .await
                    .map_err(|_| anyhow::anyhow!("no answer to sync from the server"))?;
            }
            Ok(())
        })
    }

    /// Sends `rate` messages per second from client `i` for `duration`.
    pub(crate) fn send_paced(
        &self,
        proto: Proto,
        i: usize,
        room: String,
        rate: u64,
        duration: Duration,
        size: usize,
    ) -> tokio::task::JoinHandle<anyhow::Result<()>> {
        let writer = self.writers[i].clone();
        tokio::spawn(async move {
            let mut tick = tokio::time::interval(Duration::from_micros(1_000_000 / rate.max(1)));
            tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Burst);
            let total = rate * duration.as_secs();
            for seq in 1..=total {
                tick.tick().await;
                let line = proto.message(&room, &payload(i as u32, seq, size));
                crate::proto::send(&writer, &line).await?;
            }
            Ok(())
        })
    }

    /// Waits until every client has all it expects, or `limit` passes;
    /// then stops the readers and merges what they saw.
    pub(crate) async fn finish(self, limit: Duration) -> (Received, usize) {
        let n = self.writers.len();
        let deadline = tokio::time::Instant::now() + limit;
        while self.finished.load(Ordering::Relaxed) < n {
            if tokio::time::timeout_at(deadline, self.progress.notified())
                .await
                .is_err()
            {
                break;
            }
        }
        self.stop.cancel();
        let mut total = Received::new();
        let mut closed = 0;
        for reader in self.readers {
            let Ok((_, received)) = reader.await else {
                continue;
            };
            if received.closed_early {
                closed += 1;
            }
            total.merge(&received);
        }
        (total, closed)
    }
}
