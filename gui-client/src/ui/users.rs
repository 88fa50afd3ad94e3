//! The right panel: every registered user, online first.

use egui::{Color32, RichText, Ui};

use super::Intent;
use super::moderate::person_menu_ui;
use crate::state::ChatState;

mod text {
    crate::texts! {
        HEADING = "users-heading";
        ONLINE_IN = "users-online-in";
        OFFLINE = "users-offline";
        CLICK = "users-click";
        ALONE = "users-alone";
        ADMIN = "users-admin";
        TEACHER = "users-teacher";
    }
}

/// Clicking a user asks to open a private conversation with them; staff
/// right-click one for the moderation menu.
pub fn users_ui(ui: &mut Ui, state: &ChatState) -> Option<Intent> {
    let mut open = None;
    let mut moderate = None;
    let staff = state.moderation.is_staff();
    ui.heading(text::HEADING());
    egui::ScrollArea::vertical()
        .auto_shrink([false, true])
        .show(ui, |ui| {
            if state.users.iter().all(|u| state.is_mine(&u.login)) {
                ui.label(RichText::new(text::ALONE()).weak().italics());
            }
            for user in &state.users {
                if state.is_mine(&user.login) {
                    continue;
                }
                let dot = if user.online {
                    RichText::new("●").color(Color32::from_rgb(0x2e, 0xa0, 0x43))
                } else {
                    RichText::new("○").weak()
                };
                let unread = state.unread_from(&user.login);
                let mut name = user.login.clone();
                if unread > 0 {
                    name.push_str(&format!(" ({unread})"));
                }
                let place = match (&user.room, user.online) {
                    (Some(room), true) => format!("{} {room}", text::ONLINE_IN()),
                    _ => text::OFFLINE().to_owned(),
                };
                let clicked = ui
                    .horizontal(|ui| {
                        ui.label(dot);
                        let mut label = RichText::new(name);
                        if unread > 0 {
                            label = label.strong();
                        } else if !user.online {
                            label = label.weak();
                        }
                        let row = ui.selectable_label(false, label).on_hover_text(format!(
                            "{} {} — {place}\n{}",
                            user.first_names,
                            user.last_names,
                            text::CLICK()
                        ));
                        let clicked = row.clicked();
                        if staff && !state.is_mine(&user.login) {
                            row.context_menu(|ui| {
                                let role = state.moderation.role;
                                if let Some(chosen) = person_menu_ui(ui, &user.login, role) {
                                    moderate = Some(chosen);
                                }
                            });
                        }
                        // The class's staff stand out (a badge in words).
                        let badge = match user.role {
                            tertulia_shared::Role::Admin => Some(text::ADMIN()),
                            tertulia_shared::Role::Teacher => Some(text::TEACHER()),
                            tertulia_shared::Role::Student => None,
                        };
                        if let Some(badge) = badge {
                            ui.label(RichText::new(badge).small().strong());
                        }
                        clicked
                    })
                    .inner;
                ui.label(RichText::new(format!("   {place}")).small().weak());
                if clicked {
                    open = Some(Intent::OpenConversation(user.login.clone()));
                }
            }
        });
    moderate.or(open)
}
