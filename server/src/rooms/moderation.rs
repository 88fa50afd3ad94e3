//! The teacher's hand on the hub: who may write where ([`Rank`] against
//! the [`ClassRules`] and a room's announcement flag), checked under the
//! lock that delivers each message, and the live side of every moderation
//! (a role, a mute, exam mode, a room's settings, a deleted message).

use chrono::TimeZone;
use tertulia_shared::codec::event_line;
use tertulia_shared::validate::fold;
use tertulia_shared::{ErrorBody, ErrorCode, Event, Mute, Role, TimestampMs};

use super::keys::room_key;
use super::{Hub, room_not_found};

/// Class-wide rules, kept by the server across restarts (`exam`, the
/// default room's flag) or given on its command line (`--privates`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ClassRules {
    /// Students may write only privately, and only to staff.
    pub exam: bool,
    /// `--privates staff`: students may write privately only to staff.
    pub privates_staff: bool,
    /// The default room is an announcement room.
    pub lobby_announce: bool,
}

/// What the hub checks on every message a logged-in person sends.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Rank {
    pub role: Role,
    pub muted: Option<Mute>,
}

impl Rank {
    /// Refuses everything while a mute lasts.
    fn check_muted(&self, now_ms: TimestampMs) -> Result<(), ErrorBody> {
        match &self.muted {
            Some(mute) if mute.until_ms > now_ms => Err(muted(mute)),
            _ => Ok(()),
        }
    }

    /// A message or a file in a room (`announce`: an announcement room).
    pub(super) fn may_post(
        &self,
        room: &str,
        announce: bool,
        rules: ClassRules,
    ) -> Result<(), ErrorBody> {
        self.check_muted(crate::now_ms())?;
        if self.role.is_staff() {
            return Ok(());
        }
        if rules.exam {
            return Err(chat_closed());
        }
        if announce {
            return Err(ErrorBody::new(
                ErrorCode::ReadOnly,
                format!("Only teachers and admins can write in {room}."),
            ));
        }
        Ok(())
    }

    /// A private message or file to someone whose role is `to`.
    pub(super) fn may_write_to(&self, to: Role, rules: ClassRules) -> Result<(), ErrorBody> {
        self.check_muted(crate::now_ms())?;
        if self.role.is_staff() || to.is_staff() {
            return Ok(());
        }
        if rules.exam {
            return Err(chat_closed());
        }
        if rules.privates_staff {
            return Err(ErrorBody::new(
                ErrorCode::Forbidden,
                "On this server students write privately only to teachers and admins.",
            ));
        }
        Ok(())
    }
}

/// Refused while muted: until when, and why.
fn muted(mute: &Mute) -> ErrorBody {
    let until = chrono::Local
        .timestamp_millis_opt(mute.until_ms)
        .single()
        .map_or_else(String::new, |t| t.format(" until %H:%M").to_string());
    ErrorBody::new(
        ErrorCode::Muted,
        format!("You are muted{until}: {}", mute.reason),
    )
    .retry_after(std::time::Duration::from_millis(
        u64::try_from(mute.until_ms - crate::now_ms()).unwrap_or(0),
    ))
    .with_reason(&mute.reason)
}

fn chat_closed() -> ErrorBody {
    ErrorBody::new(
        ErrorCode::ChatClosed,
        "The chat is closed for an exam: you can write privately to teachers and admins only.",
    )
}

/// Where a message was, to tell the people who saw it of a change.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(tag = "where", rename_all = "snake_case")]
pub enum Seen {
    Room { room_key: String },
    Private { from: String, to: String },
}

impl Seen {
    pub fn of(found: crate::history::Found) -> Seen {
        match found.room_key {
            Some(room_key) => Seen::Room { room_key },
            None => Seen::Private {
                from: found.from,
                to: found.to.unwrap_or_default(),
            },
        }
    }
}

impl Hub {
    /// The role of `login` if online.
    pub fn role_of(&self, login: &str) -> Option<Role> {
        self.lock().peers.get(&fold(login)).map(|p| p.rank.role)
    }

    /// Refuses a file share before its upload when the message that
    /// shares it would be refused: in `login`'s room, or to someone whose
    /// role is `to`.
    pub fn check_share(&self, login: &str, to: Option<Role>) -> Result<(), ErrorBody> {
        let state = self.lock();
        let peer = state
            .peers
            .get(&fold(login))
            .ok_or_else(super::not_logged_in)?;
        match to {
            Some(role) => peer.rank.may_write_to(role, state.rules),
            None => {
                let room = state
                    .rooms
                    .get(&peer.room)
                    .ok_or_else(super::not_logged_in)?;
                peer.rank.may_post(&room.name, room.announce, state.rules)
            }
        }
    }

    /// Refuses while `login` is muted (an edit is a message too).
    pub fn check_not_muted(&self, login: &str) -> Result<(), ErrorBody> {
        let state = self.lock();
        match state.peers.get(&fold(login)) {
            Some(peer) => peer.rank.check_muted(crate::now_ms()),
            None => Err(super::not_logged_in()),
        }
    }

    /// Whether exam mode is on.
    pub fn exam(&self) -> bool {
        self.lock().rules.exam
    }

    /// A new role for `login`: if online, it applies at once and everyone
    /// who keeps a user list hears it with the next presence batch.
    pub fn set_role(&self, login: &str, role: Role) {
        let key = fold(login);
        let mut guard = self.lock();
        let state = &mut *guard;
        let Some(peer) = state.peers.get_mut(&key) else {
            return;
        };
        peer.rank.role = role;
        let (login, room) = (peer.login.clone(), peer.room.clone());
        let room = state.room_name(&room);
        state.batch.moved(&key, &login, &room, role);
    }

    /// A mute (or its end, `None`) for `login`, told to them with `event`;
    /// whether they were online.
    pub fn set_mute(&self, login: &str, mute: Option<Mute>, event: Event) -> bool {
        let mut state = self.lock();
        let Some(peer) = state.peers.get_mut(&fold(login)) else {
            return false;
        };
        peer.rank.muted = mute;
        peer.outbox.push(&event_line(event));
        true
    }

    /// Opens or ends exam mode and tells everyone online.
    pub fn set_exam(&self, on: bool, by: &str) {
        let mut state = self.lock();
        state.rules.exam = on;
        let line = event_line(Event::Exam {
            on,
            by: by.to_owned(),
        });
        for peer in state.peers.values() {
            peer.outbox.push(&line);
        }
    }

    /// Makes `room` an announcement room or an ordinary one, and tells
    /// everyone online. Returns its name and whether it is the default room.
    pub fn set_announce(&self, room: &str, announce: bool) -> Result<(String, bool), ErrorBody> {
        let key = room_key(room);
        let mut state = self.lock();
        let is_default = key == state.default_room;
        let target = state
            .rooms
            .get_mut(&key)
            .ok_or_else(|| room_not_found(room))?;
        target.announce = announce;
        let name = target.name.clone();
        if is_default {
            state.rules.lobby_announce = announce;
        }
        let line = event_line(Event::RoomSettings {
            room: name.clone(),
            announce,
        });
        for peer in state.peers.values() {
            peer.outbox.push(&line);
        }
        Ok((name, is_default))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rank(role: Role, muted_for_ms: Option<i64>) -> Rank {
        Rank {
            role,
            muted: muted_for_ms.map(|ms| Mute {
                until_ms: crate::now_ms() + ms,
                reason: "spam".into(),
            }),
        }
    }

    fn refusal(result: Result<(), ErrorBody>) -> Option<ErrorCode> {
        result.err().map(|e| e.code)
    }

    #[test]
    fn a_mute_holds_until_its_end_and_not_after() {
        let open = ClassRules::default();
        let muted = rank(Role::Student, Some(60_000));
        assert_eq!(
            refusal(muted.may_post("lobby", false, open)),
            Some(ErrorCode::Muted)
        );
        assert_eq!(
            refusal(muted.may_write_to(Role::Teacher, open)),
            Some(ErrorCode::Muted)
        );
        // Ended a moment ago: nothing to lift, it simply no longer counts.
        let ended = rank(Role::Student, Some(-1));
        assert_eq!(refusal(ended.may_post("lobby", false, open)), None);
        // A muted teacher is muted too.
        let teacher = rank(Role::Teacher, Some(60_000));
        assert_eq!(
            refusal(teacher.may_post("lobby", true, open)),
            Some(ErrorCode::Muted)
        );
    }

    #[test]
    fn who_may_write_where_during_an_exam_and_with_privates_for_staff() {
        let exam = ClassRules {
            exam: true,
            ..ClassRules::default()
        };
        let staff_only = ClassRules {
            privates_staff: true,
            ..ClassRules::default()
        };
        let student = rank(Role::Student, None);
        let teacher = rank(Role::Teacher, None);
        assert_eq!(
            refusal(student.may_post("lobby", false, exam)),
            Some(ErrorCode::ChatClosed)
        );
        assert_eq!(
            refusal(student.may_write_to(Role::Student, exam)),
            Some(ErrorCode::ChatClosed)
        );
        assert_eq!(refusal(student.may_write_to(Role::Admin, exam)), None);
        assert_eq!(refusal(teacher.may_post("lobby", true, exam)), None);
        assert_eq!(refusal(teacher.may_write_to(Role::Student, exam)), None);
        assert_eq!(
            refusal(student.may_write_to(Role::Student, staff_only)),
            Some(ErrorCode::Forbidden)
        );
        assert_eq!(
            refusal(student.may_write_to(Role::Teacher, staff_only)),
            None
        );
        assert_eq!(
            refusal(student.may_post("avisos", true, ClassRules::default())),
            Some(ErrorCode::ReadOnly)
        );
    }
}
