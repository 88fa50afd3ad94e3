//! One client's life on the server: handshake → anonymous → logged in → gone.
//!
//! [`serve`] runs one task per connection and is the connection's only
//! writer. Replies to the client's own requests and events from other
//! clients go through the same bounded [`Outbox`] queue, so they reach the
//! client in the order they happened and a client that does not read fills
//! its queue and is dropped, whatever it sends. Every socket write has a
//! deadline, and the task watches the shutdown, the queue overflowing and the
//! hello, login and idle deadlines while it waits for anything.

use std::io;
use std::net::SocketAddr;
use std::time::Duration;

use std::future::Future;
use std::pin::Pin;
use std::task::Poll;

use bytes::Bytes;
use tertulia_shared::codec::{DecodeError, decode_request, encode};
use tertulia_shared::{ClientRequest, ErrorBody, ErrorCode, Event, ServerMessage};
use tokio::time::{Instant, Sleep};
use tokio_util::sync::CancellationToken;

use crate::admission::Ticket;
use crate::cmd;
use crate::connection::{Connection, ReadError};
use crate::outbox::{self, Inbox, Outbox};
use crate::server::Shared;
use crate::throttle::TokenBucket;

/// Most queued lines written with one system call.
const WRITE_BATCH: usize = 256;

/// How long a farewell (the last lines, an error or shutdown notice) may
/// take before the connection is dropped anyway.
const FAREWELL_TIMEOUT: Duration = Duration::from_secs(2);

/// One connection's allowance per kind of request.
#[derive(Debug)]
pub(crate) struct Buckets {
    pub say: TokenBucket,
    pub private: TokenBucket,
    pub rooms: TokenBucket,
    /// Every request: past it the connection is read more slowly.
    pub requests: TokenBucket,
}

/// The per-connection state the commands read and change.
#[derive(Debug)]
pub(crate) struct Session {
    pub shared: Shared,
    pub peer: SocketAddr,
    /// `hello` was accepted.
    pub greeted: bool,
    /// The login (as registered) once authenticated.
    pub login: Option<String>,
    /// This client's own queue, handed to the hub at login.
    pub outbox: Outbox,
    /// This connection's place in the connection limits, held until the
    /// socket is closed (farewell included): the limits count descriptors.
    pub ticket: Option<Ticket>,
    pub buckets: Buckets,
    /// Set by a command that ends the connection after its reply (`logout`,
    /// a refused `hello`).
    pub closing: bool,
}

impl Session {
    /// The logged-in user's login, or `not_authenticated`.
    pub fn logged_in(&self) -> Result<String, ErrorBody> {
        self.login.clone().ok_or_else(|| {
            ErrorBody::new(
                ErrorCode::NotAuthenticated,
                "Log in first (or create an account).",
            )
        })
    }

    /// Refuses `login` and `register` on a connection that is already logged in.
    pub fn require_anonymous(&self) -> Result<(), ErrorBody> {
        match &self.login {
            Some(login) => Err(ErrorBody::new(
                ErrorCode::AlreadyAuthenticated,
                format!("You are already logged in as {login}."),
            )),
            None => Ok(()),
        }
    }

    /// Takes one token from `bucket`, or refuses with `rate_limited`.
    pub fn within(bucket: &mut TokenBucket, what: &str) -> Result<(), ErrorBody> {
        bucket.take(std::time::Instant::now()).map_err(|wait| {
            ErrorBody::new(
                ErrorCode::RateLimited,
                format!("Too many {what} too fast; wait a moment and try again."),
            )
            .retry_after(wait)
        })
    }

    /// Answers one line: a reply or an error, always exactly one.
    async fn answer(&mut self, line: &str) -> ServerMessage {
        match decode_request(line) {
            Err(DecodeError { id, error }) => {
                tracing::debug!(peer = %self.peer, "malformed request: {:?}", error.message);
                ServerMessage::Error { id, error }
            }
            Ok(ClientRequest { id, request }) => match cmd::apply(self, request).await {
                Ok(result) => ServerMessage::Reply { id, result },
                Err(error) => {
                    tracing::debug!(peer = %self.peer, code = ?error.code, "request refused: {:?}", error.message);
                    ServerMessage::Error { id, error }
                }
            },
        }
    }
}

/// How a connection ended.
#[derive(Debug)]
enum End {
    ClientClosed,
    ClientReset,
    Logout,
    Shutdown,
    TooSlow,
    WriteTimeout,
    HelloTimeout,
    LoginTimeout,
    IdleTimeout,
    Replaced,
    LineTooLong,
    NotUtf8,
    Io(io::Error),
}

/// Serves one client until it leaves, misbehaves or the server stops.
pub(crate) async fn serve(
    mut conn: Connection,
    shared: Shared,
    ticket: Ticket,
    shutdown: CancellationToken,
) {
    let config = shared.config.clone();
    let (outbox, inbox) = outbox::channel(config.outbox_capacity);
    // One timer for every deadline (see `deadline`), boxed like every other
    // timer here: an idle connection's task should stay small. It is moved
    // only when the deadline comes earlier; a later one is picked up when
    // the timer fires, so reading a line costs no timer update.
    let started = Instant::now();
    let mut last_heard = started;
    let mut timer = Box::pin(tokio::time::sleep(
        config.hello_timeout.min(config.login_timeout),
    ));
    let now = std::time::Instant::now();
    let mut session = Session {
        shared,
        peer: conn.peer(),
        greeted: false,
        login: None,
        outbox,
        ticket: Some(ticket),
        buckets: Buckets {
            say: TokenBucket::new(config.message_rate, now),
            private: TokenBucket::new(config.private_rate, now),
            rooms: TokenBucket::new(config.room_rate, now),
            requests: TokenBucket::new(config.request_rate, now),
        },
        closing: false,
    };
    let mut batch: Vec<Bytes> = Vec::new();
    // Past the request rate, reading pauses until this timer fires.
    let mut paused: Option<Pin<Box<Sleep>>> = None;

    let end = loop {
        tokio::select! {
            biased;
            () = shutdown.cancelled() => break End::Shutdown,
            () = inbox.kicked() => {
                break if inbox.is_replaced() { End::Replaced } else { End::TooSlow };
            }
            () = timer.as_mut() => {
                let (due, end) = deadline(&session, started, last_heard);
                if due <= Instant::now() {
                    break end;
                }
                timer.as_mut().reset(due);
            }
            () = inbox.recv_many(&mut batch, WRITE_BATCH) => {
                // The write first: when the socket takes it at once (the
                // usual case) the shutdown token, shared by every
                // connection, is not even polled.
                let written = tokio::select! {
                    biased;
                    written = Box::pin(tokio::time::timeout(config.write_timeout, conn.write_lines(&batch))) => written,
                    () = shutdown.cancelled() => break End::Shutdown,
                };
                batch.clear();
                match written {
                    Err(_) => break End::WriteTimeout,
                    Ok(Err(e)) => break End::Io(e),
                    Ok(Ok(())) => {}
                }
            }
            () = wake(&mut paused), if paused.is_some() => paused = None,
            line = conn.read_line(), if paused.is_none() => match line {
                Ok(Some(line)) => {
                    last_heard = Instant::now();
                    // Boxed: the state of the deepest request (a login waiting
                    // for bcrypt) then lives on the heap only while it runs,
                    // instead of in every idle connection's task.
                    let reply = {
                        let mut answer = Box::pin(session.answer(&line));
                        // Most requests answer at once; only one that waits (for
                        // bcrypt or the database) also watches for the client
                        // vanishing or the server stopping meanwhile.
                        let first =
                            std::future::poll_fn(|cx| Poll::Ready(answer.as_mut().poll(cx)))
                                .await;
                        match first {
                            Poll::Ready(reply) => reply,
                            Poll::Pending => tokio::select! {
                                reply = answer => reply,
                                () = conn.reset_by_peer() => break End::ClientReset,
                                () = shutdown.cancelled() => break End::Shutdown,
                            },
                        }
                    };
                    session.outbox.push(&encode(&reply));
                    if session.closing {
                        break End::Logout;
                    }
                    let (due, _) = deadline(&session, started, last_heard);
                    if due < timer.deadline() {
                        timer.as_mut().reset(due);
                    }
                    if let Some(pause) = session.buckets.requests.charge(std::time::Instant::now()) {
                        paused = Some(Box::pin(tokio::time::sleep(pause)));
                    }
                }
                Ok(None) => break End::ClientClosed,
                Err(ReadError::TooLong) => break End::LineTooLong,
                Err(ReadError::NotUtf8) => break End::NotUtf8,
                Err(ReadError::Io(e)) => break End::Io(e),
            },
        }
    };

    if let Some(login) = &session.login {
        session.shared.hub.leave_server(login, &session.outbox);
    }
    // Boxed: its timers and writes would otherwise make every task bigger.
    Box::pin(farewell(&mut conn, &end, &inbox, &mut batch)).await;
    drop(conn);
    session.ticket.take();
    log_end(&session, &end);
}

/// The deadline a connection is under, and how it ends if it passes: say
/// `hello`, then log in, then never stay silent for the idle timeout.
fn deadline(session: &Session, started: Instant, last_heard: Instant) -> (Instant, End) {
    let config = &session.shared.config;
    if !session.greeted {
        let limit = config.hello_timeout.min(config.login_timeout);
        (started + limit, End::HelloTimeout)
    } else if session.login.is_none() {
        (started + config.login_timeout, End::LoginTimeout)
    } else {
        (last_heard + config.idle_timeout, End::IdleTimeout)
    }
}

/// Waits for the pause timer, if there is one.
async fn wake(paused: &mut Option<Pin<Box<Sleep>>>) {
    if let Some(timer) = paused {
        timer.as_mut().await;
    }
}

/// Delivers what is still queued (unless the client is too slow for it or
/// gone), tells the client why the connection ends when there is something
/// to say, then closes. Bounded in time: a client that does not read is not
/// waited for.
async fn farewell(conn: &mut Connection, end: &End, inbox: &Inbox, batch: &mut Vec<Bytes>) {
    let error = |code, message: &str| ServerMessage::Error {
        id: None,
        error: ErrorBody::new(code, message),
    };
    let last_word = match end {
        End::Shutdown => Some(ServerMessage::Event {
            event: Event::Shutdown {
                message: "The server is shutting down.".to_owned(),
            },
        }),
        End::TooSlow | End::WriteTimeout => Some(error(
            ErrorCode::TooSlow,
            "Disconnected: messages were arriving faster than this client read them.",
        )),
        End::HelloTimeout => Some(error(
            ErrorCode::LoginTimeout,
            "Disconnected: no hello within the time limit.",
        )),
        End::LoginTimeout => Some(error(
            ErrorCode::LoginTimeout,
            "Disconnected: no login within the time limit.",
        )),
        End::IdleTimeout => Some(error(
            ErrorCode::IdleTimeout,
            "Disconnected: nothing heard from this client for too long.",
        )),
        End::LineTooLong => Some(error(
            ErrorCode::LineTooLong,
            &format!(
                "Disconnected: a line was longer than {} bytes.",
                tertulia_shared::limits::MAX_LINE_BYTES
            ),
        )),
        End::NotUtf8 => Some(error(
            ErrorCode::Malformed,
            "Disconnected: the data was not UTF-8 text.",
        )),
        // The queue already ends with the `session_replaced` event.
        End::Replaced => None,
        End::ClientClosed | End::ClientReset | End::Logout | End::Io(_) => None,
    };
    let deliver_queue = !matches!(
        end,
        End::TooSlow | End::WriteTimeout | End::ClientReset | End::Io(_)
    );
    if deliver_queue {
        inbox.try_recv_many(batch, usize::MAX);
    }
    let goodbye = async {
        if !batch.is_empty() {
            conn.write_lines(batch).await?;
        }
        if let Some(message) = &last_word {
            conn.send(message).await?;
        }
        conn.close().await?;
        conn.discard_input().await;
        Ok::<(), io::Error>(())
    };
    // The peer may already be gone; nothing more to do about it.
    let _ = tokio::time::timeout(FAREWELL_TIMEOUT, goodbye).await;
}

fn log_end(session: &Session, end: &End) {
    let peer = session.peer;
    let who = session.login.as_deref().unwrap_or("-");
    match end {
        End::ClientClosed => tracing::info!(%peer, login = who, "client disconnected"),
        End::ClientReset => {
            tracing::info!(%peer, login = who, "client vanished (connection reset)")
        }
        End::Logout => tracing::info!(%peer, login = who, "client logged out"),
        End::Shutdown => tracing::debug!(%peer, login = who, "closed for shutdown"),
        End::Replaced => {
            tracing::info!(%peer, login = who, "session taken over by a new login")
        }
        End::IdleTimeout => tracing::info!(
            %peer, login = who,
            "disconnected: nothing heard for {:?} (a vanished computer?)",
            session.shared.config.idle_timeout
        ),
        End::TooSlow => tracing::warn!(
            %peer, login = who,
            "disconnected: outgoing queue full ({} lines), the client is not reading",
            session.shared.config.outbox_capacity
        ),
        End::WriteTimeout => tracing::warn!(
            %peer, login = who,
            "disconnected: a write took longer than {:?}, the client is not reading",
            session.shared.config.write_timeout
        ),
        End::HelloTimeout => tracing::info!(%peer, "disconnected: no hello in time"),
        End::LoginTimeout => tracing::info!(%peer, "disconnected: no login in time"),
        End::LineTooLong => tracing::warn!(%peer, login = who, "disconnected: line too long"),
        End::NotUtf8 => tracing::warn!(%peer, login = who, "disconnected: data is not UTF-8"),
        End::Io(e) => {
            tracing::info!(%peer, login = who, "connection lost: {}", crate::describe_io_error(e))
        }
    }
}
