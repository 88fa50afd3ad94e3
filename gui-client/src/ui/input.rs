//! The message box at the bottom, with its history of sent lines.

use egui::text::{CCursor, CCursorRange};
use egui::{Key, Modifiers, RichText, Ui};

use super::Intent;

mod text {
    use crate::i18n::tr_args;

    crate::texts! {
        MESSAGE = "chat-message";
        SEND = "chat-send";
    }

    pub fn hint(room: &str) -> String {
        tr_args("chat-hint", &[("room", &room)])
    }
}

/// The input box with its history of sent lines.
#[derive(Debug, Clone, Default)]
pub struct InputBox {
    pub text: String,
    history: Vec<String>,
    /// Position while browsing the history with Up/Down.
    browsing: Option<usize>,
    /// What was being typed before browsing started.
    draft: String,
    /// The box takes the keyboard on the next frame (after logging in).
    pub focus_pending: bool,
    /// Its text is selected on the next frame, so that typing replaces it
    /// (text given back after it could not be sent).
    select_pending: bool,
    /// The message the next chat line answers.
    pub replying: Option<tertulia_shared::Quote>,
    /// The own message the box's text replaces (↑ in the empty box, or
    /// Edit in a message's menu); Escape gives up.
    pub editing: Option<tertulia_shared::MessageId>,
}

impl InputBox {
    /// An empty box that takes the keyboard as soon as it is drawn.
    pub fn focused() -> InputBox {
        InputBox {
            focus_pending: true,
            ..InputBox::default()
        }
    }

    /// Puts back text that could not be sent, selected, unless something
    /// new was typed meanwhile: Enter sends it again, typing replaces it.
    pub fn give_back(&mut self, text: String) {
        if self.text.is_empty() {
            self.text = text;
            self.select_pending = true;
            self.focus_pending = true;
        }
    }

    /// Edits own message `id`: its text in the box, ready to change.
    pub fn edit(&mut self, id: tertulia_shared::MessageId, text: String) {
        self.replying = None;
        self.editing = Some(id);
        self.text = text;
        self.focus_pending = true;
    }

    fn remember(&mut self, line: &str) {
        if self.history.last().map(String::as_str) != Some(line) {
            self.history.push(line.to_owned());
        }
        self.browsing = None;
    }

    /// Up (`older = true`) or Down through earlier input.
    pub fn recall(&mut self, older: bool) {
        if self.history.is_empty() {
            return;
        }
        let next = match (self.browsing, older) {
            (None, true) => {
                self.draft = std::mem::take(&mut self.text);
                Some(self.history.len() - 1)
            }
            (None, false) => None,
            (Some(0), true) => Some(0),
            (Some(i), true) => Some(i - 1),
            (Some(i), false) if i + 1 < self.history.len() => Some(i + 1),
            (Some(_), false) => {
                self.text = std::mem::take(&mut self.draft);
                self.browsing = None;
                return;
            }
        };
        if let Some(i) = next {
            self.text = self.history[i].clone();
            self.browsing = Some(i);
        }
    }
}

/// What the next line answers or replaces, above the box, with a ✖ to
/// give it up.
fn replying_ui(ui: &mut Ui, input: &mut InputBox) {
    let said = match (&input.replying, input.editing) {
        (_, Some(_)) => crate::i18n::tr("input-editing"),
        (Some(quote), None) => crate::i18n::tr_args(
            "input-replying",
            &[
                ("from", &quote.from),
                ("text", &quote.text.replace('\n', " ")),
            ],
        ),
        (None, None) => return,
    };
    ui.horizontal(|ui| {
        ui.add(egui::Label::new(RichText::new(format!("↪ {said}")).small()).truncate());
        if ui.small_button("✖").clicked() {
            if input.editing.take().is_some() {
                input.text.clear();
            }
            input.replying = None;
        }
    });
}

/// Returns a line when the user presses Enter (or Send). `closed` says
/// why this user may not write here now (muted, exam, an announcement
/// room): it is shown above the box and as its hint, and only `#`
/// commands are sent (`#exit`, `#lR`… still work).
/// `last_own` is this user's latest message here that ↑ in the empty box
/// edits.
pub fn input_ui(
    ui: &mut Ui,
    input: &mut InputBox,
    room: &str,
    closed: Option<&str>,
    last_own: Option<(tertulia_shared::MessageId, String)>,
) -> Option<Intent> {
    if let Some(reason) = closed {
        ui.label(RichText::new(format!("🔒 {reason}")).color(ui.visuals().warn_fg_color));
    }
    replying_ui(ui, input);
    let command = input.text.trim_start().starts_with('#');
    let may_send = closed.is_none() || command;
    let id = ui.make_persistent_id("chat-input");
    let focused = ui.memory(|m| m.has_focus(id));
    if focused {
        let (up, down) = ui.input_mut(|i| {
            (
                i.consume_key(Modifiers::NONE, Key::ArrowUp),
                i.consume_key(Modifiers::NONE, Key::ArrowDown),
            )
        });
        if input.editing.is_some() && ui.input_mut(|i| i.consume_key(Modifiers::NONE, Key::Escape))
        {
            input.editing = None;
            input.text.clear();
        }
        match (up, last_own) {
            // ↑ in the empty box edits one's last message, as in Slack.
            (true, Some((last, text))) if input.text.is_empty() && input.editing.is_none() => {
                input.edit(last, text);
                move_cursor_to_end(ui, id, &input.text);
            }
            _ if up || down => {
                input.recall(up);
                move_cursor_to_end(ui, id, &input.text);
            }
            _ => {}
        }
    }
    if std::mem::take(&mut input.select_pending) {
        select_all(ui, id, &input.text);
    }
    let mut submitted = None;
    ui.horizontal(|ui| {
        let label = ui.label(RichText::new(text::MESSAGE()).weak());
        let send_width = 60.0;
        let edit = ui
            .add(
                egui::TextEdit::singleline(&mut input.text)
                    .id(id)
                    .hint_text(closed.map_or_else(|| text::hint(room), str::to_owned))
                    .desired_width(ui.available_width() - send_width),
            )
            .labelled_by(label.id);
        if std::mem::take(&mut input.focus_pending) {
            edit.request_focus();
        }
        let entered = edit.lost_focus() && ui.input(|i| i.key_pressed(Key::Enter));
        let clicked = ui
            .add_enabled_ui(may_send, |ui| {
                ui.add_sized(
                    [send_width - 8.0, edit.rect.height()],
                    egui::Button::new(text::SEND()),
                )
            })
            .inner
            .clicked();
        if (entered || clicked) && may_send && !input.text.trim().is_empty() {
            let line = std::mem::take(&mut input.text);
            input.remember(&line);
            submitted = Some(Intent::Line(line));
        }
        if entered || clicked {
            edit.request_focus();
        }
    });
    submitted
}

fn select_all(ui: &Ui, id: egui::Id, text: &str) {
    let mut state = egui::TextEdit::load_state(ui.ctx(), id).unwrap_or_default();
    let end = CCursor::new(text.chars().count());
    state
        .cursor
        .set_char_range(Some(CCursorRange::two(CCursor::new(0), end)));
    state.store(ui.ctx(), id);
}

fn move_cursor_to_end(ui: &Ui, id: egui::Id, text: &str) {
    if let Some(mut state) = egui::TextEdit::load_state(ui.ctx(), id) {
        let end = CCursor::new(text.chars().count());
        state.cursor.set_char_range(Some(CCursorRange::one(end)));
        state.store(ui.ctx(), id);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn up_and_down_walk_the_history_and_restore_the_draft() {
        let mut input = InputBox::default();
        for line in ["one", "two", "three"] {
            input.remember(line);
        }
        input.text = "draft".into();
        input.recall(true);
        assert_eq!(input.text, "three");
        input.recall(true);
        input.recall(true);
        input.recall(true);
        assert_eq!(input.text, "one", "stops at the oldest");
        input.recall(false);
        assert_eq!(input.text, "two");
        input.recall(false);
        input.recall(false);
        assert_eq!(input.text, "draft");
        input.recall(false);
        assert_eq!(input.text, "draft");
    }

    #[test]
    fn repeated_lines_are_remembered_once() {
        let mut input = InputBox::default();
        input.remember("#lR");
        input.remember("#lR");
        input.recall(true);
        input.recall(true);
        assert_eq!(input.history.len(), 1);
        assert_eq!(input.text, "#lR");
    }
}
