//! Telling the user something happened while they looked elsewhere: the
//! count of unread private messages and mentions in the window title, and an
//! attention request (the taskbar entry flashes) when something new arrives
//! in an unfocused window.

use super::TertuliaApp;

/// The window's title when nothing waits.
pub(super) const TITLE: &str = "Tertulia";

fn title(waiting: usize) -> String {
    match waiting {
        0 => TITLE.to_owned(),
        n => format!("({n}) {TITLE}"),
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
        let wanted = title(waiting);
        if wanted != self.title {
            ctx.send_viewport_cmd(egui::ViewportCommand::Title(wanted.clone()));
            self.title = wanted;
        }
        if !focused && waiting > self.waiting {
            ctx.send_viewport_cmd(egui::ViewportCommand::RequestUserAttention(
                egui::UserAttentionType::Informational,
            ));
            self.attention_requests += 1;
        }
        self.waiting = waiting;
    }

    /// The window title as the app last set it.
    pub fn title(&self) -> &str {
        &self.title
    }

    /// How many times the app asked for the user's attention.
    pub fn attention_requests(&self) -> usize {
        self.attention_requests
    }
}
