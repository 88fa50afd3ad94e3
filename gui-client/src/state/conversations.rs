//! The private conversations: one per person, with its window and its
//! unread count.

use tertulia_shared::validate::fold;

use super::{ChatState, Conversation};

impl ChatState {
    /// The conversation with `login`, created if new.
    pub fn conversation(&mut self, login: &str) -> &mut Conversation {
        self.conversations
            .entry(fold(login))
            .or_insert_with(|| Conversation {
                with: login.to_owned(),
                ..Conversation::default()
            })
    }

    /// Opens (or brings back) the window of a conversation.
    pub fn open_conversation(&mut self, login: &str) {
        self.conversation(login).open = true;
    }

    pub fn mark_read(&mut self, login: &str) {
        self.conversation(login).unread = 0;
    }

    pub fn unread_from(&self, login: &str) -> usize {
        self.conversations.get(&fold(login)).map_or(0, |c| c.unread)
    }

    pub fn total_unread(&self) -> usize {
        self.conversations.values().map(|c| c.unread).sum()
    }
}
