//! Room messages stored before they are delivered (several nodes, see
//! docs/SCALING.md): PostgreSQL gives each its id, its stamp and the id of
//! the message before it in its room, and every node delivers a room's
//! messages in that chain's order, whatever order NATS brings them in. A
//! message whose predecessor has not been delivered waits, and the caller
//! reads what is missing from the log; one already delivered is dropped.

use std::sync::Arc;

use tertulia_shared::codec::message_event;
use tertulia_shared::validate::fold;
use tertulia_shared::{ChatMessage, ErrorBody, FileInfo, MessageId};

use super::messages::not_here;
use super::state::State;
use super::{Answering, Hub, not_logged_in, room_not_found};

/// Messages waiting for their predecessor, per room, at most; past this
/// they are dropped and read again from the log.
const MAX_WAITING: usize = 1024;

/// A room message checked (sender, room, who may write there, the reply's
/// room) but not stored: its id and stamp are 0 until it is.
#[derive(Debug, Clone)]
pub struct Draft {
    pub room_key: String,
    pub message: ChatMessage,
}

/// What became of a stored message handed to [`Hub::deliver_ordered`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Ordered {
    /// Delivered (with whatever was waiting for it).
    Delivered,
    /// Already delivered, or of an older room of the same name.
    Dropped,
    /// No such room on this node: nobody here to tell.
    NotHere,
    /// Its predecessor is missing: it waits, and the messages after
    /// `after` are to be read from the log.
    Gap { after: MessageId },
}

impl State {
    /// Checks a room message of `login` (to `room_key`, or their room).
    pub(super) fn draft(
        &self,
        login: &str,
        room_key: Option<&str>,
        text: String,
        file: Option<FileInfo>,
        reply_to: Option<Answering>,
    ) -> Result<Draft, ErrorBody> {
        let peer = self.peers.get(&fold(login)).ok_or_else(not_logged_in)?;
        let room_key = room_key.unwrap_or(&peer.room).to_owned();
        let Some(room) = self.rooms.get(&room_key) else {
            return Err(room_not_found(&room_key));
        };
        peer.rank.may_post(&room.name, room.announce, self.rules)?;
        let reply_to = match reply_to {
            Some(answering)
                if answering.room_key != room_key || answering.quote.id < room.first_id =>
            {
                return Err(not_here(answering.quote.id));
            }
            Some(answering) => Some(answering.quote),
            None => None,
        };
        let message = ChatMessage {
            id: 0,
            room: room.name.clone(),
            from: peer.login.clone(),
            text,
            time_ms: 0,
            file,
            deleted: false,
            reply_to,
            edited: false,
            reactions: Vec::new(),
        };
        Ok(Draft { room_key, message })
    }

    /// Delivers a stored message to the room's members on this node and
    /// keeps it among the room's latest; ids given out here stay above it.
    fn deliver_now(&mut self, room_key: &str, message: Arc<ChatMessage>) {
        self.next_id = self.next_id.max(message.id + 1);
        self.log.stored_elsewhere(message.id);
        self.last_stamp = self.last_stamp.max(message.time_ms);
        let history_len = self.history_len;
        if let Some(room) = self.rooms.get_mut(room_key) {
            room.deliver(&message_event(&message));
            room.delivered = Some(message.id);
            room.remember(message, history_len);
        }
    }
}

impl Hub {
    /// [`State::draft`], under the lock.
    pub fn draft(
        &self,
        login: &str,
        room_key: Option<&str>,
        text: String,
        file: Option<FileInfo>,
        reply_to: Option<Answering>,
    ) -> Result<Draft, ErrorBody> {
        self.lock().draft(login, room_key, text, file, reply_to)
    }

    /// Delivers stored message `message` of room `room_key`, which follows
    /// message `prev_id` there (0: the room's first), in its room's order.
    pub fn deliver_ordered(
        &self,
        room_key: &str,
        prev_id: MessageId,
        message: Arc<ChatMessage>,
    ) -> Ordered {
        let mut state = self.lock();
        let Some(room) = state.rooms.get_mut(room_key) else {
            return Ordered::NotHere;
        };
        if message.id < room.first_id {
            return Ordered::Dropped;
        }
        match room.delivered {
            Some(delivered) if message.id <= delivered => return Ordered::Dropped,
            Some(delivered) if prev_id != delivered => {
                if room.waiting.len() >= MAX_WAITING {
                    room.waiting.clear();
                }
                room.waiting.insert(prev_id, message);
                return Ordered::Gap { after: delivered };
            }
            _ => {}
        }
        let mut next = Some(message);
        while let Some(message) = next {
            let id = message.id;
            state.deliver_now(room_key, message);
            next = state
                .rooms
                .get_mut(room_key)
                .and_then(|room| room.waiting.remove(&id));
        }
        if let Some(room) = state.rooms.get_mut(room_key)
            && let Some(delivered) = room.delivered
        {
            room.waiting.retain(|_, waiting| waiting.id > delivered);
        }
        Ordered::Delivered
    }

    /// Room `room_key` on this node: its name, its first id and the last
    /// id delivered in it (what to read after when NATS was away).
    pub fn delivery_cursor(
        &self,
        room_key: &str,
    ) -> Option<(String, MessageId, Option<MessageId>)> {
        let state = self.lock();
        let room = state.rooms.get(room_key)?;
        Some((room.name.clone(), room.first_id, room.delivered))
    }

    /// A room created on this node delivers from `last_id` (the last id
    /// stored under its name), unless it already started.
    pub fn start_delivery(&self, room_key: &str, last_id: MessageId) {
        if let Some(room) = self.lock().rooms.get_mut(room_key) {
            room.delivered.get_or_insert(last_id);
        }
    }
}
