//! JSON-lines framing, the same on both sides: one JSON object per line,
//! UTF-8, `\n`-terminated, at most [`MAX_LINE_BYTES`] bytes.

use std::cell::RefCell;

use bytes::{Bytes, BytesMut};
use serde::{Deserialize, Serialize, de::DeserializeOwned};
use tokio_util::codec::{Decoder, Encoder, LinesCodec, LinesCodecError};

use crate::limits::MAX_LINE_BYTES;
use crate::protocol::{
    ChatMessage, ClientRequest, ErrorBody, ErrorCode, Event, RequestId, ServerMessage,
};

/// The line framer both sides use; it refuses lines over the limit instead of
/// buffering them without end.
pub fn line_codec() -> LineCodec {
    LineCodec::default()
}

/// [`LinesCodec`] with the protocol's limit counted the protocol's way: the
/// `\r` of a `\r\n` ending is not part of the line, so a line of exactly
/// [`MAX_LINE_BYTES`] bytes is accepted with either ending.
#[derive(Debug)]
pub struct LineCodec(LinesCodec);

impl Default for LineCodec {
    fn default() -> Self {
        // One byte of slack for the `\r`; the real limit is checked below.
        LineCodec(LinesCodec::new_with_max_length(MAX_LINE_BYTES + 1))
    }
}

impl Decoder for LineCodec {
    type Item = String;
    type Error = LinesCodecError;

    fn decode(&mut self, buf: &mut BytesMut) -> Result<Option<String>, LinesCodecError> {
        Self::checked(self.0.decode(buf)?)
    }

    fn decode_eof(&mut self, buf: &mut BytesMut) -> Result<Option<String>, LinesCodecError> {
        Self::checked(self.0.decode_eof(buf)?)
    }
}

impl LineCodec {
    fn checked(line: Option<String>) -> Result<Option<String>, LinesCodecError> {
        match line {
            Some(line) if line.len() > MAX_LINE_BYTES => {
                Err(LinesCodecError::MaxLineLengthExceeded)
            }
            other => Ok(other),
        }
    }
}

impl<T: AsRef<str>> Encoder<T> for LineCodec {
    type Error = LinesCodecError;

    fn encode(&mut self, line: T, buf: &mut BytesMut) -> Result<(), LinesCodecError> {
        self.0.encode(line, buf)
    }
}

/// One message as a complete line, newline included, ready to write (or to
/// share between many recipients: cloning [`Bytes`] copies no data).
pub fn encode<T: Serialize>(message: &T) -> Bytes {
    SCRATCH.with_borrow_mut(|scratch| {
        scratch.clear();
        if let Err(e) = serde_json::to_writer(&mut *scratch, message) {
            // Only possible for maps with non-string keys, which no protocol type has.
            scratch.clear();
            scratch.extend_from_slice(
                format!(
                    r#"{{"type":"error","id":null,"code":"internal","message":"encode failed: {e}"}}"#
                )
                .as_bytes(),
            );
        }
        scratch.push(b'\n');
        let line = Bytes::copy_from_slice(scratch);
        // A long line (a history page) should not stay behind in every thread.
        if scratch.capacity() > MAX_SCRATCH {
            *scratch = Vec::new();
        }
        line
    })
}

thread_local! {
    /// Where [`encode`] writes a line before copying it out at its exact
    /// size: one allocation per line, none wasted, no regrowth.
    static SCRATCH: RefCell<Vec<u8>> = const { RefCell::new(Vec::new()) };
}

/// The most the scratch buffer keeps between lines.
const MAX_SCRATCH: usize = 16 * 1024;

/// An event as the line every recipient gets.
pub fn event_line(event: Event) -> Bytes {
    encode(&ServerMessage::Event { event })
}

/// The `message` event for a room message, encoded from a borrow: the same
/// line as `encode(&ServerMessage::Event { event: Event::Message(..) })`
/// without copying the message first. It is the busiest line there is.
pub fn message_event(message: &ChatMessage) -> Bytes {
    #[derive(Serialize)]
    #[serde(tag = "type", rename_all = "snake_case")]
    enum Line<'a> {
        Event { event: MessageEvent<'a> },
    }
    #[derive(Serialize)]
    #[serde(tag = "type", rename_all = "snake_case")]
    enum MessageEvent<'a> {
        Message(&'a ChatMessage),
    }
    encode(&Line::Event {
        event: MessageEvent::Message(message),
    })
}

/// A line that is not a request: the `malformed` error to answer with,
/// carrying the `id` when the line was JSON with a numeric `id`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{error}")]
pub struct DecodeError {
    pub id: Option<RequestId>,
    pub error: ErrorBody,
}

/// Reads a client request from one line (without its newline).
pub fn decode_request(line: &str) -> Result<ClientRequest, DecodeError> {
    if let Some(say) = decode_say(line) {
        return Ok(say);
    }
    serde_json::from_str(line).map_err(|e| {
        #[derive(Deserialize)]
        struct IdOnly {
            id: Option<RequestId>,
        }
        let id = serde_json::from_str::<IdOnly>(line).ok().and_then(|x| x.id);
        DecodeError {
            id,
            error: ErrorBody::new(
                ErrorCode::Malformed,
                format!("Could not read the request: {e}."),
            ),
        }
    })
}

/// `say`, the busiest request, read as a plain struct: serde reads a
/// request (an `id` beside a `"type"`-tagged enum) by first copying every
/// field into a buffer of its own, then reading that. `None` for anything
/// else, which the general path then reads the usual way; where this
/// accepts a line, the general path reads it the same (a test pins it).
/// A line without `"say"` in it is not parsed twice (a file's chunk, 8 KiB
/// of bytes in 11 KiB of base64, would be).
fn decode_say(line: &str) -> Option<ClientRequest> {
    if !line.contains(r#""say""#) {
        return None;
    }
    #[derive(Deserialize)]
    struct Say<'a> {
        #[serde(default)]
        id: Option<RequestId>,
        #[serde(rename = "type", borrow)]
        kind: &'a str,
        text: String,
        #[serde(default)]
        reply_to: Option<crate::MessageId>,
    }
    let say: Say = serde_json::from_str(line).ok()?;
    (say.kind == "say").then_some(ClientRequest {
        id: say.id,
        request: crate::protocol::Request::Say {
            text: say.text,
            reply_to: say.reply_to,
        },
    })
}

/// Reads any protocol message from one line (clients use it for server messages).
pub fn decode<T: DeserializeOwned>(line: &str) -> Result<T, serde_json::Error> {
    serde_json::from_str(line)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::protocol::{Request, ServerMessage};

    #[test]
    fn say_is_read_the_same_by_its_short_path_and_the_general_one() {
        let lines = [
            r#"{"type":"say","text":"hola"}"#,
            r#"{"id":3,"type":"say","text":"¿qué tal? \"ñ\" \u00e1"}"#,
            r#"{"text":"x","type":"say","id":9}"#,
            r#"{"type":"say","text":"x","room":"ignored"}"#,
            r#"{"type":"say","text":"x","id":null}"#,
            r#"{"type":"private","to":"eva","text":"x"}"#,
            r#"{"type":"private","to":"say","text":"x"}"#,
            r#"{"type":"create_room","room":"juegos"}"#,
            r#"{"type":"s\u0061y","text":"escaped tag"}"#,
        ];
        for line in lines {
            let general: ClientRequest =
                serde_json::from_str(line).unwrap_or_else(|e| panic!("{line}: {e}"));
            assert_eq!(decode_request(line), Ok(general.clone()), "{line}");
            let short = decode_say(line);
            assert!(short.is_none() || short == Some(general), "{line}");
        }
        for bad in [
            r#"{"type":"say"}"#,
            r#"{"type":"say","text":"a","text":"b"}"#,
            r#"{"type":"say","text":7}"#,
            r#"{"id":-1,"type":"say","text":"x"}"#,
        ] {
            assert!(decode_say(bad).is_none(), "{bad}");
        }
        assert!(
            decode_say(r#"{"type":"say","text":"x"}"#).is_some(),
            "the short path is taken"
        );
    }

    #[test]
    fn encode_ends_with_exactly_one_newline() {
        let line = encode(&ServerMessage::Reply {
            id: Some(1),
            result: crate::protocol::Reply::Bye,
        });
        assert!(line.ends_with(b"}\n"));
        assert_eq!(line.iter().filter(|b| **b == b'\n').count(), 1);
    }

    #[test]
    fn a_message_event_encodes_the_same_from_a_borrow() {
        use crate::protocol::{Event, FileInfo};
        let mut message = ChatMessage {
            edited: false,
            reactions: Vec::new(),
            reply_to: None,
            deleted: false,
            id: 7,
            room: "física".into(),
            from: "ana".into(),
            text: "¿\"hola\"?\n".into(),
            time_ms: 1_795_330_000_000,
            file: None,
        };
        for _ in 0..2 {
            let owned = encode(&ServerMessage::Event {
                event: Event::Message(message.clone()),
            });
            assert_eq!(message_event(&message), owned);
            message.file = Some(FileInfo {
                id: 3,
                name: "a.pdf".into(),
                size: 10,
                mime: "application/pdf".into(),
                sha256: "00".repeat(32),
            });
        }
    }

    #[test]
    fn a_long_line_leaves_no_large_buffer_behind() {
        let long = encode(&ServerMessage::Reply {
            id: Some(1),
            result: crate::protocol::Reply::Bye,
        });
        assert!(long.len() < 100);
        assert!(SCRATCH.with_borrow(Vec::capacity) > 0);
        let text = "x".repeat(10 * MAX_SCRATCH);
        let line = encode(&Request::Say {
            text: text.clone(),
            reply_to: None,
        });
        assert!(line.ends_with(b"\"}\n"));
        assert_eq!(
            decode::<Request>(std::str::from_utf8(&line[..line.len() - 1]).unwrap()).unwrap(),
            Request::Say {
                text,
                reply_to: None
            }
        );
        assert_eq!(SCRATCH.with_borrow(Vec::capacity), 0);
    }

    #[test]
    fn malformed_lines_keep_their_id_when_they_have_one() {
        let bad = decode_request(r#"{"id":9,"type":"fly"}"#).unwrap_err();
        assert_eq!(bad.id, Some(9));
        assert_eq!(bad.error.code, ErrorCode::Malformed);
        assert!(bad.error.message.contains("fly"), "{}", bad.error.message);
        assert_eq!(decode_request("{not json").unwrap_err().id, None);
        assert_eq!(
            decode_request(r#"{"id":"x","type":"time"}"#)
                .unwrap_err()
                .id,
            None
        );
        let missing = decode_request(r#"{"id":3,"type":"join_room"}"#).unwrap_err();
        assert!(
            missing.error.message.contains("room"),
            "{}",
            missing.error.message
        );
    }

    #[test]
    fn well_formed_requests_decode() {
        let ok = decode_request(r#"{"id":1,"type":"say","text":"hola"}"#);
        assert_eq!(
            ok.map(|r| r.request),
            Ok(Request::Say {
                reply_to: None,
                text: "hola".into()
            })
        );
    }

    #[test]
    fn the_codec_refuses_lines_over_the_limit() {
        let mut codec = line_codec();
        let mut buf = BytesMut::from(&b"{\"type\":\"time\"}\n"[..]);
        assert_eq!(
            codec.decode(&mut buf).ok().flatten().as_deref(),
            Some("{\"type\":\"time\"}")
        );
        let mut huge = BytesMut::from(vec![b'x'; MAX_LINE_BYTES + 2].as_slice());
        assert!(matches!(
            codec.decode(&mut huge),
            Err(LinesCodecError::MaxLineLengthExceeded)
        ));
    }

    #[test]
    fn the_limit_excludes_the_line_ending() {
        for ending in [&b"\n"[..], b"\r\n"] {
            let mut codec = line_codec();
            let mut line = vec![b'x'; MAX_LINE_BYTES];
            line.extend_from_slice(ending);
            let mut buf = BytesMut::from(line.as_slice());
            assert_eq!(
                codec.decode(&mut buf).ok().flatten().map(|l| l.len()),
                Some(MAX_LINE_BYTES)
            );
        }
        let mut codec = line_codec();
        let mut over = vec![b'x'; MAX_LINE_BYTES + 1];
        over.push(b'\n');
        assert!(matches!(
            codec.decode(&mut BytesMut::from(over.as_slice())),
            Err(LinesCodecError::MaxLineLengthExceeded)
        ));
    }
}
