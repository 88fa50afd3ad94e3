//! The other nodes of a cluster as this node's hub sees them
//! (docs/SCALING.md): who is online there and in which room, and the rooms
//! made there. Their changes go out to this node's clients with its own
//! batch, so `members`, `presence`, `#lR` counts and `#show users` agree on
//! every node once a batch has crossed.

use std::collections::{HashMap, HashSet};
use std::iter::Peekable;
use std::sync::Arc;

use serde::{Deserialize, Serialize};
use tertulia_shared::codec::event_line;
use tertulia_shared::validate::{fold, room_skeleton};
use tertulia_shared::{Event, MessageId, MoveReason, Role};

use super::Hub;
use super::keys::{Key, room_key};
use super::state::{Room, State};

/// Where a login is now: a room's name, or `None` (offline). What the
/// nodes tell each other of their own people.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Place {
    pub login: String,
    pub room: Option<String>,
    pub role: Role,
}

/// Someone online on another node.
#[derive(Debug)]
pub(super) struct Remote {
    pub node: Arc<str>,
    pub login: String,
    pub room: Key,
    pub role: Role,
}

/// A room of the cluster, as PostgreSQL or another node tells it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SharedRoom {
    pub name: String,
    pub creator_key: String,
    pub creator: String,
    /// The last id stored under its name: where its delivery starts.
    pub last_id: MessageId,
}

/// This node's own changes of the moment, the last one per login, in the
/// order they came.
#[derive(Debug, Default)]
pub(super) struct Outgoing {
    places: HashMap<Key, Place>,
    order: Vec<Key>,
}

impl Outgoing {
    pub(super) fn record(&mut self, key: &str, place: Place) {
        if self.places.insert(key.to_owned(), place).is_none() {
            self.order.push(key.to_owned());
        }
    }

    /// The moment's changes, emptied.
    pub fn take(&mut self) -> Vec<Place> {
        let mut places = std::mem::take(&mut self.places);
        self.order
            .drain(..)
            .filter_map(|key| places.remove(&key))
            .collect()
    }
}

/// Two iterators sorted by key merged into one, each key once (the
/// first's item wins).
pub(super) fn merge_by_key<T>(
    first: impl Iterator<Item = (Key, T)>,
    second: impl Iterator<Item = (Key, T)>,
) -> impl Iterator<Item = (Key, T)> {
    Merge {
        first: first.peekable(),
        second: second.peekable(),
    }
}

struct Merge<A: Iterator, B: Iterator> {
    first: Peekable<A>,
    second: Peekable<B>,
}

impl<T, A, B> Iterator for Merge<A, B>
where
    A: Iterator<Item = (Key, T)>,
    B: Iterator<Item = (Key, T)>,
{
    type Item = (Key, T);

    fn next(&mut self) -> Option<(Key, T)> {
        let order = match (self.first.peek(), self.second.peek()) {
            (Some((a, _)), Some((b, _))) => a.cmp(b),
            (Some(_), None) => std::cmp::Ordering::Less,
            (None, _) => return self.second.next(),
        };
        match order {
            std::cmp::Ordering::Less => self.first.next(),
            std::cmp::Ordering::Greater => self.second.next(),
            std::cmp::Ordering::Equal => {
                self.second.next();
                self.first.next()
            }
        }
    }
}

impl State {
    /// `login` is in room `room` on node `node`.
    fn arrive(&mut self, node: &Arc<str>, login: String, room: &str, role: Role) {
        let key = fold(&login);
        let room_key = room_key(room);
        let here = self.peers.get(&key).map(|p| p.room.clone());
        let before = self.others.insert(
            key.clone(),
            Remote {
                node: node.clone(),
                login: login.clone(),
                room: room_key.clone(),
                role,
            },
        );
        let was_online = before.is_some() || here.is_some();
        let old_room = before.map(|b| b.room);
        if old_room.as_ref() != Some(&room_key) {
            if let Some(old_room) = &old_room {
                self.leave_remote(old_room, &key, &login, here.as_deref());
            }
            if let Some(entered) = self.rooms.get_mut(&room_key) {
                entered.remote.insert(key.clone(), login.clone());
                if here.as_deref() != Some(room_key.as_str()) {
                    self.batch.joined(&room_key, &login);
                }
            }
        }
        // Someone online here too is told as they are here.
        if here.is_none() {
            self.batch
                .elsewhere(&key, &login, was_online, Some(room), role);
        }
    }

    /// `key` went offline on node `node` (nothing if they are now on
    /// another one).
    fn depart(&mut self, node: &str, key: &str) {
        if self.others.get(key).is_none_or(|r| *r.node != *node) {
            return;
        }
        let Some(gone) = self.others.remove(key) else {
            return;
        };
        let here = self.peers.get(key).map(|p| p.room.clone());
        self.leave_remote(&gone.room, key, &gone.login, here.as_deref());
        if here.is_none() {
            self.batch
                .elsewhere(key, &gone.login, true, None, gone.role);
        }
    }

    fn leave_remote(&mut self, room_key: &str, key: &str, login: &str, here: Option<&str>) {
        if let Some(room) = self.rooms.get_mut(room_key)
            && room.remote.remove(key).is_some()
            && here != Some(room_key)
        {
            self.batch.left(room_key, login);
        }
    }

    /// Adds a room of the cluster; false if it is here already.
    fn mirror(&mut self, shared: SharedRoom) -> bool {
        let key = room_key(&shared.name);
        if self.rooms.contains_key(&key) {
            return false;
        }
        let skeleton = room_skeleton(&shared.name);
        let mut room = Room::new(
            &shared.name,
            Some(shared.creator_key),
            skeleton,
            shared.last_id + 1,
        );
        room.delivered = Some(shared.last_id);
        self.generation += 1;
        room.born = self.generation;
        // People told to be in it before the room itself was.
        for (person, remote) in &self.others {
            if remote.room == key {
                room.remote.insert(person.clone(), remote.login.clone());
            }
        }
        self.rooms.insert(key, room);
        let created = event_line(Event::RoomCreated {
            room: shared.name,
            creator: shared.creator,
        });
        for peer in self.peers.values() {
            peer.outbox.push(&created);
        }
        true
    }

    /// How many are in `room`, on this node and the others (one who is
    /// moving between nodes counted once).
    pub fn member_count(room: &Room) -> usize {
        room.members.len()
            + room
                .remote
                .keys()
                .filter(|key| !room.members.contains_key(*key))
                .count()
    }

    /// The login of `key`, online here or elsewhere.
    pub fn login_of(&self, key: &str) -> Option<String> {
        match self.peers.get(key) {
            Some(peer) => Some(peer.login.clone()),
            None => self.others.get(key).map(|r| r.login.clone()),
        }
    }
}

impl Hub {
    /// Applies what node `node` told of its people. With `everyone` (a
    /// snapshot) its people missing from `places` went offline.
    pub fn apply_places(&self, node: &str, places: Vec<Place>, everyone: bool) {
        let node: Arc<str> = node.into();
        let mut state = self.lock();
        if everyone {
            let listed: HashSet<Key> = places.iter().map(|p| fold(&p.login)).collect();
            let gone: Vec<Key> = state
                .others
                .iter()
                .filter(|(key, remote)| remote.node == node && !listed.contains(*key))
                .map(|(key, _)| key.clone())
                .collect();
            for key in gone {
                state.depart(&node, &key);
            }
        }
        for place in places {
            match &place.room {
                Some(room) => state.arrive(&node, place.login, room, place.role),
                None => state.depart(&node, &fold(&place.login)),
            }
        }
    }

    /// Node `node` stopped (or died): its people are offline here.
    /// Returns how many they were.
    pub fn node_gone(&self, node: &str) -> usize {
        let mut state = self.lock();
        let gone: Vec<Key> = state
            .others
            .iter()
            .filter(|(_, remote)| *remote.node == *node)
            .map(|(key, _)| key.clone())
            .collect();
        for key in &gone {
            state.depart(node, key);
        }
        gone.len()
    }

    /// This node's own changes since the last call, for the other nodes;
    /// with `everyone`, where all of its people are instead (a snapshot).
    pub fn take_places(&self, everyone: bool) -> Vec<Place> {
        let mut state = self.lock();
        let changes = state
            .batch
            .outgoing
            .as_mut()
            .map(|outgoing| outgoing.take())
            .unwrap_or_default();
        if !everyone {
            return changes;
        }
        state
            .peers
            .values()
            .map(|peer| Place {
                login: peer.login.clone(),
                room: Some(state.room_name(&peer.room)),
                role: peer.rank.role,
            })
            .collect()
    }

    /// Whether `login` is online, here or on another node.
    pub fn online_anywhere(&self, login: &str) -> bool {
        let key = fold(login);
        let state = self.lock();
        state.peers.contains_key(&key) || state.others.contains_key(&key)
    }

    /// A room made on another node: told to everyone here. False if it
    /// was known.
    pub fn mirror_room(&self, room: SharedRoom) -> bool {
        self.lock().mirror(room)
    }

    /// A room deleted on another node: its members here go to the default
    /// room. False if there was no such room here.
    pub fn drop_room(&self, room_key: &str, reason: MoveReason) -> bool {
        let mut state = self.lock();
        if *room_key == state.default_room || !state.rooms.contains_key(room_key) {
            return false;
        }
        state.remove_room(room_key, reason);
        true
    }

    /// Where the list of rooms stands: read it before reading PostgreSQL's
    /// list, and hand it to [`Hub::reconcile_rooms`].
    pub fn generation(&self) -> u64 {
        self.lock().generation
    }

    /// Makes the rooms here those of `listed` (PostgreSQL's, read after
    /// the hub was at `generation`): adds the missing ones, and removes
    /// those it does not have (a deletion this node missed), except rooms
    /// newer than the list. Returns how many it added and removed.
    pub fn reconcile_rooms(&self, listed: Vec<SharedRoom>, generation: u64) -> (usize, usize) {
        let mut state = self.lock();
        let keys: HashSet<Key> = listed.iter().map(|r| room_key(&r.name)).collect();
        let stale: Vec<Key> = state
            .rooms
            .iter()
            .filter(|(key, room)| {
                room.creator.is_some() && room.born <= generation && !keys.contains(*key)
            })
            .map(|(key, _)| key.clone())
            .collect();
        for key in &stale {
            state.remove_room(key, MoveReason::CreatorLeft);
        }
        let added = listed
            .into_iter()
            .filter(|room| state.mirror(room.clone()))
            .count();
        (added, stale.len())
    }
}
