//! Messages through the hub: each is stamped (id and time) under the lock
//! that delivers it, queued for the log, and delivered, so delivery order,
//! id order and stamp order agree.

use std::sync::Arc;

use tertulia_shared::codec::message_event;
use tertulia_shared::validate::fold;
use tertulia_shared::{
    ChatMessage, ErrorBody, ErrorCode, Event, FileInfo, MessageId, PrivateMessage, Quote, Role,
};

use super::keys::room_key;
use super::{Hub, not_logged_in, room_not_found};
use crate::history::{Entry, LogFull};
use tertulia_shared::codec::event_line;

fn log_full(_: LogFull) -> ErrorBody {
    ErrorBody::new(
        ErrorCode::Busy,
        "The server is saving messages more slowly than they arrive; try again in a moment.",
    )
    .retry_after(std::time::Duration::from_secs(1))
}

/// A reply's quote, and the room (by key) of the message it answers.
#[derive(Debug)]
pub struct Answering {
    pub room_key: String,
    pub quote: Box<Quote>,
}

/// A reply to a message of another room (or one that came before the
/// room was last created).
pub(super) fn not_here(id: MessageId) -> ErrorBody {
    ErrorBody::new(
        ErrorCode::MessageNotFound,
        format!("Message {id} is not in this room: a reply answers a message of its own room."),
    )
}

/// How a private message went.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PrivateOutcome {
    Delivered(PrivateMessage),
    /// Stored for the recipient's next login.
    Queued(PrivateMessage),
    /// The recipient is offline and not known to be registered: what was
    /// to be sent comes back.
    Offline {
        text: String,
        file: Option<FileInfo>,
        reply_to: Option<Box<Quote>>,
    },
}

impl Hub {
    /// Stamps a room message, queues it for the log and delivers it to
    /// everyone in the sender's room, the sender included.
    /// `reply_to`: the message of the sender's room it answers (checked
    /// here, under the lock, against the room the sender is in).
    pub fn say(
        &self,
        login: &str,
        text: String,
        reply_to: Option<Answering>,
    ) -> Result<Arc<ChatMessage>, ErrorBody> {
        self.post(login, None, text, None, reply_to)
    }

    /// Shares an uploaded file in the room it was offered to (where the
    /// sender was then), as a message whose text is the file's name.
    pub fn share_in_room(
        &self,
        login: &str,
        room_key: &str,
        file: FileInfo,
    ) -> Result<Arc<ChatMessage>, ErrorBody> {
        self.post(login, Some(room_key), file.name.clone(), Some(file), None)
    }

    /// The room `login` is in: its key and its name.
    pub fn room_of(&self, login: &str) -> Result<(String, String), ErrorBody> {
        let state = self.lock();
        let peer = state.peers.get(&fold(login)).ok_or_else(not_logged_in)?;
        let room = state.rooms.get(&peer.room).ok_or_else(not_logged_in)?;
        Ok((peer.room.clone(), room.name.clone()))
    }

    fn post(
        &self,
        login: &str,
        room_key: Option<&str>,
        text: String,
        file: Option<FileInfo>,
        reply_to: Option<Answering>,
    ) -> Result<Arc<ChatMessage>, ErrorBody> {
        let mut guard = self.lock();
        let state = &mut *guard;
        let draft = state.draft(login, room_key, text, file, reply_to)?;
        let (id, time_ms) = state.next_stamp();
        let message = Arc::new(ChatMessage {
            id,
            time_ms,
            ..draft.message
        });
        state
            .log
            .append(Entry::Room {
                room_key: draft.room_key.clone(),
                message: message.clone(),
            })
            .map_err(log_full)?;
        let history_len = state.history_len;
        if let Some(room) = state.rooms.get_mut(&draft.room_key) {
            room.deliver(&message_event(&message));
            room.remember(message.clone(), history_len);
        }
        state.stamped(time_ms);
        Ok(message)
    }

    /// What reading a room's history needs: its key, its name and the
    /// first id its messages can have.
    pub fn history_of(&self, name: &str) -> Result<(String, String, MessageId), ErrorBody> {
        let key = room_key(name);
        let state = self.lock();
        let room = state.rooms.get(&key).ok_or_else(|| room_not_found(name))?;
        Ok((key, room.name.clone(), room.first_id))
    }

    /// Delivers private `message`, queued by another node of a cluster,
    /// if its recipient is online here.
    pub fn deliver_private_here(&self, message: &PrivateMessage) -> bool {
        let state = self.lock();
        let Some(peer) = state.peers.get(&fold(&message.to)) else {
            return false;
        };
        peer.outbox
            .push(&event_line(Event::Private(message.clone())));
        true
    }

    /// Stamps a private message, queues it for the log and delivers it if
    /// `to` is online. If not, and `registered` is the recipient's login as
    /// registered (with their role), it is stored for their next login; otherwise the text
    /// comes back (the caller checks the accounts and tries again).
    pub fn private(
        &self,
        from: &str,
        to: &str,
        text: String,
        registered: Option<(&str, Role)>,
        (file, reply_to): (Option<FileInfo>, Option<Box<Quote>>),
        id: Option<MessageId>,
    ) -> Result<PrivateOutcome, ErrorBody> {
        let mut state = self.lock();
        let recipient = state.peers.get(&fold(to));
        let (to, role) = match (recipient, registered) {
            (Some(peer), _) => (peer.login.clone(), peer.rank.role),
            (None, Some((login, role))) => (login.to_owned(), role),
            (None, None) => {
                return Ok(PrivateOutcome::Offline {
                    text,
                    file,
                    reply_to,
                });
            }
        };
        match state.peers.get(&fold(from)) {
            Some(sender) => sender.rank.may_write_to(role, state.rules)?,
            None => return Err(not_logged_in()),
        }
        // An id given by a cluster's PostgreSQL, or the next of this node.
        let (next, time_ms) = state.next_stamp();
        let id = id.unwrap_or(next);
        let message = PrivateMessage {
            id,
            from: from.to_owned(),
            to,
            text,
            time_ms,
            file,
            deleted: false,
            reply_to,
            edited: false,
            reactions: Vec::new(),
        };
        let pending = recipient.is_none();
        let line = (!pending).then(|| event_line(Event::Private(message.clone())));
        state
            .log
            .append(Entry::Private {
                message: Box::new(message.clone()),
                pending,
            })
            .map_err(log_full)?;
        state.stamped(time_ms);
        state.next_id = state.next_id.max(id + 1);
        match (line, state.peers.get(&fold(&message.to))) {
            (Some(line), Some(peer)) => {
                peer.outbox.push(&line);
                Ok(PrivateOutcome::Delivered(message))
            }
            _ => Ok(PrivateOutcome::Queued(message)),
        }
    }
}
