//! What teachers and admins act with: mutes, the exam, the audit record
//! and room exports (the requests themselves are in [`super::Request`]).

use serde::{Deserialize, Serialize};

use super::TimestampMs;

/// A mute in force: until when, and the moderator's reason.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Mute {
    pub until_ms: TimestampMs,
    pub reason: String,
}

/// The formats `export_room` writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ExportFormat {
    Csv,
    Html,
}

impl ExportFormat {
    /// The file name's extension.
    pub fn extension(self) -> &'static str {
        match self {
            ExportFormat::Csv => "csv",
            ExportFormat::Html => "html",
        }
    }
}

/// One line of the audit record, as `audit` pages it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditEntry {
    pub id: u64,
    pub time_ms: TimestampMs,
    /// Who did it (login as registered).
    pub actor: String,
    /// The request's name: `set_role`, `kick`, `mute`, `unmute`, `ban`,
    /// `unban`, `delete_message`, `room_settings`, `exam`,
    /// `reset_password`, `export_room`.
    pub action: String,
    /// Whom (a login) or what (a room) it was done to.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub target: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    /// What else the action needs to be understood: the role given, the
    /// mute's minutes, a deleted message's id and text, `on`/`off`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub detail: Option<String>,
}
