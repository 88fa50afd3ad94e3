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
mod role;

pub use error::{ERROR_MESSAGE_MAX_CHARS, ErrorBody, ErrorCode, Field, truncate_chars};
pub use event::{Event, MoveReason, UserPlace};
pub use gender::Gender;
pub use message::{ChatMessage, FileInfo, PrivateMessage};
pub use moderation::{AuditEntry, ExportFormat, Mute};
pub use role::Role;

use std::collections::BTreeMap;
use std::sync::Arc;

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

/// What a client can ask of the server. Tagged by `"type"` on the wire.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Request {
    /// Must be the first request on a connection.
    Hello {
        version: u32,
        client: String,
    },
    Register(Registration),
    Login {
        login: String,
        password: Password,
    },
    /// Logs in again with the `token` of an earlier `logged_in` (no
    /// password, no bcrypt): answered like `login`, with a fresh token.
    Resume {
        token: SessionToken,
    },
    /// Changes the logged-in user's password; every session token of the
    /// account is revoked and this session gets a fresh one.
    ChangePassword {
        /// Left out only right after a login with a one-time password
        /// (`must_change_password`).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        old: Option<Password>,
        new: Password,
    },
    /// Disconnects `login` (staff, over a lower role): their session gets
    /// `kicked` with `reason` and closes; they may log in again.
    Kick {
        login: String,
        reason: String,
    },
    /// Bans `login` (staff, over a lower role): their tokens are revoked,
    /// an online session gets `kicked` and closes, and their logins are
    /// refused with `banned` and `reason`.
    Ban {
        login: String,
        reason: String,
    },
    /// Lifts a ban (staff, over a lower role).
    Unban {
        login: String,
    },
    /// Gives `login` a role (admins only; never leaving the server without
    /// an admin).
    SetRole {
        login: String,
        role: Role,
    },
    /// Silences `login` for `minutes` (staff, over a lower role): their
    /// `say`, `private` and file shares are refused with `muted` until then.
    Mute {
        login: String,
        minutes: u32,
        reason: String,
    },
    /// Lifts a mute (staff, over a lower role).
    Unmute {
        login: String,
    },
    /// Deletes the message whose id is `message` (staff, a message of a
    /// lower role or their own): its room (or both people of a private)
    /// hear `message_deleted`; its text is kept only in the audit record.
    DeleteMessage {
        message: MessageId,
    },
    /// Makes `room` an announcement room (`announce`), where only staff
    /// may write, or an ordinary one again (staff).
    RoomSettings {
        room: String,
        announce: bool,
    },
    /// Opens (`on`) or ends exam mode (staff): students may write only
    /// privately to staff. Kept across restarts.
    Exam {
        on: bool,
    },
    /// Gives `login` a one-time password (teachers for students, admins
    /// for anyone below them), answered in `password_reset`; they must
    /// choose a new one at their next login.
    ResetPassword {
        login: String,
    },
    /// One page of the audit record (staff), newest first: the entries
    /// before `before_id`, or the newest.
    Audit {
        #[serde(default, skip_serializing_if = "Option::is_none")]
        before_id: Option<u64>,
    },
    /// Writes `room`'s messages stamped in `from_ms..to_ms` as a file
    /// (staff) shared privately with the asker, who downloads it like any
    /// file (`download_chunk`).
    ExportRoom {
        room: String,
        from_ms: TimestampMs,
        to_ms: TimestampMs,
        format: ExportFormat,
    },
    /// `#exit`: the server replies `bye` and closes the connection (and
    /// revokes the session's token).
    Logout,
    /// Plain chat text for everyone in the sender's current room.
    Say {
        text: String,
    },
    /// `#cR <room>`
    CreateRoom {
        room: String,
    },
    /// `#gR <room>`
    JoinRoom {
        room: String,
    },
    /// `#eR`
    LeaveRoom,
    /// `#lR`: one page of rooms; `after` is the previous page's `next`.
    ListRooms {
        #[serde(default, skip_serializing_if = "Option::is_none")]
        after: Option<String>,
    },
    /// `#dR <room>`
    DeleteRoom {
        room: String,
    },
    /// `#show users`: one page of users; `after` is the previous page's `next`.
    ListUsers {
        #[serde(default, skip_serializing_if = "Option::is_none")]
        after: Option<String>,
    },
    /// One page of a room's members; `after` is the previous page's `next`
    /// (or the `members_next` of `joined` / `logged_in`).
    ListMembers {
        room: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        after: Option<String>,
    },
    /// `#\private <user> <message>`
    Private {
        to: String,
        text: String,
    },
    /// The server's clock, for Cristian's time synchronisation. Also the
    /// heartbeat: a logged-in client silent for the idle timeout is closed.
    Time,
    /// One page of a room's stored messages: the newest ones before
    /// `before_id` (or the newest of all), or the oldest ones after
    /// `after_id` (catching up after a reconnection).
    History {
        room: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        before_id: Option<MessageId>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        after_id: Option<MessageId>,
    },
    /// The same for the private messages this user sent or received.
    PrivateHistory {
        #[serde(default, skip_serializing_if = "Option::is_none")]
        before_id: Option<MessageId>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        after_id: Option<MessageId>,
    },
    /// Shares a file with the sender's room, or with one person (`to`):
    /// answered `upload` (send the bytes from `received` on) or, when the
    /// server already has this content, like a message (`sent` /
    /// `private_sent`).
    OfferFile {
        name: String,
        size: u64,
        /// SHA-256 of the content, 64 lowercase hex digits.
        sha256: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        to: Option<String>,
    },
    /// The bytes of an upload at `offset`, base64 (at most `chunk_bytes`
    /// before encoding).
    UploadChunk {
        upload: u64,
        offset: u64,
        data: String,
    },
    CancelUpload {
        upload: u64,
    },
    /// One chunk of a shared file, from `offset` on.
    DownloadChunk {
        file: u64,
        offset: u64,
    },
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
    /// recipient is offline and gets it at their next login.
    PrivateSent {
        message: PrivateMessage,
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

pub(crate) fn is_false(value: &bool) -> bool {
    !*value
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

#[cfg(test)]
mod tests;
