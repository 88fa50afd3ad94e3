//! Telling the user something happened while they looked elsewhere: the
//! count of unread private messages and mentions in the window title, an
//! attention request (the taskbar entry flashes) when something new arrives
//! in an unfocused window, and a chime (View menu, on by default).

use super::TertuliaApp;
use crate::sound::Chimes;

/// The window's title when nothing waits.
pub(super) const TITLE: &str = "Tertulia";

fn title(waiting: usize) -> String {
    match waiting {
        0 => TITLE.to_owned(),
        n => format!("({n}) {TITLE}"),
    }
}

/// What the app last told the window manager, and the chime.
pub(super) struct Notifier {
    title: String,
    /// Unread privates and unseen mentions at the last frame.
    waiting: usize,
    attention_requests: usize,
    chimes: Chimes,
}

impl Notifier {
    pub(super) fn new(chimes: Chimes) -> Notifier {
        Notifier {
            title: TITLE.to_owned(),
            waiting: 0,
            attention_requests: 0,
            chimes,
        }
    }
}

impl TertuliaApp {
    /// Runs every frame: mentions count as seen while the window has focus.
    pub(super) fn notify(&mut self, ctx: &egui::Context) {
        let focused = ctx.input(|i| i.viewport().focused).unwrap_or(true);
        let waiting = match &mut self.chat {
            Some(chat) => {
                if focused {
                    chat.state.seen_everything();
                }
                chat.state.total_unread() + chat.state.unseen_mentions
            }
            None => 0,
        };
        let notifier = &mut self.notifier;
        let wanted = title(waiting);
        if wanted != notifier.title {
            ctx.send_viewport_cmd(egui::ViewportCommand::Title(wanted.clone()));
            notifier.title = wanted;
        }
        if waiting > notifier.waiting {
            if !focused {
                ctx.send_viewport_cmd(egui::ViewportCommand::RequestUserAttention(
                    egui::UserAttentionType::Informational,
                ));
                notifier.attention_requests += 1;
            }
            if self.settings.view.sound {
                notifier.chimes.ring();
            }
        }
        notifier.waiting = waiting;
    }

    /// The window title as the app last set it.
    pub fn title(&self) -> &str {
        &self.notifier.title
    }

    /// How many times the app asked for the user's attention.
    pub fn attention_requests(&self) -> usize {
        self.notifier.attention_requests
    }

    /// How many chimes rang (bursts ring once).
    pub fn chimes(&self) -> usize {
        self.notifier.chimes.rung()
    }
}
