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

/// The `@name` being typed at the end of `text`: its start (the `@`) and
/// what follows it so far.
fn mention_being_typed(text: &str) -> Option<(usize, &str)> {
    let at = text.rfind('@')?;
    let typed = &text[at + 1..];
    let starts_word = text[..at]
        .chars()
        .next_back()
        .is_none_or(char::is_whitespace);
    (starts_word
        && typed
            .chars()
            .all(|c| c.is_alphanumeric() || "_-.".contains(c)))
    .then_some((at, typed))
}

/// The people whose login starts with what follows the `@` being typed.
fn mention_matches<'a>(text: &str, people: &[&'a str]) -> Vec<&'a str> {
    let Some((_, typed)) = mention_being_typed(text) else {
        return Vec::new();
    };
    let typed = tertulia_shared::validate::fold(typed);
    people
        .iter()
        .filter(|login| tertulia_shared::validate::fold(login).starts_with(&typed))
        .take(6)
        .copied()
        .collect()
}

/// `@` offers the names of the room's people above the box: a click, or
/// Tab for the first, completes it.
fn mentions_ui(ui: &mut Ui, input: &mut InputBox, people: &[&str], id: egui::Id) {
    let matches = mention_matches(&input.text, people);
    if matches.is_empty() {
        return;
    }
    let mut chosen = None;
    if ui.memory(|m| m.has_focus(id)) && ui.input_mut(|i| i.consume_key(Modifiers::NONE, Key::Tab))
    {
        chosen = matches.first().copied();
    }
    ui.horizontal(|ui| {
        ui.label(RichText::new("@").weak());
        for login in &matches {
            if ui.small_button(*login).clicked() {
                chosen = Some(login);
            }
        }
    });
    if let (Some(login), Some((at, _))) = (chosen, mention_being_typed(&input.text)) {
        input.text.truncate(at);
        input.text.push_str(&format!("@{login} "));
        input.focus_pending = true;
        move_cursor_to_end(ui, id, &input.text);
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
    people: &[&str],
) -> Option<Intent> {
    if let Some(reason) = closed {
        ui.label(RichText::new(format!("🔒 {reason}")).color(ui.visuals().warn_fg_color));
    }
    replying_ui(ui, input);
    let id = ui.make_persistent_id("chat-input");
    mentions_ui(ui, input, people, id);
    let command = input.text.trim_start().starts_with('#');
    let may_send = closed.is_none() || command;
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
    fn at_offers_the_names_that_start_with_what_follows_it() {
        let people = ["ana", "Andrés", "luis"];
        assert_eq!(mention_matches("hola @an", &people), ["ana", "Andrés"]);
        assert_eq!(mention_matches("@", &people).len(), 3);
        assert_eq!(mention_matches("@LU", &people), ["luis"]);
        assert!(
            mention_matches("correo@an", &people).is_empty(),
            "not in a word"
        );
        assert!(mention_matches("@ana ya", &people).is_empty(), "done");
        assert!(mention_matches("sin arroba", &people).is_empty());
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
