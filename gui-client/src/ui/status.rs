//! The status bar: connection, room, the server-synced clock, unread count.

use std::time::Instant;

use egui::{Align, Color32, Layout, RichText, Ui};

mod text {
    use crate::i18n::tr_args;

    crate::texts! {
        SHOW_FINGERPRINT = "host-show-fingerprint";
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

/// The bar at the bottom: the View menu and the server clock on the right,
/// always whole; on the left the connection, the unread privates, the
/// room, the encryption and what this computer hosts, in that order, each
/// cut short (whole on hover) or left out when the window or the text size
/// leaves no room, never drawn over the clock.
pub fn status_ui(
    ui: &mut Ui,
    link: &LinkStatus,
    room: &str,
    clock: &ClockView,
    unread: usize,
    hosting: Option<&str>,
    view: super::view::ViewMenu<'_>,
) -> Option<super::Intent> {
    let mut intent = None;
    ui.with_layout(Layout::right_to_left(Align::Center), |ui| {
        intent = super::view::view_menu(ui, view);
        ui.separator();
        ui.label(RichText::new(clock.server_clock()).monospace().strong())
            .on_hover_text(clock.describe());
        ui.label(text::SERVER_TIME());
        ui.separator();
        ui.with_layout(Layout::left_to_right(Align::Center), |ui| {
            if left_ui(ui, link, room, unread, hosting) {
                intent = Some(super::Intent::ShowHostFingerprint);
            }
        });
    });
    intent
}

/// Below this width a part of the left side is left out rather than cut to
/// nothing.
const MIN_PART: f32 = 24.0;

/// Returns whether the hosting part was clicked (to show the fingerprint).
fn left_ui(
    ui: &mut Ui,
    link: &LinkStatus,
    room: &str,
    unread: usize,
    hosting: Option<&str>,
) -> bool {
    // Each part: its text and its hover text, most needed first (the
    // parts that do not fit are left out from the end).
    let mut parts: Vec<(RichText, Option<String>)> = Vec::new();
    let mut encryption = None;
    match link {
        LinkStatus::Connected { server, encrypted } => {
            ui.label(RichText::new("●").color(Color32::from_rgb(0x2e, 0xa0, 0x43)));
            parts.push((
                RichText::new(format!("{} {server}", text::CONNECTED())),
                None,
            ));
            encryption = Some(if *encrypted {
                (
                    RichText::new(text::ENCRYPTED()).weak(),
                    Some(text::ENCRYPTED_HINT()),
                )
            } else {
                (
                    RichText::new(text::NOT_ENCRYPTED())
                        .strong()
                        .color(ui.visuals().warn_fg_color),
                    Some(text::NOT_ENCRYPTED_HINT()),
                )
            });
        }
        LinkStatus::Reconnecting { message, next_try } => {
            // A little room on the left: the spinner's arc is drawn a
            // little outside its box and would be cut by the window edge.
            ui.add_space(2.0);
            ui.spinner();
            let wait = next_try.saturating_duration_since(Instant::now()).as_secs();
            parts.push((
                RichText::new(text::reconnecting_in(wait)).color(ui.visuals().warn_fg_color),
                Some(message.clone()),
            ));
        }
    }
    if unread > 0 {
        parts.push((
            RichText::new(format!("✉ {}", text::unread(unread))).strong(),
            None,
        ));
    }
    parts.push((RichText::new(format!("{} {room}", text::ROOM())), None));
    parts.extend(encryption);
    let hosting_part = hosting.is_some().then_some(parts.len());
    if let Some(hosting) = hosting {
        parts.push((
            RichText::new(format!("🔑 {hosting}")).strong(),
            Some(text::SHOW_FINGERPRINT()),
        ));
    }
    let mut clicked = false;
    for (index, (part, hint)) in parts.into_iter().enumerate() {
        if ui.available_width() < MIN_PART {
            break;
        }
        if index > 0 {
            ui.separator();
        }
        let whole = part.text().to_owned();
        let mut label = egui::Label::new(part).truncate();
        if Some(index) == hosting_part {
            label = label.sense(egui::Sense::click());
        }
        let shown = ui.add(label).on_hover_text(hint.unwrap_or(whole));
        clicked |= Some(index) == hosting_part && shown.clicked();
    }
    clicked
}
