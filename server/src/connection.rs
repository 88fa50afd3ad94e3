//! One client's socket, wrapped once: the rest of the server reads whole lines
//! and writes whole messages, never bytes.

use std::io::{self, IoSlice};
use std::net::SocketAddr;

use bytes::Bytes;
use futures_util::StreamExt;
use tertulia_shared::ServerMessage;
use tertulia_shared::codec::{encode, line_codec};
use tokio::io::AsyncWriteExt;
use tokio::net::TcpStream;
use tokio::net::tcp::{OwnedReadHalf, OwnedWriteHalf};
use tokio_util::codec::{FramedRead, LinesCodec, LinesCodecError};

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
    reader: FramedRead<OwnedReadHalf, LinesCodec>,
    writer: OwnedWriteHalf,
    peer: SocketAddr,
}

/// Initial read buffer: most requests are small, and an idle connection
/// should cost little memory. It grows on demand up to the line limit.
const READ_BUFFER: usize = 512;

impl Connection {
    pub fn new(stream: TcpStream, peer: SocketAddr) -> Connection {
        // We batch writes ourselves; Nagle would only add latency.
        if let Err(e) = stream.set_nodelay(true) {
            tracing::debug!(%peer, "cannot set TCP_NODELAY: {e}");
        }
        let (read, write) = stream.into_split();
        Connection {
            reader: FramedRead::with_capacity(read, line_codec(), READ_BUFFER),
            writer: write,
            peer,
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

    /// Writes one message.
    pub async fn send(&mut self, message: &ServerMessage) -> io::Result<()> {
        self.writer.write_all(&encode(message)).await
    }

    /// Writes already-encoded lines with as few system calls as possible.
    pub async fn write_lines(&mut self, lines: &[Bytes]) -> io::Result<()> {
        let mut slices: Vec<IoSlice<'_>> = lines.iter().map(|l| IoSlice::new(l)).collect();
        let mut remaining = &mut slices[..];
        while !remaining.is_empty() {
            let written = self.writer.write_vectored(remaining).await?;
            if written == 0 {
                return Err(io::ErrorKind::WriteZero.into());
            }
            IoSlice::advance_slices(&mut remaining, written);
        }
        Ok(())
    }

    /// Sends FIN after everything written so far.
    pub async fn close(&mut self) -> io::Result<()> {
        self.writer.shutdown().await
    }
}
