//! One client's socket, wrapped once: the rest of the server reads whole lines
//! and writes whole messages, never bytes, whether they travel in TLS or in
//! plain text.

use std::io::{self, IoSlice};
use std::net::SocketAddr;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::Duration;

use bytes::{Bytes, BytesMut};
use tertulia_shared::codec::LineCodec;
use tertulia_shared::codec::{encode, line_codec};
use tertulia_shared::{ErrorBody, ErrorCode, ServerMessage};
use tokio::io::{AsyncRead, AsyncWrite, AsyncWriteExt, ReadBuf};
use tokio::net::TcpStream;
use tokio_rustls::server::TlsStream;

mod read;
#[cfg(test)]
mod tests;

/// A client's byte stream: TLS, or plain text (`--plain`).
#[derive(Debug)]
pub enum Stream {
    Plain(TcpStream),
    Tls(Box<TlsStream<TcpStream>>),
}

impl Stream {
    /// The TCP socket underneath.
    fn tcp(&self) -> &TcpStream {
        match self {
            Stream::Plain(tcp) => tcp,
            Stream::Tls(tls) => tls.get_ref().0,
        }
    }
}

impl AsyncRead for Stream {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        match self.get_mut() {
            Stream::Plain(tcp) => Pin::new(tcp).poll_read(cx, buf),
            Stream::Tls(tls) => Pin::new(tls.as_mut()).poll_read(cx, buf),
        }
    }
}

impl AsyncWrite for Stream {
    fn poll_write(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        match self.get_mut() {
            Stream::Plain(tcp) => Pin::new(tcp).poll_write(cx, buf),
            Stream::Tls(tls) => Pin::new(tls.as_mut()).poll_write(cx, buf),
        }
    }

    fn poll_write_vectored(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        match self.get_mut() {
            Stream::Plain(tcp) => Pin::new(tcp).poll_write_vectored(cx, bufs),
            Stream::Tls(tls) => Pin::new(tls.as_mut()).poll_write_vectored(cx, bufs),
        }
    }

    fn is_write_vectored(&self) -> bool {
        true
    }

    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        match self.get_mut() {
            Stream::Plain(tcp) => Pin::new(tcp).poll_flush(cx),
            Stream::Tls(tls) => Pin::new(tls.as_mut()).poll_flush(cx),
        }
    }

    fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        match self.get_mut() {
            Stream::Plain(tcp) => Pin::new(tcp).poll_shutdown(cx),
            Stream::Tls(tls) => Pin::new(tls.as_mut()).poll_shutdown(cx),
        }
    }
}

/// Why a connection could not start.
#[derive(Debug, thiserror::Error)]
pub enum StartError {
    #[error("it sent plain text to the TLS port")]
    PlainText,
    #[error("no TLS handshake in time")]
    Timeout,
    #[error("TLS handshake failed: {0}")]
    Handshake(io::Error),
}

/// Why no line could be read.
#[derive(Debug, thiserror::Error)]
pub enum ReadError {
    #[error("line longer than the limit")]
    TooLong,
    #[error("line is not valid UTF-8")]
    NotUtf8,
    #[error(transparent)]
    Io(io::Error),
}

/// The framed socket of one client. One task reads and writes it, so the
/// stream is not split.
#[derive(Debug)]
pub struct Connection {
    stream: Stream,
    codec: LineCodec,
    /// Bytes read but not yet framed. On a plain socket it is released
    /// whenever it is empty and allocated again only once the socket has
    /// bytes to read: an idle connection holds no read buffer.
    buffer: BytesMut,
    /// The client closed its side: what is left in `buffer` is the last line.
    eof: bool,
    peer: SocketAddr,
    /// A write was cut off part-way (deadline, shutdown): the client has
    /// half a line, which the next line must not be glued to.
    mid_line: bool,
}

/// Most lines written with one system call: the session takes at most
/// this many from its queue at a time.
pub const MAX_BATCH_LINES: usize = 256;

/// Read buffer allocated for a read: most requests are small. It grows on
/// demand up to the line limit.
const READ_BUFFER: usize = 512;

/// How accepted sockets are set up.
#[derive(Debug, Clone)]
pub struct Setup {
    /// `SO_SNDBUF` (0: the system default).
    pub send_buffer: usize,
    /// TCP keepalive probes after this much silence (0: off).
    pub keepalive: Duration,
    /// TLS, unless the server runs `--plain`.
    pub tls: Option<Arc<rustls::ServerConfig>>,
    /// Longest a client may take to start its TLS handshake and finish it.
    pub handshake_timeout: Duration,
}

/// Batches up to this many bytes are copied into one buffer to be written.
const CONTIGUOUS_WRITE: usize = 64 * 1024;

thread_local! {
    /// Where [`Connection::write_now`] gathers a batch: one per worker thread.
    static CONTIGUOUS: std::cell::RefCell<Vec<u8>> = const { std::cell::RefCell::new(Vec::new()) };
}

impl Connection {
    /// Sets an accepted socket up and, on a TLS server, runs the handshake
    /// (bounded by `setup.handshake_timeout`). A client that speaks plain
    /// text to the TLS port is told so in plain text, then closed.
    pub async fn start(
        stream: TcpStream,
        peer: SocketAddr,
        setup: &Setup,
    ) -> Result<Connection, StartError> {
        Self::tune(&stream, peer, setup.send_buffer, setup.keepalive);
        let Some(tls) = &setup.tls else {
            return Ok(Connection::over(Stream::Plain(stream), peer));
        };
        let deadline = tokio::time::Instant::now() + setup.handshake_timeout;
        let mut first = [0u8; 1];
        let peeked = tokio::time::timeout_at(deadline, stream.peek(&mut first))
            .await
            .map_err(|_| StartError::Timeout)?
            .map_err(StartError::Handshake)?;
        if peeked == 1 && first[0] != crate::tls::HANDSHAKE_RECORD {
            let mut plain = Connection::over(Stream::Plain(stream), peer);
            plain.refuse_plain_text().await;
            return Err(StartError::PlainText);
        }
        let acceptor = tokio_rustls::TlsAcceptor::from(tls.clone());
        match tokio::time::timeout_at(deadline, acceptor.accept(stream)).await {
            Err(_) => Err(StartError::Timeout),
            Ok(Err(e)) => Err(StartError::Handshake(e)),
            Ok(Ok(tls)) => Ok(Connection::over(Stream::Tls(Box::new(tls)), peer)),
        }
    }

    /// Tells a plain-text client, in plain text, that this port speaks TLS.
    async fn refuse_plain_text(&mut self) {
        let refusal = ServerMessage::Error {
            id: None,
            error: ErrorBody::new(
                ErrorCode::TlsRequired,
                "This server speaks TLS: connect with TLS (e.g. openssl s_client -quiet \
                 -connect host:7878), or to a server started with --plain.",
            ),
        };
        let _ = tokio::time::timeout(Duration::from_millis(500), async {
            self.send(&refusal).await?;
            self.close().await?;
            self.discard_input().await;
            Ok::<(), io::Error>(())
        })
        .await;
    }

    /// Wraps a plain accepted socket (for tests and refusals).
    pub fn plain(stream: TcpStream, peer: SocketAddr, send_buffer: usize) -> Connection {
        Self::tune(&stream, peer, send_buffer, Duration::ZERO);
        Connection::over(Stream::Plain(stream), peer)
    }

    fn over(stream: Stream, peer: SocketAddr) -> Connection {
        Connection {
            stream,
            codec: line_codec(),
            buffer: BytesMut::new(),
            eof: false,
            peer,
            mid_line: false,
        }
    }

    /// Socket options. `send_buffer` caps the kernel's send buffer (so a
    /// client that stops reading pins kilobytes of kernel memory rather than
    /// megabytes); keepalive lets the kernel notice a vanished peer.
    fn tune(stream: &TcpStream, peer: SocketAddr, send_buffer: usize, keepalive: Duration) {
        // We batch writes ourselves; Nagle would only add latency.
        if let Err(e) = stream.set_nodelay(true) {
            tracing::debug!(%peer, "cannot set TCP_NODELAY: {e}");
        }
        if send_buffer > 0
            && let Err(e) = socket2::SockRef::from(stream).set_send_buffer_size(send_buffer)
        {
            tracing::debug!(%peer, "cannot set SO_SNDBUF: {e}");
        }
        if !keepalive.is_zero() {
            // Probes after `keepalive` of silence, then every third of it,
            // three times: a vanished peer is noticed in about twice that.
            let probes = socket2::TcpKeepalive::new()
                .with_time(keepalive)
                .with_interval((keepalive / 3).max(Duration::from_secs(1)))
                .with_retries(3);
            if let Err(e) = socket2::SockRef::from(stream).set_tcp_keepalive(&probes) {
                tracing::debug!(%peer, "cannot enable TCP keepalive: {e}");
            }
        }
    }

    pub fn peer(&self) -> SocketAddr {
        self.peer
    }

    /// Writes one message, on a line of its own even after a cut-off write.
    pub async fn send(&mut self, message: &ServerMessage) -> io::Result<()> {
        self.write_lines(&[encode(message)]).await
    }

    /// Writes one message only if the socket takes it at once (a fresh
    /// socket always does): for refusing a plain-text connection without a
    /// task. (A TLS client could not read it before a handshake.)
    pub fn try_send_now(&self, message: &ServerMessage) -> bool {
        let Stream::Plain(tcp) = &self.stream else {
            return false;
        };
        let line = encode(message);
        matches!(tcp.try_write(&line), Ok(n) if n == line.len())
    }

    /// Writes already-encoded lines with as few system calls as possible.
    /// If the future is dropped part-way, the connection remembers it.
    pub async fn write_lines(&mut self, lines: &[Bytes]) -> io::Result<()> {
        self.finish_lines(lines, 0).await
    }

    /// Writes as much of `lines` (`total` bytes, which the caller knows) as
    /// a plain socket takes at once, without waiting, and returns how many
    /// bytes that was; the rest is for
    /// [`Connection::finish_lines`]. The usual case (the socket has room)
    /// then costs one system call and no future. (TLS: nothing.)
    pub fn write_now(&mut self, lines: &[Bytes], total: usize) -> io::Result<usize> {
        let Stream::Plain(tcp) = &self.stream else {
            return Ok(0);
        };
        if self.mid_line {
            return Ok(0);
        }
        // One line needs no copy. Several are copied into one buffer and
        // written as one: the kernel copies one long run far faster than
        // many short slices (a batch is typically dozens of 200-byte lines).
        // A batch too long for the buffer goes as slices.
        let written = if let [line] = lines {
            tcp.try_write(line)
        } else {
            if total <= CONTIGUOUS_WRITE {
                CONTIGUOUS.with_borrow_mut(|buffer| {
                    buffer.clear();
                    for line in lines {
                        buffer.extend_from_slice(line);
                    }
                    tcp.try_write(buffer)
                })
            } else {
                let slices: Vec<IoSlice<'_>> = lines.iter().map(|l| IoSlice::new(l)).collect();
                tcp.try_write_vectored(&slices)
            }
        };
        match written {
            Err(e) if e.kind() == io::ErrorKind::WouldBlock => Ok(0),
            written => written,
        }
    }

    /// Writes `lines` but their first `already` bytes (taken by
    /// [`Connection::write_now`]).
    pub async fn finish_lines(&mut self, lines: &[Bytes], already: usize) -> io::Result<()> {
        let writer = &mut self.stream;
        if self.mid_line {
            writer.write_all(b"\n").await?;
            self.mid_line = false;
        }
        self.mid_line = true;
        let mut slices: Vec<IoSlice<'_>> = lines.iter().map(|l| IoSlice::new(l)).collect();
        let mut remaining = &mut slices[..];
        IoSlice::advance_slices(&mut remaining, already);
        while !remaining.is_empty() {
            let written = writer.write_vectored(remaining).await?;
            if written == 0 {
                return Err(io::ErrorKind::WriteZero.into());
            }
            IoSlice::advance_slices(&mut remaining, written);
        }
        // TLS holds what it encrypted until flushed (plain TCP: a no-op).
        writer.flush().await?;
        self.mid_line = false;
        Ok(())
    }

    /// Resolves if the client resets the connection (it is gone for sure).
    /// A plain end of input is not taken as gone: a client may half-close
    /// its side and still wait for the answers to what it sent.
    pub async fn reset_by_peer(&mut self) {
        let mut probe = [0u8; 1];
        let tcp = self.stream.tcp();
        loop {
            // Polled directly, like `fill`: `peek()` is a large future.
            let peeked = std::future::poll_fn(|cx| {
                tcp.poll_peek(cx, &mut tokio::io::ReadBuf::new(&mut probe))
            });
            match peeked.await {
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                Err(_) => return,
                Ok(_) => std::future::pending::<()>().await,
            }
        }
    }

    /// Reads and throws away whatever the client still sends, until it
    /// closes. Closing a socket with unread input makes the kernel send a
    /// reset, which can destroy the last lines before the client reads them;
    /// draining first lets the farewell arrive. Bounded by the caller.
    pub async fn discard_input(&mut self) {
        // Straight from the socket: nothing more is read as TLS.
        let mut scratch = [0u8; 4096];
        let tcp = self.stream.tcp();
        loop {
            if tcp.readable().await.is_err() {
                return;
            }
            match tcp.try_read(&mut scratch) {
                Ok(0) => return,
                Ok(_) => {}
                Err(e) if e.kind() == io::ErrorKind::WouldBlock => {}
                Err(_) => return,
            }
        }
    }

    /// Ends the stream (TLS `close_notify`, then FIN) after everything
    /// written so far.
    pub async fn close(&mut self) -> io::Result<()> {
        self.stream.shutdown().await
    }
}
