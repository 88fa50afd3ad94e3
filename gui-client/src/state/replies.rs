//! The answers to our own requests: what each does to the chat screen.

use tertulia_shared::Reply;
use tertulia_shared::validate::fold;

use super::{ChatState, Direction, people};
use crate::i18n::{tr, tr_args};

impl ChatState {
    /// The answer to one of our requests. `typed` is true when the user typed
    /// the command, so its result is shown in the log.
    pub fn apply_reply(&mut self, reply: Reply, typed: bool) {
        let Some(reply) = self.apply_moderation_reply(reply) else {
            return;
        };
        match reply {
            // The network thread and the app keep the new token.
            Reply::PasswordChanged { .. } => {
                self.moderation.must_change_password = false;
                self.notice(tr("notice-password-changed"));
            }
            Reply::Kicked { login } => {
                self.notice(tr_args("notice-you-kicked", &[("login", &login)]));
            }
            Reply::BanSet { login, banned } => {
                let key = if banned {
                    "notice-banned"
                } else {
                    "notice-unbanned"
                };
                self.notice(tr_args(key, &[("login", &login)]));
            }
            Reply::RoleSet { login, role } => {
                let role = tr(&format!("role-{}", role.as_str()));
                self.notice(tr_args(
                    "notice-role-set",
                    &[("login", &login), ("role", &role)],
                ));
            }
            Reply::Joined {
                room,
                members,
                member_count,
                history,
                history_more,
                announce,
                ..
            } => {
                self.add_history(&room, history, history_more, Direction::Entering);
                self.enter(&room);
                self.set_room_announce(&room, announce);
                let people = people(&members, member_count, &self.login.clone());
                self.notice(tr_args(
                    "notice-you-are-in",
                    &[("room", &room), ("people", &people)],
                ));
            }
            Reply::Left {
                room,
                changed,
                history,
                history_more,
                announce,
            } => {
                self.set_room_announce(&room, announce);
                if changed {
                    self.add_history(&room, history, history_more, Direction::Entering);
                    self.enter(&room);
                    self.notice(tr_args("notice-back-in", &[("room", &room)]));
                } else {
                    self.notice(tr_args("notice-already-in", &[("room", &room)]));
                }
            }
            Reply::RoomList { rooms, .. } => {
                if typed {
                    let lines: Vec<String> = rooms
                        .iter()
                        .map(|r| {
                            let owner = r.creator.as_ref().map_or_else(
                                || tr("notice-default-room"),
                                |c| tr_args("notice-by", &[("creator", c)]),
                            );
                            format!("  {} — {} {owner}", r.name, count(r.members))
                        })
                        .collect();
                    self.info(format!("{}\n{}", tr("notice-rooms"), lines.join("\n")));
                }
                for room in &rooms {
                    self.set_room_announce(&room.name, room.announce);
                }
                self.rooms = rooms;
                self.recount_rooms();
            }
            Reply::UserList { users, .. } => {
                if typed {
                    let lines: Vec<String> = users
                        .iter()
                        .map(|u| {
                            let place = match (&u.room, u.online) {
                                (Some(room), true) => {
                                    tr_args("notice-online-in", &[("room", room)])
                                }
                                _ => tr("notice-offline"),
                            };
                            format!(
                                "  {} ({} {}) — {place}",
                                u.login, u.first_names, u.last_names
                            )
                        })
                        .collect();
                    self.info(format!("{}\n{}", tr("notice-users"), lines.join("\n")));
                }
                self.users = users;
                self.users_loaded = true;
                self.recount_rooms();
            }
            Reply::RoomDeleted { room } => {
                self.rooms.retain(|r| fold(&r.name) != fold(&room));
                // From inside the room, the move already said so.
                if self.told_deleted.take() != Some(fold(&room)) {
                    self.notice(tr_args("notice-you-deleted", &[("room", &room)]));
                }
            }
            Reply::PrivateSent { message, .. } => self.add_private(*message),
            Reply::History {
                room,
                messages,
                more,
            } => self.add_history(&room, messages, more, Direction::Older),
            Reply::PrivateHistory { messages, .. } => {
                for message in messages {
                    self.add_private(message);
                }
            }
            // Shown through the events they cause, or not shown at all.
            Reply::Sent { .. }
            | Reply::Time { .. }
            | Reply::Welcome { .. }
            | Reply::Registered { .. }
            | Reply::LoggedIn { .. }
            | Reply::MemberList { .. }
            | Reply::Bye => {}
            Reply::Reacted { message, reactions } => self.set_reactions(message, reactions),
            Reply::SearchResults { hits, more } => self.search.add(hits, more),
            // Told by its event.
            Reply::MessageEdited { .. } => {}
            // Applied above.
            Reply::MuteSet { .. }
            | Reply::MessageDeleted { .. }
            | Reply::RoomSettings { .. }
            | Reply::ExamSet { .. }
            | Reply::PasswordReset { .. }
            | Reply::Audit { .. }
            | Reply::Exported { .. } => {}
            // File transfers keep their own state (`crate::transfers`).
            Reply::Upload { .. } | Reply::UploadCancelled { .. } | Reply::FileChunk { .. } => {}
        }
    }
}

/// "1 person", "3 people".
fn count(n: usize) -> String {
    match n {
        1 => tr("notice-person"),
        n => tr_args("notice-people", &[("n", &n)]),
    }
}
