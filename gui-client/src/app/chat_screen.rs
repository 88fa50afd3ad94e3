//! The chat screen: rooms on the left, people on the right, the log and
//! the input in the middle, conversations in their own windows. What the
//! user does there comes back as intents, applied after the frame.

use super::TertuliaApp;
use super::text;
use crate::i18n::tr;
use crate::state::closed_because;
use crate::ui::Intent;
use crate::ui::attachments::{FileAction, picker_ui};
use crate::ui::chat::messages_ui;
use crate::ui::input::input_ui;
use crate::ui::message::Reader;
use crate::ui::moderate::draft_window;
use crate::ui::moderation_panel::moderation_window;
use crate::ui::private::private_windows_ui;
use crate::ui::rooms::rooms_ui;
use crate::ui::search::{SearchAction, search_window};
use crate::ui::status::status_ui;
use crate::ui::transfers::transfers_ui;
use crate::ui::users::users_ui;

impl TertuliaApp {
    pub(super) fn chat_screen(&mut self, ui: &mut egui::Ui) -> Vec<Intent> {
        let hosting = self.hosting_status();
        let mut intents = Vec::new();
        let Some(chat) = &mut self.chat else {
            return intents;
        };
        egui::Panel::bottom("status").show(ui, |ui| {
            intents.extend(status_ui(
                ui,
                &chat.link,
                &chat.state.room,
                &self.clock,
                chat.state.total_unread(),
                hosting.as_ref().map(|(text, _)| text.as_str()),
                crate::ui::view::ViewMenu {
                    prefs: &self.settings.view,
                    language_locked: self.policy.language_locked,
                },
            ));
        });
        let now_ms = self.clock.server_now_ms();
        if chat.state.moderation.exam {
            egui::Panel::top("exam").show(ui, exam_banner_ui);
        }
        egui::Panel::left("rooms")
            .default_size(190.0)
            .show(ui, |ui| {
                intents.extend(rooms_ui(ui, &mut self.widgets.rooms, &chat.state))
            });
        egui::Panel::right("users")
            .default_size(190.0)
            .show(ui, |ui| intents.extend(users_ui(ui, &chat.state)));
        let closed = closed_because(&chat.state.moderation, &chat.state.room, now_ms);
        let last_own = chat.state.last_own_message(&chat.state.room);
        let people = chat.state.people_in(&chat.state.room);
        if ui.input_mut(|i| i.consume_key(egui::Modifiers::COMMAND, egui::Key::F)) {
            self.widgets.search.open = true;
            self.widgets.search.focus_pending = true;
        }
        let input = egui::Panel::bottom("input").show(ui, |ui| {
            ui.add_space(4.0);
            intents.extend(input_ui(
                ui,
                &mut self.widgets.input,
                &chat.state.room,
                closed.as_deref(),
                last_own,
                &people,
            ));
            ui.add_space(4.0);
        });
        egui::CentralPanel::default().show(ui, |ui| {
            ui.horizontal(|ui| {
                ui.heading(&chat.state.room);
                ui.with_layout(egui::Layout::right_to_left(egui::Align::Center), |ui| {
                    if self.policy.files && ui.button(format!("📎 {}", text::ATTACH())).clicked()
                    {
                        intents.push(Intent::File(FileAction::Pick { to: None }));
                    }
                    if ui
                        .button(format!("🔍 {}", tr("search-title")))
                        .on_hover_text("Ctrl+F")
                        .clicked()
                    {
                        self.widgets.search.open = true;
                        self.widgets.search.focus_pending = true;
                    }
                    if chat.state.moderation.is_staff()
                        && ui.button(format!("🛡 {}", tr("mod-panel-title"))).clicked()
                    {
                        intents.push(Intent::OpenModeration);
                    }
                });
            });
            ui.separator();
            let room = chat.state.room.clone();
            let prepended = chat.state.prepended(&room);
            intents.extend(messages_ui(
                ui,
                &mut self.widgets.view,
                chat.state.log(),
                (&room, prepended),
                &mut self.files.thumbnails,
                Reader {
                    login: &chat.state.login,
                    staff: chat.state.moderation.is_staff(),
                    conversation: None,
                },
            ));
        });
        intents.extend(
            search_window(
                ui.ctx(),
                &mut self.widgets.search,
                &chat.state.search,
                &chat.state.room,
            )
            .map(|action| match action {
                SearchAction::Search { request, fresh } => Intent::Search { request, fresh },
                SearchAction::Show(hit) => Intent::ShowHit(hit),
            }),
        );
        intents.extend(draft_window(ui.ctx(), &mut self.widgets.draft));
        intents.extend(moderation_window(
            ui.ctx(),
            &mut self.widgets.moderation,
            &chat.state,
            now_ms,
        ));
        if chat.state.moderation.must_change_password {
            intents.extend(new_password_window(
                ui.ctx(),
                &mut self.widgets.new_password,
            ));
        }
        intents.extend(private_windows_ui(
            ui.ctx(),
            &chat.state,
            (
                &mut self.widgets.private_drafts,
                &mut self.widgets.private_replies,
            ),
            &mut self.widgets.focus_conversation,
            &mut self.files.thumbnails,
        ));
        if let Some((_, fingerprint)) = &hosting
            && self.widgets.host_fingerprint_open
        {
            intents.extend(host_fingerprint_window(
                ui.ctx(),
                fingerprint,
                &mut self.stop_hosting_asked,
            ));
        }
        let above_input = input.response.rect.right_top() + egui::vec2(-12.0, -8.0);
        intents.extend(transfers_ui(ui.ctx(), above_input, &self.files.transfers));
        if let Some(picker) = &mut self.files.picker {
            intents.extend(picker_ui(ui.ctx(), picker, &chat.state.room));
        }
        self.fetch_thumbnails();
        intents
    }
}

/// The hosted chat's fingerprint in a window of its own, for the host to
/// read out to the class.
fn host_fingerprint_window(
    ctx: &egui::Context,
    fingerprint: &str,
    asking: &mut bool,
) -> Option<Intent> {
    let mut open = true;
    let mut close = false;
    let mut stop = None;
    egui::Window::new(crate::i18n::tr("host-fingerprint-title"))
        .collapsible(false)
        .resizable(false)
        .open(&mut open)
        .show(ctx, |ui| {
            stop = crate::ui::host_fingerprint_ui(ui, fingerprint, asking);
            ui.add_space(6.0);
            close = ui
                .button(crate::i18n::tr("host-fingerprint-close"))
                .clicked();
        });
    stop.or((!open || close).then_some(Intent::HideHostFingerprint))
}

/// Exam mode, above everything while it lasts.
fn exam_banner_ui(ui: &mut egui::Ui) {
    egui::Frame::NONE
        .fill(ui.visuals().warn_fg_color.gamma_multiply(0.25))
        .inner_margin(egui::Margin::symmetric(8, 6))
        .show(ui, |ui| {
            ui.set_width(ui.available_width());
            ui.vertical_centered(|ui| {
                ui.label(egui::RichText::new(tr("exam-banner")).strong());
            });
        });
}

/// After a password reset: a new password, typed twice, before anything
/// else. Sent as `change_password` without the old one.
fn new_password_window(
    ctx: &egui::Context,
    (password, confirm): &mut (String, String),
) -> Option<Intent> {
    let mut intent = None;
    egui::Window::new(tr("new-password-title"))
        .collapsible(false)
        .resizable(false)
        .anchor(egui::Align2::CENTER_CENTER, egui::Vec2::ZERO)
        .show(ctx, |ui| {
            ui.label(tr("new-password-why"));
            ui.add(egui::TextEdit::singleline(password).password(true));
            ui.label(tr("new-password-again"));
            ui.add(egui::TextEdit::singleline(confirm).password(true));
            let rule = tertulia_shared::validate::password(password);
            let same = password == confirm;
            if let Err(e) = &rule {
                ui.label(egui::RichText::new(crate::i18n::field_error(e)).weak());
            } else if !same {
                ui.label(egui::RichText::new(tr("new-password-differ")).weak());
            }
            if ui
                .add_enabled(
                    rule.is_ok() && same,
                    egui::Button::new(tr("new-password-save")),
                )
                .clicked()
            {
                intent = Some(Intent::Send(tertulia_shared::Request::ChangePassword {
                    old: None,
                    new: tertulia_shared::Password(std::mem::take(password)),
                }));
                confirm.clear();
            }
        });
    intent
}
