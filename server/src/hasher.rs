//! bcrypt on its own threads, behind a bounded queue.
//!
//! Password hashing is slow on purpose. Run on tokio's blocking pool it
//! queued up without limit and made every SQLite read (`list_users`…) wait
//! behind it. Here a fixed set of threads takes jobs from a short queue: when
//! the queue is full the caller hears [`Busy`] at once, and a job whose caller
//! went away (the connection closed) is skipped instead of hashed.
//!
//! A storm is served in arrival order: the queue is first come, first
//! served, and those who find it full are each told a different moment to
//! come back, one check's worth apart in the order they were turned away,
//! when the queue will have drained a place for them. They return spread
//! out, in order, instead of all at once in a wave that fills it again.

use std::sync::mpsc::{self, SyncSender, TrySendError};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use tokio::sync::oneshot;

type Job = Box<dyn FnOnce() + Send>;

/// The queue was full: the server is checking as many passwords as it can.
/// Carries how long the queue takes to drain: when to try again.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("too many passwords are being checked right now")]
pub struct Busy(pub Duration);

/// Longest a password check should wait in the queue: the default queue
/// holds this much work, so a full queue means a wait no person accepts.
pub const MAX_QUEUE_WAIT: Duration = Duration::from_secs(5);

/// Cheap handle to the hashing threads.
#[derive(Debug, Clone)]
pub struct Hasher {
    jobs: SyncSender<Job>,
    queue: usize,
    /// How long a full queue takes to drain.
    drain: Duration,
    /// Between two jobs finishing, when every thread is busy.
    step: Duration,
    /// The last moment promised to a caller turned away: the next one is
    /// told to come back one step later.
    promised: Arc<Mutex<Instant>>,
}

impl Hasher {
    /// Starts `threads` hashing threads with room for `queue` waiting jobs
    /// of about `per_job` each. The threads end when the last handle is dropped.
    pub fn new(threads: usize, queue: usize, per_job: Duration) -> std::io::Result<Hasher> {
        let (jobs, inbox) = mpsc::sync_channel::<Job>(queue);
        let inbox = Arc::new(Mutex::new(inbox));
        for n in 0..threads.max(1) {
            let inbox = inbox.clone();
            std::thread::Builder::new()
                .name(format!("bcrypt-{n}"))
                // bcrypt needs little stack; the default 2 MiB per thread is waste.
                .stack_size(256 * 1024)
                .spawn(move || {
                    yield_to_chat();
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
        let drain =
            per_job.saturating_mul(u32::try_from(queue / threads.max(1)).unwrap_or(u32::MAX));
        let step = per_job / u32::try_from(threads.max(1)).unwrap_or(u32::MAX);
        Ok(Hasher {
            jobs,
            queue,
            drain,
            step,
            promised: Arc::new(Mutex::new(Instant::now())),
        })
    }

    /// One hashing thread per core: bcrypt is CPU-bound (and yields to chat).
    pub fn default_threads() -> usize {
        std::thread::available_parallelism().map_or(2, |n| n.get())
    }

    /// A queue that holds [`MAX_QUEUE_WAIT`] of work for `threads` threads
    /// taking `per_job` each: long at a low bcrypt cost, short at a high one.
    pub fn queue_for(threads: usize, per_job: Duration) -> usize {
        let jobs = MAX_QUEUE_WAIT.as_secs_f64() / per_job.as_secs_f64().max(1e-6);
        (jobs as usize)
            .saturating_mul(threads.max(1))
            .clamp(16, 4096)
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
            Err(TrySendError::Full(_)) => return Err(Busy(self.come_back_in(Instant::now()))),
            // The threads are gone (they only stop when every handle is).
            Err(TrySendError::Disconnected(_)) => return Err(Busy(self.drain)),
        }
        result.await.map_err(|_| Busy(self.drain))
    }

    /// When a caller turned away now should come back: one step after the
    /// one turned away before it (or after now), so that each returns as a
    /// place frees up, in the order they were turned away.
    fn come_back_in(&self, now: Instant) -> Duration {
        let mut promised = self.promised.lock().unwrap_or_else(|p| p.into_inner());
        let at = (*promised).max(now) + self.step.max(Duration::from_millis(1));
        *promised = at;
        at - now
    }
}

/// Puts the calling (hashing) thread under Linux's `SCHED_IDLE`: a
/// connection's thread that wakes up takes the core from it at once (a
/// nice value only shortens its share, and the scheduler still lets it
/// finish its slice, a few ms of chat latency), while the checks still
/// use every core nobody else wants (all of them, at the start of a
/// class). Elsewhere the threads keep the normal priority.
fn yield_to_chat() {
    #[cfg(target_os = "linux")]
    {
        use thread_priority::{
            NormalThreadSchedulePolicy, ThreadPriority, ThreadSchedulePolicy,
            set_thread_priority_and_policy, thread_native_id,
        };
        let idle = ThreadSchedulePolicy::Normal(NormalThreadSchedulePolicy::Idle);
        if let Err(e) =
            set_thread_priority_and_policy(thread_native_id(), ThreadPriority::Min, idle)
        {
            tracing::debug!("password threads keep the normal priority: {e:?}");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicUsize, Ordering};

    #[tokio::test]
    async fn jobs_run_and_return_their_result() {
        let hasher = Hasher::new(2, 4, Duration::from_millis(1)).unwrap();
        assert_eq!(hasher.run(|| 6 * 7).await, Ok(42));
    }

    #[tokio::test]
    async fn a_full_queue_answers_busy_at_once() {
        let hasher = Hasher::new(1, 1, Duration::from_millis(300)).unwrap();
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
        // …so the next one is refused, told to come back when one job is done…
        assert_eq!(
            hasher.run(|| true).await,
            Err(Busy(Duration::from_millis(300)))
        );
        // …and the one after that, a job later: not all at once.
        let Err(Busy(later)) = hasher.run(|| true).await else {
            panic!("the queue is still full");
        };
        assert!(later > Duration::from_millis(500), "{later:?}");
        release.send(()).unwrap();
        assert_eq!(first.await.unwrap(), Ok(true));
        assert_eq!(second.await.unwrap(), Ok(true));
    }

    #[test]
    fn those_turned_away_are_told_apart_in_order() {
        // Two threads, 60 ms per check: a place frees every 30 ms.
        let hasher = Hasher::new(2, 4, Duration::from_millis(60)).unwrap();
        let now = Instant::now();
        let told: Vec<_> = (0..4).map(|_| hasher.come_back_in(now)).collect();
        let ms = Duration::from_millis;
        assert_eq!(told, [ms(30), ms(60), ms(90), ms(120)]);
        // Once the promises are past, the next is told one step from then.
        assert_eq!(hasher.come_back_in(now + ms(500)), ms(30));
    }

    #[test]
    fn the_default_queue_holds_a_few_seconds_of_work() {
        // bcrypt cost 12 (~300 ms), two threads: 32 jobs, 5 s.
        assert_eq!(Hasher::queue_for(2, Duration::from_millis(300)), 32);
        // cost 4 (~1 ms): thousands, capped.
        assert_eq!(Hasher::queue_for(2, Duration::from_millis(1)), 4096);
        assert_eq!(Hasher::queue_for(1, Duration::from_secs(10)), 16);
    }

    #[tokio::test]
    async fn a_job_whose_caller_left_is_skipped() {
        let hasher = Hasher::new(1, 4, Duration::from_millis(1)).unwrap();
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
