//! How a connection ends: the last words it gets and the log line it leaves.

use std::io;
use std::time::Duration;

use bytes::Bytes;
use tertulia_shared::{ErrorBody, ErrorCode, Event, ServerMessage};

use super::Session;
use crate::connection::Connection;
use crate::outbox::Outgoing;

/// How long a farewell (the last lines, an error or shutdown notice) may
/// take before the connection is dropped anyway.
pub(super) const FAREWELL_TIMEOUT: Duration = Duration::from_secs(2);

/// How a connection ended.
#[derive(Debug)]
pub(super) enum End {
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

/// Delivers what is still queued (unless the client is too slow for it or
/// gone), tells the client why the connection ends when there is something
/// to say, then closes. Bounded in time: a client that does not read is not
/// waited for.
pub(super) async fn farewell(
    conn: &mut Connection,
    end: &End,
    outgoing: &Outgoing,
    batch: &mut Vec<Bytes>,
) {
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
        outgoing.try_recv_many(batch, usize::MAX);
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

pub(super) fn log_end(session: &Session, end: &End) {
    let peer = session.peer;
    let who = session.login().unwrap_or("-");
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
