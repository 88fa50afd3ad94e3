//! The chat screen: rooms on the left, people on the right, the log and
//! the input in the middle, conversations in their own windows; what the
//! user did there is gathered and applied at the end of the frame.

use std::path::PathBuf;

use tertulia_shared::Request;

use super::TertuliaApp;
use super::session::Pending;
use super::text;
use crate::ui::chat::{input_ui, messages_ui};
use crate::ui::files::{FileAction, picker_ui, transfers_ui};
use crate::ui::private::private_windows_ui;
use crate::ui::rooms::{RoomAction, rooms_ui};
use crate::ui::status::status_ui;
use crate::ui::users::users_ui;

impl TertuliaApp {
    pub(super) fn chat_screen(&mut self, ui: &mut egui::Ui) {
        let hosting = self.hosting_status();
        let mut view_changed = false;
        let Some(chat) = &mut self.chat else { return };
        let mut room_action = None;
        let mut open_private = None;
        let mut line = None;

        egui::Panel::bottom("status").show(ui, |ui| {
            view_changed = status_ui(
                ui,
                &chat.link,
                &chat.state.room,
                &self.clock,
                chat.state.total_unread(),
                hosting.as_deref(),
                &mut self.settings.view,
            );
        });
        if view_changed {
            self.store.save(&self.settings);
        }
        egui::Panel::left("rooms")
            .default_size(190.0)
            .show(ui, |ui| {
                room_action = rooms_ui(ui, &mut chat.rooms, &chat.state);
            });
        egui::Panel::right("users")
            .default_size(190.0)
            .show(ui, |ui| {
                open_private = users_ui(ui, &chat.state);
            });
        let mut file_actions = Vec::new();
        egui::Panel::bottom("input").show(ui, |ui| {
            ui.add_space(4.0);
            file_actions.extend(transfers_ui(ui, &self.files.transfers));
            ui.add_space(2.0);
            line = input_ui(ui, &mut chat.input, &chat.state.room);
            ui.add_space(4.0);
        });
        egui::CentralPanel::default().show(ui, |ui| {
            ui.horizontal(|ui| {
                ui.heading(&chat.state.room);
                ui.with_layout(egui::Layout::right_to_left(egui::Align::Center), |ui| {
                    if ui.button(format!("📎 {}", text::ATTACH())).clicked() {
                        file_actions.push(FileAction::Pick { to: None });
                    }
                });
            });
            ui.separator();
            let room = chat.state.room.clone();
            let prepended = chat.state.prepended(&room);
            let log = messages_ui(
                ui,
                &mut chat.view,
                chat.state.log(),
                (&room, prepended),
                &mut self.files.thumbnails,
            );
            if log.at_top {
                chat.load_older(&self.net);
            }
            file_actions.extend(log.download.map(FileAction::Download));
        });
        let private = private_windows_ui(
            ui.ctx(),
            &mut chat.state,
            &mut chat.private_drafts,
            &mut self.files.thumbnails,
        );
        file_actions.extend(private.files);
        if let Some(picker) = &mut self.files.picker
            && let Some(path) = picker_ui(ui.ctx(), picker, &chat.state.room)
        {
            file_actions.push(FileAction::Share {
                path,
                to: picker.to.clone(),
            });
        }

        for send in private.sends {
            let request = Request::Private {
                to: send.to.clone(),
                text: send.text.clone(),
            };
            let pending = Pending::Private {
                to: send.to,
                text: send.text,
            };
            chat.send(&self.net, request, pending);
        }
        if let Some(login) = open_private {
            chat.state.open_conversation(&login);
        }
        if let Some(action) = room_action {
            let request = match action {
                RoomAction::Join(room) => Request::JoinRoom { room },
                RoomAction::Create(room) => Request::CreateRoom { room },
                RoomAction::Delete(room) => Request::DeleteRoom { room },
            };
            self.net.send(request);
        }
        if let Some(line) = line {
            self.submit_line(&line);
        }
        // Dropped on a conversation window: shared with that person; on the
        // main window: with the room.
        let claimed: Vec<PathBuf> = file_actions
            .iter()
            .filter_map(|action| match action {
                FileAction::Share { path, .. } => Some(path.clone()),
                _ => None,
            })
            .collect();
        self.take_dropped_files(ui.ctx(), &claimed);
        for action in file_actions {
            self.apply_file_action(action);
        }
        self.fetch_thumbnails();
    }
}
