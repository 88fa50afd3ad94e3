//! What the user types in the message box: chat text for the room, or a
//! `#` command (parsed by `tertulia_shared::command`) turned into a request
//! or answered on the spot (`#help`, `#net`).

use tertulia_shared::Request;
use tertulia_shared::command::{self, Command, Input, ParseError};

use super::TertuliaApp;
use super::session::Pending;
use crate::i18n::{tr, tr_args};
use crate::net::{NetHandle, NetOrder};
use crate::ui::status::ClockView;

impl TertuliaApp {
    /// One line from the input box: chat text or a `#` command.
    pub(super) fn submit_line(&mut self, line: &str) {
        let Some(chat) = &mut self.chat else { return };
        let command = match command::parse(line) {
            Ok(Input::Chat(text)) => {
                let text = tertulia_shared::validate::line_breaks(text);
                match tertulia_shared::validate::message(&text) {
                    Ok(()) => {
                        let input = &mut self.widgets.input;
                        if let Some(id) = input.editing.take() {
                            let request = Request::EditMessage { message: id, text };
                            let id = self.net.send(request);
                            chat.typed.insert(id);
                            return;
                        }
                        let reply_to = input.replying.take().map(|quote| quote.id);
                        let request = Request::Say {
                            text: text.clone(),
                            reply_to,
                        };
                        chat.send(&self.net, request, Pending::Say(text));
                    }
                    Err(e) => chat.state.error(crate::i18n::field_error(&e)),
                }
                return;
            }
            Ok(Input::Command(command)) => command,
            Err(ParseError::Empty) => return,
            Err(e) => {
                chat.state.error(crate::i18n::parse_error(&e));
                return;
            }
        };
        match command {
            Command::File(path) => self.share_file(expand_home(&path), None),
            Command::Help => {
                let rows = help_rows(chat.state.moderation.is_staff());
                chat.state.table(crate::i18n::tr("chat-help"), rows)
            }
            Command::Net => {
                let report = net_report(
                    &self.net,
                    &self.clock,
                    (&chat.server, chat.node.as_deref()),
                    chat.fingerprint.as_deref(),
                );
                chat.state.info(report);
            }
            Command::Exit => {
                self.forget_session();
                self.net.order(NetOrder::Logout);
            }
            other => {
                if let Some(request) = other.to_request() {
                    let id = match other {
                        Command::Private { to, text } => {
                            chat.send(&self.net, request, Pending::Private { to, text })
                        }
                        _ => self.net.send(request),
                    };
                    chat.typed.insert(id);
                }
            }
        }
    }
}

/// `#help`, in the interface's language: every row of the command
/// table with what it does, shown in two columns; the moderation commands
/// only for teachers and admins.
fn help_rows(staff: bool) -> Vec<(String, String)> {
    command::COMMANDS
        .iter()
        .filter(|c| staff || !c.staff)
        .map(|c| {
            let summary = crate::i18n::tr(&format!("chat-help-{}", c.help));
            (crate::i18n::usage(c), summary)
        })
        .collect()
}

/// When the connection started, in server time like every other time on
/// screen (the status bar's clock included), and how long ago.
fn connected_since(
    since: chrono::DateTime<chrono::Local>,
    offset_ms: i64,
    now: chrono::DateTime<chrono::Local>,
) -> String {
    let minutes = (now - since).num_minutes();
    let server_time = since + chrono::Duration::milliseconds(offset_ms);
    tr_args(
        "net-report-since-at",
        &[
            ("time", &server_time.format("%H:%M:%S")),
            ("minutes", &minutes),
        ],
    )
}

/// The `#net` report, in the interface's language.
fn net_report(
    net: &NetHandle,
    clock: &ClockView,
    (server, node): (&str, Option<&str>),
    fingerprint: Option<&str>,
) -> String {
    let stats = net.stats();
    let since = stats
        .connected_since
        .map_or(tr("net-report-not-connected"), |t| {
            connected_since(t, clock.offset_ms, chrono::Local::now())
        });
    let kib = |bytes: u64| format!("{:.1}", bytes as f64 / 1024.0);
    let rtt = clock
        .rtt_ms
        .map_or(tr("net-report-not-measured"), |rtt| format!("{rtt} ms"));
    let server = match node {
        Some(node) => tr_args(
            "net-report-server-node",
            &[("server", &server), ("node", &node)],
        ),
        None => tr_args("net-report-server", &[("server", &server)]),
    };
    [
        tr("net-report-title"),
        server,
        tr_args(
            "net-report-fingerprint",
            &[(
                "fingerprint",
                &fingerprint.map_or_else(|| tr("net-report-no-fingerprint"), str::to_owned),
            )],
        ),
        tr_args("net-report-since", &[("since", &since)]),
        tr_args("net-report-rtt", &[("rtt", &rtt)]),
        tr_args(
            "net-report-offset",
            &[("offset", &format!("{:+}", clock.offset_ms))],
        ),
        tr_args(
            "net-report-sent",
            &[
                ("count", &stats.messages_sent),
                ("kib", &kib(stats.bytes_sent)),
            ],
        ),
        tr_args(
            "net-report-received",
            &[
                ("count", &stats.messages_received),
                ("kib", &kib(stats.bytes_received)),
            ],
        ),
        tr_args(
            "net-report-reconnections",
            &[("count", &stats.reconnections)],
        ),
    ]
    .join("\n  ")
}

/// `~/notas.pdf` → the home directory's `notas.pdf`.
fn expand_home(path: &str) -> std::path::PathBuf {
    match (path.strip_prefix("~/"), directories::UserDirs::new()) {
        (Some(rest), Some(dirs)) => dirs.home_dir().join(rest),
        _ => std::path::PathBuf::from(path),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn connected_since_is_shown_in_server_time() {
        let since = chrono::Local
            .with_ymd_and_hms(2026, 11, 29, 10, 0, 0)
            .single()
            .unwrap_or_default();
        let now = since + chrono::Duration::minutes(7);
        // The server's clock is 90 s ahead of this computer's.
        let shown = connected_since(since, 90_000, now);
        assert_eq!(shown, "10:01:30 server time (7 min ago)");
        crate::i18n::set(crate::i18n::Lang::Es);
        let shown = connected_since(since, 90_000, now);
        crate::i18n::set(crate::i18n::Lang::En);
        assert_eq!(shown, "10:01:30, hora del servidor (hace 7 min)");
    }
}
