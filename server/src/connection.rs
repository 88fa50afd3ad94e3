//! One client's socket, wrapped once: the rest of the server reads whole lines
//! and writes whole messages, never bytes.

use std::io::{self, IoSlice};
use std::net::SocketAddr;
use std::time::Duration;

use bytes::Bytes;
use futures_util::StreamExt;
use tertulia_shared::ServerMessage;
use tertulia_shared::codec::LineCodec;
use tertulia_shared::codec::{encode, line_codec};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;
use tokio::net::tcp::{OwnedReadHalf, OwnedWriteHalf};
use tokio_util::codec::{FramedRead, LinesCodecError};

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

/// The framed socket of one client.
#[derive(Debug)]
pub struct Connection {
    reader: FramedRead<OwnedReadHalf, LineCodec>,
    writer: OwnedWriteHalf,
    peer: SocketAddr,
    /// A write was cut off part-way (deadline, shutdown): the client has
    /// half a line, which the next line must not be glued to.
    mid_line: bool,
}

/// Initial read buffer: most requests are small, and an idle connection
/// should cost little memory. It grows on demand up to the line limit.
const READ_BUFFER: usize = 512;

impl Connection {
    /// Wraps an accepted socket. `send_buffer` caps the kernel's send buffer
    /// for it (0 leaves the system default), so a client that stops reading
    /// pins kilobytes of kernel memory rather than megabytes.
    pub fn new(
        stream: TcpStream,
        peer: SocketAddr,
        send_buffer: usize,
        keepalive: Duration,
    ) -> Connection {
        // We batch writes ourselves; Nagle would only add latency.
        if let Err(e) = stream.set_nodelay(true) {
            tracing::debug!(%peer, "cannot set TCP_NODELAY: {e}");
        }
        if send_buffer > 0
            && let Err(e) = socket2::SockRef::from(&stream).set_send_buffer_size(send_buffer)
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
            if let Err(e) = socket2::SockRef::from(&stream).set_tcp_keepalive(&probes) {
                tracing::debug!(%peer, "cannot enable TCP keepalive: {e}");
            }
        }
        let (read, write) = stream.into_split();
        Connection {
            reader: FramedRead::with_capacity(read, line_codec(), READ_BUFFER),
            writer: write,
            peer,
            mid_line: false,
        }
    }

    pub fn peer(&self) -> SocketAddr {
        self.peer
    }

    /// The next line, or `None` when the client closed the connection.
    /// Cancel-safe: a partial line stays buffered.
    pub async fn read_line(&mut self) -> Result<Option<String>, ReadError> {
        match self.reader.next().await {
            None => Ok(None),
            Some(Ok(line)) => Ok(Some(line)),
            Some(Err(LinesCodecError::MaxLineLengthExceeded)) => Err(ReadError::TooLong),
            Some(Err(LinesCodecError::Io(e))) if e.kind() == io::ErrorKind::InvalidData => {
                Err(ReadError::NotUtf8)
            }
            Some(Err(LinesCodecError::Io(e))) => Err(ReadError::Io(e)),
        }
    }

    /// Writes one message, on a line of its own even after a cut-off write.
    pub async fn send(&mut self, message: &ServerMessage) -> io::Result<()> {
        self.write_lines(&[encode(message)]).await
    }

    /// Writes one message only if the socket takes it at once (a fresh
    /// socket always does): for refusing a connection without a task.
    pub fn try_send_now(&self, message: &ServerMessage) -> bool {
        let line = encode(message);
        matches!(self.writer.try_write(&line), Ok(n) if n == line.len())
    }

    /// Writes already-encoded lines with as few system calls as possible.
    /// If the future is dropped part-way, the connection remembers it.
    pub async fn write_lines(&mut self, lines: &[Bytes]) -> io::Result<()> {
        if self.mid_line {
            self.writer.write_all(b"\n").await?;
            self.mid_line = false;
        }
        self.mid_line = true;
        let mut slices: Vec<IoSlice<'_>> = lines.iter().map(|l| IoSlice::new(l)).collect();
        let mut remaining = &mut slices[..];
        while !remaining.is_empty() {
            let written = self.writer.write_vectored(remaining).await?;
            if written == 0 {
                return Err(io::ErrorKind::WriteZero.into());
            }
            IoSlice::advance_slices(&mut remaining, written);
        }
        self.mid_line = false;
        Ok(())
    }

    /// Resolves if the client resets the connection (it is gone for sure).
    /// A plain end of input is not taken as gone: a client may half-close
    /// its side and still wait for the answers to what it sent.
    pub async fn reset_by_peer(&mut self) {
        let mut probe = [0u8; 1];
        loop {
            match self.reader.get_mut().peek(&mut probe).await {
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
        let mut scratch = [0u8; 4096];
        let half = self.reader.get_mut();
        while let Ok(n) = half.read(&mut scratch).await {
            if n == 0 {
                return;
            }
        }
    }

    /// Sends FIN after everything written so far.
    pub async fn close(&mut self) -> io::Result<()> {
        self.writer.shutdown().await
    }
}
