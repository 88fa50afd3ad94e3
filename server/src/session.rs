//! One client's life on the server: handshake → anonymous → logged in → gone.
//!
//! [`serve`] runs one task per connection. It waits on four things at once:
//! the server shutting down, the client's outgoing queue overflowing (kick),
//! the login deadline, and the next event to forward or request to answer.
//! Replies to the client's own requests are written directly; events from
//! other clients arrive through the bounded [`Outbox`] queue.

use std::io;
use std::net::SocketAddr;
use std::time::Duration;

use bytes::Bytes;
use tertulia_shared::codec::{DecodeError, decode_request};
use tertulia_shared::{ClientRequest, ErrorBody, ErrorCode, Event, ServerMessage};
use tokio_util::sync::CancellationToken;

use crate::cmd;
use crate::connection::{Connection, ReadError};
use crate::outbox::{self, Inbox, Outbox};
use crate::server::Shared;

/// Most queued lines written with one system call.
const WRITE_BATCH: usize = 256;

/// How long a farewell (error or shutdown notice) may take to write before
/// the connection is dropped anyway.
const FAREWELL_TIMEOUT: Duration = Duration::from_secs(2);

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

    /// Answers one line: a reply or an error, always exactly one.
    async fn answer(&mut self, line: &str) -> ServerMessage {
        match decode_request(line) {
            Err(DecodeError { id, error }) => {
                tracing::debug!(peer = %self.peer, "malformed request: {}", error.message);
                ServerMessage::Error { id, error }
            }
            Ok(ClientRequest { id, request }) => match cmd::apply(self, request).await {
                Ok(result) => ServerMessage::Reply { id, result },
                Err(error) => {
                    tracing::debug!(peer = %self.peer, code = ?error.code, "request refused: {}", error.message);
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
    Logout,
    Shutdown,
    TooSlow,
    LoginTimeout,
    LineTooLong,
    NotUtf8,
    Io(io::Error),
}

/// Serves one client until it leaves, misbehaves or the server stops.
pub(crate) async fn serve(mut conn: Connection, shared: Shared, shutdown: CancellationToken) {
    let (outbox, inbox) = outbox::channel(shared.config.outbox_capacity);
    let login_deadline = tokio::time::sleep(shared.config.login_timeout);
    tokio::pin!(login_deadline);
    let mut session = Session {
        shared,
        peer: conn.peer(),
        greeted: false,
        login: None,
        outbox,
        closing: false,
    };
    let mut batch: Vec<Bytes> = Vec::new();

    let end = loop {
        tokio::select! {
            biased;
            () = shutdown.cancelled() => break End::Shutdown,
            () = inbox.kicked() => break End::TooSlow,
            () = &mut login_deadline, if session.login.is_none() => break End::LoginTimeout,
            () = inbox.recv_many(&mut batch, WRITE_BATCH) => {
                let written = tokio::select! {
                    written = conn.write_lines(&batch) => written,
                    () = inbox.kicked() => break End::TooSlow,
                };
                batch.clear();
                if let Err(e) = written {
                    break End::Io(e);
                }
            }
            line = conn.read_line() => match line {
                Ok(Some(line)) => {
                    // Boxed: the state of the deepest request (a login waiting
                    // for bcrypt) then lives on the heap only while it runs,
                    // instead of in every idle connection's task.
                    let reply = Box::pin(session.answer(&line)).await;
                    if let Err(e) = conn.send(&reply).await {
                        break End::Io(e);
                    }
                    if session.closing {
                        break End::Logout;
                    }
                }
                Ok(None) => break End::ClientClosed,
                Err(ReadError::TooLong) => break End::LineTooLong,
                Err(ReadError::NotUtf8) => break End::NotUtf8,
                Err(ReadError::Io(e)) => break End::Io(e),
            },
        }
    };

    farewell(&mut conn, &end, &inbox, &mut batch).await;
    if let Some(login) = &session.login {
        session.shared.hub.leave_server(login);
    }
    log_end(&session, &end);
}

/// Tells the client why the connection ends, when there is something to say,
/// then closes our side. Bounded in time: a client that does not read is not
/// waited for.
async fn farewell(conn: &mut Connection, end: &End, inbox: &Inbox, batch: &mut Vec<Bytes>) {
    let error = |code, message: &str| ServerMessage::Error {
        id: None,
        error: ErrorBody::new(code, message),
    };
    let last_word = match end {
        End::Shutdown => {
            // Events already queued are delivered before the notice.
            inbox.try_recv_many(batch, usize::MAX);
            Some(ServerMessage::Event {
                event: Event::Shutdown {
                    message: "The server is shutting down.".to_owned(),
                },
            })
        }
        End::TooSlow => Some(error(
            ErrorCode::TooSlow,
            "Disconnected: messages were arriving faster than this client read them.",
        )),
        End::LoginTimeout => Some(error(
            ErrorCode::LoginTimeout,
            "Disconnected: no login within the time limit.",
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
        End::ClientClosed | End::Logout | End::Io(_) => None,
    };
    let goodbye = async {
        if !batch.is_empty() {
            conn.write_lines(batch).await?;
        }
        if let Some(message) = &last_word {
            conn.send(message).await?;
        }
        conn.close().await
    };
    // The peer may already be gone; nothing more to do about it.
    let _ = tokio::time::timeout(FAREWELL_TIMEOUT, goodbye).await;
}

fn log_end(session: &Session, end: &End) {
    let peer = session.peer;
    let who = session.login.as_deref().unwrap_or("-");
    match end {
        End::ClientClosed => tracing::info!(%peer, login = who, "client disconnected"),
        End::Logout => tracing::info!(%peer, login = who, "client logged out"),
        End::Shutdown => tracing::debug!(%peer, login = who, "closed for shutdown"),
        End::TooSlow => tracing::warn!(
            %peer, login = who,
            "disconnected: outgoing queue full ({} lines), the client is not reading",
            session.shared.config.outbox_capacity
        ),
        End::LoginTimeout => tracing::info!(%peer, "disconnected: no login in time"),
        End::LineTooLong => tracing::warn!(%peer, login = who, "disconnected: line too long"),
        End::NotUtf8 => tracing::warn!(%peer, login = who, "disconnected: data is not UTF-8"),
        End::Io(e) => {
            tracing::info!(%peer, login = who, "connection lost: {}", crate::describe_io_error(e))
        }
    }
}
