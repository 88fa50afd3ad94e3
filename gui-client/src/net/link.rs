//! One connection once open (see `establish`): serve the session
//! (requests out, answers and events in, clock samples) until it ends.

use std::collections::HashMap;
use std::io;
use std::time::{Duration, Instant};

use futures_util::StreamExt;
use tertulia_shared::clock::{ClockSync, Sample};
use tertulia_shared::codec::LineCodec;
use tertulia_shared::codec::{decode, encode, line_codec};
use tertulia_shared::{
    ClientRequest, ErrorCode, Event, Reply, Request, RequestId, ServerMessage, SessionToken,
};
use tokio::io::{AsyncRead, AsyncWrite, AsyncWriteExt, ReadHalf, WriteHalf};
use tokio::sync::mpsc;
use tokio_util::codec::{FramedRead, LinesCodecError};

use super::errors;
use super::failure::Failure;
use super::out::Out;
use super::pages::{append_page, pages_next};
use super::transfers::Transfers;
use super::{
    CONNECT_TIMEOUT, INTERNAL_IDS, NetEvent, NetOrder, SILENCE_LIMIT, elapsed_since, local_now_ms,
};

/// Clock samples per synchronisation round, and the pause between rounds.
const SYNC_SAMPLES: u32 = 5;
const SYNC_EVERY: Duration = Duration::from_secs(60);
/// A clock sample is also sent whenever nothing else was for this long: the
/// server takes a connection silent for its idle timeout (45 s by default)
/// for a vanished computer.
const HEARTBEAT_EVERY: Duration = Duration::from_secs(15);

/// A failed read as an `io::Error`: the socket's own error keeps its kind
/// (a server that died is told as such, not as bad data); only a line too
/// long is the server's fault.
fn read_error(error: LinesCodecError) -> io::Error {
    match error {
        LinesCodecError::Io(e) => e,
        other => io::Error::new(io::ErrorKind::InvalidData, other),
    }
}

/// The other end speaks HTTP: a web server on the port.
#[derive(Debug, thiserror::Error)]
#[error("a web server answered")]
struct NotTertulia;

/// A connection's byte stream: TLS, or plain text when the user chose it.
pub(super) trait Io: AsyncRead + AsyncWrite + Send + Unpin {}
impl<T: AsyncRead + AsyncWrite + Send + Unpin> Io for T {}

/// How a logged-in session ended.
pub(super) enum LinkEnd {
    Logout,
    Cancel,
    Lost(String),
    /// The account logged in elsewhere: reconnecting would take it back.
    Replaced(String),
}

/// One open connection.
pub(super) struct Link {
    reader: FramedRead<ReadHalf<Box<dyn Io>>, LineCodec>,
    writer: WriteHalf<Box<dyn Io>>,
    out: Out,
    server: String,
    next_id: RequestId,
    /// When a request was last sent (for the heartbeat).
    last_write: Instant,
    /// Paged lists being gathered: the id of the request for the next page
    /// → the UI's request id and the pages so far.
    paging: HashMap<RequestId, (RequestId, Reply)>,
    /// Events that arrived during the handshake (the private messages
    /// queued while the user was away come just before `logged_in`): the
    /// UI gets them after it knows it is logged in.
    held: Vec<Event>,
    /// A session token given during the session (`password_changed`)
    /// that replaces the one of `logged_in` for the next reconnection.
    pub(super) token: Option<SessionToken>,
}

impl Link {
    pub(super) fn new(stream: Box<dyn Io>, out: Out, server: String) -> Link {
        let (read, write) = tokio::io::split(stream);
        Link {
            reader: FramedRead::new(read, line_codec()),
            writer: write,
            out,
            server,
            next_id: INTERNAL_IDS,
            last_write: Instant::now(),
            paging: HashMap::new(),
            held: Vec::new(),
            token: None,
        }
    }

    /// Passes on the events held during the handshake.
    pub(super) fn release_held(&mut self) {
        for event in self.held.drain(..) {
            self.out.emit(NetEvent::Event(event));
        }
    }

    /// A reply for one of the UI's requests, or for a page fetched on its
    /// behalf: a list with more pages is gathered, anything else forwarded.
    async fn gather(&mut self, id: RequestId, result: Reply) -> io::Result<()> {
        let (ui_id, pages) = match self.paging.remove(&id) {
            None => (id, result),
            Some((ui_id, mut pages)) => {
                append_page(&mut pages, result);
                (ui_id, pages)
            }
        };
        match pages_next(&pages) {
            None => {
                self.out.emit(NetEvent::Reply {
                    id: ui_id,
                    result: pages,
                });
                Ok(())
            }
            Some(request) => {
                let id = self.next_id;
                self.next_id += 1;
                self.paging.insert(id, (ui_id, pages));
                self.write(id, request).await
            }
        }
    }

    async fn write(&mut self, id: RequestId, request: Request) -> io::Result<()> {
        let line = encode(&ClientRequest::new(id, request));
        let writing = async {
            self.writer.write_all(&line).await?;
            // TLS holds what it encrypted until flushed.
            self.writer.flush().await
        };
        tokio::time::timeout(SILENCE_LIMIT, writing)
            .await
            .map_err(|_| io::Error::from(io::ErrorKind::TimedOut))??;
        self.last_write = Instant::now();
        self.out.stats(|s| {
            s.bytes_sent += line.len() as u64;
            s.messages_sent += 1;
        });
        Ok(())
    }

    /// The next server message; `None` when the server closed the connection.
    async fn read(&mut self) -> io::Result<Option<ServerMessage>> {
        loop {
            let Some(line) = self.reader.next().await else {
                return Ok(None);
            };
            let line = line.map_err(read_error)?;
            self.out.stats(|s| {
                s.bytes_received += line.len() as u64 + 1;
                s.messages_received += 1;
            });
            if line.starts_with("HTTP/") {
                return Err(io::Error::new(io::ErrorKind::InvalidData, NotTertulia));
            }
            match decode::<ServerMessage>(&line) {
                Ok(message) => return Ok(Some(message)),
                // A newer server may send lines this client does not know: skip them.
                Err(e) => tracing::warn!("unreadable line from the server: {e}"),
            }
        }
    }

    /// Sends an internal request during the handshake and waits for its
    /// answer, holding any event that arrives meanwhile.
    pub(super) async fn handshake(&mut self, request: Request) -> Result<Reply, Failure> {
        let id = self.next_id;
        self.next_id += 1;
        let server = self.server.clone();
        let lost = |e: &io::Error| Failure::Network(errors::connection_lost(e));
        self.write(id, request.clone())
            .await
            .map_err(|e| lost(&e))?;
        loop {
            let message = tokio::time::timeout(CONNECT_TIMEOUT, self.read())
                .await
                .map_err(|_| Failure::Network(errors::silent(&server, CONNECT_TIMEOUT)))?
                .map_err(
                    |e| match e.get_ref().is_some_and(|inner| inner.is::<NotTertulia>()) {
                        true => Failure::Network(errors::web_server(&server)),
                        false => lost(&e),
                    },
                )?;
            match message {
                None => {
                    return Err(Failure::Network(crate::i18n::tr_args(
                        "net-closed-before-answer",
                        &[("server", &server)],
                    )));
                }
                Some(ServerMessage::Reply { id: got, result }) if got == Some(id) => {
                    return Ok(result);
                }
                // Checking as many passwords as it can: ask again when told.
                Some(ServerMessage::Error { id: got, error })
                    if got == Some(id) && error.code == ErrorCode::Busy =>
                {
                    let told = Duration::from_millis(error.retry_after_ms.unwrap_or(1000));
                    let wait = super::busy_delay(told).min(Duration::from_secs(30));
                    tokio::time::sleep(wait).await;
                    self.write(id, request.clone())
                        .await
                        .map_err(|e| lost(&e))?;
                }
                Some(ServerMessage::Error { error, .. }) => {
                    return Err(match error.code {
                        // The server is there but cannot take us now.
                        ErrorCode::ServerFull | ErrorCode::Internal => {
                            Failure::Network(crate::i18n::error_message(&error))
                        }
                        ErrorCode::TlsRequired => Failure::Network(errors::needs_tls(&server)),
                        _ => Failure::Refused(error),
                    });
                }
                Some(ServerMessage::Event { event }) => self.held.push(event),
                Some(ServerMessage::Reply { .. }) => {}
            }
        }
    }

    /// Forwards requests and answers until the session ends.
    pub(super) async fn serve(
        &mut self,
        orders: &mut mpsc::UnboundedReceiver<NetOrder>,
        transfers: &mut Transfers,
    ) -> LinkEnd {
        let mut clock = ClockSync::new();
        let mut samples_left = SYNC_SAMPLES;
        let mut next_round = Instant::now() + SYNC_EVERY;
        // (id, local send time, when) of the clock sample in flight.
        let mut in_flight: Option<(RequestId, i64, Instant)> = None;
        let mut tick = tokio::time::interval(Duration::from_millis(250));

        loop {
            // Chunks go out as soon as answers make room for them.
            let next_id = &mut self.next_id;
            let wanted = transfers.wanted(|| {
                let id = *next_id;
                *next_id += 1;
                id
            });
            for (id, request) in wanted {
                if let Err(e) = self.write(id, request).await {
                    return LinkEnd::Lost(errors::connection_lost(&e));
                }
            }
            tokio::select! {
                (id, hashed) = transfers.hashed() => transfers.on_hashed(&self.out, id, hashed),
                message = self.read() => match message {
                    Ok(Some(ServerMessage::Reply { id: Some(id), result })) if transfers.owns(id) => {
                        transfers.on_reply(&self.out, id, result);
                    }
                    Ok(Some(ServerMessage::Error { id: Some(id), error })) if transfers.owns(id) => {
                        transfers.on_error(&self.out, id, error);
                    }
                    Ok(Some(ServerMessage::Reply { id: Some(id), result: Reply::Time { server_time_ms } }))
                        if in_flight.is_some_and(|(sample, _, _)| sample == id) =>
                    {
                        let sent = in_flight.take().map_or(0, |(_, sent, _)| sent);
                        let sample = Sample { sent, server: server_time_ms, received: local_now_ms() };
                        if clock.add(sample) {
                            self.out.emit(NetEvent::Clock {
                                offset_ms: clock.offset_ms(),
                                rtt_ms: clock.rtt_ms().unwrap_or_default(),
                            });
                        }
                    }
                    Ok(Some(ServerMessage::Reply { id: Some(id), result }))
                        if id < INTERNAL_IDS || self.paging.contains_key(&id) =>
                    {
                        if let Reply::PasswordChanged { token } = &result {
                            self.token = Some(token.clone());
                        }
                        if let Err(e) = self.gather(id, result).await {
                            return LinkEnd::Lost(errors::connection_lost(&e));
                        }
                    }
                    Ok(Some(ServerMessage::Reply { .. })) => {}
                    Ok(Some(ServerMessage::Error { id, error })) => {
                        // A failed page fails the request it was fetched for.
                        let id = id.map(|id| self.paging.remove(&id).map_or(id, |(ui, _)| ui));
                        self.out.emit(NetEvent::Failed { id, error });
                    }
                    Ok(Some(ServerMessage::Event { event })) => {
                        let end = match &event {
                            Event::Shutdown { .. } => {
                                Some(LinkEnd::Lost(crate::i18n::tr("net-shutting-down")))
                            }
                            Event::SessionReplaced { .. } => Some(LinkEnd::Replaced(
                                crate::i18n::tr("notice-session-replaced"),
                            )),
                            // Not reconnected by itself: a person decided it.
                            Event::Kicked { by, reason, banned } => Some(LinkEnd::Replaced(
                                crate::i18n::kicked(by, reason, *banned),
                            )),
                            _ => None,
                        };
                        self.out.emit(NetEvent::Event(event));
                        if let Some(end) = end {
                            return end;
                        }
                    }
                    Ok(None) => return LinkEnd::Lost(crate::i18n::tr("net-server-closed")),
                    Err(e) => return LinkEnd::Lost(errors::connection_lost(&e)),
                },
                order = orders.recv() => match order {
                    Some(NetOrder::Send { id, request }) => {
                        if let Err(e) = self.write(id, request).await {
                            return LinkEnd::Lost(errors::connection_lost(&e));
                        }
                    }
                    Some(NetOrder::Logout) => {
                        let id = self.next_id;
                        if self.write(id, Request::Logout).await.is_ok() {
                            // Wait briefly for `bye` so the server sees a clean exit.
                            let _ = tokio::time::timeout(Duration::from_secs(2), async {
                                while let Ok(Some(_)) = self.read().await {}
                            })
                            .await;
                        }
                        return LinkEnd::Logout;
                    }
                    Some(NetOrder::Cancel) | None => return LinkEnd::Cancel,
                    Some(NetOrder::Connect { .. }) => {}
                    Some(NetOrder::CancelTransfer { id }) => {
                        if let Some(request) = transfers.cancel(&self.out, id) {
                            let rid = self.next_id;
                            self.next_id += 1;
                            if let Err(e) = self.write(rid, request).await {
                                return LinkEnd::Lost(errors::connection_lost(&e));
                            }
                        }
                    }
                    Some(other) => transfers.order(&self.out, other),
                },
                _ = tick.tick() => {
                    if let Some((_, _, since)) = in_flight {
                        if elapsed_since(since) > SILENCE_LIMIT {
                            return LinkEnd::Lost(crate::i18n::tr_args(
                                "net-stopped-answering",
                                &[("secs", &SILENCE_LIMIT.as_secs())],
                            ));
                        }
                        continue;
                    }
                    if samples_left == 0 && elapsed_since(self.last_write) >= HEARTBEAT_EVERY {
                        samples_left = 1;
                    }
                    if samples_left == 0 && Instant::now() >= next_round {
                        clock.reset();
                        samples_left = SYNC_SAMPLES;
                        next_round = Instant::now() + SYNC_EVERY;
                    }
                    if samples_left > 0 {
                        samples_left -= 1;
                        let id = self.next_id;
                        self.next_id += 1;
                        let sent = local_now_ms();
                        if let Err(e) = self.write(id, Request::Time).await {
                            return LinkEnd::Lost(errors::connection_lost(&e));
                        }
                        in_flight = Some((id, sent, Instant::now()));
                    }
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_server_that_dies_is_not_told_as_bad_data() {
        let died = io::Error::new(io::ErrorKind::UnexpectedEof, "peer closed connection");
        assert_eq!(
            read_error(LinesCodecError::Io(died)).kind(),
            io::ErrorKind::UnexpectedEof
        );
        assert_eq!(
            read_error(LinesCodecError::MaxLineLengthExceeded).kind(),
            io::ErrorKind::InvalidData
        );
        crate::i18n::set(crate::i18n::Lang::Es);
        let told = super::errors::connection_lost(&read_error(LinesCodecError::Io(
            io::Error::new(io::ErrorKind::UnexpectedEof, "x"),
        )));
        crate::i18n::set(crate::i18n::Lang::En);
        assert_eq!(told, "El servidor se ha cerrado de golpe.");
    }
}
