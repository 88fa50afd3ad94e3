//! How rooms and people are told apart: by their names folded to lower
//! case (room names in NFC first).

use tertulia_shared::validate::{fold, normalize_room};

/// Logins and room names folded to lower case (room names in NFC first):
/// the keys they are compared and sorted by.
pub(super) type Key = String;

pub(crate) fn room_key(name: &str) -> Key {
    fold(&normalize_room(name))
}
