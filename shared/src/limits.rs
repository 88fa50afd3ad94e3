//! Every size limit both sides must agree on, in one place.
//!
//! Lengths of names and text are counted in Unicode scalar values (what a
//! person sees as characters), the line limit in bytes (what the codec reads).

/// Longest line either side accepts, in bytes, newline excluded. Longer lines
/// get `line_too_long` and the connection is closed.
pub const MAX_LINE_BYTES: usize = 16 * 1024;

/// Login names: 3 to 32 characters.
pub const LOGIN_MIN_CHARS: usize = 3;
pub const LOGIN_MAX_CHARS: usize = 32;

/// Room names: 1 to 32 characters.
pub const ROOM_MAX_CHARS: usize = 32;

/// First names and last names: 1 to 64 characters each.
pub const PERSON_NAME_MAX_CHARS: usize = 64;

/// Passwords: at least 8 characters; at most 72 bytes, because bcrypt ignores
/// everything after the 72nd byte.
pub const PASSWORD_MIN_CHARS: usize = 8;
pub const PASSWORD_MAX_BYTES: usize = 72;

/// Ages accepted at signup, inclusive.
pub const AGE_MIN: i64 = 5;
pub const AGE_MAX: i64 = 120;

/// Chat and private messages: 1 to 2000 characters.
pub const MESSAGE_MAX_CHARS: usize = 2000;

/// The program name sent in `hello`: 1 to 64 characters.
pub const CLIENT_NAME_MAX_CHARS: usize = 64;

/// Room names people can tell apart: a user may own at most this many rooms
/// at once (server option `--max-rooms-per-user`, this is its default).
pub const ROOMS_PER_USER: usize = 10;

/// A paged list (`room_list`, `user_list`, `member_list`, the members of
/// `joined` and `logged_in`) stops adding items once they take this many
/// bytes, which leaves room for the rest of the line: every server line fits
/// [`MAX_LINE_BYTES`] whatever the number of rooms, users or members.
pub const PAGE_BUDGET_BYTES: usize = MAX_LINE_BYTES - 2048;
