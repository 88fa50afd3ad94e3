//! Everything that exists only while logged in, and how the answers to its
//! requests are filed: results into the chat state, refused text back into
//! the box it was typed in, history pages fetched on until caught up.

use std::collections::{HashMap, HashSet};

use tertulia_shared::validate::fold;
use tertulia_shared::{ErrorBody, ErrorCode, MessageId, Reply, Request, RequestId};

use crate::net::{Arrival, NetHandle};
use crate::state::{ChatState, Direction, PrivateLine};
use crate::ui::status::LinkStatus;
use crate::ui::widgets::GivenBack;

pub(super) mod text {
    use crate::i18n::tr_args;

    crate::texts! {}

    pub fn back(server: &str) -> String {
        tr_args("session-back", &[("server", &server)])
    }
    pub fn private_to(to: &str, text: &str) -> String {
        tr_args("session-private-to", &[("to", &to), ("text", &text)])
    }
    pub fn queued_for(to: &str) -> String {
        tr_args("session-queued-for", &[("to", &to)])
    }
    pub fn away(count: usize) -> String {
        match count {
            1 => crate::i18n::tr("session-away-one"),
            n => tr_args("session-away-many", &[("count", &n)]),
        }
    }
    pub fn room_gone(room: &str, here: &str) -> String {
        tr_args("session-room-gone", &[("room", &room), ("here", &here)])
    }
}

/// What a request in flight was for, to file its answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum Pending {
    /// Chat text: given back to the input box if refused.
    Say(String),
    /// A private message: its error goes to the conversation, its text back
    /// to the conversation's box.
    Private { to: String, text: String },
    /// Catching up on a room after a reconnection.
    CatchUpRoom(String),
    /// Catching up on private messages after a reconnection.
    CatchUpPrivates,
    /// Older messages of a room, for the user scrolling up.
    Older(String),
    /// Going back to the room the user was in before the link dropped.
    Rejoin {
        room: String,
        /// "Connected again" and the like, told once the user is back in
        /// a room (this one, or the default one if it is gone).
        notices: Vec<String>,
    },
}

#[derive(Debug)]
pub(super) struct ChatSession {
    pub state: ChatState,
    pub server: String,
    pub link: LinkStatus,
    /// Requests typed by the user: their results are printed in the log.
    pub typed: HashSet<RequestId>,
    pub pending: HashMap<RequestId, Pending>,
    /// The server certificate's fingerprint (none in plain text).
    pub fingerprint: Option<String>,
    /// The node of a cluster this connection is served by (`#net`).
    pub node: Option<String>,
    /// The room to return to after a reconnection.
    pub room_before_drop: Option<String>,
    /// The last message id seen before the link dropped: the catch-up
    /// starts after it.
    pub resume_from: Option<MessageId>,
}

impl ChatSession {
    pub fn new(arrival: Arrival, server: String) -> ChatSession {
        let mut state = ChatState::new(
            &arrival.login,
            &arrival.room,
            &arrival.members,
            arrival.member_count,
            &arrival.default_room,
            (arrival.history, arrival.history_more),
        );
        state.apply_standing(arrival.standing.clone());
        if arrival.queued_privates > 0 {
            state.notice(text::away(arrival.queued_privates));
        }
        let encrypted = arrival.encrypted;
        let fingerprint = arrival.fingerprint.clone();
        let node = arrival.node.clone();
        ChatSession {
            state,
            link: LinkStatus::Connected {
                server: server.clone(),
                encrypted,
            },
            server,
            fingerprint,
            node,
            typed: HashSet::new(),
            pending: HashMap::new(),
            room_before_drop: None,
            resume_from: None,
        }
    }

    /// Sends `request`, remembering what it was for.
    pub fn send(&mut self, net: &NetHandle, request: Request, pending: Pending) -> RequestId {
        let id = net.send(request);
        self.pending.insert(id, pending);
        id
    }

    /// Logged in again after the link dropped: back to the room the user
    /// was in, and everything missed meanwhile fetched, in order, once.
    pub fn resume(&mut self, net: &NetHandle, server: &str, arrival: Arrival) {
        self.link = LinkStatus::Connected {
            server: server.to_owned(),
            encrypted: arrival.encrypted,
        };
        self.fingerprint = arrival.fingerprint.clone();
        self.node = arrival.node.clone();
        self.state.room = arrival.room.clone();
        self.state.lists_stale = true;
        self.state.apply_standing(arrival.standing.clone());
        self.state.add_history(
            &arrival.room,
            arrival.history,
            arrival.history_more,
            Direction::Newer,
        );
        let mut notices = vec![text::back(server)];
        if arrival.queued_privates > 0 {
            notices.push(text::away(arrival.queued_privates));
        }
        // Told in the room the user ends up in, not in the one the server
        // put them in for a moment.
        let room = match self.room_before_drop.take() {
            Some(previous) if fold(&previous) != fold(&self.state.default_room) => {
                let request = Request::JoinRoom {
                    room: previous.clone(),
                };
                let pending = Pending::Rejoin {
                    room: previous.clone(),
                    notices,
                };
                self.send(net, request, pending);
                previous
            }
            _ => {
                for notice in notices {
                    self.state.notice(notice);
                }
                arrival.room
            }
        };
        if let Some(after) = self.resume_from.take() {
            self.catch_up_room(net, room, after);
            self.catch_up_privates(net, after);
        }
    }

    fn catch_up_room(&mut self, net: &NetHandle, room: String, after: MessageId) {
        let request = Request::History {
            room: room.clone(),
            before_id: None,
            after_id: Some(after),
        };
        self.send(net, request, Pending::CatchUpRoom(room));
    }

    fn catch_up_privates(&mut self, net: &NetHandle, after: MessageId) {
        let request = Request::PrivateHistory {
            before_id: None,
            after_id: Some(after),
        };
        self.send(net, request, Pending::CatchUpPrivates);
    }

    /// Asks for the messages before the oldest shown in the current room,
    /// unless there are none or they are on their way.
    pub fn load_older(&mut self, net: &NetHandle) {
        let room = self.state.room.clone();
        let Some(before) = self.state.older_before(&room) else {
            return;
        };
        let loading = Pending::Older(room.clone());
        if self.pending.values().any(|p| *p == loading) {
            return;
        }
        let request = Request::History {
            room,
            before_id: (before != MessageId::MAX).then_some(before),
            after_id: None,
        };
        self.send(net, request, loading);
    }

    pub fn on_reply(&mut self, net: &NetHandle, id: RequestId, result: Reply) {
        let typed = self.typed.remove(&id);
        match (self.pending.remove(&id), result) {
            (Some(Pending::CatchUpRoom(room)), Reply::History { messages, more, .. }) => {
                let last = messages.last().map(|m| m.id);
                self.state
                    .add_history(&room, messages, false, Direction::Newer);
                if let (true, Some(last)) = (more, last) {
                    self.catch_up_room(net, room, last);
                }
            }
            (Some(Pending::CatchUpPrivates), Reply::PrivateHistory { messages, more }) => {
                let last = messages.last().map(|m| m.id);
                for message in messages {
                    self.state.add_private(message);
                }
                if let (true, Some(last)) = (more, last) {
                    self.catch_up_privates(net, last);
                }
            }
            (Some(Pending::Rejoin { notices, .. }), result) => {
                self.state.apply_reply(result, typed);
                for notice in notices {
                    self.state.notice(notice);
                }
            }
            (_, result) => {
                if typed && let Reply::PrivateSent { message, queued } = &result {
                    // Typed as #\private: the conversation shows it too.
                    self.state.open_conversation(&message.to);
                    self.state
                        .info(text::private_to(&message.to, &message.text));
                    if *queued {
                        self.state.info(text::queued_for(&message.to));
                    }
                }
                self.state.apply_reply(result, typed);
            }
        }
    }

    /// A request that never left (no connection): said so, and its text,
    /// if any, goes back to where it was typed.
    pub fn on_not_sent(&mut self, id: RequestId) -> Option<GivenBack> {
        let typed = self.typed.remove(&id);
        let said = crate::i18n::tr("net-not-connected");
        match self.pending.remove(&id)? {
            Pending::Say(text) => {
                self.state.error(said);
                Some(GivenBack::Line(text))
            }
            Pending::Private { to, text } => {
                self.state.error(said.clone());
                self.state
                    .conversation(&to)
                    .lines
                    .push(PrivateLine::Error(said));
                Some(match typed {
                    true => GivenBack::Line(format!("#\\private {to} {text}")),
                    false => GivenBack::Draft { to, text },
                })
            }
            // Reading older messages or catching up: done again once back.
            _ => None,
        }
    }

    /// Files a refusal; the refused text, if any, goes back to where it
    /// was typed.
    pub fn on_failed(&mut self, id: Option<RequestId>, error: ErrorBody) -> Option<GivenBack> {
        let typed = id.is_some_and(|id| self.typed.remove(&id));
        let error = ErrorBody {
            message: crate::i18n::error_message(&error),
            ..error
        };
        match id.and_then(|id| self.pending.remove(&id)) {
            Some(Pending::Say(text)) => {
                self.state.error(error.message);
                return Some(GivenBack::Line(text));
            }
            Some(Pending::Private { to, text }) => {
                self.state
                    .conversation(&to)
                    .lines
                    .push(PrivateLine::Error(error.message.clone()));
                if typed {
                    self.state.error(error.message);
                    return Some(GivenBack::Line(format!("#\\private {to} {text}")));
                }
                return Some(GivenBack::Draft { to, text });
            }
            Some(Pending::Rejoin { room, notices }) if error.code == ErrorCode::RoomNotFound => {
                for notice in notices {
                    self.state.notice(notice);
                }
                let here = self.state.room.clone();
                self.state.notice(text::room_gone(&room, &here));
            }
            // The room went away meanwhile: the rejoin says so.
            Some(Pending::CatchUpRoom(_)) if error.code == ErrorCode::RoomNotFound => {}
            _ => self.state.error(error.message),
        }
        None
    }
}
