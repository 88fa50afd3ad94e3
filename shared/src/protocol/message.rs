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
    /// Deleted by a moderator: `text` is empty and `file` absent.
    #[serde(default, skip_serializing_if = "is_false")]
    pub deleted: bool,
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
    /// Deleted by a moderator: `text` is empty and `file` absent.
    #[serde(default, skip_serializing_if = "is_false")]
    pub deleted: bool,
}
