//! A message changed after it was said: deleted, edited, reacted to. The
//! room's latest messages (what whoever enters is shown) take the change,
//! and whoever saw the message hears it, in one line encoded once.

use std::sync::Arc;

use tertulia_shared::codec::event_line;
use tertulia_shared::validate::fold;
use tertulia_shared::{ChatMessage, Event, MessageId, Reaction};

use super::Hub;
use super::moderation::Seen;
use super::state::State;

impl Hub {
    /// Message `id` was deleted by `by` (its author or a moderator).
    pub fn message_deleted(&self, id: MessageId, seen: &Seen, by: &str) {
        let event = |room| Event::MessageDeleted {
            message: id,
            room,
            by: by.to_owned(),
        };
        self.lock().changed(id, seen, event, |message| {
            message.text.clear();
            message.file = None;
            message.reactions.clear();
            message.deleted = true;
        });
    }

    /// Its author changed message `id`'s text.
    pub fn message_edited(&self, id: MessageId, seen: &Seen, text: String) {
        let event = |room| Event::MessageEdited {
            message: id,
            room,
            text: text.clone(),
        };
        self.lock().changed(id, seen, event, |message| {
            message.text = text.clone();
            message.edited = true;
        });
    }

    /// Message `id`'s reactions are now `reactions`.
    pub fn reactions_changed(&self, id: MessageId, seen: &Seen, reactions: Vec<Reaction>) {
        let event = |room| Event::Reactions {
            message: id,
            room,
            reactions: reactions.clone(),
        };
        self.lock().changed(id, seen, event, |message| {
            message.reactions = reactions.clone();
        });
    }

    /// The name of the room whose key is `room_key` (the key itself if the
    /// room is gone).
    pub fn room_name(&self, room_key: &str) -> String {
        self.lock().room_name(room_key)
    }
}

impl State {
    /// Applies `change` to message `id` among its room's latest, and tells
    /// whoever saw it `event` (given the room's name, or `None` for a
    /// private message).
    fn changed(
        &mut self,
        id: MessageId,
        seen: &Seen,
        event: impl Fn(Option<String>) -> Event,
        change: impl Fn(&mut ChatMessage),
    ) {
        match seen {
            Seen::Room { room_key } => {
                // A room deleted since, or a new one of that name: nobody
                // there saw the message.
                let Some(room) = self
                    .rooms
                    .get_mut(room_key)
                    .filter(|room| room.first_id <= id)
                else {
                    return;
                };
                if let Some(kept) = room.recent.iter_mut().find(|m| m.id == id) {
                    let mut changed = (**kept).clone();
                    change(&mut changed);
                    *kept = Arc::new(changed);
                }
                room.deliver(&event_line(event(Some(room.name.clone()))));
            }
            Seen::Private { from, to } => {
                let line = event_line(event(None));
                let both = if fold(from) == fold(to) {
                    &[from][..]
                } else {
                    &[from, to][..]
                };
                for login in both {
                    if let Some(peer) = self.peers.get(&fold(login)) {
                        peer.outbox.push(&line);
                    }
                }
            }
        }
    }
}
