//! The teacher's hand as this client sees it: its own role, a mute, exam
//! mode, announcement rooms and deleted messages; and, for staff, the
//! answers to their moderation requests. Each fact comes from the server
//! (`logged_in`, replies, pushed events), never from a guess.

use std::collections::HashSet;

use tertulia_shared::validate::fold;
use tertulia_shared::{AuditEntry, Event, Mute, Reply, Role};

use super::ChatState;
#[cfg(test)]
use super::Line;
use crate::i18n::{tr, tr_args};
use crate::ui::clock_time;

/// What `logged_in` says of this account and the class.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Standing {
    pub role: Role,
    pub exam: bool,
    pub muted: Option<Mute>,
    /// The room the user lands in is an announcement room.
    pub announce: bool,
    pub must_change_password: bool,
}

/// The moderation facts the chat screen shows.
#[derive(Debug, Clone, Default)]
pub struct Moderation {
    pub role: Role,
    pub exam: bool,
    pub muted: Option<Mute>,
    /// Announcement rooms, by folded name.
    announce: HashSet<String>,
    /// The password was reset: a new one must be chosen first.
    pub must_change_password: bool,
    /// The audit record read so far (staff), newest first, and whether
    /// older entries exist.
    pub audit: Vec<AuditEntry>,
    pub audit_more: bool,
}

impl Moderation {
    pub fn is_staff(&self) -> bool {
        self.role.is_staff()
    }

    pub fn is_announce(&self, room: &str) -> bool {
        self.announce.contains(&fold(room))
    }

    fn set_announce(&mut self, room: &str, announce: bool) {
        if announce {
            self.announce.insert(fold(room));
        } else {
            self.announce.remove(&fold(room));
        }
    }
}

/// Why the message box of `room` is closed for this user at `now_ms`, in
/// their language; `None` when they may write.
pub fn closed_because(moderation: &Moderation, room: &str, now_ms: i64) -> Option<String> {
    if let Some(mute) = moderation.muted.as_ref().filter(|m| m.until_ms > now_ms) {
        return Some(muted_until(mute));
    }
    if moderation.is_staff() {
        return None;
    }
    if moderation.exam {
        return Some(tr("exam-input-closed"));
    }
    moderation
        .is_announce(room)
        .then(|| tr_args("announce-input-closed", &[("room", &room)]))
}

/// "Estás silenciado hasta las 10:45 (motivo: …)".
pub fn muted_until(mute: &Mute) -> String {
    let until = clock_time(mute.until_ms);
    if mute.reason.trim().is_empty() {
        tr_args("muted-until", &[("until", &until)])
    } else {
        tr_args(
            "muted-until-reason",
            &[("until", &until), ("reason", &mute.reason)],
        )
    }
}

impl ChatState {
    /// What `logged_in` said, on logging in and on every reconnection.
    pub fn apply_standing(&mut self, standing: Standing) {
        let moderation = &mut self.moderation;
        moderation.role = standing.role;
        moderation.exam = standing.exam;
        moderation.muted = standing.muted;
        moderation.must_change_password = standing.must_change_password;
        let room = self.room.clone();
        moderation.set_announce(&room, standing.announce);
        if let Some(mute) = &self.moderation.muted {
            self.error(muted_until(&mute.clone()));
        }
        if self.moderation.exam {
            self.notice(tr("exam-on-notice"));
        }
    }

    /// Whether `room` takes only staff messages (from `joined`, `left`,
    /// the room list, or a `room_settings` event).
    pub fn set_room_announce(&mut self, room: &str, announce: bool) {
        self.moderation.set_announce(room, announce);
        if let Some(info) = self.rooms.iter_mut().find(|r| fold(&r.name) == fold(room)) {
            info.announce = announce;
        }
    }

    /// The moderation events; false for any other event.
    pub(super) fn apply_moderation_event(&mut self, event: &Event) -> bool {
        match event {
            Event::Muted {
                by,
                until_ms,
                reason,
            } => {
                let mute = Mute {
                    until_ms: *until_ms,
                    reason: reason.clone(),
                };
                self.error(format!(
                    "{} {}",
                    tr_args("muted-by", &[("by", by)]),
                    muted_until(&mute)
                ));
                self.moderation.muted = Some(mute);
            }
            Event::Unmuted { by } => {
                self.moderation.muted = None;
                self.notice(tr_args("unmuted-by", &[("by", by)]));
            }
            Event::MessageDeleted { message, .. } => self.mark_deleted(*message),
            Event::RoomSettings { room, announce } => {
                self.set_room_announce(room, *announce);
                let key = if *announce {
                    "announce-on-notice"
                } else {
                    "announce-off-notice"
                };
                let text = tr_args(key, &[("room", room)]);
                let room = room.clone();
                self.notice_in(&room, text);
            }
            Event::Exam { on, by } => {
                self.moderation.exam = *on;
                let key = if *on { "exam-began" } else { "exam-ended" };
                self.notice(tr_args(key, &[("by", by)]));
            }
            _ => return false,
        }
        true
    }

    /// The answers to moderation requests; gives back any other reply.
    pub(super) fn apply_moderation_reply(&mut self, reply: Reply) -> Option<Reply> {
        match reply {
            Reply::MuteSet { login, until_ms } => self.notice(match until_ms {
                Some(until_ms) => tr_args(
                    "notice-muted",
                    &[("login", &login), ("until", &clock_time(until_ms))],
                ),
                None => tr_args("notice-unmuted", &[("login", &login)]),
            }),
            Reply::MessageDeleted { message } => self.mark_deleted(message),
            Reply::RoomSettings { room, announce } => self.set_room_announce(&room, announce),
            Reply::ExamSet { .. } => {}
            Reply::PasswordReset { login, password } => self.info(tr_args(
                "notice-password-reset",
                &[("login", &login), ("password", &password.expose())],
            )),
            Reply::Audit { entries, more } => {
                self.moderation.audit.extend(entries);
                self.moderation.audit_more = more;
            }
            // The file itself arrives as a private message to this user
            // (their notes to self), where it downloads like any file.
            Reply::Exported { room, messages, .. } => self.info(tr_args(
                "notice-exported",
                &[("room", &room), ("count", &messages)],
            )),
            other => return Some(other),
        }
        None
    }
}

#[cfg(test)]
mod tests {
    use tertulia_shared::{ChatMessage, UserPlace};

    use super::*;

    fn state() -> ChatState {
        crate::i18n::set(crate::i18n::Lang::En);
        let luis = ChatMessage {
            edited: false,
            reactions: Vec::new(),
            reply_to: None,
            id: 7,
            room: "lobby".into(),
            from: "luis".into(),
            text: "feo".into(),
            time_ms: 5,
            file: None,
            deleted: false,
        };
        ChatState::new(
            "eva",
            "lobby",
            &["eva".into()],
            1,
            "lobby",
            (vec![luis], false),
        )
    }

    #[test]
    fn the_message_box_closes_for_a_mute_an_exam_and_an_announcement_room() {
        let mut s = state();
        let now = 1_000_000;
        assert_eq!(closed_because(&s.moderation, "lobby", now), None);
        s.apply_event(Event::RoomSettings {
            room: "Lobby".into(),
            announce: true,
        });
        let why = closed_because(&s.moderation, "lobby", now).unwrap();
        assert!(why.contains("Only teachers write in lobby"), "{why}");
        s.apply_event(Event::Exam {
            on: true,
            by: "profe".into(),
        });
        assert!(closed_because(&s.moderation, "dudas", now).is_some());
        // Staff write anyway…
        s.moderation.role = Role::Teacher;
        assert_eq!(closed_because(&s.moderation, "lobby", now), None);
        // …unless muted, and only until the mute ends.
        s.apply_event(Event::Muted {
            by: "ana".into(),
            until_ms: now + 60_000,
            reason: "spam".into(),
        });
        let why = closed_because(&s.moderation, "lobby", now).unwrap();
        assert!(why.contains("(reason: spam)"), "{why}");
        assert_eq!(closed_because(&s.moderation, "lobby", now + 60_001), None);
        s.apply_event(Event::Unmuted { by: "ana".into() });
        assert!(s.moderation.muted.is_none());
    }

    #[test]
    fn a_deleted_message_loses_its_text_wherever_it_is_shown() {
        let mut s = state();
        s.apply_event(Event::MessageDeleted {
            message: 7,
            room: Some("lobby".into()),
            by: "profe".into(),
        });
        let deleted = s.log().iter().find_map(|line| match line {
            Line::Chat {
                id: 7,
                text,
                deleted,
                ..
            } => Some((text.clone(), *deleted)),
            _ => None,
        });
        assert_eq!(deleted, Some((String::new(), true)));
    }

    #[test]
    fn a_role_given_while_online_reaches_the_people_list_and_oneself() {
        let mut s = state();
        s.users = vec![tertulia_shared::UserInfo {
            login: "luis".into(),
            first_names: "Luis".into(),
            last_names: "Gil".into(),
            online: true,
            room: Some("lobby".into()),
            role: Role::Student,
        }];
        s.apply_event(Event::Presence {
            online: Vec::new(),
            moved: vec![
                UserPlace {
                    login: "luis".into(),
                    room: "lobby".into(),
                    role: Role::Teacher,
                },
                UserPlace {
                    login: "EVA".into(),
                    room: "lobby".into(),
                    role: Role::Admin,
                },
            ],
            offline: Vec::new(),
        });
        assert_eq!(s.users[0].role, Role::Teacher);
        assert!(s.moderation.is_staff(), "eva is an admin now");
    }
}
