//! Messages with ids: live ones, the history a room shows on entering,
//! older pages loaded by scrolling up, and what a reconnected client
//! catches up on. Every message is shown once, in id order, whichever way
//! it arrived.

use tertulia_shared::validate::fold;
use tertulia_shared::{ChatMessage, MessageId, PrivateMessage};

use super::{ChatState, Line, PrivateLine};

/// How a batch of room messages relates to what the log shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Direction {
    /// The latest messages, on entering the room: `more` says older exist.
    Entering,
    /// A page scrolled back to: `more` says still older ones exist.
    Older,
    /// Live messages or a catch-up page: `more` is about newer ones.
    Newer,
}

fn chat_id(line: &Line) -> Option<MessageId> {
    match line {
        Line::Chat { id, .. } => Some(*id),
        _ => None,
    }
}

/// A message shown already takes what may have changed since.
fn refresh(shown: &mut Line, now: Line) {
    if let (
        Line::Chat {
            text,
            file,
            deleted,
            edited,
            reactions,
            ..
        },
        Line::Chat {
            text: new_text,
            file: new_file,
            deleted: new_deleted,
            edited: new_edited,
            reactions: new_reactions,
            ..
        },
    ) = (shown, now)
    {
        *text = new_text;
        *file = new_file;
        *deleted = new_deleted;
        *edited = new_edited;
        *reactions = new_reactions;
    }
}

impl ChatState {
    /// Adds room messages to `room`'s log; those already shown take what
    /// changed since (an edit, a deletion, reactions):
    /// older ones than the log's first go on top, newer ones than its last
    /// at the end.
    pub fn add_history(
        &mut self,
        room: &str,
        messages: Vec<ChatMessage>,
        more: bool,
        direction: Direction,
    ) {
        let key = fold(room);
        let me = fold(&self.login);
        let log = self.logs.entry(key.clone()).or_default();
        let first = log.iter().find_map(chat_id);
        let mut on_top = 0;
        let login = self.login.clone();
        for message in messages {
            self.last_seen = self.last_seen.max(message.id);
            let mine = fold(&message.from) == me;
            let mention = !mine && ChatState::mentions(&message.text, &login);
            if mention && direction == Direction::Newer {
                self.unseen_mentions += 1;
            }
            let line = Line::Chat {
                id: message.id,
                mine,
                mention,
                from: message.from,
                text: message.text,
                time_ms: message.time_ms,
                file: message.file,
                deleted: message.deleted,
                reply_to: message.reply_to,
                edited: message.edited,
                reactions: message.reactions,
            };
            let last = log.iter().rev().find_map(chat_id);
            match (first, last) {
                // The usual case: live, or the first messages of a log.
                (_, None) => log.push(line),
                (_, Some(last)) if message.id > last => log.push(line),
                (Some(first), _) if message.id < first => {
                    log.insert(on_top, line);
                    on_top += 1;
                }
                // In a gap (caught up after a shorter history): after the
                // last older message, unless it is shown already.
                _ => {
                    let at = log
                        .iter()
                        .rposition(|l| chat_id(l).is_some_and(|id| id <= message.id))
                        .unwrap_or(0);
                    if chat_id(&log[at]) != Some(message.id) {
                        log.insert(at + 1, line);
                    } else {
                        // Shown already: as it is now (edited, deleted or
                        // reacted to while this client was away).
                        refresh(&mut log[at], line);
                    }
                }
            }
        }
        if on_top > 0 {
            *self.prepended.entry(key.clone()).or_default() += on_top;
        }
        let oldest = log.iter().find_map(chat_id);
        let knew_older = first.is_some() || self.older.contains_key(&key);
        match direction {
            Direction::Older => match (more, oldest) {
                (true, Some(oldest)) => {
                    self.older.insert(key, oldest);
                }
                _ => {
                    self.older.remove(&key);
                }
            },
            Direction::Entering if !knew_older && more => {
                self.older.insert(key, oldest.unwrap_or(MessageId::MAX));
            }
            Direction::Entering | Direction::Newer => {}
        }
    }

    /// Where older messages of `room` start, if some remain to be loaded.
    pub fn older_before(&self, room: &str) -> Option<MessageId> {
        self.older.get(&fold(room)).copied()
    }

    /// Lines put on top of `room`'s log so far.
    pub fn prepended(&self, room: &str) -> usize {
        self.prepended.get(&fold(room)).copied().unwrap_or(0)
    }

    /// The highest id shown in `room`'s log.
    pub fn last_chat_id(&self, room: &str) -> Option<MessageId> {
        self.log_of(room).iter().rev().find_map(chat_id)
    }

    /// A private message sent or received, live or caught up: filed in its
    /// conversation in id order, once. One received is unread and opens
    /// its window.
    pub fn add_private(&mut self, message: PrivateMessage) {
        self.last_seen = self.last_seen.max(message.id);
        let mine = self.is_mine(&message.from);
        let with = if mine { &message.to } else { &message.from };
        let conversation = self.conversation(&with.clone());
        let id_at = |line: &PrivateLine| match line {
            PrivateLine::Message { id, .. } => Some(*id),
            PrivateLine::Error(_) => None,
        };
        if conversation
            .lines
            .iter()
            .any(|l| id_at(l) == Some(message.id))
        {
            return;
        }
        let newest = conversation.lines.iter().filter_map(id_at).max();
        let at = match newest {
            // The usual case: after everything, error lines included.
            None => conversation.lines.len(),
            Some(newest) if newest < message.id => conversation.lines.len(),
            // Caught up late: after the last older message.
            Some(_) => conversation
                .lines
                .iter()
                .rposition(|l| id_at(l).is_some_and(|id| id < message.id))
                .map_or(0, |i| i + 1),
        };
        conversation.lines.insert(
            at,
            PrivateLine::Message {
                id: message.id,
                mine,
                text: message.text,
                time_ms: message.time_ms,
                file: message.file,
                deleted: message.deleted,
                reply_to: message.reply_to,
                edited: message.edited,
                reactions: message.reactions,
            },
        );
        if !mine {
            conversation.unread += 1;
            conversation.open = true;
        }
    }
}
