//! The `#` command language typed in the input box. Pure: a line of input
//! becomes plain chat text or a typed [`Command`]; the client decides what to
//! send and the server decides what it means.
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

use std::fmt;

use crate::protocol::Request;

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
}

impl Command {
    /// The request this command sends, or `None` for commands the client
    /// answers by itself (`#help`, `#net`).
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
            },
            Command::Help | Command::Net | Command::File(_) => return None,
        })
    }
}

/// One row of the command table: what to type and what it does.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CommandSpec {
    /// The command word as documented (matched case-insensitively).
    pub word: &'static str,
    pub usage: &'static str,
    pub summary: &'static str,
}

/// Every command, in the order `#help` lists them.
pub const COMMANDS: &[CommandSpec] = &[
    CommandSpec {
        word: "cR",
        usage: "#cR <room>",
        summary: "create a room and move into it",
    },
    CommandSpec {
        word: "gR",
        usage: "#gR <room>",
        summary: "go to a room",
    },
    CommandSpec {
        word: "eR",
        usage: "#eR",
        summary: "leave the room, back to the default room",
    },
    CommandSpec {
        word: "lR",
        usage: "#lR",
        summary: "list rooms with their number of participants",
    },
    CommandSpec {
        word: "dR",
        usage: "#dR <room>",
        summary: "delete a room you created",
    },
    CommandSpec {
        word: "show",
        usage: "#show users",
        summary: "list every user of the system",
    },
    CommandSpec {
        word: "\\private",
        usage: "#\\private <user> <message>",
        summary: "send a private message",
    },
    CommandSpec {
        word: "file",
        usage: "#file <path>",
        summary: "share a file with the room",
    },
    CommandSpec {
        word: "net",
        usage: "#net",
        summary: "connection, latency and clock offset",
    },
    CommandSpec {
        word: "help",
        usage: "#help",
        summary: "this list",
    },
    CommandSpec {
        word: "exit",
        usage: "#exit",
        summary: "disconnect from the server",
    },
];

fn spec(word: &str) -> &'static CommandSpec {
    COMMANDS
        .iter()
        .find(|c| c.word == word)
        .unwrap_or(&COMMANDS[0])
}

/// The `#help` text: one line per command.
pub fn help_text() -> String {
    let mut text = String::from("Commands (a line that starts with ## sends a #):");
    for c in COMMANDS {
        text.push_str(&format!("\n  {:<28} {}", c.usage, c.summary));
    }
    text
}

/// Why a line is not a valid command.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ParseError {
    /// Nothing but whitespace.
    Empty,
    /// `#` with no command word.
    MissingCommand,
    /// A command word that is not in [`COMMANDS`].
    Unknown(String),
    /// A known command with missing or extra arguments.
    Usage {
        usage: &'static str,
        problem: Problem,
    },
}

/// What is wrong with a known command's arguments, named so that a client
/// can say it in the user's language.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Problem {
    WhichRoom,
    RoomWithSpaces,
    NoArguments,
    ShowWhat,
    ToWhom,
    WhatMessage,
    WhichFile,
}

impl Problem {
    pub const ALL: [Problem; 7] = [
        Problem::WhichRoom,
        Problem::RoomWithSpaces,
        Problem::NoArguments,
        Problem::ShowWhat,
        Problem::ToWhom,
        Problem::WhatMessage,
        Problem::WhichFile,
    ];

    /// A stable name (`which-room`), for translation catalogues.
    pub fn key(self) -> &'static str {
        match self {
            Problem::WhichRoom => "which-room",
            Problem::RoomWithSpaces => "room-with-spaces",
            Problem::NoArguments => "no-arguments",
            Problem::ShowWhat => "show-what",
            Problem::ToWhom => "to-whom",
            Problem::WhatMessage => "what-message",
            Problem::WhichFile => "which-file",
        }
    }
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Problem::WhichRoom => "Which room?",
            Problem::RoomWithSpaces => "Room names have no spaces.",
            Problem::NoArguments => "This command takes no arguments.",
            Problem::ShowWhat => "Did you mean #show users?",
            Problem::ToWhom => "To whom?",
            Problem::WhatMessage => "What message?",
            Problem::WhichFile => "Which file? Give its path.",
        })
    }
}

impl fmt::Display for ParseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ParseError::Empty => write!(f, "Nothing to send."),
            ParseError::MissingCommand => {
                write!(f, "Type a command after #. Type #help to see them all.")
            }
            ParseError::Unknown(word) => {
                write!(f, "Unknown command #{word}. Type #help to see them all.")
            }
            ParseError::Usage { usage, problem } => write!(f, "{problem} Usage: {usage}"),
        }
    }
}

impl std::error::Error for ParseError {}

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
    if let Some(to) = glued_private_user(word) {
        return private(&format!("{to} {args}")).map(Input::Command);
    }
    let command = match word.to_lowercase().as_str() {
        "cr" => Command::CreateRoom(one_arg(args, "cR")?),
        "gr" => Command::JoinRoom(one_arg(args, "gR")?),
        "dr" => Command::DeleteRoom(one_arg(args, "dR")?),
        "er" => no_args(args, "eR", Command::LeaveRoom)?,
        "lr" => no_args(args, "lR", Command::ListRooms)?,
        "exit" => no_args(args, "exit", Command::Exit)?,
        "help" => no_args(args, "help", Command::Help)?,
        "net" => no_args(args, "net", Command::Net)?,
        "show" => {
            let mut words = args.split_whitespace();
            match (words.next(), words.next()) {
                (Some(w), None) if w.eq_ignore_ascii_case("users") => Command::ShowUsers,
                _ => return Err(usage("show", Problem::ShowWhat)),
            }
        }
        "\\private" | "private" => private(args)?,
        "file" => match args.trim() {
            "" => return Err(usage("file", Problem::WhichFile)),
            path => Command::File(path.to_owned()),
        },
        _ => return Err(ParseError::Unknown(word.to_owned())),
    };
    Ok(Input::Command(command))
}

/// `\privateana` → `ana`.
fn glued_private_user(word: &str) -> Option<&str> {
    const PRIVATE: &str = "\\private";
    let head = word.get(..PRIVATE.len())?;
    let user = word.get(PRIVATE.len()..)?;
    (head.eq_ignore_ascii_case(PRIVATE) && !user.is_empty()).then_some(user)
}

fn usage(word: &str, problem: Problem) -> ParseError {
    ParseError::Usage {
        usage: spec(word).usage,
        problem,
    }
}

fn one_arg(args: &str, word: &str) -> Result<String, ParseError> {
    let mut words = args.split_whitespace();
    match (words.next(), words.next()) {
        (Some(arg), None) => Ok(arg.to_owned()),
        (None, _) => Err(usage(word, Problem::WhichRoom)),
        (Some(_), Some(_)) => Err(usage(word, Problem::RoomWithSpaces)),
    }
}

fn no_args(args: &str, word: &str, command: Command) -> Result<Command, ParseError> {
    if args.trim().is_empty() {
        Ok(command)
    } else {
        Err(usage(word, Problem::NoArguments))
    }
}

fn private(args: &str) -> Result<Command, ParseError> {
    let args = args.trim_start();
    let (to, text) = match args.split_once(char::is_whitespace) {
        Some((to, text)) => (to, text.trim()),
        None => (args, ""),
    };
    if to.is_empty() {
        return Err(usage("\\private", Problem::ToWhom));
    }
    if text.is_empty() {
        return Err(usage("\\private", Problem::WhatMessage));
    }
    Ok(Command::Private {
        to: to.to_owned(),
        text: text.to_owned(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cmd(c: Command) -> Result<Input, ParseError> {
        Ok(Input::Command(c))
    }

    fn chat(s: &str) -> Result<Input, ParseError> {
        Ok(Input::Chat(s.to_owned()))
    }

    #[test]
    fn table() {
        let private = |to: &str, text: &str| {
            cmd(Command::Private {
                to: to.into(),
                text: text.into(),
            })
        };
        let cases: Vec<(&str, Result<Input, ParseError>)> = vec![
            // plain chat
            ("hola a todos", chat("hola a todos")),
            ("  hola  ", chat("hola")),
            ("¿qué tal? ¡bien!", chat("¿qué tal? ¡bien!")),
            ("##hashtag", chat("#hashtag")),
            ("## spaced", chat("# spaced")),
            ("C# is # not a command", chat("C# is # not a command")),
            // every command
            ("#cR games", cmd(Command::CreateRoom("games".into()))),
            ("#gR física", cmd(Command::JoinRoom("física".into()))),
            ("#eR", cmd(Command::LeaveRoom)),
            ("#exit", cmd(Command::Exit)),
            ("#lR", cmd(Command::ListRooms)),
            ("#dR games", cmd(Command::DeleteRoom("games".into()))),
            ("#show users", cmd(Command::ShowUsers)),
            ("#help", cmd(Command::Help)),
            ("#net", cmd(Command::Net)),
            ("#\\private ana hola", private("ana", "hola")),
            // spaces and case
            (
                "   #cR    games   ",
                cmd(Command::CreateRoom("games".into())),
            ),
            ("#cr games", cmd(Command::CreateRoom("games".into()))),
            ("#CR games", cmd(Command::CreateRoom("games".into()))),
            ("#LR", cmd(Command::ListRooms)),
            ("#Show   USERS", cmd(Command::ShowUsers)),
            ("#EXIT ", cmd(Command::Exit)),
            // private message forms
            (
                "#\\private ana   hola   mundo ",
                private("ana", "hola   mundo"),
            ),
            ("#private ana hola", private("ana", "hola")),
            ("#\\PRIVATE Ana hola", private("Ana", "hola")),
            ("#\\privateana hola", private("ana", "hola")),
            ("#\\privateAna hola", private("Ana", "hola")),
            (
                "#\\private ana #no es comando",
                private("ana", "#no es comando"),
            ),
            // errors
            ("", Err(ParseError::Empty)),
            ("   ", Err(ParseError::Empty)),
            ("#", Err(ParseError::MissingCommand)),
            ("# cR games", Err(ParseError::MissingCommand)),
            ("#xyz", Err(ParseError::Unknown("xyz".into()))),
            ("#cRgames", Err(ParseError::Unknown("cRgames".into()))),
        ];
        for (line, expected) in cases {
            assert_eq!(parse(line), expected, "input {line:?}");
        }
    }

    #[test]
    fn wrong_arguments_show_the_usage() {
        let cases = [
            ("#cR", "#cR <room>"),
            ("#cR two words", "#cR <room>"),
            ("#gR", "#gR <room>"),
            ("#dR", "#dR <room>"),
            ("#eR now", "#eR"),
            ("#lR all", "#lR"),
            ("#exit please", "#exit"),
            ("#show", "#show users"),
            ("#show rooms", "#show users"),
            ("#show users now", "#show users"),
            ("#\\private", "#\\private <user> <message>"),
            ("#\\private ana", "#\\private <user> <message>"),
            ("#\\private ana    ", "#\\private <user> <message>"),
            ("#\\privateana", "#\\private <user> <message>"),
        ];
        for (line, expected_usage) in cases {
            match parse(line) {
                Err(e @ ParseError::Usage { usage, .. }) => {
                    assert_eq!(usage, expected_usage, "input {line:?}");
                    assert!(e.to_string().contains(expected_usage), "{e}");
                }
                other => panic!("input {line:?} gave {other:?}"),
            }
        }
    }

    #[test]
    fn commands_map_to_requests() {
        let request = |line: &str| match parse(line) {
            Ok(Input::Command(c)) => c.to_request(),
            other => panic!("{other:?}"),
        };
        assert_eq!(request("#exit"), Some(Request::Logout));
        assert_eq!(
            request("#show users"),
            Some(Request::ListUsers { after: None })
        );
        assert_eq!(
            request("#\\private ana hi"),
            Some(Request::Private {
                to: "ana".into(),
                text: "hi".into()
            })
        );
        assert_eq!(request("#help"), None);
        assert_eq!(request("#net"), None);
    }

    #[test]
    fn help_lists_every_command() {
        let help = help_text();
        for c in COMMANDS {
            assert!(help.contains(c.usage), "{}", c.usage);
        }
    }
}
