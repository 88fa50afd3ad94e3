//! Reading whole lines: the framing, and the read buffer that exists only
//! while bytes are arriving.

use std::io;

use bytes::BytesMut;
use tokio::io::AsyncReadExt;
use tokio_util::codec::{Decoder, LinesCodecError};

use super::{Connection, READ_BUFFER, ReadError, Stream};

impl Connection {
    /// The next line, or `None` when the client closed the connection.
    /// Cancel-safe: a partial line stays buffered.
    pub async fn read_line(&mut self) -> Result<Option<String>, ReadError> {
        loop {
            let framed = if self.eof {
                self.codec.decode_eof(&mut self.buffer)
            } else {
                self.codec.decode(&mut self.buffer)
            };
            match framed {
                Ok(Some(line)) => {
                    self.release_empty_buffer();
                    return Ok(Some(line));
                }
                Ok(None) if self.eof => return Ok(None),
                Ok(None) => {}
                Err(LinesCodecError::MaxLineLengthExceeded) => return Err(ReadError::TooLong),
                Err(LinesCodecError::Io(e)) if e.kind() == io::ErrorKind::InvalidData => {
                    return Err(ReadError::NotUtf8);
                }
                Err(LinesCodecError::Io(e)) => return Err(ReadError::Io(e)),
            }
            match self.fill().await {
                Ok(0) => self.eof = true,
                Ok(_) => {}
                // A TLS client that closed without `close_notify` (most do):
                // for a line protocol, the same as a plain close.
                Err(e) if e.kind() == io::ErrorKind::UnexpectedEof => self.eof = true,
                Err(e) => return Err(ReadError::Io(e)),
            }
        }
    }

    /// Reads what the socket has into `buffer`; 0 at the end of input.
    /// Cancel-safe: bytes are only ever appended whole.
    async fn fill(&mut self) -> io::Result<usize> {
        if let Stream::Plain(tcp) = &self.stream
            && self.buffer.capacity() == 0
        {
            // Allocate only once there is something to read. Polled for
            // readiness directly: `readable()` is a 152-byte future, and it
            // would sit in every idle connection's task.
            loop {
                std::future::poll_fn(|cx| tcp.poll_read_ready(cx)).await?;
                self.buffer.reserve(READ_BUFFER);
                match tcp.try_read_buf(&mut self.buffer) {
                    // Nothing after all (the readiness was stale): no buffer kept.
                    Err(e) if e.kind() == io::ErrorKind::WouldBlock => {
                        self.buffer = BytesMut::new()
                    }
                    read => return read,
                }
            }
        }
        if self.buffer.capacity() == self.buffer.len() {
            self.buffer.reserve(READ_BUFFER);
        }
        self.stream.read_buf(&mut self.buffer).await
    }

    fn release_empty_buffer(&mut self) {
        if self.buffer.is_empty() && matches!(self.stream, Stream::Plain(_)) {
            self.buffer = BytesMut::new();
        }
    }
}
