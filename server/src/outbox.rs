//! Each client's bounded queue of lines waiting to be written.
//!
//! Cheaper than a tokio channel for this job: an idle client's queue holds no
//! buffer at all (a `VecDeque` allocates on first use, and its buffer is
//! handed to the reader with the lines), which matters at ten thousand
//! mostly idle connections.
//! Pushing never waits: a full queue marks the client as too slow instead.
//! Only the connection's own task waits on it, so one [`AtomicWaker`] does
//! (registering it is an atomic swap; a `Notify` would lock a waiter list
//! every time the connection's loop goes round).

use std::collections::VecDeque;
use std::future::poll_fn;
use std::sync::atomic::{AtomicBool, AtomicU8, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::task::{Context, Poll};

use bytes::Bytes;
use futures_util::task::AtomicWaker;

#[derive(Debug)]
struct Queue {
    lines: Mutex<VecDeque<Bytes>>,
    capacity: usize,
    kicked: AtomicBool,
    /// Set when another connection took the session over.
    replaced: AtomicBool,
    /// How many lines the last drain took: the size a refilled queue
    /// starts at, instead of growing 4, 8, 16, … for a busy client each
    /// time its buffer was handed over. An idle client's stays small.
    last_drain: AtomicU8,
    /// The connection's task, woken when the queue stops being empty or
    /// overflows.
    waker: AtomicWaker,
}

impl Queue {
    fn lock(&self) -> MutexGuard<'_, VecDeque<Bytes>> {
        self.lines.lock().unwrap_or_else(|p| p.into_inner())
    }
}

/// The sending side, held by the hub (cheap to clone).
#[derive(Debug, Clone)]
pub struct Outbox(Arc<Queue>);

/// The lines waiting to be written: the receiving side, held by the
/// connection task (its only writer).
#[derive(Debug)]
pub struct Outgoing(Arc<Queue>);

/// A queue of at most `capacity` lines.
pub fn channel(capacity: usize) -> (Outbox, Outgoing) {
    let queue = Arc::new(Queue {
        lines: Mutex::new(VecDeque::new()),
        capacity: capacity.max(1),
        kicked: AtomicBool::new(false),
        replaced: AtomicBool::new(false),
        last_drain: AtomicU8::new(0),
        waker: AtomicWaker::new(),
    });
    (Outbox(queue.clone()), Outgoing(queue))
}

/// A queue that grew past this many slots is freed once drained.
const KEEP_CAPACITY: usize = 64;

impl Outbox {
    /// Queues a line shared with other recipients without waiting; a full
    /// queue kicks the client instead.
    pub fn push(&self, line: &Bytes) {
        self.enqueue(|| line.clone());
    }

    /// The same for a line meant for this client alone (a reply): moved in,
    /// it needs no count of its owners (the first clone of a line allocates
    /// one).
    pub fn push_own(&self, line: Bytes) {
        self.enqueue(|| line);
    }

    fn enqueue(&self, line: impl FnOnce() -> Bytes) {
        let queue = &self.0;
        if queue.kicked.load(Ordering::Relaxed) {
            return;
        }
        let mut lines = queue.lock();
        if lines.len() >= queue.capacity {
            drop(lines);
            queue.kicked.store(true, Ordering::Release);
            queue.waker.wake();
            return;
        }
        if lines.capacity() == 0 {
            lines.reserve_exact(usize::from(queue.last_drain.load(Ordering::Relaxed)).max(1));
        }
        lines.push_back(line());
        let first = lines.len() == 1;
        drop(lines);
        if first {
            queue.waker.wake();
        }
    }

    /// Queues `last` whatever the queue's length, then ends the connection
    /// after delivering what is queued: another login took the session over.
    pub fn replace(&self, last: &Bytes) {
        let queue = &self.0;
        queue.lock().push_back(last.clone());
        queue.replaced.store(true, Ordering::Release);
        queue.kicked.store(true, Ordering::Release);
        queue.waker.wake();
    }

    /// Whether `other` is this same queue (the same connection).
    pub fn same(&self, other: &Outbox) -> bool {
        Arc::ptr_eq(&self.0, &other.0)
    }

    pub fn is_kicked(&self) -> bool {
        self.0.kicked.load(Ordering::Relaxed)
    }
}

impl Outgoing {
    /// Waits until lines are queued, then moves up to `limit` of them into
    /// `batch`. Cancel-safe: nothing is taken unless it is returned.
    pub async fn recv_many(&self, batch: &mut Vec<Bytes>, limit: usize) {
        poll_fn(|cx| self.ready(cx, |outgoing| outgoing.try_recv_many(batch, limit) > 0)).await;
    }

    /// Ready once `done` holds; checked again after registering the waker,
    /// so a push or kick between the check and the registration is not lost.
    fn ready(&self, cx: &mut Context<'_>, mut done: impl FnMut(&Outgoing) -> bool) -> Poll<()> {
        if done(self) {
            return Poll::Ready(());
        }
        self.0.waker.register(cx.waker());
        if done(self) {
            Poll::Ready(())
        } else {
            Poll::Pending
        }
    }

    /// Moves up to `limit` waiting lines into `batch` without waiting.
    ///
    /// When everything waiting fits in an empty `batch`, the batch takes
    /// the queue's buffer itself (no copy, no allocation): the queue is left
    /// holding none, and a caller that drops the batch once written keeps
    /// no buffer at all while the client is idle.
    pub fn try_recv_many(&self, batch: &mut Vec<Bytes>, limit: usize) -> usize {
        let mut lines = self.0.lock();
        let n = lines.len().min(limit);
        let hint = u8::try_from(n.min(KEEP_CAPACITY)).unwrap_or(u8::MAX);
        self.0.last_drain.store(hint, Ordering::Relaxed);
        if n == lines.len() && batch.is_empty() {
            *batch = Vec::from(std::mem::take(&mut *lines));
            return n;
        }
        batch.reserve_exact(n);
        batch.extend(lines.drain(..n));
        if lines.is_empty() && lines.capacity() > KEEP_CAPACITY {
            *lines = VecDeque::new();
        }
        n
    }

    /// Whether no line is waiting.
    pub fn is_empty(&self) -> bool {
        self.0.lock().is_empty()
    }

    /// Whether the end came from a takeover rather than an overflow.
    pub fn is_replaced(&self) -> bool {
        self.0.replaced.load(Ordering::Acquire)
    }

    /// Resolves once the queue has overflowed (or the session was replaced).
    pub async fn kicked(&self) {
        poll_fn(|cx| self.ready(cx, |outgoing| outgoing.0.kicked.load(Ordering::Acquire))).await;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn lines_arrive_in_order_and_in_batches() {
        let (outbox, outgoing) = channel(10);
        for i in 0..5 {
            outbox.push(&Bytes::from(format!("{i}")));
        }
        let mut batch = Vec::new();
        outgoing.recv_many(&mut batch, 3).await;
        outgoing.recv_many(&mut batch, 3).await;
        let got: Vec<_> = batch.iter().map(|b| b.as_ref().to_vec()).collect();
        assert_eq!(got, [b"0", b"1", b"2", b"3", b"4"].map(|b| b.to_vec()));
    }

    #[tokio::test]
    async fn a_waiting_receiver_is_woken() {
        let (outbox, outgoing) = channel(10);
        let waiting = tokio::spawn(async move {
            let mut batch = Vec::new();
            outgoing.recv_many(&mut batch, 10).await;
            batch.len()
        });
        tokio::task::yield_now().await;
        outbox.push(&Bytes::from_static(b"x"));
        assert_eq!(waiting.await.unwrap(), 1);
    }

    #[tokio::test]
    async fn overflow_kicks_and_drops_further_lines() {
        let (outbox, outgoing) = channel(2);
        for _ in 0..3 {
            outbox.push(&Bytes::from_static(b"x"));
        }
        assert!(outbox.is_kicked());
        outgoing.kicked().await;
        let mut batch = Vec::new();
        assert_eq!(outgoing.try_recv_many(&mut batch, 10), 2);
    }

    #[tokio::test]
    async fn a_connection_waiting_for_lines_and_for_a_kick_hears_the_kick() {
        let (outbox, outgoing) = channel(1);
        let waiting = tokio::spawn(async move {
            let mut batch = Vec::new();
            // The connection's loop: both waits at once, as in `serve`.
            loop {
                tokio::select! {
                    () = outgoing.kicked() => return batch.len(),
                    () = outgoing.recv_many(&mut batch, 10) => {}
                }
            }
        });
        tokio::task::yield_now().await;
        outbox.push(&Bytes::from_static(b"x"));
        tokio::task::yield_now().await;
        outbox.push(&Bytes::from_static(b"y"));
        outbox.push(&Bytes::from_static(b"z"));
        let taken = tokio::time::timeout(std::time::Duration::from_secs(5), waiting)
            .await
            .expect("the kick woke the connection")
            .unwrap();
        assert!((1..=2).contains(&taken), "{taken}");
    }

    #[test]
    fn a_drained_queue_hands_its_buffer_to_the_batch() {
        let (outbox, outgoing) = channel(10);
        for i in 0..3 {
            outbox.push(&Bytes::from(format!("{i}")));
        }
        let mut batch = Vec::new();
        assert_eq!(outgoing.try_recv_many(&mut batch, 10), 3);
        assert_eq!(outgoing.0.lock().capacity(), 0, "the queue kept a buffer");
        assert_eq!(batch.len(), 3);
        // More than the limit waiting: the rest stays queued, in order.
        for i in 3..8 {
            outbox.push(&Bytes::from(format!("{i}")));
        }
        let mut rest = Vec::new();
        assert_eq!(outgoing.try_recv_many(&mut rest, 2), 2);
        assert_eq!(outgoing.try_recv_many(&mut rest, 10), 3);
        let got: Vec<_> = rest.iter().map(|b| b.as_ref().to_vec()).collect();
        assert_eq!(got, [b"3", b"4", b"5", b"6", b"7"].map(|b| b.to_vec()));
    }

    #[test]
    fn a_refilled_queue_starts_at_the_size_of_the_last_drain() {
        let (outbox, outgoing) = channel(1000);
        let mut batch = Vec::new();
        for _ in 0..40 {
            outbox.push(&Bytes::from_static(b"x"));
        }
        outgoing.try_recv_many(&mut batch, 1000);
        outbox.push(&Bytes::from_static(b"y"));
        assert!(outgoing.0.lock().capacity() >= 40);
        // A quiet client's next buffer is small again.
        outgoing.try_recv_many(&mut Vec::new(), 1000);
        outbox.push(&Bytes::from_static(b"z"));
        assert!(outgoing.0.lock().capacity() < 8);
    }

    #[test]
    fn a_drained_large_queue_gives_its_memory_back() {
        let (outbox, outgoing) = channel(1000);
        for _ in 0..500 {
            outbox.push(&Bytes::from_static(b"x"));
        }
        let mut batch = Vec::new();
        outgoing.try_recv_many(&mut batch, 1000);
        assert_eq!(outgoing.0.lock().capacity(), 0);
    }
}
