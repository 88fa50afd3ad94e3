//! Messages that changed after they were shown: deleted, edited, reacted
//! to. Each change finds the message by id wherever it is (a room's log or
//! a private conversation) and changes it in place.

use tertulia_shared::{Event, FileInfo, MessageId, Reaction};

use super::{ChatState, Line, PrivateLine};

/// The parts of a shown message that can change.
struct Changeable<'a> {
    text: &'a mut String,
    file: &'a mut Option<FileInfo>,
    deleted: &'a mut bool,
    edited: &'a mut bool,
    reactions: &'a mut Vec<Reaction>,
}

impl ChatState {
    /// The edit and reaction events; false for any other event.
    pub(super) fn apply_change_event(&mut self, event: &Event) -> bool {
        match event {
            Event::MessageEdited { message, text, .. } => {
                self.change(*message, |m| {
                    *m.text = text.clone();
                    *m.edited = true;
                });
            }
            Event::Reactions {
                message, reactions, ..
            } => self.set_reactions(*message, reactions.clone()),
            _ => return false,
        }
        true
    }

    /// Shows message `id` as deleted wherever it is.
    pub fn mark_deleted(&mut self, id: MessageId) {
        self.change(id, |m| {
            m.text.clear();
            *m.file = None;
            m.reactions.clear();
            *m.deleted = true;
        });
    }

    pub fn set_reactions(&mut self, id: MessageId, reactions: Vec<Reaction>) {
        self.change(id, |m| *m.reactions = reactions.clone());
    }

    /// Applies `change` to message `id` in every log and conversation.
    fn change(&mut self, id: MessageId, change: impl Fn(Changeable<'_>)) {
        let in_rooms = self
            .logs
            .values_mut()
            .flatten()
            .filter_map(|line| match line {
                Line::Chat {
                    id: at,
                    text,
                    file,
                    deleted,
                    edited,
                    reactions,
                    ..
                } if *at == id => Some(Changeable {
                    text,
                    file,
                    deleted,
                    edited,
                    reactions,
                }),
                _ => None,
            });
        in_rooms.for_each(&change);
        let lines = self
            .conversations
            .values_mut()
            .flat_map(|c| c.lines.iter_mut());
        let in_privates = lines.filter_map(|line| match line {
            PrivateLine::Message {
                id: at,
                text,
                file,
                deleted,
                edited,
                reactions,
                ..
            } if *at == id => Some(Changeable {
                text,
                file,
                deleted,
                edited,
                reactions,
            }),
            _ => None,
        });
        in_privates.for_each(&change);
    }

    /// The logins of the others online in `room`, for `@` to offer.
    pub fn people_in(&self, room: &str) -> Vec<&str> {
        let room = tertulia_shared::validate::fold(room);
        self.users
            .iter()
            .filter(|u| {
                u.online
                    && !self.is_mine(&u.login)
                    && u.room
                        .as_deref()
                        .is_some_and(|r| tertulia_shared::validate::fold(r) == room)
            })
            .map(|u| u.login.as_str())
            .collect()
    }

    /// The text of this user's latest message in `room` that can be
    /// edited (not deleted, not a file), with its id: what ↑ in the empty
    /// message box edits.
    pub fn last_own_message(&self, room: &str) -> Option<(MessageId, String)> {
        self.log_of(room).iter().rev().find_map(|line| match line {
            Line::Chat {
                id,
                text,
                mine: true,
                deleted: false,
                file: None,
                ..
            } => Some((*id, text.clone())),
            _ => None,
        })
    }
}
