//! Who came, went and moved, gathered for a moment ([`BATCH_EVERY`]) and
//! then told in one `members` line per room and one `presence` line for
//! everyone, each encoded once. Sending every change to every client the
//! moment it happened cost a line per change per client: a class logging in
//! at once made the server write N² lines. Of several changes of one login
//! within the moment only the outcome is told (see [`Batch::joined`]).

use std::collections::{HashMap, HashSet};
use std::time::Duration;

use bytes::Bytes;
use tertulia_shared::limits::PAGE_BUDGET_BYTES;
use tertulia_shared::{Event, Role, UserPlace};

use super::keys::Key;
use super::remote::{Outgoing, Place};
use crate::page::json_len;
use tertulia_shared::codec::event_line;

/// How long changes gather before they are told.
pub const BATCH_EVERY: Duration = Duration::from_millis(100);

/// The longest they gather while many people come and go at once.
pub const BUSY_BATCH_EVERY: Duration = Duration::from_secs(1);

/// Changes a second (logins whose place changed) past which the moment
/// grows: a school logging in at once, not a class.
const BUSY_CHANGES_PER_SECOND: f64 = 300.0;

/// How long the next moment lasts, after one of `window` that told
/// `changes`. While a crowd keeps arriving, every member of a room would
/// otherwise get a `members` line every 100 ms for as long as the crowd
/// takes to log in: lines in proportion to the crowd times its duration,
/// the crowd's square. The moment doubles (up to [`BUSY_BATCH_EVERY`])
/// while changes come faster than [`BUSY_CHANGES_PER_SECOND`], and is
/// back to [`BATCH_EVERY`] as soon as they do not.
pub fn next_window(window: Duration, changes: usize) -> Duration {
    let rate = changes as f64 / window.as_secs_f64().max(1e-3);
    if rate > BUSY_CHANGES_PER_SECOND {
        (window * 2).min(BUSY_BATCH_EVERY)
    } else {
        BATCH_EVERY
    }
}

/// Where a login was before the moment and is now.
#[derive(Debug)]
struct Presence {
    login: String,
    was_online: bool,
    /// The room's name; `None`: offline.
    now: Option<String>,
    role: Role,
}

/// Logins in the order they came, without repeats.
#[derive(Debug, Default)]
struct Logins {
    order: Vec<String>,
    set: HashSet<String>,
}

impl Logins {
    fn insert(&mut self, login: &str) {
        if self.set.insert(login.to_owned()) {
            self.order.push(login.to_owned());
        }
    }

    /// Removes `login`; false if it was not there.
    fn remove(&mut self, login: &str) -> bool {
        if self.set.remove(login) {
            self.order.retain(|l| l != login);
            true
        } else {
            false
        }
    }
}

#[derive(Debug, Default)]
struct RoomChanges {
    joined: Logins,
    left: Logins,
}

/// The changes of the current moment.
#[derive(Debug, Default)]
pub(super) struct Batch {
    presence: HashMap<Key, Presence>,
    presence_order: Vec<Key>,
    rooms: HashMap<Key, RoomChanges>,
    /// In a cluster: where this node's own people are now, for the other
    /// nodes (see `crate::cluster::presence`); `None` on a single node.
    pub outgoing: Option<Outgoing>,
}

impl Batch {
    /// `clustered`: this node's own changes are also kept for the others.
    pub fn new(clustered: bool) -> Batch {
        Batch {
            outgoing: clustered.then(Outgoing::default),
            ..Batch::default()
        }
    }

    pub fn is_empty(&self) -> bool {
        self.presence.is_empty() && self.rooms.is_empty()
    }

    /// How many logins changed place in the moment.
    pub fn changes(&self) -> usize {
        self.presence.len()
    }

    fn presence(&mut self, key: &str, login: &str, was_online: bool) -> &mut Presence {
        if !self.presence.contains_key(key) {
            self.presence_order.push(key.to_owned());
        }
        self.presence
            .entry(key.to_owned())
            .or_insert_with(|| Presence {
                login: login.to_owned(),
                was_online,
                now: None,
                role: Role::Student,
            })
    }

    /// `login` logged in (`was_online`: it took over its own session).
    pub fn online(&mut self, key: &str, login: &str, room: &str, was_online: bool, role: Role) {
        self.elsewhere(key, login, was_online, Some(room), role);
        self.tell_nodes(key, login, Some(room), role);
    }

    /// `login` changed room, or role (told as a move where it is).
    pub fn moved(&mut self, key: &str, login: &str, room: &str, role: Role) {
        self.elsewhere(key, login, true, Some(room), role);
        self.tell_nodes(key, login, Some(room), role);
    }

    pub fn offline(&mut self, key: &str, login: &str) {
        self.presence(key, login, true).now = None;
        self.tell_nodes(key, login, None, Role::Student);
    }

    /// `login`'s session here ended while they are online in `room` on
    /// another node: a move for this node's clients, a departure for the
    /// other nodes (which keep the newer node's word).
    pub fn left_for_elsewhere(&mut self, key: &str, login: &str, room: &str, role: Role) {
        self.elsewhere(key, login, true, Some(room), role);
        self.tell_nodes(key, login, None, role);
    }

    /// A change told to this node's clients only: one that happened on
    /// another node (`now`: the room, `None` offline).
    pub fn elsewhere(
        &mut self,
        key: &str,
        login: &str,
        was_online: bool,
        now: Option<&str>,
        role: Role,
    ) {
        let change = self.presence(key, login, was_online);
        change.now = now.map(str::to_owned);
        change.role = role;
    }

    fn tell_nodes(&mut self, key: &str, login: &str, room: Option<&str>, role: Role) {
        if let Some(outgoing) = &mut self.outgoing {
            outgoing.record(
                key,
                Place {
                    login: login.to_owned(),
                    room: room.map(str::to_owned),
                    role,
                },
            );
        }
    }

    /// In, out and in again is told as in. In and out is told in both
    /// lists (a client applies `joined` before `left`): the members see
    /// the visit, and one who entered meanwhile, and was given a member
    /// list with that login in it, learns that it left.
    pub fn joined(&mut self, room_key: &str, login: &str) {
        let room = self.rooms.entry(room_key.to_owned()).or_default();
        room.left.remove(login);
        room.joined.insert(login);
    }

    pub fn left(&mut self, room_key: &str, login: &str) {
        self.rooms
            .entry(room_key.to_owned())
            .or_default()
            .left
            .insert(login);
    }

    /// A room deleted meanwhile: nobody is left to tell.
    pub fn forget_room(&mut self, room_key: &str) {
        self.rooms.remove(room_key);
    }

    /// The `members` lines of each room (by key), to send to its members.
    pub fn member_lines(&mut self, name_of: impl Fn(&str) -> Option<String>) -> Vec<(Key, Bytes)> {
        let mut lines = Vec::new();
        for (room_key, changes) in self.rooms.drain() {
            let Some(room) = name_of(&room_key) else {
                continue;
            };
            let (joined, left) = (changes.joined.order, changes.left.order);
            if joined.is_empty() && left.is_empty() {
                continue;
            }
            for (joined, left) in split_pair(joined, left) {
                let event = Event::Members {
                    room: room.clone(),
                    joined,
                    left,
                };
                lines.push((room_key.clone(), event_line(event)));
            }
        }
        lines
    }

    /// The `presence` lines, for every logged-in client.
    pub fn presence_lines(&mut self) -> Vec<Bytes> {
        let (mut online, mut moved, mut offline) = (Vec::new(), Vec::new(), Vec::new());
        for key in self.presence_order.drain(..) {
            let Some(change) = self.presence.remove(&key) else {
                continue;
            };
            match (change.was_online, change.now) {
                (false, Some(room)) => online.push(UserPlace {
                    login: change.login,
                    room,
                    role: change.role,
                }),
                (true, Some(room)) => moved.push(UserPlace {
                    login: change.login,
                    room,
                    role: change.role,
                }),
                // Online and gone within the moment is told as gone: a
                // client may have read the user list meanwhile.
                (_, None) => offline.push(change.login),
            }
        }
        let mut lines = Vec::new();
        let mut event = (Vec::new(), Vec::new(), Vec::new());
        let mut used = 0;
        let mut flush = |event: &mut (Vec<UserPlace>, Vec<UserPlace>, Vec<String>)| {
            let (online, moved, offline) = std::mem::take(event);
            if !(online.is_empty() && moved.is_empty() && offline.is_empty()) {
                lines.push(event_line(Event::Presence {
                    online,
                    moved,
                    offline,
                }));
            }
        };
        let fits = |used: &mut usize, size: usize| {
            *used += size + 1;
            *used <= PAGE_BUDGET_BYTES
        };
        for place in online {
            if !fits(&mut used, json_len(&place).unwrap_or(0)) {
                flush(&mut event);
                used = json_len(&place).unwrap_or(0) + 1;
            }
            event.0.push(place);
        }
        for place in moved {
            if !fits(&mut used, json_len(&place).unwrap_or(0)) {
                flush(&mut event);
                used = json_len(&place).unwrap_or(0) + 1;
            }
            event.1.push(place);
        }
        for login in offline {
            if !fits(&mut used, login.len() + 2) {
                flush(&mut event);
                used = login.len() + 3;
            }
            event.2.push(login);
        }
        flush(&mut event);
        lines
    }
}

/// Joined and left logins cut into pairs of lists that fit a line each.
fn split_pair(joined: Vec<String>, left: Vec<String>) -> Vec<(Vec<String>, Vec<String>)> {
    let mut pairs = Vec::new();
    let mut current = (Vec::new(), Vec::new());
    let mut used = 0;
    let tagged = joined
        .into_iter()
        .map(|l| (true, l))
        .chain(left.into_iter().map(|l| (false, l)));
    for (is_join, login) in tagged {
        let size = login.len() + 3;
        if used + size > PAGE_BUDGET_BYTES {
            pairs.push(std::mem::take(&mut current));
            used = 0;
        }
        used += size;
        if is_join {
            current.0.push(login);
        } else {
            current.1.push(login);
        }
    }
    if !(current.0.is_empty() && current.1.is_empty()) {
        pairs.push(current);
    }
    pairs
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text(lines: &[Bytes]) -> Vec<String> {
        lines
            .iter()
            .map(|l| String::from_utf8_lossy(l).trim().to_owned())
            .collect()
    }

    #[test]
    fn the_moment_grows_while_a_crowd_arrives_and_shrinks_once_it_has() {
        let mut window = BATCH_EVERY;
        // A class (30 at once) is told at the usual pace.
        assert_eq!(next_window(window, 30), BATCH_EVERY);
        // A school: 50 logins every 100 ms, then the same rate on.
        let mut windows = Vec::new();
        for _ in 0..6 {
            let changes = (500.0 * window.as_secs_f64()) as usize;
            window = next_window(window, changes);
            windows.push(window.as_millis());
        }
        assert_eq!(windows, [200, 400, 800, 1000, 1000, 1000]);
        // The crowd is in: back to 100 ms at once.
        assert_eq!(next_window(window, 40), BATCH_EVERY);
    }

    #[test]
    fn only_the_last_change_of_each_login_is_told() {
        let mut batch = Batch::default();
        batch.online("ana", "ana", "lobby", false, Role::Student);
        batch.offline("ana", "ana");
        batch.offline("luis", "luis");
        batch.online("luis", "Luis", "lobby", false, Role::Student);
        batch.online("eva", "eva", "lobby", false, Role::Teacher);
        batch.moved("eva", "eva", "física", Role::Teacher);
        assert_eq!(
            text(&batch.presence_lines()),
            [
                r#"{"type":"event","event":{"type":"presence","online":[{"login":"eva","room":"física","role":"teacher"}],"moved":[{"login":"luis","room":"lobby"}],"offline":["ana"]}}"#
            ]
        );
        batch.joined("lobby", "ana");
        batch.left("lobby", "ana");
        batch.left("lobby", "eva");
        batch.joined("lobby", "eva");
        batch.joined("lobby", "sofia");
        let lines = batch.member_lines(|key| Some(key.to_uppercase()));
        assert_eq!(lines.len(), 1);
        assert_eq!(
            String::from_utf8_lossy(&lines[0].1).trim(),
            r#"{"type":"event","event":{"type":"members","room":"LOBBY","joined":["ana","eva","sofia"],"left":["ana"]}}"#
        );
        assert!(batch.is_empty());
    }

    #[test]
    fn a_class_logging_in_at_once_fits_in_lines_of_the_limit() {
        let mut batch = Batch::default();
        for n in 0..5000 {
            let login = format!("estudiante{n:04}-de-la-clase-de-redes");
            batch.online(&login, &login, "lobby", false, Role::Student);
            batch.joined("lobby", &login);
        }
        let presence = batch.presence_lines();
        let members = batch.member_lines(|_| Some("lobby".into()));
        assert!(presence.len() > 1 && members.len() > 1);
        for line in presence.iter().chain(members.iter().map(|(_, l)| l)) {
            assert!(
                line.len() <= tertulia_shared::limits::MAX_LINE_BYTES,
                "{}",
                line.len()
            );
        }
        let told: usize = presence
            .iter()
            .map(|l| String::from_utf8_lossy(l).matches("\"login\"").count())
            .sum();
        assert_eq!(told, 5000);
    }
}
