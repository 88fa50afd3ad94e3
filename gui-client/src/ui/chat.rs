//! The centre: the current room's messages (the box to type in is `input.rs`).

use egui::{Rect, RichText, Ui, UiBuilder, vec2};

use super::Intent;
use super::attachments::FileAction;
use super::message::{Reader, Row, RowAction, message_ui};
use crate::state::Line;
use crate::ui::thumbnails::Thumbnails;

/// Row heights as last measured, so only the visible rows are laid out even
/// in a room with tens of thousands of messages.
#[derive(Debug, Clone, Default)]
pub struct MessageView {
    heights: Vec<f32>,
    width: f32,
    room: String,
    /// Lines the log had received on top when last drawn.
    prepended: usize,
    /// Where the view was scrolled to when last drawn.
    offset: f32,
    /// A message to bring into view (a quote or a search hit was clicked).
    target: Option<tertulia_shared::MessageId>,
}

impl MessageView {
    /// Brings message `id` into view, once it is in the log.
    pub fn show(&mut self, id: tertulia_shared::MessageId) {
        self.target = Some(id);
    }
}

/// The id of a chat line.
fn line_id(line: &Line) -> Option<tertulia_shared::MessageId> {
    match line {
        Line::Chat { id, .. } => Some(*id),
        _ => None,
    }
}

/// A first guess for a row never drawn: one text line per `\n`.
fn estimate(line: &Line, row: f32) -> f32 {
    let lines = match line {
        Line::Chat { text, .. } | Line::Notice(text) | Line::Info(text) | Line::Error(text) => {
            text.matches('\n').count()
        }
        Line::Table { rows, .. } => rows.len(),
    };
    row * (1 + lines) as f32
}

/// The room's log. `prepended` counts the lines the log has received on
/// top so far: when older messages arrive the view keeps showing what it
/// showed.
pub fn messages_ui(
    ui: &mut Ui,
    view: &mut MessageView,
    lines: &[Line],
    (room, prepended): (&str, usize),
    thumbnails: &mut Thumbnails,
    reader: Reader<'_>,
) -> Vec<Intent> {
    let mut download = None;
    let mut chosen = None;
    let row = ui.text_style_height(&egui::TextStyle::Body) + ui.spacing().item_spacing.y;
    if view.room != room {
        view.heights.clear();
        view.room = room.to_owned();
        view.prepended = prepended;
    }
    let mut shift = 0.0;
    if prepended > view.prepended {
        let added = (prepended - view.prepended).min(lines.len());
        let estimates: Vec<f32> = lines[..added].iter().map(|l| estimate(l, row)).collect();
        shift = estimates.iter().sum::<f32>();
        view.heights.splice(0..0, estimates);
        view.prepended = prepended;
    }
    view.heights.truncate(lines.len());
    let known = view.heights.len();
    view.heights
        .extend(lines[known..].iter().map(|line| estimate(line, row)));

    // A message to show: scrolled to when it is here, older pages asked
    // for until it is.
    let (mut wants_older, mut jump) = (false, false);
    if let Some(target) = view.target {
        match lines.iter().position(|l| line_id(l) == Some(target)) {
            Some(index) => {
                let above: f32 = view.heights[..index].iter().sum();
                shift = 0.0;
                view.offset = (above - 3.0 * row).max(0.0);
                view.target = None;
                jump = true;
            }
            None => wants_older = true,
        }
    }
    let mut area = egui::ScrollArea::vertical()
        .id_salt(("messages", room))
        .stick_to_bottom(true)
        .auto_shrink(false);
    if shift > 0.0 {
        area = area.vertical_scroll_offset(view.offset + shift);
    } else if jump {
        area = area.vertical_scroll_offset(view.offset);
    }
    let output = area.show_viewport(ui, |ui, viewport| {
        let width = ui.available_width();
        if (width - view.width).abs() > 0.5 {
            // Wrapping changed: fall back to estimates until rows are redrawn.
            view.width = width;
            for (height, line) in view.heights.iter_mut().zip(lines) {
                *height = estimate(line, row);
            }
        }
        ui.set_height(view.heights.iter().sum::<f32>());
        let top = ui.max_rect().top();
        let left = ui.max_rect().left();
        let mut y = 0.0;
        let mut index = 0;
        while index < lines.len() && y + view.heights[index] < viewport.min.y {
            y += view.heights[index];
            index += 1;
        }
        while index < lines.len() && y <= viewport.max.y {
            let space = Rect::from_min_size(egui::pos2(left, top + y), vec2(width, f32::INFINITY));
            let drawn = ui.scope_builder(UiBuilder::new().id_salt(index).max_rect(space), |ui| {
                let day = day_header(lines, index);
                match line_ui(ui, &lines[index], day, thumbnails, reader) {
                    Some(RowAction::Download(file)) => download = Some(file),
                    Some(RowAction::Intent(intent)) => chosen = Some(intent),
                    None => {}
                }
            });
            let height = drawn.response.rect.height() + ui.spacing().item_spacing.y;
            view.heights[index] = height;
            y += height;
            index += 1;
        }
    });
    view.offset = output.state.clamped_offset().y;
    // Scrolled to the very top: time to load older messages, if any.
    let at_top = (view.offset <= 0.5 && shift == 0.0) || wants_older;
    at_top
        .then_some(Intent::LoadOlder)
        .into_iter()
        .chain(download.map(|file| Intent::File(FileAction::Download(file))))
        .chain(chosen)
        .collect()
}

/// "Today", "Yesterday" or the date, above the first message of each day.
fn day_header(lines: &[Line], index: usize) -> Option<String> {
    let time = |line: &Line| match line {
        Line::Chat { time_ms, .. } => Some(*time_ms),
        _ => None,
    };
    let day = super::day_of(time(&lines[index])?)?;
    let previous = lines[..index].iter().rev().find_map(time);
    if previous.and_then(super::day_of) == Some(day) {
        return None;
    }
    Some(super::day_label(day, chrono::Local::now().date_naive()))
}

/// One row of the log, under its day's separator when it starts a day.
fn line_ui(
    ui: &mut Ui,
    line: &Line,
    day: Option<String>,
    thumbnails: &mut Thumbnails,
    reader: Reader<'_>,
) -> Option<RowAction> {
    if let Some(day) = day {
        ui.vertical_centered(|ui| {
            ui.label(RichText::new(format!("— {day} —")).small().weak());
        });
    }
    let weak = ui.visuals().weak_text_color();
    let strong = ui.visuals().strong_text_color();
    match line {
        Line::Chat {
            id,
            from,
            text,
            time_ms,
            mine,
            mention,
            file,
            deleted,
            reply_to,
            edited,
            reactions,
        } => {
            let row = Row {
                id: *id,
                from,
                text,
                time_ms: *time_ms,
                mine: *mine,
                mention: *mention,
                file: file.as_ref(),
                deleted: *deleted,
                reply_to: reply_to.as_deref(),
                edited: *edited,
                reactions,
            };
            return message_ui(ui, row, reader, thumbnails);
        }
        Line::Notice(text) => {
            ui.add(
                egui::Label::new(RichText::new(format!("  — {text}")).italics().color(weak)).wrap(),
            );
        }
        Line::Info(text) => {
            egui::Frame::NONE
                .inner_margin(egui::Margin::symmetric(8, 2))
                .show(ui, |ui| {
                    ui.add(egui::Label::new(RichText::new(text).monospace().color(strong)).wrap());
                });
        }
        Line::Table { title, rows } => {
            egui::Frame::NONE
                .inner_margin(egui::Margin::symmetric(8, 2))
                .show(ui, |ui| table_ui(ui, title, rows, strong));
        }
        Line::Error(text) => {
            ui.add(
                egui::Label::new(
                    RichText::new(format!("⚠ {text}")).color(ui.visuals().error_fg_color),
                )
                .wrap(),
            );
        }
    }
    None
}

/// A title over two columns: the left one as wide as its longest entry,
/// the right one wrapping within what is left, so a long description never
/// runs back under the left column.
fn table_ui(ui: &mut Ui, title: &str, rows: &[(String, String)], color: egui::Color32) {
    ui.label(RichText::new(title).color(color));
    let font = egui::TextStyle::Monospace.resolve(ui.style());
    let left = rows
        .iter()
        .map(|(left, _)| {
            let galley = ui
                .ctx()
                .fonts_mut(|f| f.layout_no_wrap(left.clone(), font.clone(), color));
            galley.size().x
        })
        .fold(0.0, f32::max);
    let gap = ui.spacing().item_spacing.x * 2.0;
    for (key, text) in rows {
        ui.horizontal_top(|ui| {
            ui.add_space(12.0);
            ui.allocate_ui_with_layout(
                vec2(left + gap, 0.0),
                egui::Layout::left_to_right(egui::Align::Min),
                |ui| {
                    ui.set_min_width(left + gap);
                    ui.label(RichText::new(key).monospace().color(color));
                },
            );
            ui.add(egui::Label::new(RichText::new(text).color(color)).wrap());
        });
    }
}
