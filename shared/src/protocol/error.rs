//! Errors: a stable code, a sentence for people, and what it is about.

use serde::{Deserialize, Serialize};

/// A structured error: a stable machine `code`, a sentence for people, and for
/// `invalid_field` the name of the field it is about.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
#[error("{message}")]
pub struct ErrorBody {
    pub code: ErrorCode,
    pub message: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub field: Option<Field>,
    /// For `rate_limited`, `too_many_attempts`, `busy` and `muted`: how
    /// long to wait before the same request can succeed.
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
    /// `say`, `private` or a file share while muted; `retry_after_ms` says
    /// when the mute ends and `reason` why.
    Muted,
    /// `say` or a file share in an announcement room by a student.
    ReadOnly,
    /// Exam mode: a student's room message, file share, or private
    /// message to another student.
    ChatClosed,
    /// `delete_message` of an id that is not a stored message.
    MessageNotFound,
    /// After a login with a one-time password, anything but
    /// `change_password`, `time` and `logout`.
    PasswordChangeRequired,
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
