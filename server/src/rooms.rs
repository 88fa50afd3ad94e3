//! Who is online and which rooms exist: the server's only shared in-memory state.
//!
//! [`Hub`] is a cheap `Clone` handle around one `std::sync::Mutex`. Every method
//! takes the lock for a short, synchronous section (no `.await` inside, so it
//! can never be held across one) and delivers with `try_send` into bounded
//! per-client queues, so a slow client can never stall the lock or its room:
//! when its queue is full it is kicked instead.
//!
//! Each event is serialized once into a [`Bytes`] line; every recipient gets a
//! clone of the same buffer.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, MutexGuard};

use bytes::Bytes;
use tertulia_shared::codec::encode;
use tertulia_shared::validate::{cmp_logins, fold};
use tertulia_shared::{
    ChatMessage, ErrorBody, ErrorCode, Event, MoveReason, PrivateMessage, RoomInfo, ServerMessage,
};

pub use crate::outbox::Outbox;

/// Logins and room names folded to lower case: the keys they are compared by.
type Key = String;

#[derive(Debug)]
struct Peer {
    login: String,
    room: Key,
    outbox: Outbox,
}

#[derive(Debug)]
struct Room {
    name: String,
    /// `None` for the default room.
    creator: Option<Key>,
    members: HashMap<Key, Outbox>,
}

impl Room {
    fn deliver(&self, line: &Bytes) {
        for outbox in self.members.values() {
            outbox.push(line);
        }
    }
}

#[derive(Debug)]
struct State {
    /// Set once the server is stopping: departures are no longer announced,
    /// which would cost one line per remaining client for each leaving one.
    closing: bool,
    default_room: Key,
    peers: HashMap<Key, Peer>,
    rooms: HashMap<Key, Room>,
}

/// Shared handle to the rooms and the online users.
#[derive(Debug, Clone)]
pub struct Hub {
    state: Arc<Mutex<State>>,
}

fn event_line(event: Event) -> Bytes {
    encode(&ServerMessage::Event { event })
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

impl Hub {
    pub fn new(default_room: &str) -> Hub {
        let key = fold(default_room);
        let lobby = Room {
            name: default_room.to_owned(),
            creator: None,
            members: HashMap::new(),
        };
        Hub {
            state: Arc::new(Mutex::new(State {
                closing: false,
                default_room: key.clone(),
                peers: HashMap::new(),
                rooms: HashMap::from([(key, lobby)]),
            })),
        }
    }

    fn lock(&self) -> MutexGuard<'_, State> {
        // A panic while holding the lock cannot leave the maps half-updated in
        // a way that matters more than stopping the whole server would.
        self.state
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// Puts a freshly authenticated user online, in the default room.
    /// Returns the default room's name and members (the user included).
    pub fn join_server(
        &self,
        login: &str,
        outbox: Outbox,
    ) -> Result<(String, Vec<String>), ErrorBody> {
        let key = fold(login);
        let mut state = self.lock();
        if state.peers.contains_key(&key) {
            return Err(ErrorBody::new(
                ErrorCode::AlreadyConnected,
                format!("{login} is already connected from another window or machine."),
            ));
        }
        let default_room = state.default_room.clone();
        state.peers.insert(
            key.clone(),
            Peer {
                login: login.to_owned(),
                room: default_room.clone(),
                outbox: outbox.clone(),
            },
        );
        state.enter(&key, &default_room, login, outbox);
        Ok(state.room_view(&default_room))
    }

    /// Stops announcing departures: every client is about to get the
    /// shutdown notice instead.
    pub fn begin_shutdown(&self) {
        self.lock().closing = true;
    }

    /// Takes a user offline: leaves their room and deletes every room they created.
    pub fn leave_server(&self, login: &str) {
        let key = fold(login);
        let mut state = self.lock();
        let Some(peer) = state.peers.remove(&key) else {
            return;
        };
        if state.closing {
            if let Some(room) = state.rooms.get_mut(&peer.room) {
                room.members.remove(&key);
            }
            return;
        }
        state.exit(&key, &peer.room, &peer.login);
        let created: Vec<Key> = state
            .rooms
            .iter()
            .filter(|(_, room)| room.creator.as_deref() == Some(key.as_str()))
            .map(|(room_key, _)| room_key.clone())
            .collect();
        for room_key in created {
            state.delete(&room_key, MoveReason::CreatorLeft);
        }
    }

    /// Stamps a room message and delivers it to everyone in the sender's room,
    /// the sender included.
    pub fn say(&self, login: &str, text: String, time_ms: i64) -> Result<ChatMessage, ErrorBody> {
        let key = fold(login);
        let state = self.lock();
        let peer = state.peers.get(&key).ok_or_else(not_logged_in)?;
        let room = state.rooms.get(&peer.room).ok_or_else(not_logged_in)?;
        let message = ChatMessage {
            room: room.name.clone(),
            from: peer.login.clone(),
            text,
            time_ms,
        };
        room.deliver(&event_line(Event::Message(message.clone())));
        Ok(message)
    }

    /// `#cR`: creates a room owned by `login` and moves them into it.
    pub fn create_room(&self, login: &str, name: &str) -> Result<(String, Vec<String>), ErrorBody> {
        let key = fold(login);
        let room_key = fold(name);
        let mut state = self.lock();
        if !state.peers.contains_key(&key) {
            return Err(not_logged_in());
        }
        if let Some(existing) = state.rooms.get(&room_key) {
            return Err(ErrorBody::new(
                ErrorCode::RoomExists,
                format!(
                    "A room called {} already exists. Join it with #gR {}.",
                    existing.name, existing.name
                ),
            ));
        }
        state.rooms.insert(
            room_key.clone(),
            Room {
                name: name.to_owned(),
                creator: Some(key.clone()),
                members: HashMap::new(),
            },
        );
        let created = event_line(Event::RoomCreated {
            room: name.to_owned(),
            creator: login.to_owned(),
        });
        for peer in state.peers.values() {
            peer.outbox.push(&created);
        }
        state.move_peer(&key, &room_key);
        Ok(state.room_view(&room_key))
    }

    /// `#gR`: moves `login` into an existing room.
    pub fn join_room(&self, login: &str, name: &str) -> Result<(String, Vec<String>), ErrorBody> {
        let key = fold(login);
        let room_key = fold(name);
        let mut state = self.lock();
        let current = &state.peers.get(&key).ok_or_else(not_logged_in)?.room;
        let room = state
            .rooms
            .get(&room_key)
            .ok_or_else(|| room_not_found(name))?;
        if *current == room_key {
            return Err(ErrorBody::new(
                ErrorCode::AlreadyInRoom,
                format!("You are already in {}.", room.name),
            ));
        }
        state.move_peer(&key, &room_key);
        Ok(state.room_view(&room_key))
    }

    /// `#eR`: back to the default room. Returns its name and whether anything changed.
    pub fn leave_room(&self, login: &str) -> Result<(String, bool), ErrorBody> {
        let key = fold(login);
        let mut state = self.lock();
        let current = state
            .peers
            .get(&key)
            .ok_or_else(not_logged_in)?
            .room
            .clone();
        let default_room = state.default_room.clone();
        let changed = current != default_room;
        if changed {
            state.move_peer(&key, &default_room);
        }
        Ok((state.room_name(&default_room), changed))
    }

    /// `#dR`: deletes a room its creator names; members go to the default room.
    pub fn delete_room(&self, login: &str, name: &str) -> Result<String, ErrorBody> {
        let key = fold(login);
        let room_key = fold(name);
        let mut state = self.lock();
        if !state.peers.contains_key(&key) {
            return Err(not_logged_in());
        }
        let room = state
            .rooms
            .get(&room_key)
            .ok_or_else(|| room_not_found(name))?;
        let room_name = room.name.clone();
        match &room.creator {
            None => {
                return Err(ErrorBody::new(
                    ErrorCode::CannotDeleteDefaultRoom,
                    format!("{room_name} is the default room; it cannot be deleted."),
                ));
            }
            Some(creator) if *creator != key => {
                return Err(ErrorBody::new(
                    ErrorCode::NotRoomOwner,
                    format!("Only the creator of {room_name} can delete it."),
                ));
            }
            Some(_) => {}
        }
        state.delete(&room_key, MoveReason::RoomDeleted);
        Ok(room_name)
    }

    /// `#lR`: every room with its participant count; the default room first.
    pub fn list_rooms(&self) -> Vec<RoomInfo> {
        let state = self.lock();
        let mut rooms: Vec<RoomInfo> = state
            .rooms
            .values()
            .map(|room| RoomInfo {
                name: room.name.clone(),
                members: room.members.len(),
                creator: room.creator.as_ref().map(|c| {
                    state
                        .peers
                        .get(c)
                        .map_or_else(|| c.clone(), |p| p.login.clone())
                }),
                is_default: room.creator.is_none(),
            })
            .collect();
        rooms.sort_by(|a, b| {
            b.is_default
                .cmp(&a.is_default)
                .then_with(|| fold(&a.name).cmp(&fold(&b.name)))
        });
        rooms
    }

    /// The room of every online user, keyed by folded login.
    pub fn online_rooms(&self) -> HashMap<String, String> {
        let state = self.lock();
        state
            .peers
            .iter()
            .map(|(key, peer)| (key.clone(), state.room_name(&peer.room)))
            .collect()
    }

    /// Delivers a private message if `to` is online; `None` if not.
    pub fn private(
        &self,
        from: &str,
        to: &str,
        text: String,
        time_ms: i64,
    ) -> Option<PrivateMessage> {
        let state = self.lock();
        let recipient = state.peers.get(&fold(to))?;
        let message = PrivateMessage {
            from: from.to_owned(),
            to: recipient.login.clone(),
            text,
            time_ms,
        };
        recipient
            .outbox
            .push(&event_line(Event::Private(message.clone())));
        Some(message)
    }

    pub fn online_count(&self) -> usize {
        self.lock().peers.len()
    }
}

impl State {
    fn room_name(&self, room_key: &str) -> String {
        self.rooms
            .get(room_key)
            .map_or_else(|| room_key.to_owned(), |r| r.name.clone())
    }

    /// A room's name and its members' logins, sorted.
    fn room_view(&self, room_key: &str) -> (String, Vec<String>) {
        let Some(room) = self.rooms.get(room_key) else {
            return (room_key.to_owned(), Vec::new());
        };
        let mut members: Vec<String> = room
            .members
            .keys()
            .filter_map(|k| self.peers.get(k).map(|p| p.login.clone()))
            .collect();
        // Called on every join: sorting must not allocate per comparison.
        members.sort_unstable_by(|a, b| cmp_logins(a, b));
        (room.name.clone(), members)
    }

    /// Adds a member to a room and tells the others.
    fn enter(&mut self, key: &str, room_key: &str, login: &str, outbox: Outbox) {
        if let Some(room) = self.rooms.get_mut(room_key) {
            room.deliver(&event_line(Event::MemberJoined {
                room: room.name.clone(),
                login: login.to_owned(),
            }));
            room.members.insert(key.to_owned(), outbox);
        }
    }

    /// Removes a member from a room and tells the others.
    fn exit(&mut self, key: &str, room_key: &str, login: &str) {
        if let Some(room) = self.rooms.get_mut(room_key)
            && room.members.remove(key).is_some()
        {
            room.deliver(&event_line(Event::MemberLeft {
                room: room.name.clone(),
                login: login.to_owned(),
            }));
        }
    }

    fn move_peer(&mut self, key: &str, to_room: &str) {
        let Some(peer) = self.peers.get_mut(key) else {
            return;
        };
        let from_room = std::mem::replace(&mut peer.room, to_room.to_owned());
        let login = peer.login.clone();
        let outbox = peer.outbox.clone();
        self.exit(key, &from_room, &login);
        self.enter(key, to_room, &login, outbox);
    }

    /// Removes a room; tells everyone, and moves its members to the default room.
    fn delete(&mut self, room_key: &str, reason: MoveReason) {
        let Some(room) = self.rooms.remove(room_key) else {
            return;
        };
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::outbox::{Inbox, channel};
    use tertulia_shared::codec::decode;

    fn drain(rx: &mut Inbox) -> Vec<Event> {
        let mut events = Vec::new();
        let mut lines = Vec::new();
        rx.try_recv_many(&mut lines, usize::MAX);
        for line in lines {
            let text = String::from_utf8_lossy(&line);
            match decode::<ServerMessage>(text.trim_end()) {
                Ok(ServerMessage::Event { event }) => events.push(event),
                other => panic!("not an event: {other:?}"),
            }
        }
        events
    }

    #[test]
    fn a_full_queue_kicks_the_client_instead_of_blocking() {
        let hub = Hub::new("lobby");
        let (slow, _slow_rx) = channel(2);
        let (fast, mut fast_rx) = channel(100);
        hub.join_server("slow", slow.clone()).unwrap();
        hub.join_server("fast", fast).unwrap();
        for i in 0..5 {
            hub.say("fast", format!("m{i}"), 0).unwrap();
        }
        assert!(slow.is_kicked());
        assert_eq!(drain(&mut fast_rx).len(), 5);
    }

    #[test]
    fn one_buffer_is_shared_by_every_recipient() {
        let hub = Hub::new("lobby");
        let (a, mut a_rx) = channel(10);
        let (b, mut b_rx) = channel(10);
        hub.join_server("a", a).unwrap();
        hub.join_server("b", b).unwrap();
        let _ = (drain(&mut a_rx), drain(&mut b_rx));
        hub.say("a", "hola".into(), 1).unwrap();
        let (mut x, mut y) = (Vec::new(), Vec::new());
        a_rx.try_recv_many(&mut x, 1);
        b_rx.try_recv_many(&mut y, 1);
        let (Some(x), Some(y)) = (x.first(), y.first()) else {
            panic!("both should have the message");
        };
        assert_eq!(x.as_ptr(), y.as_ptr(), "same allocation, not a copy");
    }

    #[test]
    fn creator_leaving_moves_members_back_with_a_notice() {
        let hub = Hub::new("lobby");
        let (owner, _owner_rx) = channel(100);
        let (guest, mut guest_rx) = channel(100);
        hub.join_server("owner", owner).unwrap();
        hub.join_server("guest", guest).unwrap();
        hub.create_room("owner", "Física").unwrap();
        hub.join_room("guest", "FÍSICA").unwrap();
        drain(&mut guest_rx);
        hub.leave_server("owner");
        let events = drain(&mut guest_rx);
        assert!(events.contains(&Event::MovedToDefault {
            room: "lobby".into(),
            from_room: "Física".into(),
            reason: MoveReason::CreatorLeft
        }));
        let rooms = hub.list_rooms();
        assert_eq!(rooms.len(), 1);
        assert_eq!((rooms[0].name.as_str(), rooms[0].members), ("lobby", 1));
    }
}
