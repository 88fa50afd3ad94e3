//! The left sidebar: every room with its participant count.

use super::Intent;
use egui::{RichText, Ui};
use tertulia_shared::validate::{self, fold};

use crate::state::ChatState;

mod text {
    crate::texts! {
        HEADING = "rooms-heading";
        NEW_ROOM = "rooms-new";
        NEW_ROOM_NAME = "rooms-new-name";
        CREATE = "rooms-create";
        CANCEL = "login-cancel";
        DELETE = "rooms-delete";
        CONFIRM_DELETE = "rooms-confirm-delete";
        YOU_ARE_HERE = "rooms-you-are-here";
        CLICK_TO_JOIN = "rooms-click-to-join";
    }
}

/// The sidebar's own state: the "new room" field and a pending delete.
#[derive(Debug, Clone, Default)]
pub struct RoomsPanel {
    /// `Some` while the "new room" field is open.
    new_room: Option<String>,
    new_room_error: Option<String>,
    /// The room whose delete button was pressed once.
    confirm_delete: Option<String>,
}

/// What a room is called in the list: `name (count)`.
pub fn room_label(name: &str, members: usize) -> String {
    format!("{name} ({members})")
}

pub fn rooms_ui(ui: &mut Ui, panel: &mut RoomsPanel, state: &ChatState) -> Option<Intent> {
    let mut action = None;
    ui.horizontal(|ui| {
        ui.heading(text::HEADING());
        ui.with_layout(egui::Layout::right_to_left(egui::Align::Center), |ui| {
            if ui.button("+").on_hover_text(text::NEW_ROOM()).clicked() {
                panel.new_room = Some(String::new());
                panel.new_room_error = None;
            }
        });
    });
    if let Some(name) = &mut panel.new_room {
        let label = ui.label(text::NEW_ROOM_NAME());
        let edit = ui
            .add(egui::TextEdit::singleline(name).desired_width(f32::INFINITY))
            .labelled_by(label.id);
        if edit.gained_focus() || name.is_empty() {
            edit.request_focus();
        }
        let submitted = edit.lost_focus() && ui.input(|i| i.key_pressed(egui::Key::Enter));
        let mut create = submitted;
        let mut cancel = false;
        ui.horizontal(|ui| {
            create |= ui.button(text::CREATE()).clicked();
            cancel = ui.button(text::CANCEL()).clicked();
        });
        if let Some(error) = &panel.new_room_error {
            ui.label(
                RichText::new(error)
                    .color(ui.visuals().error_fg_color)
                    .small(),
            );
        }
        if create {
            let name = name.trim().to_owned();
            match validate::room(&name) {
                Ok(()) => {
                    action = Some(Intent::CreateRoom(name));
                    panel.new_room = None;
                }
                Err(e) => panel.new_room_error = Some(crate::i18n::field_error(&e)),
            }
        } else if cancel {
            panel.new_room = None;
        }
        ui.separator();
    }
    egui::ScrollArea::vertical()
        .auto_shrink([false, true])
        .show(ui, |ui| {
            for room in &state.rooms {
                let here = fold(&room.name) == fold(&state.room);
                ui.horizontal(|ui| {
                    let mut label = RichText::new(room_label(&room.name, room.members));
                    if here {
                        label = label.strong();
                    }
                    let entry = ui.selectable_label(here, label).on_hover_text(if here {
                        text::YOU_ARE_HERE()
                    } else {
                        text::CLICK_TO_JOIN()
                    });
                    if entry.clicked() && !here {
                        action = Some(Intent::JoinRoom(room.name.clone()));
                    }
                    if state.owns(room) {
                        ui.with_layout(egui::Layout::right_to_left(egui::Align::Center), |ui| {
                            let confirming = panel.confirm_delete.as_deref() == Some(&room.name);
                            let button = if confirming {
                                ui.button(
                                    RichText::new(text::CONFIRM_DELETE())
                                        .color(ui.visuals().error_fg_color),
                                )
                            } else {
                                ui.small_button("✖")
                            };
                            let button = button.on_hover_text(text::DELETE());
                            if button.clicked() {
                                if confirming {
                                    action = Some(Intent::DeleteRoom(room.name.clone()));
                                    panel.confirm_delete = None;
                                } else {
                                    panel.confirm_delete = Some(room.name.clone());
                                }
                            }
                        });
                    }
                });
            }
        });
    action
}
