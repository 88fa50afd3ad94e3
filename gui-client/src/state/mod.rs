//! What the chat screen shows, as plain data. It changes only through
//! [`ChatState::apply_event`], [`ChatState::apply_reply`], the history it is
//! given ([`history`]) and a few explicit user actions, so every rule here
//! is unit-tested without a window.

mod changes;
mod conversations;
mod history;
mod moderation;
mod replies;
mod search;

use std::collections::{BTreeMap, HashMap};

use tertulia_shared::validate::fold;
use tertulia_shared::{
    ChatMessage, Event, FileInfo, MessageId, MoveReason, Quote, Reaction, RoomInfo, UserInfo,
};

pub use history::Direction;
pub use moderation::{Moderation, Standing, closed_because, muted_until};
pub use search::Search;

use crate::i18n::{tr, tr_args};

/// One line of a room's log.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Line {
    /// A chat message, stamped by the server.
    Chat {
        id: MessageId,
        from: String,
        text: String,
        time_ms: i64,
        mine: bool,
        /// Someone else's message that names this user (`@ana` or `ana`).
        mention: bool,
        /// The file it shares (`text` is then its name).
        file: Option<FileInfo>,
        /// Deleted by its author or a moderator (`text` is then empty).
        deleted: bool,
        /// The message it answers, quoted.
        reply_to: Option<Box<Quote>>,
        /// Its author changed it.
        edited: bool,
        reactions: Vec<Reaction>,
    },
    /// Something that happened (joined, left, room deleted…).
    Notice(String),
    /// The answer to a command typed by the user (`#lR`, `#net`…).
    Info(String),
    /// An answer in two columns (`#help`: each command and what it does).
    Table {
        title: String,
        rows: Vec<(String, String)>,
    },
    /// A refused command or request.
    Error(String),
}

/// A private conversation with one user.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Conversation {
    /// The other user's login, as the server spells it.
    pub with: String,
    pub lines: Vec<PrivateLine>,
    /// Messages received since the user last looked at the window.
    pub unread: usize,
    /// Whether its window is shown.
    pub open: bool,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PrivateLine {
    Message {
        id: MessageId,
        mine: bool,
        text: String,
        time_ms: i64,
        /// The file it shares (`text` is then its name).
        file: Option<FileInfo>,
        /// Deleted by its author or a moderator (`text` is then empty).
        deleted: bool,
        reply_to: Option<Box<Quote>>,
        edited: bool,
        reactions: Vec<Reaction>,
    },
    Error(String),
}

/// Everything the chat screen needs once logged in.
#[derive(Debug, Clone, Default)]
pub struct ChatState {
    pub login: String,
    pub default_room: String,
    /// The room the user is in now.
    pub room: String,
    pub rooms: Vec<RoomInfo>,
    pub users: Vec<UserInfo>,
    /// Logs by folded room name: rooms visited during this run keep their lines.
    logs: HashMap<String, Vec<Line>>,
    /// Conversations by folded login.
    pub conversations: BTreeMap<String, Conversation>,
    /// Set when the room and user lists must be read whole (after logging
    /// in, or again after a reconnection); from then on presence events keep
    /// them current.
    pub lists_stale: bool,
    /// The user list has been read once: room counts follow from it.
    users_loaded: bool,
    /// The highest message id received (rooms and privates): a reconnected
    /// client asks for what came after it.
    pub last_seen: MessageId,
    /// Rooms whose older messages can still be loaded: the id to load before.
    older: HashMap<String, MessageId>,
    /// Lines inserted at the top of each room's log so far (the view keeps
    /// its place when older messages arrive).
    prepended: HashMap<String, usize>,
    /// Messages naming this user that arrived while the window was not
    /// looked at (see [`ChatState::seen_everything`]).
    pub unseen_mentions: usize,
    /// A room this user deleted, until the move out of it is told.
    deleted_by_me: Option<String>,
    /// A room whose deletion by this user the move out of it told already:
    /// the reply to the deletion then says nothing more.
    told_deleted: Option<String>,
    /// Roles, mutes, exam mode, announcement rooms.
    pub moderation: Moderation,
    /// The search panel's query and hits.
    pub search: Search,
}

impl ChatState {
    /// `members` may be the first page only; `member_count` counts them all.
    /// `history` is the room's latest messages and whether older ones exist.
    pub fn new(
        login: &str,
        room: &str,
        members: &[String],
        member_count: usize,
        default_room: &str,
        history: (Vec<ChatMessage>, bool),
    ) -> ChatState {
        let mut state = ChatState {
            login: login.to_owned(),
            default_room: default_room.to_owned(),
            room: room.to_owned(),
            lists_stale: true,
            ..ChatState::default()
        };
        state.add_history(room, history.0, history.1, Direction::Entering);
        state.notice(tr_args(
            "notice-welcome",
            &[
                ("login", &login),
                ("room", &room),
                ("people", &people(members, member_count, login)),
            ],
        ));
        state
    }

    /// The current room's log.
    pub fn log(&self) -> &[Line] {
        self.logs.get(&fold(&self.room)).map_or(&[], Vec::as_slice)
    }

    pub fn log_of(&self, room: &str) -> &[Line] {
        self.logs.get(&fold(room)).map_or(&[], Vec::as_slice)
    }

    fn push(&mut self, room: &str, line: Line) {
        self.logs.entry(fold(room)).or_default().push(line);
    }

    /// Adds a notice to the current room's log.
    pub fn notice(&mut self, text: impl Into<String>) {
        let room = self.room.clone();
        self.push(&room, Line::Notice(text.into()));
    }

    /// Adds a notice to a given room's log (e.g. the room being returned to).
    pub fn notice_in(&mut self, room: &str, text: impl Into<String>) {
        self.push(room, Line::Notice(text.into()));
    }

    pub fn info(&mut self, text: impl Into<String>) {
        let room = self.room.clone();
        self.push(&room, Line::Info(text.into()));
    }

    pub fn table(&mut self, title: String, rows: Vec<(String, String)>) {
        let room = self.room.clone();
        self.push(&room, Line::Table { title, rows });
    }

    pub fn error(&mut self, text: impl Into<String>) {
        let room = self.room.clone();
        self.push(&room, Line::Error(text.into()));
    }

    pub fn is_mine(&self, login: &str) -> bool {
        fold(login) == fold(&self.login)
    }

    /// Rooms this user may delete.
    pub fn owns(&self, room: &RoomInfo) -> bool {
        room.creator.as_deref().is_some_and(|c| self.is_mine(c))
    }

    fn enter(&mut self, room: &str) {
        self.room = room.to_owned();
        let me = self.login.clone();
        self.set_presence(&me, Some(room));
    }

    /// Where `login` is now (`None`: offline), as presence events say.
    fn set_presence(&mut self, login: &str, room: Option<&str>) {
        match self
            .users
            .iter_mut()
            .find(|u| fold(&u.login) == fold(login))
        {
            Some(user) => {
                user.online = room.is_some();
                user.room = room.map(str::to_owned);
            }
            // Someone who signed up after the list was read.
            None if room.is_some() && self.users_loaded => {
                self.users.push(UserInfo {
                    login: login.to_owned(),
                    first_names: String::new(),
                    last_names: String::new(),
                    online: true,
                    room: room.map(str::to_owned),
                    role: Default::default(),
                });
                self.users.sort_by_key(|u| fold(&u.login));
            }
            None => {}
        }
        self.recount_rooms();
    }

    /// Each room's count follows from where everyone is (once the user list
    /// was read; until then the counts of the room list stand).
    fn recount_rooms(&mut self) {
        if !self.users_loaded {
            return;
        }
        for room in &mut self.rooms {
            room.members = self
                .users
                .iter()
                .filter(|u| {
                    u.online
                        && u.room
                            .as_deref()
                            .is_some_and(|r| fold(r) == fold(&room.name))
                })
                .count();
        }
    }

    /// `login`'s role, as the people list shows it.
    fn set_role(&mut self, login: &str, role: tertulia_shared::Role) {
        if let Some(user) = self
            .users
            .iter_mut()
            .find(|u| fold(&u.login) == fold(login))
        {
            user.role = role;
        }
    }

    /// A server-pushed event.
    pub fn apply_event(&mut self, event: Event) {
        if self.apply_moderation_event(&event) || self.apply_change_event(&event) {
            return;
        }
        match event {
            Event::Message(message) => {
                let room = message.room.clone();
                self.add_history(&room, vec![message], false, Direction::Newer);
            }
            Event::Private(message) => self.add_private(message),
            Event::Members { room, joined, left } => {
                for (logins, one, many) in [
                    (joined, "notice-joined", "notice-joined-many"),
                    (left, "notice-left", "notice-left-many"),
                ] {
                    let others: Vec<String> =
                        logins.into_iter().filter(|l| !self.is_mine(l)).collect();
                    // A crowd arriving at once is one line, not a screenful.
                    let texts: Vec<String> = if others.len() > 3 {
                        vec![tr_args(many, &[("count", &others.len()), ("room", &room)])]
                    } else {
                        others
                            .iter()
                            .map(|login| tr_args(one, &[("login", login), ("room", &room)]))
                            .collect()
                    };
                    for text in texts {
                        self.push(&room, Line::Notice(text));
                    }
                }
            }
            Event::Presence {
                online,
                moved,
                offline,
            } => {
                for place in online.into_iter().chain(moved) {
                    if self.is_mine(&place.login) {
                        // A role given or taken while online.
                        self.moderation.role = place.role;
                    } else {
                        self.set_presence(&place.login, Some(&place.room));
                    }
                    self.set_role(&place.login, place.role);
                }
                for login in offline {
                    if !self.is_mine(&login) {
                        self.set_presence(&login, None);
                    }
                }
            }
            Event::RoomCreated { room, creator } => {
                if !self.rooms.iter().any(|r| fold(&r.name) == fold(&room)) {
                    self.rooms.push(RoomInfo {
                        name: room.clone(),
                        members: 0,
                        creator: Some(creator.clone()),
                        is_default: false,
                        announce: false,
                    });
                }
                if !self.is_mine(&creator) {
                    self.notice(tr_args(
                        "notice-created",
                        &[("creator", &creator), ("room", &room)],
                    ));
                }
                self.recount_rooms();
            }
            Event::RoomDeleted { room, .. } => {
                let mine = self
                    .rooms
                    .iter()
                    .any(|r| fold(&r.name) == fold(&room) && self.owns(r));
                if mine {
                    self.deleted_by_me = Some(fold(&room));
                }
                self.rooms.retain(|r| fold(&r.name) != fold(&room));
                // Its members are in the default room now.
                let default_room = self.default_room.clone();
                for user in &mut self.users {
                    if user.room.as_deref().is_some_and(|r| fold(r) == fold(&room)) {
                        user.room = Some(default_room.clone());
                    }
                }
                self.recount_rooms();
            }
            Event::MovedToDefault {
                room,
                from_room,
                reason,
            } => {
                let by_me = self.deleted_by_me.take() == Some(fold(&from_room));
                if by_me {
                    self.told_deleted = Some(fold(&from_room));
                }
                self.enter(&room);
                self.notice(match (by_me, reason) {
                    (true, _) => tr_args(
                        "notice-you-deleted-back",
                        &[("room", &from_room), ("home", &room)],
                    ),
                    (false, MoveReason::RoomDeleted) => tr_args(
                        "notice-deleted-back",
                        &[("room", &from_room), ("home", &room)],
                    ),
                    (false, MoveReason::CreatorLeft) => tr_args(
                        "notice-closed-back",
                        &[("room", &from_room), ("home", &room)],
                    ),
                });
            }
            // Told in our own words: the server's sentence is English.
            Event::Shutdown { .. } => self.notice(tr("net-shutting-down")),
            Event::SessionReplaced { .. } => self.notice(tr("notice-session-replaced")),
            Event::Kicked { by, reason, banned } => {
                self.error(crate::i18n::kicked(&by, &reason, banned))
            }
            // Applied above.
            Event::Muted { .. }
            | Event::Unmuted { .. }
            | Event::MessageDeleted { .. }
            | Event::RoomSettings { .. }
            | Event::Exam { .. }
            | Event::MessageEdited { .. }
            | Event::Reactions { .. } => {}
        }
    }

    /// The user is looking at the window: mentions count as seen.
    pub fn seen_everything(&mut self) {
        self.unseen_mentions = 0;
    }

    /// Whether `text` names `login`: the bare login or `@login`, as a
    /// whole word, in any case.
    pub fn mentions(text: &str, login: &str) -> bool {
        let login = fold(login);
        text.split(|c: char| !(c.is_alphanumeric() || c == '_' || c == '-' || c == '.' || c == '@'))
            .map(|word| word.trim_start_matches('@').trim_end_matches('.'))
            .any(|word| !word.is_empty() && fold(word) == login)
    }
}

/// "nobody else", "luis", "luis and eva", "3 others". `members` may be only
/// the first page of a big room; `count` is everyone in it, `me` included.
fn people(members: &[String], count: usize, me: &str) -> String {
    let others: Vec<&String> = members.iter().filter(|m| fold(m) != fold(me)).collect();
    if members.len() < count {
        return tr_args("notice-others", &[("n", &count.saturating_sub(1))]);
    }
    match others.as_slice() {
        [] => tr("notice-nobody"),
        [one] => (*one).clone(),
        [a, b] => tr_args("notice-two", &[("a", a), ("b", b)]),
        many => tr_args("notice-others", &[("n", &many.len())]),
    }
}

#[cfg(test)]
mod tests;
