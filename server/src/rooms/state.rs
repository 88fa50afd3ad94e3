//! The data behind the [`Hub`](super::Hub) lock and the moves that keep it
//! consistent: every change of membership goes through `enter`, `exit` and
//! `delete`, which also tell the people concerned.

use std::collections::{BTreeMap, HashMap, VecDeque};
use std::sync::Arc;

use bytes::Bytes;
use tertulia_shared::limits::PAGE_BUDGET_BYTES;
use tertulia_shared::validate::fold;
use tertulia_shared::{ChatMessage, Event, MessageId, MoveReason, Role, TimestampMs};

use super::batch::Batch;
use super::keys::Key;
use super::moderation::{ClassRules, Rank};
use super::remote::{Remote, merge_by_key};
use crate::history::{Entry, MessageLog};
use crate::outbox::Outbox;
use crate::page;
use tertulia_shared::codec::event_line;

/// `joined` and `logged_in` carry a page of members and the latest
/// messages. The members' page is a classroom's worth (about a hundred
/// logins): every arrival pays for it, so in a crowd of thousands a page
/// of half a line (some two thousand logins) made each login's cost grow
/// with the crowd. Larger rooms page the rest with `list_members`.
pub(super) const JOINED_MEMBERS_BUDGET: usize = 1024;
/// The messages take the rest of the page: as many as fit the line, as
/// PROTOCOL.md promises (a single message of the longest kind included).
const JOINED_HISTORY_BUDGET: usize = PAGE_BUDGET_BYTES - JOINED_MEMBERS_BUDGET;

#[derive(Debug)]
pub(super) struct Peer {
    pub login: String,
    pub room: Key,
    pub outbox: Outbox,
    /// Has read the user list since logging in, and so hears `presence`.
    pub watching: bool,
    /// What the hub checks on every message this peer sends.
    pub rank: Rank,
    /// A newer session of theirs is on another node: their end here is
    /// not a departure from the chat.
    pub replaced_elsewhere: bool,
}

#[derive(Debug)]
pub(super) struct Room {
    pub name: String,
    /// `None` for the default room.
    pub creator: Option<Key>,
    /// What the name looks like (see `validate::room_skeleton`).
    pub skeleton: String,
    /// Sorted by key, so member lists page in login order.
    pub members: BTreeMap<Key, Outbox>,
    /// In a cluster: its members on other nodes, by key, with their logins.
    pub remote: BTreeMap<Key, String>,
    /// The hub's generation when the room came (see `State::generation`).
    pub born: u64,
    /// The latest messages, oldest first, for whoever enters.
    pub recent: VecDeque<Arc<ChatMessage>>,
    /// Older messages than `recent` are stored.
    pub older: bool,
    /// The first id this room's messages can have: a room deleted and
    /// created again does not show the old one's history.
    pub first_id: MessageId,
    /// Only staff may write here (`room_settings`).
    pub announce: bool,
    /// In a cluster: the last id delivered here (`None`: none yet, any
    /// first message starts the chain), and the messages that came before
    /// the one they follow, by the id they follow (see `ordered`).
    pub delivered: Option<MessageId>,
    pub waiting: BTreeMap<MessageId, Arc<ChatMessage>>,
}

impl Room {
    pub fn new(name: &str, creator: Option<Key>, skeleton: String, first_id: MessageId) -> Room {
        Room {
            name: name.to_owned(),
            creator,
            skeleton,
            members: BTreeMap::new(),
            remote: BTreeMap::new(),
            born: 0,
            recent: VecDeque::new(),
            older: false,
            first_id,
            announce: false,
            delivered: None,
            waiting: BTreeMap::new(),
        }
    }

    pub fn deliver(&self, line: &Bytes) {
        for outbox in self.members.values() {
            outbox.push(line);
        }
    }

    /// Keeps `message` among the latest `keep`.
    pub fn remember(&mut self, message: Arc<ChatMessage>, keep: usize) {
        if self.recent.len() >= keep {
            self.recent.pop_front();
            self.older = true;
        }
        if keep > 0 {
            self.recent.push_back(message);
        } else {
            self.older = true;
        }
    }

    /// The latest messages that fit `budget` bytes, oldest first, and
    /// whether older ones exist.
    fn latest(&self, budget: usize) -> (Vec<ChatMessage>, bool) {
        let mut used = 0;
        let mut taken = Vec::new();
        for message in self.recent.iter().rev() {
            let size = page::json_len(&**message).unwrap_or(budget) + 1;
            if used + size > budget {
                return (taken.into_iter().rev().collect(), true);
            }
            used += size;
            taken.push((**message).clone());
        }
        (taken.into_iter().rev().collect(), self.older)
    }
}

/// A room as a client sees it on entering: its name, the first page of its
/// members, how many they are, and where the next page starts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RoomView {
    pub room: String,
    pub members: Vec<String>,
    pub member_count: usize,
    pub members_next: Option<String>,
    /// The room's latest messages, oldest first.
    pub history: Vec<ChatMessage>,
    /// Older messages than `history` are stored.
    pub history_more: bool,
    /// The staff among `members`.
    pub staff: BTreeMap<String, Role>,
    /// Only staff may write here.
    pub announce: bool,
}

impl From<RoomView> for tertulia_shared::Reply {
    /// The `joined` reply that tells a client it is in the room.
    fn from(view: RoomView) -> Self {
        tertulia_shared::Reply::Joined {
            room: view.room,
            members: view.members,
            member_count: view.member_count,
            members_next: view.members_next,
            history: view.history,
            history_more: view.history_more,
            staff: view.staff,
            announce: view.announce,
        }
    }
}

#[derive(Debug)]
pub(super) struct State {
    /// Set once the server is stopping: departures are no longer announced,
    /// which would cost one line per remaining client for each leaving one.
    pub closing: bool,
    pub default_room: Key,
    pub peers: HashMap<Key, Peer>,
    /// Sorted by key, so room lists page in name order.
    pub rooms: BTreeMap<Key, Room>,
    /// Where every message is stored.
    pub log: MessageLog,
    /// The id the next message gets.
    pub next_id: MessageId,
    /// The latest stamp given out: stamps never go back.
    pub last_stamp: TimestampMs,
    /// Messages each room keeps in memory for whoever enters.
    pub history_len: usize,
    /// Who came, went and moved since the last flush.
    pub batch: Batch,
    /// Exam mode, `--privates staff`: see [`ClassRules`].
    pub rules: ClassRules,
    /// In a cluster: the people online on other nodes.
    pub others: HashMap<Key, Remote>,
    /// Counts the rooms that came (made here or told), so that a room
    /// list read from PostgreSQL is only compared with older rooms.
    pub generation: u64,
}

impl State {
    pub fn room_name(&self, room_key: &str) -> String {
        self.rooms
            .get(room_key)
            .map_or_else(|| room_key.to_owned(), |r| r.name.clone())
    }

    /// The id and stamp of the next message: taken under the lock that
    /// also delivers it, so delivery order, id order and stamp order agree.
    pub fn next_stamp(&self) -> (MessageId, TimestampMs) {
        (self.next_id, crate::now_ms().max(self.last_stamp))
    }

    /// Records that the message stamped by `next_stamp` was logged.
    pub fn stamped(&mut self, time_ms: TimestampMs) {
        self.next_id += 1;
        self.last_stamp = time_ms;
    }

    /// The last id given out.
    pub fn last_id(&self) -> MessageId {
        self.next_id.saturating_sub(1)
    }

    /// One page of a room's members' logins, in login order, after `after`.
    pub fn members_page(&self, room: &Room, after: Option<&str>) -> (Vec<String>, Option<Key>) {
        self.members_page_within(room, after, PAGE_BUDGET_BYTES)
    }

    fn members_page_within(
        &self,
        room: &Room,
        after: Option<&str>,
        budget: usize,
    ) -> (Vec<String>, Option<Key>) {
        let start = match after {
            Some(after) => std::ops::Bound::Excluded(fold(after)),
            None => std::ops::Bound::Unbounded,
        };
        let here = room
            .members
            .range((start.clone(), std::ops::Bound::Unbounded))
            .filter_map(|(key, _)| self.peers.get(key).map(|p| (key.clone(), p.login.clone())));
        let elsewhere = room
            .remote
            .range((start, std::ops::Bound::Unbounded))
            .map(|(key, login)| (key.clone(), login.clone()));
        page::fill_within(merge_by_key(here, elsewhere), budget)
    }

    /// The staff among `logins` (online ones, here or on other nodes),
    /// with their roles.
    pub fn staff_among(&self, logins: &[String]) -> BTreeMap<String, Role> {
        logins
            .iter()
            .filter_map(|login| {
                let key = fold(login);
                let role = match self.peers.get(&key) {
                    Some(peer) => peer.rank.role,
                    None => self.others.get(&key)?.role,
                };
                role.is_staff().then(|| (login.clone(), role))
            })
            .collect()
    }

    /// What a client entering `room_key` is told about it.
    pub fn room_view(&self, room_key: &str) -> RoomView {
        let Some(room) = self.rooms.get(room_key) else {
            return RoomView {
                room: room_key.to_owned(),
                members: Vec::new(),
                member_count: 0,
                members_next: None,
                history: Vec::new(),
                history_more: false,
                staff: BTreeMap::new(),
                announce: false,
            };
        };
        let (members, members_next) = self.members_page_within(room, None, JOINED_MEMBERS_BUDGET);
        let (history, history_more) = room.latest(JOINED_HISTORY_BUDGET);
        RoomView {
            room: room.name.clone(),
            staff: self.staff_among(&members),
            members,
            member_count: State::member_count(room),
            members_next,
            history,
            history_more,
            announce: room.announce,
        }
    }

    /// Adds a member to a room; the others hear of it with the next batch.
    pub fn enter(&mut self, key: &str, room_key: &str, login: &str, outbox: Outbox) {
        if let Some(room) = self.rooms.get_mut(room_key) {
            room.members.insert(key.to_owned(), outbox);
            self.batch.joined(room_key, login);
        }
    }

    /// Removes a member from a room; the others hear of it with the next batch.
    pub fn exit(&mut self, key: &str, room_key: &str, login: &str) {
        if let Some(room) = self.rooms.get_mut(room_key)
            && room.members.remove(key).is_some()
        {
            self.batch.left(room_key, login);
        }
    }

    pub fn move_peer(&mut self, key: &str, to_room: &str) {
        let Some(peer) = self.peers.get_mut(key) else {
            return;
        };
        let from_room = std::mem::replace(&mut peer.room, to_room.to_owned());
        let login = peer.login.clone();
        let outbox = peer.outbox.clone();
        self.exit(key, &from_room, &login);
        self.enter(key, to_room, &login, outbox);
        let room = self.room_name(to_room);
        let role = self.peers.get(key).map(|p| p.rank.role).unwrap_or_default();
        self.batch.moved(key, &login, &room, role);
    }

    /// Tells the changes gathered since the last time: each room's
    /// `members` line to its members, the `presence` lines to everyone who
    /// keeps a user list (see [`Peer::watching`]).
    /// Returns how many logins' changes it told.
    pub fn flush_batch(&mut self) -> usize {
        if self.batch.is_empty() {
            return 0;
        }
        let changes = self.batch.changes();
        let rooms = &self.rooms;
        for (room_key, line) in self
            .batch
            .member_lines(|key| rooms.get(key).map(|r| r.name.clone()))
        {
            if let Some(room) = self.rooms.get(&room_key) {
                room.deliver(&line);
            }
        }
        for line in self.batch.presence_lines() {
            for peer in self.peers.values().filter(|peer| peer.watching) {
                peer.outbox.push(&line);
            }
        }
        changes
    }

    /// Rooms `key` created, by key.
    pub fn rooms_created_by(&self, key: &str) -> Vec<Key> {
        self.rooms
            .iter()
            .filter(|(_, room)| room.creator.as_deref() == Some(key))
            .map(|(room_key, _)| room_key.clone())
            .collect()
    }

    /// Removes a room and its history; tells everyone, and moves its
    /// members to the default room.
    pub fn delete(&mut self, room_key: &str, reason: MoveReason) {
        if !self.rooms.contains_key(room_key) {
            return;
        }
        // If the queue is full the history stays until the next start; it
        // can never show in a new room of that name (see `Room::first_id`).
        let _ = self.log.append(Entry::ForgetRoom {
            room_key: room_key.to_owned(),
        });
        self.remove_room(room_key, reason);
    }

    /// Removes a room (whose history is someone else's to forget: another
    /// node deleted it); tells everyone, and moves its members to the
    /// default room. Its members on other nodes are moved by their nodes.
    pub fn remove_room(&mut self, room_key: &str, reason: MoveReason) {
        let Some(room) = self.rooms.remove(room_key) else {
            return;
        };
        self.batch.forget_room(room_key);
        let deleted = event_line(Event::RoomDeleted {
            room: room.name.clone(),
            reason,
        });
        for peer in self.peers.values() {
            peer.outbox.push(&deleted);
        }
        let default_room = self.default_room.clone();
        let moved = event_line(Event::MovedToDefault {
            room: self.room_name(&default_room),
            from_room: room.name.clone(),
            reason,
        });
        for (key, outbox) in room.members {
            outbox.push(&moved);
            let Some(peer) = self.peers.get_mut(&key) else {
                continue;
            };
            peer.room = default_room.clone();
            let login = peer.login.clone();
            self.enter(&key, &default_room, &login, outbox);
        }
    }
}
