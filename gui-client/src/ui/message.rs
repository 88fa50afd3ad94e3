//! One chat message in the log: the quote of what it answers, its time
//! and author, its text (Markdown and code when it has any), its file,
//! its reactions, and the right-click menu (reply, react, edit or delete
//! one's own, and the moderation entries for staff).

use egui::text::LayoutJob;
use egui::{FontId, RichText, TextFormat, Ui};
use tertulia_shared::{FileInfo, MessageId, Quote, REACTIONS, Reaction, Request};

use super::markdown::{markdown_ui, needs_markdown};
use super::thumbnails::Thumbnails;
use super::{Intent, clock_time, name_color, shown_text};
use crate::i18n::{tr, tr_args};

/// A message as the row draws it.
#[derive(Debug, Clone, Copy)]
pub struct Row<'a> {
    pub id: MessageId,
    pub from: &'a str,
    pub text: &'a str,
    pub time_ms: i64,
    pub mine: bool,
    pub mention: bool,
    pub file: Option<&'a FileInfo>,
    pub deleted: bool,
    pub reply_to: Option<&'a Quote>,
    pub edited: bool,
    pub reactions: &'a [Reaction],
}

/// Who looks at the row: their login, whether they moderate, and where
/// the row is: the room's log (`None`), or the private window of the
/// conversation with someone (where one answers, but edits in the room's
/// box only).
#[derive(Debug, Clone, Copy)]
pub struct Reader<'a> {
    pub login: &'a str,
    pub staff: bool,
    pub conversation: Option<&'a str>,
}

/// What a click on the row asked for.
#[derive(Debug)]
pub enum RowAction {
    Download(FileInfo),
    Intent(Intent),
}

pub fn message_ui(
    ui: &mut Ui,
    row: Row<'_>,
    reader: Reader<'_>,
    thumbnails: &mut Thumbnails,
) -> Option<RowAction> {
    let mut action = None;
    let body = FontId::proportional(ui.text_style_height(&egui::TextStyle::Body) * 0.95);
    // Mentions of this user stand out (a warm tint, both themes).
    let fill = if row.mention {
        ui.visuals().warn_fg_color.gamma_multiply(0.18)
    } else if row.mine {
        ui.visuals().faint_bg_color
    } else {
        egui::Color32::TRANSPARENT
    };
    egui::Frame::NONE
        .fill(fill)
        .corner_radius(4.0)
        .inner_margin(egui::Margin::symmetric(4, 1))
        .show(ui, |ui| {
            if fill != egui::Color32::TRANSPARENT {
                ui.set_width(ui.available_width());
            }
            if let Some(quote) = row.reply_to
                && quote_ui(ui, quote).clicked()
            {
                action = Some(RowAction::Intent(Intent::ShowMessage(quote.id)));
            }
            let rich = !row.deleted
                && row.file.is_none()
                && (needs_markdown(row.text) || !super::links_in(row.text).is_empty());
            let job = head_job(ui, row, &body, !rich);
            let head = if rich {
                // The head on the text's first line, the text as Markdown.
                markdown_ui(ui, row.text, &body, |ui| ui.label(job))
            } else {
                ui.add(egui::Label::new(job).wrap())
            };
            if let Some(file) = file_ui(ui, row.file, thumbnails) {
                action = Some(RowAction::Download(file));
            }
            if let Some(intent) = reactions_ui(ui, row, reader.login) {
                action = Some(RowAction::Intent(intent));
            }
            if !row.deleted {
                let head = match reader.staff {
                    true => head.on_hover_text(tr_args("message-number", &[("id", &row.id)])),
                    false => head,
                };
                head.context_menu(|ui| {
                    if let Some(intent) = menu_ui(ui, row, reader) {
                        action = Some(RowAction::Intent(intent));
                        ui.close();
                    }
                });
            }
        });
    action
}

/// Time, author and, for a plain message, its text, in one piece (most
/// rows are only this: laid out once, no parsing).
fn head_job(ui: &Ui, row: Row<'_>, body: &FontId, with_text: bool) -> LayoutJob {
    let weak = ui.visuals().weak_text_color();
    let format = |color, italics| TextFormat {
        font_id: body.clone(),
        color,
        italics,
        ..TextFormat::default()
    };
    let mut job = LayoutJob::default();
    job.append(
        &format!("{} ", clock_time(row.time_ms)),
        0.0,
        format(weak, false),
    );
    let name = TextFormat {
        font_id: body.clone(),
        color: name_color(ui, row.from),
        ..TextFormat::default()
    };
    job.append(row.from, 0.0, name);
    if row.edited && !row.deleted {
        job.append(
            &format!(" ({})", tr("message-edited")),
            0.0,
            format(weak, true),
        );
    }
    job.append(": ", 0.0, format(weak, false));
    if row.deleted {
        job.append(&tr("message-deleted"), 0.0, format(weak, true));
    } else if with_text && row.file.is_none() {
        let text = ui.visuals().text_color();
        job.append(&shown_text(row.text), 0.0, format(text, false));
    }
    job
}

/// "↪ luis: ¿y la 3?" above a reply; a click shows the original.
fn quote_ui(ui: &mut Ui, quote: &Quote) -> egui::Response {
    let text = if quote.text.is_empty() {
        tr("message-deleted")
    } else {
        super::one_line(&quote.text)
    };
    ui.add(
        egui::Button::new(
            RichText::new(format!("↪ {}: {text}", quote.from))
                .small()
                .color(ui.visuals().weak_text_color()),
        )
        .frame(false)
        .truncate(),
    )
    .on_hover_text(tr("quote-show"))
}

/// The reactions under a message: a click toggles one's own.
fn reactions_ui(ui: &mut Ui, row: Row<'_>, me: &str) -> Option<Intent> {
    if row.reactions.is_empty() || row.deleted {
        return None;
    }
    let mut chosen = None;
    ui.horizontal(|ui| {
        for reaction in row.reactions {
            let mine = reaction.by.iter().any(|l| l.eq_ignore_ascii_case(me));
            let label = format!("{} {}", reaction.emoji, reaction.by.len());
            if ui
                .selectable_label(mine, label)
                .on_hover_text(reaction.by.join(", "))
                .clicked()
            {
                chosen = Some(react(row.id, &reaction.emoji));
            }
        }
    });
    chosen
}

fn react(message: MessageId, emoji: &str) -> Intent {
    Intent::Send(Request::React {
        message,
        emoji: emoji.to_owned(),
    })
}

/// The right-click menu: reply and react for everyone, edit and delete for
/// the author, moderation for staff.
fn menu_ui(ui: &mut Ui, row: Row<'_>, reader: Reader<'_>) -> Option<Intent> {
    let mut chosen = None;
    ui.horizontal(|ui| {
        for emoji in REACTIONS {
            if ui.button(emoji).clicked() {
                chosen = Some(react(row.id, emoji));
            }
        }
    });
    if ui.button(tr("message-reply")).clicked() {
        let quote = Quote {
            id: row.id,
            from: row.from.to_owned(),
            text: tertulia_shared::truncate_chars(row.text, tertulia_shared::QUOTE_MAX_CHARS),
        };
        chosen = Some(match reader.conversation {
            Some(with) => Intent::ReplyPrivately {
                with: with.to_owned(),
                quote,
            },
            None => Intent::ReplyTo(quote),
        });
    }
    if row.mine {
        if reader.conversation.is_none()
            && row.file.is_none()
            && ui.button(tr("message-edit")).clicked()
        {
            chosen = Some(Intent::EditMessage {
                id: row.id,
                text: row.text.to_owned(),
            });
        }
        if ui.button(tr("message-delete")).clicked() {
            chosen = Some(Intent::Send(Request::DeleteMessage { message: row.id }));
        }
    } else if reader.staff {
        ui.separator();
        if let Some(intent) = super::moderate::message_menu_ui(ui, row.id, row.from) {
            chosen = Some(intent);
        }
    }
    chosen
}

/// A shared file under its message: returns it when its download was clicked.
fn file_ui(ui: &mut Ui, file: Option<&FileInfo>, thumbnails: &mut Thumbnails) -> Option<FileInfo> {
    let file = file?;
    ui.horizontal(|ui| {
        ui.add_space(40.0);
        ui.vertical(|ui| super::attachments::file_card(ui, file, thumbnails.get(file)))
            .inner
    })
    .inner
    .then(|| file.clone())
}
