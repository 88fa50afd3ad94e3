//! One window per private conversation, with its own history and input.

use std::collections::HashMap;

use egui::{Context, RichText};
use tertulia_shared::validate::fold;

use super::{clock_time, name_color, shown_text};
use crate::state::{ChatState, PrivateLine};

mod text {
    use crate::i18n::tr_args;

    crate::texts! {
        YOU = "private-you";
        EMPTY = "private-empty";
    }

    pub fn title(with: &str, unread: usize) -> String {
        if unread == 1 {
            tr_args("private-title-new-one", &[("with", &with)])
        } else if unread > 1 {
            tr_args("private-title-new", &[("with", &with), ("unread", &unread)])
        } else {
            tr_args("private-title", &[("with", &with)])
        }
    }
    pub fn to(with: &str) -> String {
        tr_args("private-to", &[("with", &with)])
    }
}

/// A message the user wants to send from a private window.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PrivateSend {
    pub to: String,
    pub text: String,
}

/// Draws every open conversation window; returns messages to send.
pub fn private_windows_ui(
    ctx: &Context,
    state: &mut ChatState,
    drafts: &mut HashMap<String, String>,
) -> Vec<PrivateSend> {
    let mut sends = Vec::new();
    let mut seen = Vec::new();
    let screen = ctx.content_rect();
    for (index, (key, conversation)) in state.conversations.iter_mut().enumerate() {
        if !conversation.open {
            continue;
        }
        // New windows open near the right, each a little lower than the last.
        let step = (index % 6) as f32 * 28.0;
        let corner = egui::pos2(screen.right() - 560.0 + step, screen.top() + 60.0 + step);
        let with = conversation.with.clone();
        let draft = drafts.entry(key.clone()).or_default();
        let window = egui::Window::new(text::title(&with, conversation.unread))
            .id(egui::Id::unique(("private", key.as_str())))
            .default_size([340.0, 300.0])
            .default_pos(corner)
            .collapsible(false)
            .open(&mut conversation.open);
        let shown = window.show(ctx, |ui| {
            let typing = egui::Panel::bottom(("private-input", key.as_str())).show(ui, |ui| {
                ui.add_space(4.0);
                let label = ui.label(RichText::new(text::to(&with)).weak());
                let edit = ui
                    .add(egui::TextEdit::singleline(draft).desired_width(f32::INFINITY))
                    .labelled_by(label.id);
                if edit.lost_focus() && ui.input(|i| i.key_pressed(egui::Key::Enter)) {
                    let message = std::mem::take(draft);
                    if !message.trim().is_empty() {
                        sends.push(PrivateSend {
                            to: with.clone(),
                            text: message.trim().to_owned(),
                        });
                    }
                    edit.request_focus();
                }
                edit.has_focus()
            });
            egui::ScrollArea::vertical()
                .stick_to_bottom(true)
                .auto_shrink(false)
                .show(ui, |ui| {
                    if conversation.lines.is_empty() {
                        ui.label(RichText::new(text::EMPTY()).weak().italics());
                    }
                    for line in &conversation.lines {
                        match line {
                            PrivateLine::Message {
                                mine,
                                text: body,
                                time_ms,
                                ..
                            } => {
                                ui.horizontal_wrapped(|ui| {
                                    ui.label(RichText::new(clock_time(*time_ms)).weak());
                                    let (who, color) = if *mine {
                                        (text::YOU().to_owned(), ui.visuals().weak_text_color())
                                    } else {
                                        (with.clone(), name_color(ui, &with))
                                    };
                                    ui.label(
                                        RichText::new(format!("{who}:")).color(color).strong(),
                                    );
                                    ui.label(shown_text(body).as_ref());
                                });
                            }
                            PrivateLine::Error(error) => {
                                ui.label(
                                    RichText::new(format!("⚠ {error}"))
                                        .color(ui.visuals().error_fg_color),
                                );
                            }
                        }
                    }
                });
            typing.inner
        });
        // A conversation is read when it gets focus (a click in it) or the
        // user types in it — not when the pointer passes over it.
        if let Some(shown) = shown {
            let clicked_in =
                shown.response.contains_pointer() && ctx.input(|i| i.pointer.any_pressed());
            if shown.inner == Some(true) || clicked_in {
                seen.push(fold(&with));
            }
        }
    }
    for key in seen {
        state.mark_read(&key);
    }
    sends
}
