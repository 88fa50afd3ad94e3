//! The status bar: connection, room, the server-synced clock, unread count.

use std::time::Instant;

use egui::{Color32, RichText, Ui};

mod text {
    use crate::i18n::tr_args;

    crate::texts! {
        CONNECTED = "status-connected";
        ENCRYPTED = "status-encrypted";
        ENCRYPTED_HINT = "status-encrypted-hint";
        NOT_ENCRYPTED = "status-not-encrypted";
        NOT_ENCRYPTED_HINT = "status-not-encrypted-hint";
        ROOM = "status-room";
        SERVER_TIME = "status-server-time";
        NOT_SYNCED = "status-not-synced";
    }

    pub fn unread(n: usize) -> String {
        match n {
            1 => crate::i18n::tr("status-unread-one"),
            n => tr_args("status-unread-many", &[("n", &n)]),
        }
    }
    pub fn reconnecting_in(secs: u64) -> String {
        tr_args("status-reconnecting-in", &[("secs", &secs)])
    }
}

/// The link as the status bar shows it.
#[derive(Debug, Clone, PartialEq)]
pub enum LinkStatus {
    Connected { server: String, encrypted: bool },
    Reconnecting { message: String, next_try: Instant },
}

/// The clock estimate from the network thread.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ClockView {
    /// `server − local`, milliseconds.
    pub offset_ms: i64,
    pub rtt_ms: Option<i64>,
}

impl ClockView {
    pub fn server_now_ms(&self) -> i64 {
        crate::net::local_now_ms() + self.offset_ms
    }

    /// HH:MM:SS of the server clock, in this computer's time zone.
    pub fn server_clock(&self) -> String {
        use chrono::TimeZone;
        match chrono::Local.timestamp_millis_opt(self.server_now_ms()) {
            chrono::LocalResult::Single(t) | chrono::LocalResult::Ambiguous(t, _) => {
                t.format("%H:%M:%S").to_string()
            }
            chrono::LocalResult::None => "--:--:--".into(),
        }
    }

    pub fn describe(&self) -> String {
        match self.rtt_ms {
            Some(rtt) => crate::i18n::tr_args(
                "status-clock-offset",
                &[
                    ("offset", &format!("{:+}", self.offset_ms)),
                    ("bound", &tertulia_shared::clock::error_bound(rtt)),
                    ("rtt", &rtt),
                ],
            ),
            None => text::NOT_SYNCED().to_owned(),
        }
    }
}

pub fn status_ui(
    ui: &mut Ui,
    link: &LinkStatus,
    room: &str,
    clock: &ClockView,
    unread: usize,
    hosting: Option<&str>,
    view: &crate::settings::ViewPrefs,
) -> Option<super::Intent> {
    let mut view_changed = None;
    ui.horizontal(|ui| {
        match link {
            LinkStatus::Connected { server, encrypted } => {
                ui.label(RichText::new("●").color(Color32::from_rgb(0x2e, 0xa0, 0x43)));
                ui.label(format!("{} {server}", text::CONNECTED()));
                ui.separator();
                if *encrypted {
                    ui.label(RichText::new(text::ENCRYPTED()).weak())
                        .on_hover_text(text::ENCRYPTED_HINT());
                } else {
                    ui.label(
                        RichText::new(text::NOT_ENCRYPTED())
                            .strong()
                            .color(ui.visuals().warn_fg_color),
                    )
                    .on_hover_text(text::NOT_ENCRYPTED_HINT());
                }
            }
            LinkStatus::Reconnecting { message, next_try } => {
                ui.spinner();
                let wait = next_try.saturating_duration_since(Instant::now()).as_secs();
                ui.label(
                    RichText::new(text::reconnecting_in(wait)).color(ui.visuals().warn_fg_color),
                )
                .on_hover_text(message);
            }
        }
        ui.separator();
        ui.label(format!("{} {room}", text::ROOM()));
        if let Some(hosting) = hosting {
            ui.separator();
            ui.label(RichText::new(hosting).strong());
        }
        if unread > 0 {
            ui.separator();
            ui.label(RichText::new(format!("✉ {}", text::unread(unread))).strong());
        }
        ui.with_layout(egui::Layout::right_to_left(egui::Align::Center), |ui| {
            view_changed = super::view::view_menu(ui, view);
            ui.separator();
            ui.label(RichText::new(clock.server_clock()).monospace().strong())
                .on_hover_text(clock.describe());
            ui.label(text::SERVER_TIME());
        });
    });
    view_changed
}
