//! The centre: the current room's messages (the box to type in is `input.rs`).

use egui::text::LayoutJob;
use egui::{FontId, Rect, RichText, TextFormat, Ui, UiBuilder, vec2};

use super::attachments::FileAction;
use super::{Intent, clock_time, name_color, shown_text};
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
    staff: bool,
) -> Vec<Intent> {
    let mut download = None;
    let mut moderate = None;
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

    let mut area = egui::ScrollArea::vertical()
        .id_salt(("messages", room))
        .stick_to_bottom(true)
        .auto_shrink(false);
    if shift > 0.0 {
        area = area.vertical_scroll_offset(view.offset + shift);
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
                match line_ui(ui, &lines[index], day, thumbnails, staff) {
                    Some(LineAction::Download(file)) => download = Some(file),
                    Some(LineAction::Moderate(intent)) => moderate = Some(intent),
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
    let at_top = view.offset <= 0.5 && shift == 0.0;
    at_top
        .then_some(Intent::LoadOlder)
        .into_iter()
        .chain(download.map(|file| Intent::File(FileAction::Download(file))))
        .chain(moderate)
        .collect()
}

/// A shared file under its message: returns it when its download was clicked.
fn file_ui(
    ui: &mut Ui,
    file: Option<&tertulia_shared::FileInfo>,
    thumbnails: &mut Thumbnails,
) -> Option<tertulia_shared::FileInfo> {
    let file = file?;
    ui.horizontal(|ui| {
        ui.add_space(40.0);
        ui.vertical(|ui| super::attachments::file_card(ui, file, thumbnails.get(file)))
            .inner
    })
    .inner
    .then(|| file.clone())
}

/// The message cut at its links: `(true, link)` for each link, in order,
/// `(false, text)` for what stands between them.
fn pieces<'a>(text: &'a str, links: &[&'a str]) -> Vec<(bool, &'a str)> {
    let mut out = Vec::new();
    let mut rest = text;
    for link in links {
        let Some(at) = rest.find(link) else { continue };
        if at > 0 {
            out.push((false, &rest[..at]));
        }
        out.push((true, *link));
        rest = &rest[at + link.len()..];
    }
    if !rest.is_empty() {
        out.push((false, rest));
    }
    out
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

/// What a click on a row of the log asked for.
enum LineAction {
    Download(tertulia_shared::FileInfo),
    /// From a message's right-click menu (staff).
    Moderate(Intent),
}

/// One row of the log, under its day's separator when it starts a day.
/// Staff get a right-click menu on each message that is not deleted.
fn line_ui(
    ui: &mut Ui,
    line: &Line,
    day: Option<String>,
    thumbnails: &mut Thumbnails,
    staff: bool,
) -> Option<LineAction> {
    let mut download = None;
    let mut moderate = None;
    if let Some(day) = day {
        ui.vertical_centered(|ui| {
            ui.label(RichText::new(format!("— {day} —")).small().weak());
        });
    }
    let body = FontId::proportional(ui.text_style_height(&egui::TextStyle::Body) * 0.95);
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
        } => {
            let mut job = LayoutJob::default();
            let format = |color, italics| TextFormat {
                font_id: body.clone(),
                color,
                italics,
                ..TextFormat::default()
            };
            job.append(
                &format!("{} ", clock_time(*time_ms)),
                0.0,
                format(weak, false),
            );
            let name_format = TextFormat {
                font_id: FontId::proportional(body.size),
                color: name_color(ui, from),
                ..TextFormat::default()
            };
            job.append(from, 0.0, name_format);
            job.append(": ", 0.0, format(weak, false));
            let links = super::links_in(text);
            // Text with links is drawn piece by piece after the name, each
            // link a link where it stands (said once, clickable).
            if *deleted {
                job.append(&crate::i18n::tr("message-deleted"), 0.0, format(weak, true));
            } else if file.is_none() && links.is_empty() {
                job.append(
                    &shown_text(text),
                    0.0,
                    format(ui.visuals().text_color(), false),
                );
            }
            // Mentions of this user stand out (a warm tint, both themes).
            let fill = if *mention {
                Some(ui.visuals().warn_fg_color.gamma_multiply(0.18))
            } else if *mine {
                Some(ui.visuals().faint_bg_color)
            } else {
                None
            };
            // The label with the time and the name: where a right click
            // opens the moderation menu.
            let with_links = |ui: &mut Ui, job: LayoutJob| -> egui::Response {
                if links.is_empty() || *deleted {
                    ui.add(egui::Label::new(job).wrap())
                } else {
                    ui.horizontal_wrapped(|ui| {
                        ui.spacing_mut().item_spacing.x = 0.0;
                        let head = ui.label(job);
                        for (is_link, piece) in pieces(text, &links) {
                            if is_link {
                                ui.hyperlink(piece);
                            } else {
                                ui.label(RichText::new(shown_text(piece)).font(body.clone()));
                            }
                        }
                        head
                    })
                    .inner
                }
            };
            let mut head = None;
            if let Some(fill) = fill {
                egui::Frame::NONE
                    .fill(fill)
                    .corner_radius(4.0)
                    .inner_margin(egui::Margin::symmetric(4, 1))
                    .show(ui, |ui| {
                        ui.set_width(ui.available_width());
                        head = Some(with_links(ui, job));
                        download = file_ui(ui, file.as_ref(), thumbnails);
                    });
            } else {
                egui::Frame::NONE
                    .inner_margin(egui::Margin::symmetric(4, 1))
                    .show(ui, |ui| {
                        head = Some(with_links(ui, job));
                        download = file_ui(ui, file.as_ref(), thumbnails);
                    });
            }
            if let Some(head) = head
                && staff
                && !*deleted
            {
                let head =
                    head.on_hover_text(crate::i18n::tr_args("message-number", &[("id", id)]));
                head.context_menu(|ui| {
                    moderate = super::moderate::message_menu_ui(ui, *id, from, *mine);
                });
            }
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
    moderate
        .map(LineAction::Moderate)
        .or(download.map(LineAction::Download))
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_message_is_cut_at_its_links_and_each_link_stands_once() {
        let text = "el enunciado: https://campus.ejemplo.es/p3. y https://x.org";
        let links = crate::ui::links_in(text);
        assert_eq!(
            pieces(text, &links),
            [
                (false, "el enunciado: "),
                (true, "https://campus.ejemplo.es/p3"),
                (false, ". y "),
                (true, "https://x.org"),
            ]
        );
        let joined: String = pieces(text, &links).iter().map(|(_, p)| *p).collect();
        assert_eq!(joined, text, "nothing lost, nothing said twice");
    }
}
