//! What the server pushes without being asked.

use serde::{Deserialize, Serialize};

use super::{ChatMessage, MessageId, PrivateMessage, Reaction, Role, TimestampMs, is_false};

/// Why the server moved a client back to the default room.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MoveReason {
    /// The room's creator deleted it with `#dR`.
    RoomDeleted,
    /// The room's creator disconnected, which deletes every room they created.
    CreatorLeft,
}

/// Server-pushed events, tagged by `"type"` inside the event's `event`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Event {
    /// A message in a room the client is in (its own messages included).
    Message(ChatMessage),
    /// A private message addressed to this client.
    Private(PrivateMessage),
    /// Who entered and who left the client's current room in the last
    /// moment (changes are gathered for 100 ms; someone who came and went
    /// within it is in neither list). The client's own login may be among
    /// `joined`: it is already in the room.
    Members {
        room: String,
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        joined: Vec<String>,
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        left: Vec<String>,
    },
    /// Broadcast to every logged-in client.
    RoomCreated { room: String, creator: String },
    /// Broadcast to every logged-in client.
    RoomDeleted { room: String, reason: MoveReason },
    /// The client's room was deleted and the server put it in `room` (the default room).
    MovedToDefault {
        room: String,
        from_room: String,
        reason: MoveReason,
    },
    /// The server is stopping; the connection closes right after.
    Shutdown { message: String },
    /// The same account logged in on another connection, which now has the
    /// session; this connection closes right after.
    SessionReplaced { message: String },
    /// A teacher or an admin (`by`) closed this session (`banned`: and the
    /// account cannot log in until unbanned); this connection closes right
    /// after. `reason` is theirs, for the person to read.
    Kicked {
        by: String,
        reason: String,
        #[serde(default, skip_serializing_if = "is_false")]
        banned: bool,
    },
    /// A teacher or an admin (`by`) muted this client until `until_ms`.
    Muted {
        by: String,
        until_ms: TimestampMs,
        reason: String,
    },
    /// The mute was lifted (by `by`) before its end.
    Unmuted { by: String },
    /// A moderator (`by`) deleted the message with this id, in `room` (or
    /// a private one when `room` is absent): show it as deleted.
    MessageDeleted {
        message: MessageId,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        room: Option<String>,
        by: String,
    },
    /// The author changed the text of message `message` (in `room`, or a
    /// private one when `room` is absent).
    MessageEdited {
        message: MessageId,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        room: Option<String>,
        text: String,
    },
    /// Message `message`'s reactions changed: here they are, whole.
    Reactions {
        message: MessageId,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        room: Option<String>,
        reactions: Vec<Reaction>,
    },
    /// `room` became an announcement room (`announce`: only staff write
    /// there) or an ordinary one again. To every logged-in client.
    RoomSettings { room: String, announce: bool },
    /// Exam mode began (`on`) or ended, by `by`. To every logged-in client.
    Exam { on: bool, by: String },
    /// Presence changes of the last moment (gathered for 100 ms), to every
    /// logged-in client: who came online (and the room they are in), who
    /// changed room, who went offline. The client's own login may be
    /// among them. (Members of a deleted room move to the default room
    /// without being listed: `room_deleted` says it for them.)
    Presence {
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        online: Vec<UserPlace>,
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        moved: Vec<UserPlace>,
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        offline: Vec<String>,
    },
}

/// Where a user is, in a `presence` event.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UserPlace {
    pub login: String,
    pub room: String,
    /// Absent for a student.
    #[serde(default, skip_serializing_if = "Role::is_student")]
    pub role: Role,
}
