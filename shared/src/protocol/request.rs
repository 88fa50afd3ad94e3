//! What a client can ask of the server.

use serde::{Deserialize, Serialize};

use super::{ExportFormat, MessageId, Password, Registration, Role, SessionToken, TimestampMs};

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
    /// Deletes the message whose id is `message`: one's own, or (staff) one
    /// of a lower role. Its room (or both people of a private) hear
    /// `message_deleted`; a moderator's deletion keeps the text in the
    /// audit record.
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
        /// The id of the message of this room it answers.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        reply_to: Option<MessageId>,
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
        /// The id of the message of this conversation it answers.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        reply_to: Option<MessageId>,
    },
    /// Changes the text of one's own message (`message` is its id).
    EditMessage {
        message: MessageId,
        text: String,
    },
    /// Toggles one's reaction `emoji` (one of [`crate::REACTIONS`]) on a
    /// message of a room or of one's own conversations.
    React {
        message: MessageId,
        emoji: String,
    },
    /// Stored messages whose words match `query` (accents and case aside),
    /// newest first: in `room`, or in every room and one's own privates;
    /// `before_id` pages back.
    Search {
        query: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        room: Option<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        before_id: Option<MessageId>,
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
