//! The search panel (Ctrl+F): words to look for, in this room or
//! everywhere; the hits newest first, each with its room and time; a
//! click shows the message in its room.

use egui::{RichText, Ui};
use tertulia_shared::{Request, SearchHit};

use super::clock_time;
use crate::i18n::{tr, tr_args};
use crate::state::Search;

/// What the panel keeps between frames.
#[derive(Debug, Clone, Default)]
pub struct SearchPanel {
    pub open: bool,
    pub query: String,
    pub this_room: bool,
    /// The box takes the keyboard on the next frame.
    pub focus_pending: bool,
}

/// What the panel asks for: a search (a new one when `fresh`, the next
/// page otherwise) or a hit shown.
#[derive(Debug)]
pub enum SearchAction {
    Search { request: Request, fresh: bool },
    Show(SearchHit),
}

pub fn search_window(
    ctx: &egui::Context,
    panel: &mut SearchPanel,
    search: &Search,
    room: &str,
) -> Option<SearchAction> {
    if !panel.open {
        return None;
    }
    let mut action = None;
    let mut open = true;
    egui::Window::new(tr("search-title"))
        .open(&mut open)
        .default_width(380.0)
        .default_pos(ctx.content_rect().right_top() + egui::vec2(-420.0, 60.0))
        .show(ctx, |ui| {
            let label = ui.label(tr("search-words"));
            let field = ui
                .add(egui::TextEdit::singleline(&mut panel.query).desired_width(f32::INFINITY))
                .labelled_by(label.id);
            if std::mem::take(&mut panel.focus_pending) {
                field.request_focus();
            }
            ui.checkbox(
                &mut panel.this_room,
                tr_args("search-this-room", &[("room", &room)]),
            );
            let entered = field.lost_focus() && ui.input(|i| i.key_pressed(egui::Key::Enter));
            if (ui.button(tr("search-go")).clicked() || entered) && !panel.query.trim().is_empty() {
                action = Some(SearchAction::Search {
                    request: Request::Search {
                        query: panel.query.trim().to_owned(),
                        room: panel.this_room.then(|| room.to_owned()),
                        before_id: None,
                    },
                    fresh: true,
                });
            }
            ui.separator();
            if let Some(hit) = hits_ui(ui, search) {
                action = Some(hit);
            }
        });
    panel.open = open;
    action
}

fn hits_ui(ui: &mut Ui, search: &Search) -> Option<SearchAction> {
    let mut action = None;
    if search.waiting {
        ui.label(RichText::new(tr("search-waiting")).weak());
    } else if search.hits.is_empty() && !search.query.is_empty() {
        ui.label(RichText::new(tr("search-nothing")).weak());
    }
    egui::ScrollArea::vertical()
        .max_height(360.0)
        .show(ui, |ui| {
            for hit in &search.hits {
                let place = match (&hit.room, &hit.to) {
                    (Some(room), _) => room.clone(),
                    (None, Some(to)) => {
                        tr_args("search-private", &[("from", &hit.from), ("to", to)])
                    }
                    (None, None) => String::new(),
                };
                let text = super::one_line(&hit.text);
                let line = format!(
                    "{} · {place} · {}: {text}",
                    clock_time(hit.time_ms),
                    hit.from
                );
                let clicked = ui
                    .add(
                        egui::Label::new(line)
                            .truncate()
                            .sense(egui::Sense::click()),
                    )
                    .on_hover_text(tr("search-show"))
                    .clicked();
                if clicked {
                    action = Some(SearchAction::Show(hit.clone()));
                }
            }
            if search.more && !search.waiting && ui.button(tr("search-older")).clicked() {
                action = Some(SearchAction::Search {
                    request: Request::Search {
                        query: search.query.clone(),
                        room: search.room.clone(),
                        before_id: search.next_before(),
                    },
                    fresh: false,
                });
            }
        });
    action
}
