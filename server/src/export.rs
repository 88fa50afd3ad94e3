//! A room's log as a file a teacher keeps (`export_room`): CSV for a
//! spreadsheet, HTML to read or print. Times are the server's local time;
//! deleted messages are marked, without their text.

use chrono::TimeZone;
use tertulia_shared::{ChatMessage, ExportFormat};

/// What a deleted message says in an export.
const DELETED: &str = "[deleted by a moderator]";

/// The file's bytes.
pub fn render(room: &str, messages: &[ChatMessage], format: ExportFormat) -> Vec<u8> {
    match format {
        ExportFormat::Csv => csv(messages),
        ExportFormat::Html => html(room, messages),
    }
    .into_bytes()
}

/// The file's name: the room and the day of the first message.
pub fn file_name(room: &str, messages: &[ChatMessage], format: ExportFormat) -> String {
    let day = messages.first().map_or_else(String::new, |m| {
        format!("-{}", local(m.time_ms, "%Y-%m-%d"))
    });
    format!("{room}{day}.{}", format.extension())
}

fn local(time_ms: i64, pattern: &str) -> String {
    chrono::Local
        .timestamp_millis_opt(time_ms)
        .single()
        .map_or_else(|| time_ms.to_string(), |t| t.format(pattern).to_string())
}

fn text(message: &ChatMessage) -> String {
    match (&message.file, message.deleted) {
        (_, true) => DELETED.to_owned(),
        (Some(file), false) => format!("[file] {}", file.name),
        (None, false) => message.text.clone(),
    }
}

fn csv(messages: &[ChatMessage]) -> String {
    // A byte-order mark, so a spreadsheet reads the accents as UTF-8.
    let mut out = String::from("\u{feff}id,time,from,text,deleted\r\n");
    for message in messages {
        let row = [
            message.id.to_string(),
            local(message.time_ms, "%Y-%m-%d %H:%M:%S"),
            message.from.clone(),
            text(message),
            message.deleted.to_string(),
        ];
        let cells: Vec<String> = row.iter().map(|cell| csv_cell(cell)).collect();
        out.push_str(&cells.join(","));
        out.push_str("\r\n");
    }
    out
}

/// A CSV cell, quoted when it must be; a leading `=`, `+`, `-` or `@` is
/// defused so a spreadsheet never runs a student's text as a formula.
fn csv_cell(cell: &str) -> String {
    let defused = match cell.chars().next() {
        Some('=' | '+' | '-' | '@') => format!("'{cell}"),
        _ => cell.to_owned(),
    };
    if defused.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", defused.replace('"', "\"\""))
    } else {
        defused
    }
}

fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

fn html(room: &str, messages: &[ChatMessage]) -> String {
    let room = escape(room);
    let mut out = format!(
        "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>{room}</title>\
         <style>body{{font-family:sans-serif}}td{{padding:2px 8px;vertical-align:top}}\
         .deleted{{color:#888;font-style:italic}}pre{{margin:0;white-space:pre-wrap}}</style>\
         </head><body><h1>{room}</h1><table>\n"
    );
    for message in messages {
        let class = if message.deleted {
            " class=\"deleted\""
        } else {
            ""
        };
        out.push_str(&format!(
            "<tr{class}><td>{}</td><td><b>{}</b></td><td><pre>{}</pre></td></tr>\n",
            local(message.time_ms, "%Y-%m-%d %H:%M"),
            escape(&message.from),
            escape(&text(message)),
        ));
    }
    out.push_str("</table></body></html>\n");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn message(id: u64, from: &str, text: &str, deleted: bool) -> ChatMessage {
        ChatMessage {
            edited: false,
            reactions: Vec::new(),
            reply_to: None,
            id,
            room: "redes".into(),
            from: from.into(),
            text: text.into(),
            time_ms: 1_700_000_000_000,
            file: None,
            deleted,
        }
    }

    #[test]
    fn csv_quotes_defuses_and_marks_deleted_messages() {
        let messages = [
            message(1, "ana", "hola, \"clase\"", false),
            message(2, "luis", "=HYPERLINK(\"x\")", false),
            message(3, "eva", "", true),
        ];
        let out = String::from_utf8(render("redes", &messages, ExportFormat::Csv)).unwrap();
        let lines: Vec<&str> = out.lines().collect();
        assert_eq!(lines.len(), 4);
        assert!(
            lines[1].ends_with(",ana,\"hola, \"\"clase\"\"\",false"),
            "{}",
            lines[1]
        );
        assert!(
            lines[2].contains(",luis,\"'=HYPERLINK(\"\"x\"\")\",false"),
            "{}",
            lines[2]
        );
        assert!(
            lines[3].ends_with(",eva,[deleted by a moderator],true"),
            "{}",
            lines[3]
        );
    }

    #[test]
    fn html_escapes_what_students_typed() {
        let messages = [message(1, "ana", "<script>alert(1)</script>", false)];
        let out = String::from_utf8(render("<b>", &messages, ExportFormat::Html)).unwrap();
        assert!(!out.contains("<script>"));
        assert!(out.contains("&lt;script&gt;alert(1)&lt;/script&gt;"));
        assert!(out.contains("<h1>&lt;b&gt;</h1>"));
    }
}
