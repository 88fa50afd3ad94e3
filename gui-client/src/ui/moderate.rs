//! What teachers and admins reach with a right click: on a message (delete
//! it, or act on its author) and on a person (kick, mute, ban, a new
//! password, a role). Actions that need a reason open a small window
//! ([`draft_window`]) first. The server checks every permission again;
//! these menus only offer what the user's role allows.

use egui::{RichText, Ui};
use tertulia_shared::{MessageId, Request, Role};

use super::Intent;
use crate::i18n::{tr, tr_args};

/// The mute lengths offered, in minutes.
pub const MUTE_MINUTES: [u32; 4] = [5, 10, 30, 60];

/// What a moderator is about to do to someone, once they give a reason.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Draft {
    pub action: Action,
    pub login: String,
    pub reason: String,
    pub minutes: u32,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    Kick,
    Mute,
    Ban,
}

impl Draft {
    pub fn new(action: Action, login: &str) -> Draft {
        Draft {
            action,
            login: login.to_owned(),
            reason: String::new(),
            minutes: 10,
        }
    }

    /// The request this draft becomes.
    pub fn request(&self) -> Request {
        let (login, reason) = (self.login.clone(), self.reason.trim().to_owned());
        match self.action {
            Action::Kick => Request::Kick { login, reason },
            Action::Mute => Request::Mute {
                login,
                minutes: self.minutes,
                reason,
            },
            Action::Ban => Request::Ban { login, reason },
        }
    }
}

/// The entries about a person that every moderator has: kick, mute, ban
/// (each asking for a reason first), and their reversals.
fn person_entries(ui: &mut Ui, login: &str) -> Option<Intent> {
    let mut chosen = None;
    for (action, key) in [
        (Action::Kick, "mod-kick"),
        (Action::Mute, "mod-mute"),
        (Action::Ban, "mod-ban"),
    ] {
        if ui.button(tr_args(key, &[("login", &login)])).clicked() {
            chosen = Some(Intent::AskModeration(Draft::new(action, login)));
        }
    }
    ui.separator();
    let login = login.to_owned();
    if ui.button(tr("mod-unmute")).clicked() {
        chosen = Some(Intent::Send(Request::Unmute {
            login: login.clone(),
        }));
    }
    if ui.button(tr("mod-unban")).clicked() {
        chosen = Some(Intent::Send(Request::Unban {
            login: login.clone(),
        }));
    }
    if ui.button(tr("mod-reset-password")).clicked() {
        chosen = Some(Intent::Send(Request::ResetPassword { login }));
    }
    chosen
}

/// The moderation entries of the right-click menu of someone else's
/// message (id `id`, by `from`), for staff.
pub fn message_menu_ui(ui: &mut Ui, id: MessageId, from: &str) -> Option<Intent> {
    let mut chosen = None;
    if ui.button(tr("mod-delete-message")).clicked() {
        chosen = Some(Intent::Send(Request::DeleteMessage { message: id }));
    }
    ui.separator();
    person_entries(ui, from).or(chosen)
}

/// The right-click menu of a person in the people list, for staff (admins
/// also give and take roles).
pub fn person_menu_ui(ui: &mut Ui, login: &str, my_role: Role) -> Option<Intent> {
    ui.label(RichText::new(login).strong());
    let mut chosen = person_entries(ui, login);
    if my_role == Role::Admin {
        ui.separator();
        for role in [Role::Student, Role::Teacher, Role::Admin] {
            let role_name = tr(&format!("role-{}", role.as_str()));
            if ui
                .button(tr_args("mod-make", &[("role", &role_name)]))
                .clicked()
            {
                chosen = Some(Intent::Send(Request::SetRole {
                    login: login.to_owned(),
                    role,
                }));
            }
        }
    }
    if chosen.is_some() {
        ui.close();
    }
    chosen
}

/// The reason box of a kick, mute or ban (and the mute's length); the
/// request once confirmed. `None` in `draft` closes it.
pub fn draft_window(ctx: &egui::Context, draft: &mut Option<Draft>) -> Option<Intent> {
    let editing = draft.as_mut()?;
    let title = match editing.action {
        Action::Kick => tr_args("mod-kick", &[("login", &editing.login)]),
        Action::Mute => tr_args("mod-mute", &[("login", &editing.login)]),
        Action::Ban => tr_args("mod-ban", &[("login", &editing.login)]),
    };
    let (mut send, mut cancel) = (false, false);
    egui::Window::new(title.trim_end_matches('…').to_owned())
        .collapsible(false)
        .resizable(false)
        .anchor(egui::Align2::CENTER_CENTER, egui::Vec2::ZERO)
        .show(ctx, |ui| {
            let label = ui.label(tr("mod-reason"));
            let field = ui
                .add(
                    egui::TextEdit::singleline(&mut editing.reason)
                        .hint_text(tr("mod-reason-hint"))
                        .char_limit(tertulia_shared::ERROR_MESSAGE_MAX_CHARS)
                        .desired_width(320.0),
                )
                .labelled_by(label.id);
            field.request_focus();
            if editing.action == Action::Mute {
                ui.horizontal(|ui| {
                    ui.label(tr("mod-minutes"));
                    for minutes in MUTE_MINUTES {
                        ui.selectable_value(&mut editing.minutes, minutes, format!("{minutes}"));
                    }
                });
            }
            ui.add_space(6.0);
            ui.horizontal(|ui| {
                send = ui.button(tr("mod-confirm")).clicked()
                    || (field.lost_focus() && ui.input(|i| i.key_pressed(egui::Key::Enter)));
                cancel = ui.button(tr("mod-cancel")).clicked()
                    || ui.input(|i| i.key_pressed(egui::Key::Escape));
            });
        });
    let request = send.then(|| editing.request());
    if send || cancel {
        *draft = None;
    }
    request.map(Intent::Send)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_draft_becomes_the_request_with_a_trimmed_reason() {
        let mut draft = Draft::new(Action::Mute, "luis");
        draft.reason = "  spam  ".into();
        draft.minutes = 30;
        assert_eq!(
            draft.request(),
            Request::Mute {
                login: "luis".into(),
                minutes: 30,
                reason: "spam".into()
            }
        );
        draft.action = Action::Ban;
        assert_eq!(
            draft.request(),
            Request::Ban {
                login: "luis".into(),
                reason: "spam".into()
            }
        );
    }
}
