//! Every message that crosses the wire, as serde types.
//!
//! One JSON object per line. The client sends [`ClientRequest`]s, each with an
//! optional client-chosen `id`; the server sends [`ServerMessage`]s, which are
//! either a reply (`"type":"reply"`, echoing the `id`), an error
//! (`"type":"error"`, echoing the `id` when the line could be read) or a
//! server-pushed event (`"type":"event"`, never carries an `id`).
//!
//! `docs/PROTOCOL.md` is the human contract for these types; keep them in step.

mod error;
mod event;
mod gender;
mod message;
mod moderation;
mod reply;
mod request;
mod role;

pub use error::{ERROR_MESSAGE_MAX_CHARS, ErrorBody, ErrorCode, Field, truncate_chars};
pub use event::{Event, MoveReason, UserPlace};
pub use gender::Gender;
pub use message::{
    ChatMessage, FileInfo, PrivateMessage, QUOTE_MAX_CHARS, Quote, REACTIONS, Reaction, SearchHit,
};
pub use moderation::{AuditEntry, ExportFormat, Mute};
pub use reply::{Reply, RoomInfo, UserInfo};
pub use request::Request;
pub use role::Role;

use serde::{Deserialize, Serialize};

/// The protocol version spoken by this build. Bumped on any incompatible change.
pub const PROTOCOL_VERSION: u32 = 1;

/// The TCP port the server listens on unless told otherwise.
pub const DEFAULT_PORT: u16 = 7878;

/// A client-chosen number that the matching reply echoes.
pub type RequestId = u64;

/// Milliseconds since the Unix epoch, UTC, as measured by the server's clock.
pub type TimestampMs = i64;

/// A message's place in the server's log: assigned by the server, strictly
/// increasing across rooms and private messages, never reused.
pub type MessageId = u64;

/// One line sent by a client: an optional `id` plus the request itself.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ClientRequest {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<RequestId>,
    #[serde(flatten)]
    pub request: Request,
}

impl ClientRequest {
    pub fn new(id: RequestId, request: Request) -> Self {
        Self {
            id: Some(id),
            request,
        }
    }
}

/// The signup form.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Registration {
    pub first_names: String,
    pub last_names: String,
    pub login: String,
    pub password: Password,
    /// Signed on the wire so that a negative age is an `invalid_field`
    /// error about `age`, not an unreadable request.
    pub age: i64,
    pub gender: Gender,
}

/// A password on its way to the server. A plain string on the wire; its
/// `Debug` is redacted so a password can never reach a log line through `{:?}`.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Password(pub String);

impl Password {
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Debug for Password {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("<redacted>")
    }
}

/// A session token: what `logged_in` gives and `resume` takes. As secret
/// as a password while it lasts, so its `Debug` is redacted too.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct SessionToken(pub String);

impl SessionToken {
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Debug for SessionToken {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("<redacted>")
    }
}

/// One line sent by the server.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum ServerMessage {
    /// The successful answer to the request with the same `id`.
    Reply {
        id: Option<RequestId>,
        result: Reply,
    },
    /// The failed answer to the request with the same `id` (`null` when the
    /// line could not be read far enough to find one).
    Error {
        id: Option<RequestId>,
        #[serde(flatten)]
        error: ErrorBody,
    },
    /// Something that happened, pushed by the server without being asked.
    Event { event: Event },
}

pub(crate) fn is_false(value: &bool) -> bool {
    !*value
}

#[cfg(test)]
mod tests;
