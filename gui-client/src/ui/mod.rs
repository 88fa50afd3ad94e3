//! The screens and panels. Each `*_ui` function draws one part and returns
//! what the user asked for as [`Intent`]s; `app/intent.rs` applies them
//! after drawing.

pub mod attachments;
pub mod chat;
pub mod input;
pub mod intent;
pub mod login;
pub mod markdown;
pub mod message;
pub mod moderate;
pub mod moderation_panel;
pub mod private;
pub mod rooms;
pub mod search;
pub mod servers;
pub mod signup;
pub mod status;
pub mod thumbnails;
pub mod transfers;
pub mod trust;
pub mod users;
pub mod view;
pub mod widgets;

pub use intent::Intent;

use egui::{Color32, RichText, Ui};

/// Message text as shown: every line after the first is indented behind a
/// bar, so one message can never pass for several (a line break followed by
/// "10:31 admin: …" would otherwise look like another person's message).
pub fn shown_text(text: &str) -> std::borrow::Cow<'_, str> {
    if text.contains('\n') {
        text.replace('\n', "\n      │ ").into()
    } else {
        text.into()
    }
}

/// A message in one line, for a reply's quote or a search hit: its first
/// line of words (a code fence's line skipped), and `…` when more follows.
pub fn one_line(text: &str) -> String {
    let mut lines = text
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with("```"));
    let first = lines.next().unwrap_or_default().to_owned();
    if lines.next().is_some() || text.trim_end().lines().count() > 1 {
        format!("{first} …")
    } else {
        first
    }
}

/// A server timestamp shown in this computer's time zone.
pub fn clock_time(time_ms: i64) -> String {
    use chrono::TimeZone;
    match chrono::Local.timestamp_millis_opt(time_ms) {
        chrono::LocalResult::Single(t) | chrono::LocalResult::Ambiguous(t, _) => {
            t.format("%H:%M").to_string()
        }
        chrono::LocalResult::None => "--:--".to_owned(),
    }
}

/// The local calendar day of a server timestamp.
pub fn day_of(time_ms: i64) -> Option<chrono::NaiveDate> {
    use chrono::TimeZone;
    match chrono::Local.timestamp_millis_opt(time_ms) {
        chrono::LocalResult::Single(t) | chrono::LocalResult::Ambiguous(t, _) => {
            Some(t.date_naive())
        }
        chrono::LocalResult::None => None,
    }
}

/// A day separator's words: "Today", "Yesterday", or the date.
pub fn day_label(day: chrono::NaiveDate, today: chrono::NaiveDate) -> String {
    match (today - day).num_days() {
        0 => crate::i18n::tr("chat-today"),
        1 => crate::i18n::tr("chat-yesterday"),
        _ => day.format("%d/%m/%Y").to_string(),
    }
}

/// The web links in a message (`http://…`, `https://…`), without the
/// punctuation that often follows them in a sentence.
pub fn links_in(text: &str) -> Vec<&str> {
    text.split_whitespace()
        .filter(|word| word.starts_with("https://") || word.starts_with("http://"))
        .map(|word| word.trim_end_matches(['.', ',', ';', ':', '!', '?', ')', '"', '\'']))
        .filter(|link| link.len() > "https://".len())
        .collect()
}

/// A stable colour per login, so people are easy to tell apart.
pub fn name_color(ui: &Ui, login: &str) -> Color32 {
    const DARK_BG: [Color32; 6] = [
        Color32::from_rgb(0x7a, 0xb8, 0xff),
        Color32::from_rgb(0xff, 0xa6, 0x57),
        Color32::from_rgb(0x8c, 0xe0, 0x8c),
        Color32::from_rgb(0xf0, 0x8a, 0xd0),
        Color32::from_rgb(0xe6, 0xd0, 0x5c),
        Color32::from_rgb(0x6e, 0xe0, 0xd8),
    ];
    const LIGHT_BG: [Color32; 6] = [
        Color32::from_rgb(0x1d, 0x5f, 0xbf),
        Color32::from_rgb(0xb3, 0x4d, 0x00),
        Color32::from_rgb(0x1e, 0x7b, 0x1e),
        Color32::from_rgb(0xa1, 0x2c, 0x83),
        Color32::from_rgb(0x86, 0x6a, 0x00),
        Color32::from_rgb(0x00, 0x7c, 0x74),
    ];
    let hash = tertulia_shared::validate::fold(login)
        .bytes()
        .fold(7u32, |h, b| h.wrapping_mul(31).wrapping_add(u32::from(b)));
    let palette = if ui.visuals().dark_mode {
        &DARK_BG
    } else {
        &LIGHT_BG
    };
    palette[hash as usize % palette.len()]
}

/// A certificate fingerprint as people compare it: sixteen groups of four
/// in four lines of four, large, easy to read aloud.
pub fn fingerprint_ui(ui: &mut Ui, fingerprint: &str) {
    let groups: Vec<&str> = fingerprint.split(' ').collect();
    for line in groups.chunks(4) {
        ui.label(
            RichText::new(line.join(" "))
                .monospace()
                .size(16.0)
                .strong(),
        );
    }
}

/// The fingerprint of the chat this computer hosts, for its host to read
/// out (the trust dialog of everyone else shows the same), with a button
/// that copies it; then a way to stop hosting, asked twice (`asking`: the
/// second question is showing).
pub fn host_fingerprint_ui(ui: &mut Ui, fingerprint: &str, asking: &mut bool) -> Option<Intent> {
    use crate::i18n::tr;
    ui.label(tr("host-fingerprint"));
    ui.add_space(4.0);
    fingerprint_ui(ui, fingerprint);
    ui.add_space(4.0);
    if ui.button(tr("host-copy")).clicked() {
        ui.ctx().copy_text(fingerprint.to_owned());
    }
    ui.add_space(8.0);
    if !*asking {
        *asking = ui.button(tr("host-stop")).clicked();
        return None;
    }
    ui.label(RichText::new(tr("host-stop-sure")).color(ui.visuals().warn_fg_color));
    let mut intent = None;
    ui.horizontal(|ui| {
        if ui.button(tr("host-stop-yes")).clicked() {
            intent = Some(Intent::StopHosting);
        }
        if ui.button(tr("host-keep")).clicked() {
            *asking = false;
        }
    });
    intent
}

/// A labelled single-line text field whose label is its accessible name.
/// Its id comes from the label, so focus and cursor stay put when an error
/// line appears above it and shifts the automatic ids.
pub fn field(ui: &mut Ui, label: &str, value: &mut String, password: bool) -> egui::Response {
    let id = ui.make_persistent_id(("field", label));
    let label = ui.label(label);
    ui.add(
        egui::TextEdit::singleline(value)
            .id(id)
            .password(password)
            .desired_width(f32::INFINITY),
    )
    .labelled_by(label.id)
}

/// An error sentence under a form field, whole (wrapped). Its place is
/// there even without an error, and never shrinks while the form is shown,
/// so the form does not jump as errors go (a click aimed at a button must
/// land on it); it grows only when a longer sentence arrives, after the
/// user's attempt. `salt` names the field; `lines` is the room kept from
/// the start (two in a half-width column, where most sentences take two).
pub fn field_error(ui: &mut Ui, salt: &str, lines: u8, error: Option<&String>) {
    let id = ui.make_persistent_id(("field-error", salt));
    let row = ui.text_style_height(&egui::TextStyle::Small);
    let reserved = row * f32::from(lines) + ui.spacing().item_spacing.y * f32::from(lines - 1);
    let tallest: f32 = ui.data(|d| d.get_temp(id)).unwrap_or(reserved);
    let text = error.map_or(" ", String::as_str);
    let shown = ui.scope(|ui| {
        ui.set_min_height(tallest);
        ui.add(
            egui::Label::new(
                RichText::new(text)
                    .color(ui.visuals().error_fg_color)
                    .small(),
            )
            .wrap(),
        );
    });
    let height = shown.response.rect.height();
    if height > tallest {
        ui.data_mut(|d| d.insert_temp(id, height));
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_quote_is_the_first_line_of_words() {
        assert_eq!(super::one_line("hola"), "hola");
        assert_eq!(
            super::one_line("¿Por qué?\n```rust\nlet v = 1;\n```"),
            "¿Por qué? …"
        );
        assert_eq!(super::one_line("```rust\nlet v = 1;\n```"), "let v = 1; …");
    }
    use super::*;

    #[test]
    fn days_are_today_yesterday_or_a_date() {
        let today = chrono::NaiveDate::from_ymd_opt(2026, 11, 29).unwrap_or_default();
        let day = |d| chrono::NaiveDate::from_ymd_opt(2026, 11, d).unwrap_or_default();
        assert_eq!(day_label(day(29), today), "Today");
        assert_eq!(day_label(day(28), today), "Yesterday");
        assert_eq!(day_label(day(23), today), "23/11/2026");
    }

    #[test]
    fn links_are_found_without_trailing_punctuation() {
        assert_eq!(
            links_in("mira https://campus.ejemplo.es/p3, y http://x.org/a?b=1."),
            ["https://campus.ejemplo.es/p3", "http://x.org/a?b=1"]
        );
        assert!(links_in("https:// nada, ftp://no").is_empty());
    }

    #[test]
    fn continuation_lines_are_marked_so_they_cannot_pose_as_messages() {
        assert_eq!(shown_text("hola"), "hola");
        let forged = shown_text("hi\n10:31 admin: the exam is cancelled");
        assert_eq!(forged, "hi\n      │ 10:31 admin: the exam is cancelled");
        assert!(forged.lines().skip(1).all(|l| l.starts_with("      │ ")));
    }
}
