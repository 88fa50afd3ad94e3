//! The task that serves one connection, and its only writer. Replies to the
//! client's own requests and events from other clients go through the same
//! bounded [`Outbox`](crate::outbox::Outbox) queue, so they reach the client
//! in the order they happened and a client that does not read fills its
//! queue and is dropped, whatever it sends. Every socket write has a
//! deadline, and the task watches the shutdown, the queue overflowing and
//! the hello, login and idle deadlines while it waits for anything.

use std::future::Future;
use std::net::SocketAddr;
use std::pin::Pin;
use std::task::Poll;

use bytes::Bytes;
use tertulia_shared::RequestId;
use tokio::net::TcpStream;
use tokio::time::{Instant, Sleep};
use tokio_util::sync::CancellationToken;

use super::Session;
use super::answer::{Step, answer_line, reply_line};
use super::farewell::{End, FAREWELL_TIMEOUT, farewell, log_end};
use super::held::Held;
use crate::admission::Ticket;
use crate::connection::{Connection, MAX_BATCH_LINES, ReadError, Setup};
use crate::requests::Answer;
use crate::services::Shared;

/// What a connection's task starts with.
pub(crate) struct Serving {
    pub stream: TcpStream,
    pub peer: SocketAddr,
    pub shared: Shared,
    pub ticket: Ticket,
    pub shutdown: CancellationToken,
    pub setup: Setup,
}

/// Serves one client until it leaves, misbehaves or the server stops: the
/// whole life of an admitted connection, TLS handshake included.
pub(crate) fn serve(start: Serving) -> impl Future<Output = ()> {
    // An async fn keeps its arguments for its whole life, beside the locals
    // they are moved into (the session holds `shared`, for one): handed
    // over in a box that is freed at the first poll, they are kept once.
    run(Box::new(start))
}

/// Lines read and answered in a row before what they queued is written.
const READ_AHEAD: u8 = 64;

/// The budget for [`run`]'s state, in bytes: with the task tracker's token
/// (8) and tokio's header and trailer (104), its task is then 1280 bytes
/// (cells are 128-byte aligned), the largest part of an idle connection's
/// memory. Only checked by a test: see PERFORMANCE.md.
#[cfg(test)]
const TASK_BUDGET: usize = 1168;

async fn run(start: Box<Serving>) {
    let Serving {
        stream,
        peer,
        shared,
        ticket,
        shutdown,
        setup,
    } = crate::unbox(start);
    // Boxed: a TLS handshake's state is only needed while it runs. In a
    // block of its own: what it leaves (its box, `setup`, the result) would
    // otherwise be kept beside the session until the connection ends.
    let mut conn = {
        let setup = setup;
        match Box::pin(Connection::start(stream, peer, &setup)).await {
            Ok(conn) => conn,
            Err(e) => return tracing::info!(%peer, "connection not started: {e}"),
        }
    };
    let (mut session, outgoing) = Session::new(shared, conn.peer(), ticket);
    let config = &session.shared.config;
    // When the connection started until it logs in, then when it was last
    // heard from: every deadline counts from it (see `deadline`).
    let mut since = Instant::now();
    // One timer for every deadline, boxed like every other timer here: an
    // idle connection's task should stay small. It is moved only when the
    // deadline comes earlier; a later one is picked up when the timer
    // fires, so reading a line costs no timer update.
    let mut timer = Box::pin(tokio::time::sleep(
        config.hello_timeout.min(config.login_timeout),
    ));
    let mut held = Held::default();
    let mut batch: Vec<Bytes> = Vec::new();
    // Past the request rate, reading pauses until this timer fires.
    let mut paused: Option<Pin<Box<Sleep>>> = None;
    // Made once and kept: a fresh one each time round the loop would join
    // and leave the waiter list every connection shares. Polled once here,
    // it stays in that list with this task's waker until the connection
    // ends; the main loop then only reads the flag (see `stopped`).
    let mut stopping = std::pin::pin!(shutdown.cancelled());
    // Its result is the flag `stopped` reads: it is ready only once cancelled.
    let _ = std::future::poll_fn(|cx| Poll::Ready(stopping.as_mut().poll(cx))).await;

    // Lines answered since the last write, and how many may be in a row: a
    // line's answer may queue a few lines (a reply, the room's event), and
    // they must fit the queue with room to spare.
    let mut answered: u8 = 0;
    let read_ahead = u8::try_from(config.outbox_capacity / 8)
        .unwrap_or(u8::MAX)
        .clamp(1, READ_AHEAD);
    let end = 'serving: loop {
        // Nothing to write after `read_ahead` lines (the replies wait for
        // the log): reading goes on.
        if answered >= read_ahead && outgoing.is_empty() {
            answered = 0;
        }
        tokio::select! {
            biased;
            () = stopped(&shutdown) => break End::Shutdown,
            () = outgoing.kicked() => {
                break if outgoing.is_replaced() { End::Replaced } else { End::TooSlow };
            }
            () = timer.as_mut() => {
                let (due, end) = deadline(&session, since);
                if due <= Instant::now() {
                    break end;
                }
                timer.as_mut().reset(due);
            }
            () = wake(&mut paused), if paused.is_some() => paused = None,
            // Reading comes before writing: what the client sent at once is
            // answered at once, and its replies and the room's copies leave
            // in as few writes as possible (one system call per recipient
            // for the lot, not one per line). At most `read_ahead` lines
            // in a row, so the replies never pile up unwritten.
            line = conn.read_line(), if paused.is_none() && answered < read_ahead => match line {
                Ok(Some(line)) => {
                    answered += 1;
                    // Only a request that waits keeps anything across an
                    // `.await` here: an answer at once is queued at once.
                    // Only a request that waits keeps anything across an
                    // `.await` here: an answer at once is queued at once.
                    let (close, file_bytes) = 'answered: {
                        let (id, waiting) = match answer_line(&mut session, &line) {
                            (id, Step::Now(answer)) => {
                                break 'answered queue_answer(&session, &mut held, id, answer);
                            }
                            (id, Step::Later(waiting)) => (id, waiting),
                        };
                        let mut pending = waiting(&mut session);
                        // Some answer at their first poll all the same;
                        // only one that waits also watches for the client
                        // vanishing or the server stopping meanwhile.
                        let first =
                            std::future::poll_fn(|cx| Poll::Ready(pending.as_mut().poll(cx))).await;
                        let outcome = match first {
                            Poll::Ready(outcome) => outcome,
                            Poll::Pending => tokio::select! {
                                outcome = &mut pending => outcome,
                                () = conn.reset_by_peer() => break 'serving End::ClientReset,
                                () = &mut stopping => break 'serving End::Shutdown,
                            },
                        };
                        drop(pending);
                        // It waited: the client may be waiting for this
                        // reply before it sends more (a file's chunks).
                        // Written before anything else is read.
                        answered = read_ahead;
                        let answer = outcome.unwrap_or_else(Answer::refused);
                        queue_answer(&session, &mut held, id, answer)
                    };
                    if close {
                        break End::Logout;
                    }
                    if session.user.is_some() {
                        since = Instant::now();
                    }
                    let (due, _) = deadline(&session, since);
                    if due < timer.deadline() {
                        timer.as_mut().reset(due);
                    }
                    if let Some(pause) = session.allowance.charge_read(file_bytes, &session.shared.config) {
                        paused = Some(Box::pin(tokio::time::sleep(pause)));
                    }
                }
                Ok(None) => break End::ClientClosed,
                Err(ReadError::TooLong) => break End::LineTooLong,
                Err(ReadError::NotUtf8) => break End::NotUtf8,
                Err(ReadError::Io(e)) => break End::Io(e),
            },
            // Before the write: a reply released now leaves in the same write.
            () = held.ready(&session.shared.log) => held.release(&session.shared.log, &session.outbox),
            () = outgoing.recv_many(&mut batch, MAX_BATCH_LINES) => {
                // Straight into the socket when it has room (the usual
                // case): one system call, no future, no timer. Only the rest
                // waits, under the write deadline.
                answered = 0;
                let total: usize = batch.iter().map(Bytes::len).sum();
                let written = match conn.write_now(&batch, total) {
                    Ok(already) if already < total => {
                        tokio::select! {
                            biased;
                            written = Box::pin(tokio::time::timeout(
                                session.shared.config.write_timeout,
                                conn.finish_lines(&batch, already),
                            )) => written,
                            () = &mut stopping => break End::Shutdown,
                        }
                    }
                    done => Ok(done.map(drop)),
                };
                // Dropped, not cleared: it holds the queue's buffer (see
                // `try_recv_many`), which an idle connection should not keep.
                batch = Vec::new();
                match written {
                    Err(_) => break End::WriteTimeout,
                    Ok(Err(e)) => break End::Io(e),
                    Ok(Ok(())) => {}
                }
            }
        }
    };

    if let Some(login) = session.login() {
        let deleted = session.shared.hub.leave_server(login, &session.outbox);
        if let Some(cluster) = &session.shared.cluster {
            // Boxed: a cluster's goodbye would otherwise make every task bigger.
            Box::pin(cluster.rooms_deleted(deleted, tertulia_shared::MoveReason::CreatorLeft))
                .await;
        }
    }
    // Replies still waiting for the log go out with the rest of the queue.
    Box::pin(held.all_ready(&session.shared.log, FAREWELL_TIMEOUT)).await;
    held.release(&session.shared.log, &session.outbox);
    // Boxed: its timers and writes would otherwise make every task bigger.
    Box::pin(farewell(&mut conn, &end, &outgoing, &mut batch)).await;
    drop(conn);
    session.ticket.take();
    log_end(&session, &end);
}

/// Queues the reply to request `id` (held until what it confirms is
/// stored); says whether the connection then closes and what file bytes
/// the request moved.
fn queue_answer(
    session: &Session,
    held: &mut Held,
    id: Option<RequestId>,
    answer: Answer,
) -> (bool, Option<usize>) {
    let Answer {
        result,
        stored,
        file_bytes,
        close,
    } = answer;
    held.send(&session.outbox, stored, id, reply_line(session, id, result));
    (close, file_bytes)
}

/// The deadline a connection is under, and how it ends if it passes: say
/// `hello`, then log in, then never stay silent for the idle timeout.
fn deadline(session: &Session, since: Instant) -> (Instant, End) {
    let config = &session.shared.config;
    if !session.greeted {
        let limit = config.hello_timeout.min(config.login_timeout);
        (since + limit, End::HelloTimeout)
    } else if session.user.is_none() {
        (since + config.login_timeout, End::LoginTimeout)
    } else {
        (since + config.idle_timeout, End::IdleTimeout)
    }
}

/// Ready once the server is stopping. Polling `stopping` itself on every
/// turn of the loop would lock the waiter list every connection shares;
/// this reads the token's flag instead. The task is still woken on
/// shutdown: `stopping`, polled once when the connection started, holds
/// its waker (a task's waker wakes that task whichever poll it came from).
fn stopped(shutdown: &CancellationToken) -> impl Future<Output = ()> + '_ {
    std::future::poll_fn(move |_| {
        if shutdown.is_cancelled() {
            Poll::Ready(())
        } else {
            Poll::Pending
        }
    })
}

/// Waits for the pause timer, if there is one.
async fn wake(paused: &mut Option<Pin<Box<Sleep>>>) {
    if let Some(timer) = paused {
        timer.as_mut().await;
    }
}

#[cfg(test)]
mod tests {
    /// The size of what `f` returns (a future's state), without calling it.
    fn returned<A, R>(_: fn(A) -> R) -> usize {
        std::mem::size_of::<R>()
    }

    #[test]
    fn a_connection_task_fits_its_memory_budget() {
        let size = returned(super::run as fn(_) -> _);
        assert!(
            size <= super::TASK_BUDGET,
            "{size} > {} bytes",
            super::TASK_BUDGET
        );
    }
}
