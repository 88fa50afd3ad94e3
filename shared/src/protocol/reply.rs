//! What the server answers: one reply per request that succeeded.

use std::collections::BTreeMap;
use std::sync::Arc;

use serde::{Deserialize, Serialize};

use super::{
    AuditEntry, ChatMessage, FileInfo, MessageId, Mute, Password, PrivateMessage, Reaction, Role,
    SearchHit, SessionToken, TimestampMs, is_false,
};

/// Successful results, tagged by `"type"` inside the reply's `result`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Reply {
    /// Answer to `hello`.
    Welcome {
        version: u32,
        server: String,
        default_room: String,
        server_time_ms: TimestampMs,
        /// The node of a cluster that answers (docs/SCALING.md); absent
        /// on a single server.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        node: Option<String>,
    },
    /// Answer to `register`: the account exists; log in next.
    Registered {
        login: String,
    },
    /// Answer to `login`: the user is now in `room` (the default room).
    LoggedIn {
        login: String,
        room: String,
        /// The first page of the room's members (see `members_next`).
        members: Vec<String>,
        /// How many people are in the room.
        member_count: usize,
        /// Present when more members follow: pass it to `list_members` as `after`.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        members_next: Option<String>,
        /// The room's latest messages, oldest first (see [`Reply::Joined`]).
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        history: Vec<ChatMessage>,
        #[serde(default, skip_serializing_if = "is_false")]
        history_more: bool,
        /// How many private messages arrived while the user was offline;
        /// they were pushed as `private` events just before this reply.
        #[serde(default, skip_serializing_if = "is_zero")]
        queued_privates: usize,
        server_time_ms: TimestampMs,
        /// Logs in again without the password (`resume`), until it expires
        /// or is revoked. Each `logged_in` gives a new one.
        token: SessionToken,
        /// What this account may do; absent for a student.
        #[serde(default, skip_serializing_if = "Role::is_student")]
        role: Role,
        /// Only staff may write in `room` (see `room_settings`).
        #[serde(default, skip_serializing_if = "is_false")]
        announce: bool,
        /// Exam mode is on (see `exam`).
        #[serde(default, skip_serializing_if = "is_false")]
        exam: bool,
        /// This account is muted (see `mute`). Boxed: rare, and every
        /// reply is as large as this one.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        muted: Option<Box<Mute>>,
        /// The password was a one-time one (`reset_password`): every
        /// request but `change_password` (without `old`), `time` and
        /// `logout` is refused with `password_change_required` until a
        /// new one is chosen.
        #[serde(default, skip_serializing_if = "is_false")]
        must_change_password: bool,
    },
    /// Answer to `set_role`.
    RoleSet {
        login: String,
        role: Role,
    },
    /// Answer to `kick`: `login` was disconnected.
    Kicked {
        login: String,
    },
    /// Answer to `ban` and `unban`: whether `login` is banned now.
    BanSet {
        login: String,
        banned: bool,
    },
    /// Answer to `mute` and `unmute`: until when `login` is muted
    /// (absent: not muted).
    MuteSet {
        login: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        until_ms: Option<TimestampMs>,
    },
    /// Answer to `delete_message`.
    MessageDeleted {
        message: MessageId,
    },
    /// Answer to `edit_message`.
    MessageEdited {
        message: MessageId,
    },
    /// Answer to `react`: the message's reactions now.
    Reacted {
        message: MessageId,
        reactions: Vec<Reaction>,
    },
    /// Answer to `search`: hits newest first; `more`: older ones exist
    /// (pass the last one's `id` as `before_id`).
    SearchResults {
        hits: Vec<SearchHit>,
        more: bool,
    },
    /// Answer to `room_settings`.
    RoomSettings {
        room: String,
        announce: bool,
    },
    /// Answer to `exam`: whether exam mode is on now.
    ExamSet {
        on: bool,
    },
    /// Answer to `reset_password`: the one-time password to hand over.
    PasswordReset {
        login: String,
        password: Password,
    },
    /// Answer to `audit`: entries newest first; `more`: older ones exist
    /// (pass the last one's `id` as `before_id`).
    Audit {
        entries: Vec<AuditEntry>,
        more: bool,
    },
    /// Answer to `export_room`: the file, shared privately with the asker.
    Exported {
        room: String,
        messages: usize,
        file: FileInfo,
    },
    /// Answer to `change_password`: the other sessions' tokens are revoked;
    /// `token` replaces this session's.
    PasswordChanged {
        token: SessionToken,
    },
    /// Answer to `logout`; the server closes the connection after it.
    Bye,
    /// Answer to `say`: the stamped, stored message that everyone in the
    /// room receives (shared with the room's recent history, not copied).
    Sent {
        message: Arc<ChatMessage>,
    },
    /// Answer to `create_room` and `join_room`: the client is now in `room`.
    Joined {
        room: String,
        /// The first page of the room's members (see `members_next`).
        members: Vec<String>,
        /// How many people are in the room.
        member_count: usize,
        /// Present when more members follow: pass it to `list_members` as `after`.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        members_next: Option<String>,
        /// The room's latest messages, oldest first, as many as fit the
        /// line. `history_more`: older ones exist (`history` with
        /// `before_id` = the first one's id pages back).
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        history: Vec<ChatMessage>,
        #[serde(default, skip_serializing_if = "is_false")]
        history_more: bool,
        /// The staff among `members`, with their roles.
        #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
        staff: BTreeMap<String, Role>,
        /// Only staff may write here (see `room_settings`).
        #[serde(default, skip_serializing_if = "is_false")]
        announce: bool,
    },
    /// Answer to `leave_room`: the client is now in `room` (the default room).
    /// `changed` is false when it already was there; when it is true,
    /// `history` is the default room's latest messages as in `joined`.
    Left {
        room: String,
        changed: bool,
        /// Only staff may write in `room`.
        #[serde(default, skip_serializing_if = "is_false")]
        announce: bool,
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        history: Vec<ChatMessage>,
        #[serde(default, skip_serializing_if = "is_false")]
        history_more: bool,
    },
    /// One page of rooms; `next` is present when more pages follow.
    RoomList {
        rooms: Vec<RoomInfo>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        next: Option<String>,
    },
    RoomDeleted {
        room: String,
    },
    /// One page of users; `next` is present when more pages follow.
    UserList {
        users: Vec<UserInfo>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        next: Option<String>,
    },
    /// One page of a room's members; `next` is present when more pages follow.
    MemberList {
        room: String,
        members: Vec<String>,
        /// The staff among `members`, with their roles.
        #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
        staff: BTreeMap<String, Role>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        next: Option<String>,
    },
    /// Answer to `private`: the stamped, stored message. `queued`: the
    /// recipient is offline and gets it at their next login. (Boxed: every
    /// reply is as large as the largest.)
    PrivateSent {
        message: Box<PrivateMessage>,
        #[serde(default)]
        queued: bool,
    },
    /// Answer to `history`: stored messages of `room`, oldest first.
    /// `more`: further messages exist in the direction asked.
    History {
        room: String,
        messages: Vec<ChatMessage>,
        more: bool,
    },
    /// Answer to `private_history`, the same for private messages.
    PrivateHistory {
        messages: Vec<PrivateMessage>,
        more: bool,
    },
    Time {
        server_time_ms: TimestampMs,
    },
    /// Answer to `offer_file` and to every `upload_chunk` but the last:
    /// send the bytes from `received` on, `chunk_bytes` per chunk at most.
    Upload {
        upload: u64,
        received: u64,
        chunk_bytes: usize,
    },
    UploadCancelled {
        upload: u64,
    },
    /// Answer to `download_chunk`: the bytes at `offset`, base64; `eof`
    /// when they end the file.
    FileChunk {
        file: u64,
        offset: u64,
        data: String,
        eof: bool,
    },
}

fn is_zero(value: &usize) -> bool {
    *value == 0
}

/// A room as listed by `#lR`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RoomInfo {
    pub name: String,
    pub members: usize,
    /// `None` for the default room, which belongs to the server.
    pub creator: Option<String>,
    pub is_default: bool,
    /// Only staff may write here.
    #[serde(default, skip_serializing_if = "is_false")]
    pub announce: bool,
}

/// A registered user as listed by `#show users`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UserInfo {
    pub login: String,
    pub first_names: String,
    pub last_names: String,
    pub online: bool,
    /// The room the user is in, when online.
    pub room: Option<String>,
    /// Absent for a student.
    #[serde(default, skip_serializing_if = "Role::is_student")]
    pub role: Role,
}
