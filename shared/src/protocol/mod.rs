//! Every message that crosses the wire, as serde types.
//!
//! One JSON object per line. The client sends [`ClientRequest`]s, each with an
//! optional client-chosen `id`; the server sends [`ServerMessage`]s, which are
//! either a reply (`"type":"reply"`, echoing the `id`), an error
//! (`"type":"error"`, echoing the `id` when the line could be read) or a
//! server-pushed event (`"type":"event"`, never carries an `id`).
//!
//! `docs/PROTOCOL.md` is the human contract for these types; keep them in step.

mod gender;
mod role;

pub use gender::Gender;
pub use role::Role;

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
        old: Password,
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

/// A structured error: a stable machine `code`, a sentence for people, and for
/// `invalid_field` the name of the field it is about.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
#[error("{message}")]
pub struct ErrorBody {
    pub code: ErrorCode,
    pub message: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub field: Option<Field>,
    /// For `rate_limited`, `too_many_attempts` and `busy`: how long to wait
    /// before the same request can succeed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub retry_after_ms: Option<u64>,
    /// For `banned`: the reason the moderator gave, for the client to show
    /// in its own words around it (at most 300 characters).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
}

/// Longest `message` in an error, in characters: messages may quote what the
/// client sent, and no server line may outgrow the line limit because of it.
pub const ERROR_MESSAGE_MAX_CHARS: usize = 300;

/// `text` cut to at most `max` characters, with `…` when something was cut.
pub fn truncate_chars(text: &str, max: usize) -> String {
    match text.char_indices().nth(max) {
        None => text.to_owned(),
        Some((cut, _)) => format!("{}…", &text[..cut]),
    }
}

impl ErrorBody {
    pub fn new(code: ErrorCode, message: impl Into<String>) -> Self {
        let message = message.into();
        let message = if message.len() > ERROR_MESSAGE_MAX_CHARS {
            truncate_chars(&message, ERROR_MESSAGE_MAX_CHARS)
        } else {
            message
        };
        Self {
            code,
            message,
            field: None,
            retry_after_ms: None,
            reason: None,
        }
    }

    /// Carries a moderator's reason (cut to the message's limit).
    pub fn with_reason(mut self, reason: &str) -> Self {
        self.reason = Some(truncate_chars(reason, ERROR_MESSAGE_MAX_CHARS));
        self
    }

    /// Tells the client when to try again.
    pub fn retry_after(mut self, wait: std::time::Duration) -> Self {
        self.retry_after_ms = Some(u64::try_from(wait.as_millis()).unwrap_or(u64::MAX).max(1));
        self
    }

    /// Names the request field the error is about (so a form can show it there).
    pub fn with_field(mut self, field: Field) -> Self {
        self.field = Some(field);
        self
    }

    pub fn invalid_field(field: Field, message: impl Into<String>) -> Self {
        Self::new(ErrorCode::InvalidField, message).with_field(field)
    }
}

/// Stable error codes. Clients branch on these, never on the message text.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ErrorCode {
    /// The line is not JSON, or not a known request, or lacks a field.
    Malformed,
    /// The line is longer than [`crate::limits::MAX_LINE_BYTES`]; the connection is closed.
    LineTooLong,
    /// The client's protocol version differs from the server's.
    UnsupportedVersion,
    /// A request other than `hello` arrived before `hello`.
    HandshakeRequired,
    /// `hello` arrived twice.
    AlreadyGreeted,
    /// The request needs a logged-in user.
    NotAuthenticated,
    /// `login` or `register` arrived on a connection that is already logged in.
    AlreadyAuthenticated,
    /// A field broke a validation rule; `field` names it.
    InvalidField,
    LoginTaken,
    BadCredentials,
    /// The account is logged in on another connection. Not sent by this
    /// version: a login replaces the other session (`session_replaced`).
    AlreadyConnected,
    RoomExists,
    RoomNotFound,
    NotRoomOwner,
    CannotDeleteDefaultRoom,
    /// The client is already in the room it asked to join.
    AlreadyInRoom,
    UserNotFound,
    /// `kick` of someone who is not online. (A private message to a
    /// registered user who is offline is not refused: it is stored and
    /// delivered at their next login.)
    UserOffline,
    /// The server has no room for another connection; it is closed.
    ServerFull,
    /// Too many connections from the same address; the new one is closed.
    TooManyConnections,
    /// The request came faster than the server's rate limit allows;
    /// `retry_after_ms` says when it can succeed. Nothing happened.
    RateLimited,
    /// The user already owns as many rooms as the server allows.
    TooManyRooms,
    /// Too many failed logins for this account or address; `retry_after_ms`
    /// says when the next attempt will be checked.
    TooManyAttempts,
    /// The server is too busy checking passwords; try again after `retry_after_ms`.
    Busy,
    /// `resume` with a token this server never gave (or mistyped): log in
    /// with the password. Counts as a failed login for the address.
    InvalidToken,
    /// `resume` with a token past its `--session-days`: log in with the password.
    TokenExpired,
    /// `resume` with a token that was revoked (logout, password change or
    /// ban): log in with the password.
    TokenRevoked,
    /// The request needs a role this account does not have.
    Forbidden,
    /// `set_role` would leave the server without an admin.
    LastAdmin,
    /// `login` to a banned account; `message` gives the reason.
    Banned,
    /// The connection did not say `hello` or log in in time; it is closed.
    LoginTimeout,
    /// Nothing was heard from a logged-in connection for the idle timeout
    /// (a client sends `time` as a heartbeat); it is closed.
    IdleTimeout,
    /// The client does not read fast enough; it is disconnected.
    TooSlow,
    /// Something failed on the server side (database…); the request had no effect.
    Internal,
    /// Plain text was sent to a port that speaks TLS; the connection is
    /// closed (connect with TLS, or to the server's `--plain` port).
    TlsRequired,
    /// The file is larger than the server's `--max-file-mb`.
    FileTooLarge,
    /// No such file, not shared with this user, or no longer kept.
    NoSuchFile,
    /// No such upload in progress for this user (offer the file again).
    NoSuchUpload,
    /// An `upload_chunk` not at the upload's current end (offer the file
    /// again to learn `received`), or past the file's size; or a
    /// `download_chunk` past the end.
    WrongOffset,
    /// The uploaded bytes do not match the offered SHA-256; the upload is
    /// dropped.
    HashMismatch,
}

/// The request fields an `invalid_field` error can name.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Field {
    FirstNames,
    LastNames,
    Login,
    Password,
    Age,
    Gender,
    Room,
    Text,
    To,
    Client,
}

impl Field {
    /// The JSON field name, as it appears in requests.
    pub fn as_str(self) -> &'static str {
        match self {
            Field::FirstNames => "first_names",
            Field::LastNames => "last_names",
            Field::Login => "login",
            Field::Password => "password",
            Field::Age => "age",
            Field::Gender => "gender",
            Field::Room => "room",
            Field::Text => "text",
            Field::To => "to",
            Field::Client => "client",
        }
    }
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
    },
    /// Answer to `leave_room`: the client is now in `room` (the default room).
    /// `changed` is false when it already was there; when it is true,
    /// `history` is the default room's latest messages as in `joined`.
    Left {
        room: String,
        changed: bool,
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

fn is_false(value: &bool) -> bool {
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
}

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
}

#[cfg(test)]
mod tests;
