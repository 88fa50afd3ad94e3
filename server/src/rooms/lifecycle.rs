//! Rooms made, entered, left, deleted and listed (`#cR`, `#gR`, `#eR`,
//! `#dR`, `#lR`, a room's members).

use std::ops::Bound;

use tertulia_shared::validate::{fold, room_skeleton};
use tertulia_shared::{ErrorBody, ErrorCode, Event, MessageId, MoveReason, RoomInfo};

use super::state::{Room, RoomView, State};
use super::{Hub, MemberPage, not_logged_in, room_key, room_not_found};
use crate::page;
use tertulia_shared::codec::event_line;

impl Hub {
    /// `#cR`: creates a room owned by `login` and moves them into it. `name`
    /// must be valid and in NFC. Refused when the user already owns
    /// `max_owned` rooms, or when the name is, or looks like, a room's name.
    /// In a cluster the room was claimed in PostgreSQL first, and
    /// `cluster_start` is the last id stored under its name.
    pub fn create_room(
        &self,
        login: &str,
        name: &str,
        max_owned: usize,
        cluster_start: Option<MessageId>,
    ) -> Result<RoomView, ErrorBody> {
        let key = fold(login);
        let room_key = room_key(name);
        let mut state = self.lock();
        if !state.peers.contains_key(&key) {
            return Err(not_logged_in());
        }
        // Claimed by this login in PostgreSQL, and already read from there.
        if cluster_start.is_some()
            && state
                .rooms
                .get(&room_key)
                .is_some_and(|room| room.creator.as_deref() == Some(key.as_str()))
        {
            state.move_peer(&key, &room_key);
            return Ok(state.room_view(&room_key));
        }
        state.may_create(&key, name, max_owned)?;
        let first_id = match cluster_start {
            Some(last_id) => last_id + 1,
            None => state.next_id,
        };
        let mut room = Room::new(name, Some(key.clone()), room_skeleton(name), first_id);
        room.delivered = cluster_start;
        state.generation += 1;
        room.born = state.generation;
        state.rooms.insert(room_key.clone(), room);
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

    /// Refuses a room `key` may not create (see [`Hub::create_room`]),
    /// before a cluster claims its name in PostgreSQL.
    pub fn may_create_room(
        &self,
        login: &str,
        name: &str,
        max_owned: usize,
    ) -> Result<(), ErrorBody> {
        let key = fold(login);
        let state = self.lock();
        if !state.peers.contains_key(&key) {
            return Err(not_logged_in());
        }
        state.may_create(&key, name, max_owned)
    }
}

impl State {
    fn may_create(&self, key: &str, name: &str, max_owned: usize) -> Result<(), ErrorBody> {
        let (state, room_key, skeleton) = (self, room_key(name), room_skeleton(name));
        if let Some(existing) = state
            .rooms
            .get(&room_key)
            .or_else(|| state.rooms.values().find(|r| r.skeleton == skeleton))
        {
            let looks = if fold(&existing.name) == room_key {
                String::new()
            } else {
                format!(" ({name} would look the same)")
            };
            return Err(ErrorBody::new(
                ErrorCode::RoomExists,
                format!(
                    "A room called {} already exists{looks}. Join it with #gR {}.",
                    existing.name, existing.name
                ),
            ));
        }
        let owned = state.rooms_created_by(key).len();
        if owned >= max_owned {
            return Err(ErrorBody::new(
                ErrorCode::TooManyRooms,
                format!(
                    "You already have {owned} rooms; delete one (#dR) before creating another."
                ),
            ));
        }
        Ok(())
    }
}

impl Hub {
    /// `#gR`: moves `login` into an existing room.
    pub fn join_room(&self, login: &str, name: &str) -> Result<RoomView, ErrorBody> {
        let key = fold(login);
        let room_key = room_key(name);
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

    /// `#eR`: back to the default room. Returns it and whether anything changed.
    pub fn leave_room(&self, login: &str) -> Result<(RoomView, bool), ErrorBody> {
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
        Ok((state.room_view(&default_room), changed))
    }

    /// `#dR`: deletes a room its creator names; members go to the default room.
    pub fn delete_room(&self, login: &str, name: &str) -> Result<String, ErrorBody> {
        let key = fold(login);
        let room_key = room_key(name);
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

    /// `#lR`: one page of rooms with their participant counts: the default
    /// room first, then the others by name, starting after the room `after`.
    pub fn list_rooms(&self, after: Option<&str>) -> (Vec<RoomInfo>, Option<String>) {
        let state = self.lock();
        let info = |room: &Room| RoomInfo {
            name: room.name.clone(),
            members: State::member_count(room),
            creator: room
                .creator
                .as_ref()
                .map(|c| state.login_of(c).unwrap_or_else(|| c.clone())),
            is_default: room.creator.is_none(),
            announce: room.announce,
        };
        let default_first = match after {
            None => state.rooms.get(&state.default_room),
            Some(_) => None,
        };
        let start = after.map_or(Bound::Unbounded, |a| Bound::Excluded(room_key(a)));
        let others = state
            .rooms
            .range((start, Bound::Unbounded))
            .filter(|(key, _)| **key != state.default_room);
        let rooms = default_first
            .map(|room| (state.default_room.clone(), room))
            .into_iter()
            .chain(others.map(|(key, room)| (key.clone(), room)))
            .map(|(key, room)| (key, info(room)));
        page::fill(rooms)
    }

    /// One page of the members of the room called `name`, after `after`.
    pub fn list_members(&self, name: &str, after: Option<&str>) -> Result<MemberPage, ErrorBody> {
        let state = self.lock();
        let room = state
            .rooms
            .get(&room_key(name))
            .ok_or_else(|| room_not_found(name))?;
        let (members, next) = state.members_page(room, after);
        let staff = state.staff_among(&members);
        Ok((room.name.clone(), members, staff, next))
    }
}
