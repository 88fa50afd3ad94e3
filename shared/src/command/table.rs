//! The one table of `#` commands: what is typed, what follows it, the
//! request it becomes and its help key.

use std::fmt;

use super::Command;

/// What a command takes after its word.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Args {
    /// Nothing.
    None,
    /// One room name (no spaces).
    Room,
    /// The fixed word `users` (`#show users`).
    Users,
    /// A user, then the rest of the line as the message.
    UserAndMessage,
    /// The rest of the line as a file path.
    Path,
}

/// A placeholder in a usage line (`<room>`), named so that a client can say
/// it in the user's language.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Placeholder {
    Room,
    User,
    Message,
    Path,
}

impl Placeholder {
    pub const ALL: [Placeholder; 4] = [
        Placeholder::Room,
        Placeholder::User,
        Placeholder::Message,
        Placeholder::Path,
    ];

    /// A stable name (`room`), for translation catalogues and the English usage.
    pub fn key(self) -> &'static str {
        match self {
            Placeholder::Room => "room",
            Placeholder::User => "user",
            Placeholder::Message => "message",
            Placeholder::Path => "path",
        }
    }
}

impl Args {
    /// What the usage line shows after the word: fixed words as they are
    /// typed, placeholders as `Err`.
    fn parts(self) -> &'static [Result<&'static str, Placeholder>] {
        match self {
            Args::None => &[],
            Args::Room => &[Err(Placeholder::Room)],
            Args::Users => &[Ok("users")],
            Args::UserAndMessage => &[Err(Placeholder::User), Err(Placeholder::Message)],
            Args::Path => &[Err(Placeholder::Path)],
        }
    }
}

/// What a command's arguments were, for its row to build the command.
#[derive(Debug, Default)]
pub struct Given {
    /// The room, or the user of a private message.
    pub first: String,
    /// The message, or the path.
    pub rest: String,
}

/// One row of the command table.
#[derive(Clone, Copy)]
pub struct CommandSpec {
    /// The command word as documented (matched case-insensitively).
    pub word: &'static str,
    /// Other words that mean the same (matched case-insensitively).
    pub aliases: &'static [&'static str],
    pub args: Args,
    /// The protocol request it leads to (`None`: the client answers it).
    pub request: Option<&'static str>,
    /// The help sentence's key (`chat-help-<help>` in the client's catalogues).
    pub help: &'static str,
    /// What it does, in English (README.md's table says the same).
    pub summary: &'static str,
    /// The command, from what was typed after the word.
    pub make: fn(Given) -> Command,
}

impl PartialEq for CommandSpec {
    fn eq(&self, other: &CommandSpec) -> bool {
        self.word == other.word
    }
}

impl Eq for CommandSpec {}

impl fmt::Debug for CommandSpec {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "#{}", self.word)
    }
}

impl CommandSpec {
    /// The usage line, with each placeholder written by `name`
    /// (`#cR <room>`, or `#cR <sala>` in Spanish).
    pub fn usage_with(&self, name: impl Fn(Placeholder) -> String) -> String {
        let mut usage = format!("#{}", self.word);
        for part in self.args.parts() {
            usage.push(' ');
            match part {
                Ok(word) => usage.push_str(word),
                Err(placeholder) => {
                    usage.push('<');
                    usage.push_str(&name(*placeholder));
                    usage.push('>');
                }
            }
        }
        usage
    }

    /// The usage line in English (`#cR <room>`).
    pub fn usage(&self) -> String {
        self.usage_with(|p| p.key().to_owned())
    }

    /// Whether `typed` is this command's word or one of its aliases.
    pub fn is(&self, typed: &str) -> bool {
        std::iter::once(&self.word)
            .chain(self.aliases)
            .any(|word| word.eq_ignore_ascii_case(typed))
    }
}

/// Every command, in the order `#help` lists them.
pub const COMMANDS: &[CommandSpec] = &[
    CommandSpec {
        word: "cR",
        aliases: &[],
        args: Args::Room,
        request: Some("create_room"),
        help: "cr",
        summary: "create a room and move into it",
        make: |g| Command::CreateRoom(g.first),
    },
    CommandSpec {
        word: "gR",
        aliases: &[],
        args: Args::Room,
        request: Some("join_room"),
        help: "gr",
        summary: "go to a room",
        make: |g| Command::JoinRoom(g.first),
    },
    CommandSpec {
        word: "eR",
        aliases: &[],
        args: Args::None,
        request: Some("leave_room"),
        help: "er",
        summary: "leave the room, back to the default room",
        make: |_| Command::LeaveRoom,
    },
    CommandSpec {
        word: "lR",
        aliases: &[],
        args: Args::None,
        request: Some("list_rooms"),
        help: "lr",
        summary: "list rooms with their number of participants",
        make: |_| Command::ListRooms,
    },
    CommandSpec {
        word: "dR",
        aliases: &[],
        args: Args::Room,
        request: Some("delete_room"),
        help: "dr",
        summary: "delete a room you created",
        make: |g| Command::DeleteRoom(g.first),
    },
    CommandSpec {
        word: "show",
        aliases: &[],
        args: Args::Users,
        request: Some("list_users"),
        help: "show",
        summary: "list every user, online or not",
        make: |_| Command::ShowUsers,
    },
    CommandSpec {
        word: "\\private",
        aliases: &["private"],
        args: Args::UserAndMessage,
        request: Some("private"),
        help: "private",
        summary: "send a private message",
        make: |g| Command::Private {
            to: g.first,
            text: g.rest,
        },
    },
    CommandSpec {
        word: "file",
        aliases: &[],
        args: Args::Path,
        request: Some("offer_file"),
        help: "file",
        summary: "share a file with the room",
        make: |g| Command::File(g.rest),
    },
    CommandSpec {
        word: "net",
        aliases: &[],
        args: Args::None,
        request: None,
        help: "net",
        summary: "connection, round trip, clock offset, traffic",
        make: |_| Command::Net,
    },
    CommandSpec {
        word: "help",
        aliases: &[],
        args: Args::None,
        request: None,
        help: "help",
        summary: "this list",
        make: |_| Command::Help,
    },
    CommandSpec {
        word: "exit",
        aliases: &[],
        args: Args::None,
        request: Some("logout"),
        help: "exit",
        summary: "disconnect from the server",
        make: |_| Command::Exit,
    },
];
