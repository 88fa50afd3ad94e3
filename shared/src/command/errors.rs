//! Why a typed line is not a valid command, named so that a client can
//! say it in the user's language.

use std::fmt;

use super::CommandSpec;

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
        command: &'static CommandSpec,
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
    Who,
    HowLong,
    WhichMessage,
    OnOrOff,
    WhichRole,
}

impl Problem {
    pub const ALL: [Problem; 12] = [
        Problem::WhichRoom,
        Problem::RoomWithSpaces,
        Problem::NoArguments,
        Problem::ShowWhat,
        Problem::ToWhom,
        Problem::WhatMessage,
        Problem::WhichFile,
        Problem::Who,
        Problem::HowLong,
        Problem::WhichMessage,
        Problem::OnOrOff,
        Problem::WhichRole,
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
            Problem::Who => "who",
            Problem::HowLong => "how-long",
            Problem::WhichMessage => "which-message",
            Problem::OnOrOff => "on-or-off",
            Problem::WhichRole => "which-role",
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
            Problem::Who => "Whom?",
            Problem::HowLong => "For how many minutes (1 to 10080)?",
            Problem::WhichMessage => "Which message? Give its number (hover over it to see it).",
            Problem::OnOrOff => "On or off?",
            Problem::WhichRole => "Which role: admin, teacher or student?",
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
            ParseError::Usage { command, problem } => {
                write!(f, "{problem} Usage: {}", command.usage())
            }
        }
    }
}

impl std::error::Error for ParseError {}
