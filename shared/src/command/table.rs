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
    /// A user, then the rest of the line (maybe nothing) as a reason.
    UserAndReason,
    /// A user, minutes, then the rest of the line as a reason.
    UserMinutesReason,
    /// One user.
    User,
    /// A message's id (shown when hovering over the message).
    MessageId,
    /// `on` or `off`.
    OnOff,
    /// A user and a role (`admin`, `teacher`, `student`).
    UserAndRole,
}

/// A placeholder in a usage line (`<room>`), named so that a client can say
/// it in the user's language.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Placeholder {
    Room,
    User,
    Message,
    Path,
    Reason,
    Minutes,
    Id,
    Role,
}

impl Placeholder {
    pub const ALL: [Placeholder; 8] = [
        Placeholder::Room,
        Placeholder::User,
        Placeholder::Message,
        Placeholder::Path,
        Placeholder::Reason,
        Placeholder::Minutes,
        Placeholder::Id,
        Placeholder::Role,
    ];

    /// A stable name (`room`), for translation catalogues and the English usage.
    pub fn key(self) -> &'static str {
        match self {
            Placeholder::Room => "room",
            Placeholder::User => "user",
            Placeholder::Message => "message",
            Placeholder::Path => "path",
            Placeholder::Reason => "reason",
            Placeholder::Minutes => "minutes",
            Placeholder::Id => "id",
            Placeholder::Role => "role",
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
            Args::UserAndReason => &[Err(Placeholder::User), Err(Placeholder::Reason)],
            Args::UserMinutesReason => &[
                Err(Placeholder::User),
                Err(Placeholder::Minutes),
                Err(Placeholder::Reason),
            ],
            Args::User => &[Err(Placeholder::User)],
            Args::MessageId => &[Err(Placeholder::Id)],
            Args::OnOff => &[Ok("on/off")],
            Args::UserAndRole => &[Err(Placeholder::User), Err(Placeholder::Role)],
        }
    }
}

/// What a command's arguments were, for its row to build the command.
#[derive(Debug, Default)]
pub struct Given {
    /// The room, the user, or `on`/`off`.
    pub first: String,
    /// The message, the path, the reason, or the role.
    pub rest: String,
    /// A mute's minutes, or a message's id.
    pub number: u64,
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
    /// Only for teachers and admins: `#help` lists it for them only.
    pub staff: bool,
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
        staff: false,
    },
    CommandSpec {
        word: "gR",
        aliases: &[],
        args: Args::Room,
        request: Some("join_room"),
        help: "gr",
        summary: "go to a room",
        make: |g| Command::JoinRoom(g.first),
        staff: false,
    },
    CommandSpec {
        word: "eR",
        aliases: &[],
        args: Args::None,
        request: Some("leave_room"),
        help: "er",
        summary: "leave the room, back to the default room",
        make: |_| Command::LeaveRoom,
        staff: false,
    },
    CommandSpec {
        word: "lR",
        aliases: &[],
        args: Args::None,
        request: Some("list_rooms"),
        help: "lr",
        summary: "list rooms with their number of participants",
        make: |_| Command::ListRooms,
        staff: false,
    },
    CommandSpec {
        word: "dR",
        aliases: &[],
        args: Args::Room,
        request: Some("delete_room"),
        help: "dr",
        summary: "delete a room you created",
        make: |g| Command::DeleteRoom(g.first),
        staff: false,
    },
    CommandSpec {
        word: "show",
        aliases: &[],
        args: Args::Users,
        request: Some("list_users"),
        help: "show",
        summary: "list every user, online or not",
        make: |_| Command::ShowUsers,
        staff: false,
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
        staff: false,
    },
    CommandSpec {
        word: "file",
        aliases: &[],
        args: Args::Path,
        request: Some("offer_file"),
        help: "file",
        summary: "share a file with the room",
        make: |g| Command::File(g.rest),
        staff: false,
    },
    CommandSpec {
        word: "net",
        aliases: &[],
        args: Args::None,
        request: None,
        help: "net",
        summary: "connection, round trip, clock offset, traffic",
        make: |_| Command::Net,
        staff: false,
    },
    CommandSpec {
        word: "help",
        aliases: &[],
        args: Args::None,
        request: None,
        help: "help",
        summary: "this list",
        make: |_| Command::Help,
        staff: false,
    },
    CommandSpec {
        word: "exit",
        aliases: &[],
        args: Args::None,
        request: Some("logout"),
        help: "exit",
        summary: "disconnect from the server",
        make: |_| Command::Exit,
        staff: false,
    },
    CommandSpec {
        word: "kick",
        aliases: &[],
        args: Args::UserAndReason,
        request: Some("kick"),
        help: "kick",
        summary: "disconnect someone (teachers and admins)",
        make: |g| Command::Kick {
            login: g.first,
            reason: g.rest,
        },
        staff: true,
    },
    CommandSpec {
        word: "mute",
        aliases: &[],
        args: Args::UserMinutesReason,
        request: Some("mute"),
        help: "mute",
        summary: "silence someone for some minutes (teachers and admins)",
        make: |g| Command::Mute {
            login: g.first,
            minutes: u32::try_from(g.number).unwrap_or(u32::MAX),
            reason: g.rest,
        },
        staff: true,
    },
    CommandSpec {
        word: "unmute",
        aliases: &[],
        args: Args::User,
        request: Some("unmute"),
        help: "unmute",
        summary: "lift a mute (teachers and admins)",
        make: |g| Command::Unmute(g.first),
        staff: true,
    },
    CommandSpec {
        word: "ban",
        aliases: &[],
        args: Args::UserAndReason,
        request: Some("ban"),
        help: "ban",
        summary: "keep an account out (teachers and admins)",
        make: |g| Command::Ban {
            login: g.first,
            reason: g.rest,
        },
        staff: true,
    },
    CommandSpec {
        word: "unban",
        aliases: &[],
        args: Args::User,
        request: Some("unban"),
        help: "unban",
        summary: "let a banned account in again (teachers and admins)",
        make: |g| Command::Unban(g.first),
        staff: true,
    },
    CommandSpec {
        word: "del",
        aliases: &[],
        args: Args::MessageId,
        request: Some("delete_message"),
        help: "del",
        summary: "delete a message by its id (teachers and admins)",
        make: |g| Command::DeleteMessage(g.number),
        staff: true,
    },
    CommandSpec {
        word: "exam",
        aliases: &[],
        args: Args::OnOff,
        request: Some("exam"),
        help: "exam",
        summary: "close or open the chat for an exam (teachers and admins)",
        make: |g| Command::Exam(g.first == "on"),
        staff: true,
    },
    CommandSpec {
        word: "role",
        aliases: &[],
        args: Args::UserAndRole,
        request: Some("set_role"),
        help: "role",
        summary: "make someone admin, teacher or student (admins)",
        make: |g| Command::SetRole {
            login: g.first,
            role: crate::Role::parse(&g.rest).unwrap_or_default(),
        },
        staff: true,
    },
];
