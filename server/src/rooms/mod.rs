//! Who is online and which rooms exist: the server's only shared in-memory state.
//!
//! [`Hub`] is a cheap `Clone` handle around one `std::sync::Mutex`. Every method
//! takes the lock for a short, synchronous section (no `.await` inside, so it
//! can never be held across one) and delivers by pushing into bounded
//! per-client queues, so a slow client can never stall the lock or its room:
//! when its queue is full it is kicked instead.
//!
//! Each event is serialized once into a [`Bytes`](bytes::Bytes) line; every
//! recipient gets a clone of the same buffer.

mod batch;
mod changes;
mod keys;
mod lifecycle;
pub use batch::{BATCH_EVERY, next_window};
mod messages;
mod moderation;
mod ordered;
mod remote;
mod state;
#[cfg(test)]
mod tests;
mod told;

use std::collections::{BTreeMap, HashMap};
use std::sync::{Arc, Mutex, MutexGuard};

use tertulia_shared::validate::{fold, room_skeleton};
use tertulia_shared::{ChatMessage, ErrorBody, ErrorCode, Event, MessageId, MoveReason, Role};

use crate::history::{Entry, MessageLog, Resume};
pub use crate::outbox::Outbox;
pub(crate) use keys::room_key;
pub use messages::{Answering, PrivateOutcome};
pub use moderation::{ClassRules, Rank, Seen};
pub use ordered::{Draft, Ordered};
pub use remote::{Place, SharedRoom};
pub use state::RoomView;
use state::{Peer, Room, State};
use tertulia_shared::codec::event_line;
pub use told::Change;

/// A page of a room's members: the room's name, the logins, the staff
/// among them, and where the next page starts.
pub type MemberPage = (String, Vec<String>, BTreeMap<String, Role>, Option<String>);

/// Shared handle to the rooms and the online users.
#[derive(Debug, Clone)]
pub struct Hub {
    state: Arc<Mutex<State>>,
}

fn not_logged_in() -> ErrorBody {
    ErrorBody::new(ErrorCode::NotAuthenticated, "You are not logged in.")
}

fn room_not_found(name: &str) -> ErrorBody {
    ErrorBody::new(
        ErrorCode::RoomNotFound,
        format!("There is no room called {name}. Type #lR to see the rooms."),
    )
}

/// What the hub starts from: the message log, where it stands, how many
/// messages each room keeps in memory, and the default room's latest ones.
#[derive(Debug)]
pub struct Start {
    pub log: MessageLog,
    pub resume: Resume,
    pub history_len: usize,
    /// The default room's latest messages, oldest first, and whether older
    /// ones are stored.
    pub recent: (Vec<ChatMessage>, bool),
    /// Exam mode, `--privates`, and whether the default room is an
    /// announcement room: what the server kept.
    pub rules: ClassRules,
    /// In a cluster: the default room's last stored id, where its
    /// delivery in order starts; and other rooms' history is kept at
    /// start (they may live on another node).
    pub cluster_cursor: Option<MessageId>,
}

impl Hub {
    /// The hub, with only the default room. Rooms do not survive a
    /// restart, so their stored history is forgotten.
    pub fn new(default_room: &str, start: Start) -> Hub {
        let key = room_key(default_room);
        let mut lobby = Room::new(default_room, None, room_skeleton(default_room), 0);
        let (recent, older) = start.recent;
        lobby.recent = recent.into_iter().map(Arc::new).collect();
        lobby.older = older;
        lobby.announce = start.rules.lobby_announce;
        lobby.delivered = start.cluster_cursor;
        if start.cluster_cursor.is_none() {
            let _ = start.log.append(Entry::ForgetRoomsExcept {
                room_key: key.clone(),
            });
        }
        Hub {
            state: Arc::new(Mutex::new(State {
                closing: false,
                default_room: key.clone(),
                peers: HashMap::new(),
                rooms: BTreeMap::from([(key, lobby)]),
                log: start.log,
                next_id: start.resume.next_id,
                last_stamp: start.resume.last_stamp_ms,
                history_len: start.history_len,
                // A cluster's other nodes hear of this one's people.
                batch: batch::Batch::new(start.cluster_cursor.is_some()),
                rules: start.rules,
                others: HashMap::new(),
                generation: 0,
            })),
        }
    }

    /// The last message id given out so far.
    pub fn last_id(&self) -> MessageId {
        self.lock().last_id()
    }

    fn lock(&self) -> MutexGuard<'_, State> {
        // A panic while holding the lock cannot leave the maps half-updated in
        // a way that matters more than stopping the whole server would.
        self.state
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// Puts a freshly authenticated user online, in the default room. If
    /// the account is online on another connection, that session is
    /// replaced: it hears `session_replaced` and closes, while the rooms the
    /// user created stay (the user is still here). Also returns the last
    /// message id given out: private messages after it are delivered live,
    /// those up to it that were queued must be fetched from the log.
    pub fn join_server(
        &self,
        login: &str,
        outbox: Outbox,
        rank: Rank,
    ) -> Result<(RoomView, MessageId), ErrorBody> {
        let key = fold(login);
        let role = rank.role;
        let mut state = self.lock();
        let replaced = state.peers.remove(&key);
        if let Some(old) = &replaced {
            state.exit(&key, &old.room, &old.login);
            old.outbox.replace(&event_line(Event::SessionReplaced {
                message: format!(
                    "{login} logged in from another window or computer; this one is disconnected."
                ),
            }));
        }
        let default_room = state.default_room.clone();
        state.peers.insert(
            key.clone(),
            Peer {
                login: login.to_owned(),
                room: default_room.clone(),
                outbox: outbox.clone(),
                watching: false,
                rank,
                replaced_elsewhere: false,
            },
        );
        state.enter(&key, &default_room, login, outbox);
        // A taken-over session never went offline: others hear of a move
        // (back to the default room) at most.
        let room = state.room_name(&default_room);
        let was_online = replaced.is_some() || state.others.contains_key(&key);
        state.batch.online(&key, login, &room, was_online, role);
        Ok((state.room_view(&default_room), state.last_id()))
    }

    /// Closes `login`'s session, if it is online, after `event` (a
    /// moderator's `kicked`): as a takeover does, its queue ends with the
    /// event and the connection closes; its end then takes them offline
    /// (and deletes the rooms they created). Whether they were online.
    pub fn disconnect(&self, login: &str, event: Event) -> bool {
        let state = self.lock();
        match state.peers.get(&fold(login)) {
            Some(peer) => {
                peer.outbox.replace(&event_line(event));
                true
            }
            None => false,
        }
    }

    /// Tells everyone the arrivals, departures and moves of the last moment
    /// (the server calls it every [`batch::BATCH_EVERY`], or less often
    /// while a crowd arrives: [`batch::next_window`]); returns how many
    /// logins' changes it told.
    pub fn flush_changes(&self) -> usize {
        let mut state = self.lock();
        if state.closing {
            return 0;
        }
        state.flush_batch()
    }

    /// Stops announcing departures: every client is about to get the
    /// shutdown notice instead.
    pub fn begin_shutdown(&self) {
        self.lock().closing = true;
    }

    /// A newer session of `login` on another node of the cluster: this
    /// one closes after `event`, and the rooms they created stay (they are
    /// still online). Whether they were online here.
    pub fn replaced_elsewhere(&self, login: &str, event: Event) -> bool {
        let mut state = self.lock();
        match state.peers.get_mut(&fold(login)) {
            Some(peer) => {
                peer.replaced_elsewhere = true;
                peer.outbox.replace(&event_line(event));
                true
            }
            None => false,
        }
    }

    /// Takes a user offline when the connection with `outbox` ends: leaves
    /// their room and deletes every room they created (at most
    /// `max_rooms_per_user`, so a departure costs each bystander a bounded
    /// number of lines). Nothing happens if another connection has taken
    /// the session over since. Returns the keys of the rooms deleted (in
    /// a cluster, the other nodes are told).
    pub fn leave_server(&self, login: &str, outbox: &Outbox) -> Vec<String> {
        let key = fold(login);
        let mut state = self.lock();
        if !state.peers.get(&key).is_some_and(|p| p.outbox.same(outbox)) {
            return Vec::new();
        }
        let Some(peer) = state.peers.remove(&key) else {
            return Vec::new();
        };
        if state.closing {
            if let Some(room) = state.rooms.get_mut(&peer.room) {
                room.members.remove(&key);
            }
            return Vec::new();
        }
        state.exit(&key, &peer.room, &peer.login);
        // Online on another node still: told here as a move there.
        let elsewhere = state
            .others
            .get(&key)
            .map(|r| (r.login.clone(), r.room.clone(), r.role));
        match elsewhere {
            Some((login, room, role)) => {
                let room = state.room_name(&room);
                state.batch.left_for_elsewhere(&key, &login, &room, role);
            }
            None => state.batch.offline(&key, &peer.login),
        }
        if peer.replaced_elsewhere {
            return Vec::new();
        }
        let created = state.rooms_created_by(&key);
        for room_key in &created {
            state.delete(room_key, MoveReason::CreatorLeft);
        }
        created
    }

    /// From now on `login` hears `presence`: it is reading the user list.
    /// Only clients that keep one are told who comes and goes; a class
    /// of bots logging in at once then costs linear work, not N².
    pub fn watch_presence(&self, login: &str) {
        if let Some(peer) = self.lock().peers.get_mut(&fold(login)) {
            peer.watching = true;
        }
    }

    /// The room each of `logins` is in, `None` for those offline.
    pub fn rooms_of<'a>(&self, logins: impl IntoIterator<Item = &'a str>) -> Vec<Option<String>> {
        let state = self.lock();
        logins
            .into_iter()
            .map(|login| {
                let key = fold(login);
                let room = match state.peers.get(&key) {
                    Some(peer) => &peer.room,
                    None => &state.others.get(&key)?.room,
                };
                Some(state.room_name(room))
            })
            .collect()
    }

    /// Whether rooms made by `login` exist (here or, in a cluster, made
    /// on another node).
    pub fn has_rooms_of(&self, login: &str) -> bool {
        !self.lock().rooms_created_by(&fold(login)).is_empty()
    }

    pub fn online_count(&self) -> usize {
        self.lock().peers.len()
    }
}
