//! Field rules shared by the client (inline form errors) and the server (the
//! authority). Each rule returns a sentence a person can act on.

use unicode_normalization::UnicodeNormalization;
use unicode_security::{GeneralSecurityProfile, MixedScript};

use crate::limits::*;
use crate::protocol::{ErrorBody, Field, Registration};

/// A broken rule: which field, which rule, and what to do about it (in
/// English; clients translate by [`Rule`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldError {
    pub field: Field,
    pub rule: Rule,
    pub message: String,
}

impl From<FieldError> for ErrorBody {
    fn from(e: FieldError) -> Self {
        ErrorBody::invalid_field(e.field, e.message)
    }
}

fn fail(field: Field, rule: Rule) -> Result<(), FieldError> {
    Err(FieldError {
        field,
        rule,
        message: rule.sentence(field),
    })
}

/// Every rule a field can break, named so that a client can say it in the
/// user's language.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Rule {
    LoginLength,
    LoginStart,
    LoginCharacters,
    RoomEmpty,
    RoomLength,
    RoomCharacters,
    RoomStyled,
    RoomMixedScripts,
    /// First or last names.
    NameEmpty,
    NameLength,
    NameControl,
    PasswordShort,
    PasswordLong,
    AgeRange,
    MessageEmpty,
    MessageLength,
    MessageControl,
    ClientName,
}

impl Rule {
    pub const ALL: [Rule; 18] = [
        Rule::LoginLength,
        Rule::LoginStart,
        Rule::LoginCharacters,
        Rule::RoomEmpty,
        Rule::RoomLength,
        Rule::RoomCharacters,
        Rule::RoomStyled,
        Rule::RoomMixedScripts,
        Rule::NameEmpty,
        Rule::NameLength,
        Rule::NameControl,
        Rule::PasswordShort,
        Rule::PasswordLong,
        Rule::AgeRange,
        Rule::MessageEmpty,
        Rule::MessageLength,
        Rule::MessageControl,
        Rule::ClientName,
    ];

    /// A stable name (`login-length`), for translation catalogues.
    pub fn key(self) -> &'static str {
        match self {
            Rule::LoginLength => "login-length",
            Rule::LoginStart => "login-start",
            Rule::LoginCharacters => "login-characters",
            Rule::RoomEmpty => "room-empty",
            Rule::RoomLength => "room-length",
            Rule::RoomCharacters => "room-characters",
            Rule::RoomStyled => "room-styled",
            Rule::RoomMixedScripts => "room-mixed-scripts",
            Rule::NameEmpty => "name-empty",
            Rule::NameLength => "name-length",
            Rule::NameControl => "name-control",
            Rule::PasswordShort => "password-short",
            Rule::PasswordLong => "password-long",
            Rule::AgeRange => "age-range",
            Rule::MessageEmpty => "message-empty",
            Rule::MessageLength => "message-length",
            Rule::MessageControl => "message-control",
            Rule::ClientName => "client-name",
        }
    }

    /// The rule in English, for `field` (which names first or last names).
    pub fn sentence(self, field: Field) -> String {
        let names = if field == Field::LastNames {
            "Last names"
        } else {
            "First names"
        };
        match self {
            Rule::LoginLength => {
                format!("A login has {LOGIN_MIN_CHARS} to {LOGIN_MAX_CHARS} characters.")
            }
            Rule::LoginStart => "A login starts with a letter (a–z).".into(),
            Rule::LoginCharacters => {
                "A login uses only letters a–z, digits and _ - . (no spaces or accents).".into()
            }
            Rule::RoomEmpty => "A room needs a name.".into(),
            Rule::RoomLength => format!("A room name has at most {ROOM_MAX_CHARS} characters."),
            Rule::RoomCharacters => {
                "A room name uses only letters, digits and _ - . (no spaces).".into()
            }
            Rule::RoomStyled => "A room name uses ordinary letters only (no fullwidth, styled or combining characters).".into(),
            Rule::RoomMixedScripts => "A room name cannot mix alphabets (e.g. Latin and Cyrillic letters that look alike).".into(),
            Rule::NameEmpty => format!("{names} cannot be empty."),
            Rule::NameLength => {
                format!("{names} have at most {PERSON_NAME_MAX_CHARS} characters.")
            }
            Rule::NameControl => {
                format!("{names} cannot contain control or text-direction characters.")
            }
            Rule::PasswordShort => {
                format!("A password has at least {PASSWORD_MIN_CHARS} characters.")
            }
            Rule::PasswordLong => format!("A password has at most {PASSWORD_MAX_BYTES} bytes."),
            Rule::AgeRange => format!("Age must be between {AGE_MIN} and {AGE_MAX}."),
            Rule::MessageEmpty => "A message cannot be empty.".into(),
            Rule::MessageLength => {
                format!("A message has at most {MESSAGE_MAX_CHARS} characters.")
            }
            Rule::MessageControl => {
                "A message cannot contain control or text-direction characters.".into()
            }
            Rule::ClientName => format!(
                "The client name has 1 to {CLIENT_NAME_MAX_CHARS} printable characters."
            ),
        }
    }
}

/// Logins and room names are unique regardless of case: this is the key they
/// are compared by. (ASCII, the only alphabet of logins, takes the cheap path.)
pub fn fold(name: &str) -> String {
    if name.is_ascii() {
        name.to_ascii_lowercase()
    } else {
        name.to_lowercase()
    }
}

/// Orders logins regardless of case without allocating (logins are ASCII;
/// other bytes compare as they are).
pub fn cmp_logins(a: &str, b: &str) -> std::cmp::Ordering {
    a.bytes()
        .map(|c| c.to_ascii_lowercase())
        .cmp(b.bytes().map(|c| c.to_ascii_lowercase()))
}

/// 3–32 characters: ASCII letters, digits, `_`, `-`, `.`; starts with a letter.
pub fn login(login: &str) -> Result<(), FieldError> {
    let n = login.chars().count();
    if !(LOGIN_MIN_CHARS..=LOGIN_MAX_CHARS).contains(&n) {
        return fail(Field::Login, Rule::LoginLength);
    }
    if !login.starts_with(|c: char| c.is_ascii_alphabetic()) {
        return fail(Field::Login, Rule::LoginStart);
    }
    if !login
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.'))
    {
        return fail(Field::Login, Rule::LoginCharacters);
    }
    Ok(())
}

/// The form a room name is stored and compared in: Unicode NFC, so that
/// `física` typed with a combining accent is the same room as the precomposed one.
pub fn normalize_room(name: &str) -> String {
    if name.is_ascii() {
        name.to_owned()
    } else {
        name.nfc().collect()
    }
}

/// What two room names that look alike have in common: the UTS #39 skeleton
/// of the case-folded name (`lobby` and `1obby` share one). The server
/// refuses a new room whose skeleton an existing room already has.
pub fn room_skeleton(name: &str) -> String {
    unicode_security::skeleton(&fold(name)).collect()
}

/// 1–32 characters: letters (accents welcome), digits, `_`, `-`, `.`; no spaces,
/// so a room name is always one word in a `#` command. Expects the name in
/// NFC ([`normalize_room`]). Refuses what lets one name pose as another:
/// characters outside Unicode's recommended identifier set (fullwidth and
/// mathematical letters, stray combining marks, invisible and direction
/// controls) and letters of several scripts mixed (`fіsica`, with a Cyrillic `і`).
pub fn room(room: &str) -> Result<(), FieldError> {
    let n = room.chars().count();
    if n == 0 {
        return fail(Field::Room, Rule::RoomEmpty);
    }
    if n > ROOM_MAX_CHARS {
        return fail(Field::Room, Rule::RoomLength);
    }
    if !room
        .chars()
        .all(|c| c.is_alphanumeric() || matches!(c, '_' | '-' | '.'))
    {
        return fail(Field::Room, Rule::RoomCharacters);
    }
    if !room.is_ascii() {
        if !room.chars().all(|c| c.is_ascii() || c.identifier_allowed()) {
            return fail(Field::Room, Rule::RoomStyled);
        }
        if !room.is_single_script() {
            return fail(Field::Room, Rule::RoomMixedScripts);
        }
    }
    Ok(())
}

/// Characters that change how the text around them is displayed without
/// showing themselves: bidirectional embeddings, overrides and isolates
/// (which can make a line read backwards), and line or paragraph separators
/// (which can make one message look like several).
pub fn is_layout_control(c: char) -> bool {
    matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}' | '\u{2028}' | '\u{2029}')
}

/// Characters that draw nothing: Unicode's default-ignorable code points plus
/// the blank letters that render as empty space (Hangul fillers, the blank
/// Braille pattern).
pub fn is_invisible(c: char) -> bool {
    matches!(c,
        '\u{00AD}' | '\u{034F}' | '\u{061C}' | '\u{115F}' | '\u{1160}' | '\u{17B4}' | '\u{17B5}'
        | '\u{180B}'..='\u{180F}' | '\u{200B}'..='\u{200F}' | '\u{202A}'..='\u{202E}'
        | '\u{2060}'..='\u{206F}' | '\u{2800}' | '\u{3164}' | '\u{FE00}'..='\u{FE0F}'
        | '\u{FEFF}' | '\u{FFA0}' | '\u{FFF0}'..='\u{FFF8}' | '\u{1BCA0}'..='\u{1BCA3}'
        | '\u{1D173}'..='\u{1D17A}' | '\u{E0000}'..='\u{E0FFF}')
}

/// True when `text` shows nothing a person can read: only spaces and
/// invisible characters.
pub fn is_blank(text: &str) -> bool {
    text.chars().all(|c| c.is_whitespace() || is_invisible(c))
}

/// First names or last names: 1–64 characters, not blank, no control characters.
pub fn person_name(field: Field, name: &str) -> Result<(), FieldError> {
    if is_blank(name) {
        return fail(field, Rule::NameEmpty);
    }
    if name.chars().count() > PERSON_NAME_MAX_CHARS {
        return fail(field, Rule::NameLength);
    }
    if name.chars().any(|c| c.is_control() || is_layout_control(c)) {
        return fail(field, Rule::NameControl);
    }
    Ok(())
}

pub fn password(password: &str) -> Result<(), FieldError> {
    if password.chars().count() < PASSWORD_MIN_CHARS {
        return fail(Field::Password, Rule::PasswordShort);
    }
    if password.len() > PASSWORD_MAX_BYTES {
        return fail(Field::Password, Rule::PasswordLong);
    }
    Ok(())
}

pub fn age(age: i64) -> Result<(), FieldError> {
    if !(AGE_MIN..=AGE_MAX).contains(&age) {
        return fail(Field::Age, Rule::AgeRange);
    }
    Ok(())
}

/// Line breaks as every message stores them: `\r\n` (text pasted from a
/// Windows editor or a web page) and a lone `\r` become `\n`. Call it
/// before [`message`]; text without `\r` is returned as it is.
pub fn line_breaks(text: String) -> String {
    if text.contains('\r') {
        text.replace("\r\n", "\n").replace('\r', "\n")
    } else {
        text
    }
}

/// Chat or private message text: 1–2000 characters with something visible;
/// line breaks and tabs allowed, other control characters and text-direction
/// controls not.
pub fn message(text: &str) -> Result<(), FieldError> {
    if is_blank(text) {
        return fail(Field::Text, Rule::MessageEmpty);
    }
    if text.chars().count() > MESSAGE_MAX_CHARS {
        return fail(Field::Text, Rule::MessageLength);
    }
    if text
        .chars()
        .any(|c| (c.is_control() && !matches!(c, '\n' | '\t')) || is_layout_control(c))
    {
        return fail(Field::Text, Rule::MessageControl);
    }
    Ok(())
}

/// The program name a client announces in `hello`.
pub fn client_name(name: &str) -> Result<(), FieldError> {
    let n = name.chars().count();
    if n == 0 || n > CLIENT_NAME_MAX_CHARS || name.chars().any(char::is_control) {
        return fail(Field::Client, Rule::ClientName);
    }
    Ok(())
}

/// Every broken rule of a signup form, in form order (the GUI shows them all
/// at once; the server answers with the first).
pub fn registration(form: &Registration) -> Vec<FieldError> {
    [
        person_name(Field::FirstNames, &form.first_names),
        person_name(Field::LastNames, &form.last_names),
        login(&form.login),
        password(form.password.expose()),
        age(form.age),
    ]
    .into_iter()
    .filter_map(Result::err)
    .collect()
}

#[cfg(test)]
mod tests;
