//! Where the server's log goes: standard error, one event per line. A node
//! of a cluster starts each line with its name, so that the logs of several
//! nodes read side by side still say which node said what.

use std::io::{self, Write};
use std::sync::Arc;

use tracing_subscriber::fmt::MakeWriter;

/// Makes a writer per log event, with the node's name first (if any).
#[derive(Debug, Clone)]
pub struct Prefixed {
    prefix: Option<Arc<str>>,
}

impl Prefixed {
    /// `node`: the cluster node's name, `None` for a single server.
    pub fn new(node: Option<&str>) -> Prefixed {
        Prefixed {
            prefix: node.map(|node| format!("[{node}] ").into()),
        }
    }
}

/// One event's writer: the prefix before its first bytes.
#[derive(Debug)]
pub struct Line<W> {
    prefix: Option<Arc<str>>,
    inner: W,
}

impl<W: Write> Write for Line<W> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        if let Some(prefix) = self.prefix.take() {
            self.inner.write_all(prefix.as_bytes())?;
        }
        self.inner.write(buf)
    }

    fn flush(&mut self) -> io::Result<()> {
        self.inner.flush()
    }
}

impl<'a> MakeWriter<'a> for Prefixed {
    /// Locked for the event: threads' lines never interleave.
    type Writer = Line<io::StderrLock<'static>>;

    fn make_writer(&'a self) -> Self::Writer {
        Line {
            prefix: self.prefix.clone(),
            inner: io::stderr().lock(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_line_starts_with_the_node_and_only_once() {
        let mut line = Line {
            prefix: Prefixed::new(Some("aula-2:7878")).prefix,
            inner: Vec::new(),
        };
        line.write_all(b"INFO listening").unwrap_or_default();
        line.write_all(b" on 7878\n").unwrap_or_default();
        assert_eq!(
            String::from_utf8_lossy(&line.inner),
            "[aula-2:7878] INFO listening on 7878\n"
        );
        let mut single = Line {
            prefix: Prefixed::new(None).prefix,
            inner: Vec::new(),
        };
        single.write_all(b"INFO listening\n").unwrap_or_default();
        assert_eq!(single.inner, b"INFO listening\n");
    }
}
