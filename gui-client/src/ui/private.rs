//! One window per private conversation, with its own history and input.

use std::collections::HashMap;

use egui::{Context, RichText};
use tertulia_shared::validate::fold;

use super::Intent;
use super::attachments::FileAction;
use super::message::{Reader, Row, RowAction, message_ui};
use crate::state::{ChatState, Conversation, PrivateLine};
use crate::ui::thumbnails::Thumbnails;

mod text {
    use crate::i18n::tr_args;

    crate::texts! {
        YOU = "private-you";
        EMPTY = "private-empty";
        ATTACH = "files-attach";
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

/// Draws every open conversation, each in its own OS window where the
/// platform allows (egui viewports), otherwise as a window inside the main
/// one.
pub fn private_windows_ui(
    ctx: &Context,
    state: &ChatState,
    (drafts, replies): (
        &mut HashMap<String, String>,
        &mut HashMap<String, tertulia_shared::Quote>,
    ),
    focus: &mut Option<String>,
    thumbnails: &mut Thumbnails,
) -> Vec<Intent> {
    let mut out = Vec::new();
    let screen = ctx.content_rect();
    let native = !ctx.embed_viewports();
    let staff = state.moderation.is_staff();
    for (index, (key, conversation)) in state.conversations.iter().enumerate() {
        if !conversation.open {
            continue;
        }
        let with = conversation.with.clone();
        let title = text::title(&with, conversation.unread);
        let draft = drafts.entry(key.clone()).or_default();
        let mut replying = replies.remove(key);
        let reader = Reader {
            login: &state.login,
            staff,
            conversation: Some(&conversation.with),
        };
        // Just opened by the user: its box takes the keyboard.
        let take_focus = focus.as_deref() == Some(key.as_str());
        if take_focus {
            *focus = None;
        }
        // A conversation is read when it gets focus (a click in it) or the
        // user types in it — not when the pointer passes over it.
        let read = if native {
            let id = egui::ViewportId::from_hash_of(("private", key.as_str()));
            // Placed once, by the main window's right edge; then it is the
            // user's to move.
            let main = ctx.input(|i| i.viewport().outer_rect);
            let at = ctx.data_mut(|data| {
                *data.get_temp_mut_or_insert_with(id.0, || {
                    main.map(|main| {
                        let step = (index % 6) as f32 * 28.0;
                        egui::pos2(main.right() - 420.0 + step, main.top() + 80.0 + step)
                    })
                })
            });
            let mut builder = egui::ViewportBuilder::default()
                .with_title(title)
                .with_app_id("tertulia")
                .with_inner_size([380.0, 340.0])
                .with_min_inner_size([240.0, 160.0]);
            if let Some(at) = at {
                builder = builder.with_position(at);
            }
            ctx.show_viewport_immediate(id, builder, |ui, _class| {
                let (close, focused) = ui.input(|i| {
                    let viewport = i.viewport();
                    (viewport.close_requested(), viewport.focused == Some(true))
                });
                if close {
                    out.push(Intent::CloseConversation(key.clone()));
                }
                let mut typing = false;
                egui::CentralPanel::default().show(ui, |ui| {
                    typing = conversation_ui(
                        ui,
                        (conversation, reader),
                        (draft, &mut replying),
                        take_focus,
                        &mut out,
                        thumbnails,
                    );
                });
                let dropped = ui.input(|i| i.raw.dropped_files.clone());
                for path in dropped.into_iter().map(|f| f.path().to_path_buf()) {
                    out.push(Intent::File(FileAction::Share {
                        path,
                        to: Some(conversation.with.clone()),
                    }));
                }
                typing || focused
            })
        } else {
            // New windows open near the right, each a little lower than the last.
            let step = (index % 6) as f32 * 28.0;
            let corner = egui::pos2(screen.right() - 560.0 + step, screen.top() + 60.0 + step);
            let mut open = true;
            let shown = egui::Window::new(title)
                .id(egui::Id::unique(("private", key.as_str())))
                .default_size([340.0, 300.0])
                .default_pos(corner)
                .collapsible(false)
                .open(&mut open)
                .show(ctx, |ui| {
                    conversation_ui(
                        ui,
                        (conversation, reader),
                        (draft, &mut replying),
                        take_focus,
                        &mut out,
                        thumbnails,
                    )
                });
            if !open {
                out.push(Intent::CloseConversation(key.clone()));
            }
            // Files dropped on this window are for this person.
            if shown
                .as_ref()
                .is_some_and(|s| s.response.contains_pointer())
            {
                let dropped = ctx.input(|i| i.raw.dropped_files.clone());
                for path in dropped.into_iter().map(|f| f.path().to_path_buf()) {
                    out.push(Intent::File(FileAction::Share {
                        path,
                        to: Some(conversation.with.clone()),
                    }));
                }
            }
            shown.is_some_and(|shown| {
                let clicked_in =
                    shown.response.contains_pointer() && ctx.input(|i| i.pointer.any_pressed());
                shown.inner == Some(true) || clicked_in
            })
        };
        if let Some(quote) = replying {
            replies.insert(key.clone(), quote);
        }
        if read && conversation.unread > 0 {
            out.push(Intent::ConversationRead(fold(&with)));
        }
    }
    out
}

/// One conversation: its lines and, at the bottom, the box to answer in.
/// Returns whether the user is typing in it.
fn conversation_ui(
    ui: &mut egui::Ui,
    (conversation, reader): (&Conversation, Reader<'_>),
    (draft, replying): (&mut String, &mut Option<tertulia_shared::Quote>),
    take_focus: bool,
    out: &mut Vec<Intent>,
    thumbnails: &mut Thumbnails,
) -> bool {
    let with = &conversation.with;
    let typing = egui::Panel::bottom(("private-input", with.as_str())).show(ui, |ui| {
        ui.add_space(4.0);
        if let Some(quote) = replying.as_ref() {
            let said = crate::i18n::tr_args(
                "input-replying",
                &[
                    ("from", &quote.from),
                    ("text", &super::one_line(&quote.text)),
                ],
            );
            let give_up = ui
                .horizontal(|ui| {
                    ui.add(egui::Label::new(RichText::new(format!("↪ {said}")).small()).truncate());
                    ui.small_button("✖").clicked()
                })
                .inner;
            if give_up {
                *replying = None;
            }
        }
        let label = ui.label(RichText::new(text::to(with)).weak());
        let edit = ui
            .horizontal(|ui| {
                if ui.button("📎").on_hover_text(text::ATTACH()).clicked() {
                    out.push(Intent::File(FileAction::Pick {
                        to: Some(with.clone()),
                    }));
                }
                ui.add(egui::TextEdit::singleline(draft).desired_width(f32::INFINITY))
                    .labelled_by(label.id)
            })
            .inner;
        if take_focus {
            edit.request_focus();
        }
        if edit.lost_focus() && ui.input(|i| i.key_pressed(egui::Key::Enter)) {
            let message = std::mem::take(draft);
            if !message.trim().is_empty() {
                out.push(Intent::SendPrivate {
                    to: with.clone(),
                    text: message.trim().to_owned(),
                    reply_to: replying.take().map(|quote| quote.id),
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
            let you = text::YOU();
            for line in &conversation.lines {
                match line {
                    PrivateLine::Message {
                        id,
                        mine,
                        text: body,
                        time_ms,
                        file,
                        deleted,
                        reply_to,
                        edited,
                        reactions,
                    } => {
                        let row = Row {
                            id: *id,
                            from: if *mine { &you } else { with },
                            text: body,
                            time_ms: *time_ms,
                            mine: *mine,
                            mention: false,
                            file: file.as_ref(),
                            deleted: *deleted,
                            reply_to: reply_to.as_deref(),
                            edited: *edited,
                            reactions,
                        };
                        match message_ui(ui, row, reader, thumbnails) {
                            Some(RowAction::Download(file)) => {
                                out.push(Intent::File(FileAction::Download(file)))
                            }
                            Some(RowAction::Intent(intent)) => out.push(intent),
                            None => {}
                        }
                    }
                    PrivateLine::Error(error) => {
                        ui.label(
                            RichText::new(format!("⚠ {error}")).color(ui.visuals().error_fg_color),
                        );
                    }
                }
            }
        });
    typing.inner
}
