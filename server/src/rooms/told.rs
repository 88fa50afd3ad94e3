//! Changes a node of a cluster tells the others (docs/SCALING.md), each
//! of which applies it to its own people as it would its own: a message
//! edited, deleted or reacted to, and a moderator's kick, mute, role, exam
//! mode or announcement room. The node where the change was asked applies
//! it first and answers; the others apply it when NATS brings it.

use serde::{Deserialize, Serialize};
use tertulia_shared::{Event, MessageId, Mute, Reaction, Role};

use super::Hub;
use super::moderation::Seen;

/// One change, as NATS carries it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "change", rename_all = "snake_case")]
pub enum Change {
    MessageDeleted {
        id: MessageId,
        seen: Seen,
        by: String,
    },
    MessageEdited {
        id: MessageId,
        seen: Seen,
        text: String,
    },
    Reactions {
        id: MessageId,
        seen: Seen,
        reactions: Vec<Reaction>,
    },
    /// A kick or a ban: the session closes after `event`.
    Disconnect {
        login: String,
        event: Event,
    },
    Mute {
        login: String,
        mute: Option<Mute>,
        event: Event,
    },
    Role {
        login: String,
        role: Role,
    },
    Exam {
        on: bool,
        by: String,
    },
    Announce {
        room: String,
        announce: bool,
    },
}

impl Hub {
    /// Applies a change another node told to this node's people.
    pub fn apply(&self, change: Change) {
        match change {
            Change::MessageDeleted { id, seen, by } => self.message_deleted(id, &seen, &by),
            Change::MessageEdited { id, seen, text } => self.message_edited(id, &seen, text),
            Change::Reactions {
                id,
                seen,
                reactions,
            } => self.reactions_changed(id, &seen, reactions),
            Change::Disconnect { login, event } => {
                self.disconnect(&login, event);
            }
            Change::Mute { login, mute, event } => {
                self.set_mute(&login, mute, event);
            }
            Change::Role { login, role } => self.set_role(&login, role),
            Change::Exam { on, by } => self.set_exam(on, &by),
            Change::Announce { room, announce } => {
                // A room deleted meanwhile has nobody left to tell.
                let _ = self.set_announce(&room, announce);
            }
        }
    }
}
