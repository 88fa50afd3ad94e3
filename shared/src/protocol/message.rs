//! Messages as the server stamps them, and the files they share.

use serde::{Deserialize, Serialize};

use super::{MessageId, TimestampMs, is_false};

/// A room message, stamped by the server.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChatMessage {
    pub id: MessageId,
    pub room: String,
    /// The sender's login, as the server knows it.
    pub from: String,
    /// For a shared file, its name.
    pub text: String,
    pub time_ms: TimestampMs,
    /// Present when the message shares a file.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub file: Option<FileInfo>,
    /// Deleted (by its author or a moderator): `text` is empty and `file`
    /// absent.
    #[serde(default, skip_serializing_if = "is_false")]
    pub deleted: bool,
    /// The message this one answers, quoted.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reply_to: Option<Box<Quote>>,
    /// Its author changed its text since it was sent.
    #[serde(default, skip_serializing_if = "is_false")]
    pub edited: bool,
    /// Who reacted with what, in the order of [`REACTIONS`].
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub reactions: Vec<Reaction>,
}

/// A shared file, as messages carry it.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct FileInfo {
    /// What `download_chunk` asks for.
    pub id: u64,
    /// Made safe by the server (see [`crate::files::safe_file_name`]).
    pub name: String,
    pub size: u64,
    /// Guessed from the name.
    pub mime: String,
    pub sha256: String,
}

/// A private message, stamped by the server.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PrivateMessage {
    pub id: MessageId,
    pub from: String,
    pub to: String,
    /// For a shared file, its name.
    pub text: String,
    pub time_ms: TimestampMs,
    /// Present when the message shares a file.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub file: Option<FileInfo>,
    /// Deleted (by its author or a moderator): `text` is empty and `file`
    /// absent.
    #[serde(default, skip_serializing_if = "is_false")]
    pub deleted: bool,
    /// The message this one answers, quoted.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reply_to: Option<Box<Quote>>,
    /// Its author changed its text since it was sent.
    #[serde(default, skip_serializing_if = "is_false")]
    pub edited: bool,
    /// Who reacted with what, in the order of [`REACTIONS`].
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub reactions: Vec<Reaction>,
}

/// The few reactions a message can get: agreement, done, a question,
/// laughter, celebration, "looking at it".
pub const REACTIONS: [&str; 6] = ["👍", "✅", "❓", "😂", "🎉", "👀"];

/// Longest quote of the original a reply carries, in characters.
pub const QUOTE_MAX_CHARS: usize = 100;

/// The message a reply answers: its id, author and the start of its text.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Quote {
    pub id: MessageId,
    pub from: String,
    /// At most [`QUOTE_MAX_CHARS`] characters of its text (`…` when cut);
    /// empty once the original is deleted.
    pub text: String,
}

/// One reaction on a message and who gave it (its count is how many).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Reaction {
    pub emoji: String,
    /// Logins, in the order they reacted.
    pub by: Vec<String>,
}

/// A stored message that matched a `search`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SearchHit {
    pub id: MessageId,
    /// The room's name; absent for a private message.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub room: Option<String>,
    pub from: String,
    /// A private message's other person.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub to: Option<String>,
    pub text: String,
    pub time_ms: TimestampMs,
}
