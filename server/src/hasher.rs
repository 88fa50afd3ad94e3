//! bcrypt on its own threads, behind a bounded queue.
//!
//! Password hashing is slow on purpose. Run on tokio's blocking pool it
//! queued up without limit and made every SQLite read (`list_users`…) wait
//! behind it. Here a fixed set of threads takes jobs from a short queue: when
//! the queue is full the caller hears [`Busy`] at once, and a job whose caller
//! went away (the connection closed) is skipped instead of hashed.

use std::sync::mpsc::{self, SyncSender, TrySendError};
use std::sync::{Arc, Mutex};

use tokio::sync::oneshot;

type Job = Box<dyn FnOnce() + Send>;

/// The queue was full: the server is checking as many passwords as it can.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("too many passwords are being checked right now")]
pub struct Busy;

/// Cheap handle to the hashing threads.
#[derive(Debug, Clone)]
pub struct Hasher {
    jobs: SyncSender<Job>,
    queue: usize,
}

impl Hasher {
    /// Starts `threads` hashing threads with room for `queue` waiting jobs.
    /// The threads end when the last handle is dropped.
    pub fn new(threads: usize, queue: usize) -> std::io::Result<Hasher> {
        let (jobs, inbox) = mpsc::sync_channel::<Job>(queue);
        let inbox = Arc::new(Mutex::new(inbox));
        for n in 0..threads.max(1) {
            let inbox = inbox.clone();
            std::thread::Builder::new()
                .name(format!("bcrypt-{n}"))
                // bcrypt needs little stack; the default 2 MiB per thread is waste.
                .stack_size(256 * 1024)
                .spawn(move || {
                    loop {
                        let job = {
                            let inbox = inbox.lock().unwrap_or_else(|p| p.into_inner());
                            inbox.recv()
                        };
                        match job {
                            Ok(job) => job(),
                            Err(_) => return,
                        }
                    }
                })?;
        }
        Ok(Hasher { jobs, queue })
    }

    /// How many jobs may wait.
    pub fn queue(&self) -> usize {
        self.queue
    }

    /// Runs `work` on a hashing thread. Dropping the returned future before
    /// the job starts cancels it.
    pub async fn run<T, F>(&self, work: F) -> Result<T, Busy>
    where
        T: Send + 'static,
        F: FnOnce() -> T + Send + 'static,
    {
        let (done, result) = oneshot::channel();
        let job: Job = Box::new(move || {
            if done.is_closed() {
                return;
            }
            let _ = done.send(work());
        });
        match self.jobs.try_send(job) {
            Ok(()) => {}
            Err(TrySendError::Full(_)) => return Err(Busy),
            // The threads are gone (they only stop when every handle is).
            Err(TrySendError::Disconnected(_)) => return Err(Busy),
        }
        result.await.map_err(|_| Busy)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::time::Duration;

    #[tokio::test]
    async fn jobs_run_and_return_their_result() {
        let hasher = Hasher::new(2, 4).unwrap();
        assert_eq!(hasher.run(|| 6 * 7).await, Ok(42));
    }

    #[tokio::test]
    async fn a_full_queue_answers_busy_at_once() {
        let hasher = Hasher::new(1, 1).unwrap();
        let (release, blocked) = std::sync::mpsc::channel::<()>();
        // Occupies the only thread…
        let first = tokio::spawn({
            let hasher = hasher.clone();
            async move { hasher.run(move || blocked.recv().is_ok()).await }
        });
        tokio::time::sleep(Duration::from_millis(50)).await;
        // …fills the queue…
        let second = tokio::spawn({
            let hasher = hasher.clone();
            async move { hasher.run(|| true).await }
        });
        tokio::time::sleep(Duration::from_millis(50)).await;
        // …so the next one is refused.
        assert_eq!(hasher.run(|| true).await, Err(Busy));
        release.send(()).unwrap();
        assert_eq!(first.await.unwrap(), Ok(true));
        assert_eq!(second.await.unwrap(), Ok(true));
    }

    #[tokio::test]
    async fn a_job_whose_caller_left_is_skipped() {
        let hasher = Hasher::new(1, 4).unwrap();
        let ran = Arc::new(AtomicUsize::new(0));
        let (release, blocked) = std::sync::mpsc::channel::<()>();
        let first = tokio::spawn({
            let hasher = hasher.clone();
            async move { hasher.run(move || blocked.recv().is_ok()).await }
        });
        tokio::time::sleep(Duration::from_millis(50)).await;
        let counted = ran.clone();
        let abandoned = tokio::spawn({
            let hasher = hasher.clone();
            async move {
                hasher
                    .run(move || counted.fetch_add(1, Ordering::SeqCst))
                    .await
            }
        });
        tokio::time::sleep(Duration::from_millis(50)).await;
        abandoned.abort();
        let _ = abandoned.await;
        release.send(()).unwrap();
        first.await.unwrap().unwrap();
        // A later job runs, so the abandoned one was dequeued before it.
        assert_eq!(hasher.run(|| ()).await, Ok(()));
        assert_eq!(ran.load(Ordering::SeqCst), 0);
    }
}
