//! The `#` command language typed in the input box. Pure: a line of input
//! becomes plain chat text or a typed [`Command`]; the client decides what to
//! send and the server decides what it means.
//!
//! [`COMMANDS`] is the one table of commands: the word typed, what follows
//! it, the request it becomes and its help. The parser reads it, the
//! client's `#help` is drawn from it, and tests hold README.md's table and
//! PROTOCOL.md's headings to it. The server handles each request in
//! `server/src/requests/<request>.rs`.
//!
//! Rules (each one is in the tests below):
//! - Surrounding whitespace is ignored; arguments are separated by any run of spaces.
//! - The command word is case-insensitive (`#cr`, `#CR`, `#cR` are the same).
//! - `##text` sends the chat text `#text`: a doubled `#` escapes a message that
//!   really starts with `#`.
//! - `#\private <user> <message>` keeps the message exactly as typed after the
//!   user; `#private` and the brief's spaceless `#\private<user>` also work.
//! - Unknown commands, missing or extra arguments give an error that shows the
//!   correct usage.

mod errors;
mod table;

use crate::protocol::Request;

pub use errors::{ParseError, Problem};
pub use table::{Args, COMMANDS, CommandSpec, Given, Placeholder};

/// What one line of input means.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Input {
    /// Text for everyone in the current room.
    Chat(String),
    Command(Command),
}

/// A recognised `#` command with its arguments.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Command {
    CreateRoom(String),
    JoinRoom(String),
    LeaveRoom,
    Exit,
    ListRooms,
    DeleteRoom(String),
    ShowUsers,
    Private {
        to: String,
        text: String,
    },
    Help,
    /// Connection state, latency and clock offset (answered by the client itself).
    Net,
    /// `#file <path>`: share a file with the room (the client uploads it).
    File(String),
    // Teachers and admins.
    Kick {
        login: String,
        reason: String,
    },
    Mute {
        login: String,
        minutes: u32,
        reason: String,
    },
    Unmute(String),
    Ban {
        login: String,
        reason: String,
    },
    Unban(String),
    DeleteMessage(crate::MessageId),
    Exam(bool),
    SetRole {
        login: String,
        role: crate::Role,
    },
}

impl Command {
    /// The request this command sends as it is, or `None` for commands the
    /// client answers by itself (`#help`, `#net`) or prepares first
    /// (`#file` reads and hashes the file before its `offer_file`).
    pub fn to_request(&self) -> Option<Request> {
        Some(match self {
            Command::CreateRoom(room) => Request::CreateRoom { room: room.clone() },
            Command::JoinRoom(room) => Request::JoinRoom { room: room.clone() },
            Command::LeaveRoom => Request::LeaveRoom,
            Command::Exit => Request::Logout,
            Command::ListRooms => Request::ListRooms { after: None },
            Command::DeleteRoom(room) => Request::DeleteRoom { room: room.clone() },
            Command::ShowUsers => Request::ListUsers { after: None },
            Command::Private { to, text } => Request::Private {
                to: to.clone(),
                text: text.clone(),
                reply_to: None,
            },
            Command::Kick { login, reason } => Request::Kick {
                login: login.clone(),
                reason: reason.clone(),
            },
            Command::Mute {
                login,
                minutes,
                reason,
            } => Request::Mute {
                login: login.clone(),
                minutes: *minutes,
                reason: reason.clone(),
            },
            Command::Unmute(login) => Request::Unmute {
                login: login.clone(),
            },
            Command::Ban { login, reason } => Request::Ban {
                login: login.clone(),
                reason: reason.clone(),
            },
            Command::Unban(login) => Request::Unban {
                login: login.clone(),
            },
            Command::DeleteMessage(id) => Request::DeleteMessage { message: *id },
            Command::Exam(on) => Request::Exam { on: *on },
            Command::SetRole { login, role } => Request::SetRole {
                login: login.clone(),
                role: *role,
            },
            Command::Help | Command::Net | Command::File(_) => return None,
        })
    }
}

/// The table's row for a typed word (case-insensitive), if there is one.
pub fn find(word: &str) -> Option<&'static CommandSpec> {
    COMMANDS.iter().find(|c| c.is(word))
}

/// The `#help` text in English: one line per command.
pub fn help_text() -> String {
    let mut text = String::from("Commands (a line that starts with ## sends a #):");
    for c in COMMANDS {
        text.push_str(&format!("\n  {:<28} {}", c.usage(), c.summary));
    }
    text
}

/// Reads one line of input.
pub fn parse(line: &str) -> Result<Input, ParseError> {
    let line = line.trim();
    if line.is_empty() {
        return Err(ParseError::Empty);
    }
    let Some(rest) = line.strip_prefix('#') else {
        return Ok(Input::Chat(line.to_owned()));
    };
    if rest.starts_with('#') {
        return Ok(Input::Chat(rest.to_owned()));
    }
    let (word, args) = match rest.split_once(char::is_whitespace) {
        Some((word, args)) => (word, args.trim_start()),
        None => (rest, ""),
    };
    if word.is_empty() {
        return Err(ParseError::MissingCommand);
    }
    // The brief writes `#\private<user>` with no space before the user.
    let (spec, args) = match (find(word), glued_private_user(word)) {
        (Some(spec), _) => (spec, args.to_owned()),
        (None, Some((spec, user))) => (spec, format!("{user} {args}")),
        (None, None) => return Err(ParseError::Unknown(word.to_owned())),
    };
    read_args(spec, &args).map(Input::Command)
}

/// The first word of `args` and the rest of the line, trimmed.
fn user_and_rest(args: &str) -> (&str, &str) {
    match args.trim_start().split_once(char::is_whitespace) {
        Some((first, rest)) => (first, rest.trim()),
        None => (args.trim(), ""),
    }
}

/// `\privateana` → the private row and `ana`.
fn glued_private_user(word: &str) -> Option<(&'static CommandSpec, &str)> {
    let spec = COMMANDS.iter().find(|c| c.args == Args::UserAndMessage)?;
    let head = word.get(..spec.word.len())?;
    let user = word.get(spec.word.len()..)?;
    (head.eq_ignore_ascii_case(spec.word) && !user.is_empty()).then_some((spec, user))
}

/// Reads what follows the word as the row says, and builds the command.
fn read_args(spec: &'static CommandSpec, args: &str) -> Result<Command, ParseError> {
    let wrong = |problem| ParseError::Usage {
        command: spec,
        problem,
    };
    let mut words = args.split_whitespace();
    let given = match spec.args {
        Args::None if args.trim().is_empty() => Given::default(),
        Args::None => return Err(wrong(Problem::NoArguments)),
        Args::Room => match (words.next(), words.next()) {
            (Some(room), None) => Given {
                first: room.to_owned(),
                ..Given::default()
            },
            (None, _) => return Err(wrong(Problem::WhichRoom)),
            (Some(_), Some(_)) => return Err(wrong(Problem::RoomWithSpaces)),
        },
        Args::Users => match (words.next(), words.next()) {
            (Some(w), None) if w.eq_ignore_ascii_case("users") => Given::default(),
            _ => return Err(wrong(Problem::ShowWhat)),
        },
        Args::UserAndMessage => {
            let (to, text) = match args.trim_start().split_once(char::is_whitespace) {
                Some((to, text)) => (to, text.trim()),
                None => (args.trim(), ""),
            };
            if to.is_empty() {
                return Err(wrong(Problem::ToWhom));
            }
            if text.is_empty() {
                return Err(wrong(Problem::WhatMessage));
            }
            Given {
                first: to.to_owned(),
                rest: text.to_owned(),
                ..Given::default()
            }
        }
        Args::Path => match args.trim() {
            "" => return Err(wrong(Problem::WhichFile)),
            path => Given {
                rest: path.to_owned(),
                ..Given::default()
            },
        },
        Args::User => match (words.next(), words.next()) {
            (Some(login), None) => Given {
                first: login.to_owned(),
                ..Given::default()
            },
            (None, _) => return Err(wrong(Problem::Who)),
            (Some(_), Some(_)) => return Err(wrong(Problem::Who)),
        },
        Args::UserAndReason => {
            let (login, reason) = user_and_rest(args);
            if login.is_empty() {
                return Err(wrong(Problem::Who));
            }
            Given {
                first: login.to_owned(),
                rest: reason.to_owned(),
                ..Given::default()
            }
        }
        Args::UserMinutesReason => {
            let (login, rest) = user_and_rest(args);
            if login.is_empty() {
                return Err(wrong(Problem::Who));
            }
            let (minutes, reason) = user_and_rest(rest);
            match minutes.parse::<u64>() {
                Ok(minutes @ 1..=10_080) => Given {
                    first: login.to_owned(),
                    rest: reason.to_owned(),
                    number: minutes,
                },
                _ => return Err(wrong(Problem::HowLong)),
            }
        }
        Args::MessageId => match (
            words.next().map(|w| w.trim_start_matches('#')),
            words.next(),
        ) {
            (Some(id), None) => match id.parse::<u64>() {
                Ok(id) if id > 0 => Given {
                    number: id,
                    ..Given::default()
                },
                _ => return Err(wrong(Problem::WhichMessage)),
            },
            _ => return Err(wrong(Problem::WhichMessage)),
        },
        Args::OnOff => match (words.next().map(str::to_ascii_lowercase), words.next()) {
            (Some(word), None) if word == "on" || word == "off" => Given {
                first: word,
                ..Given::default()
            },
            _ => return Err(wrong(Problem::OnOrOff)),
        },
        Args::UserAndRole => match (words.next(), words.next(), words.next()) {
            (Some(login), Some(role), None) if crate::Role::parse(role).is_some() => Given {
                first: login.to_owned(),
                rest: role.to_owned(),
                ..Given::default()
            },
            (None, _, _) => return Err(wrong(Problem::Who)),
            _ => return Err(wrong(Problem::WhichRole)),
        },
    };
    Ok((spec.make)(given))
}

#[cfg(test)]
mod tests;
