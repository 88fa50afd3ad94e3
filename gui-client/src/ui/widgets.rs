//! What the chat screen's widgets keep from one frame to the next: the
//! message box, the log's place, the rooms panel's form, the unsent
//! private drafts and the moderation windows. Owned by the app beside the session, and started
//! afresh with each new session.

use std::collections::HashMap;

use tertulia_shared::validate::fold;

use super::chat::MessageView;
use super::input::InputBox;
use super::moderate::Draft;
use super::moderation_panel::PanelState;
use super::rooms::RoomsPanel;
use super::search::SearchPanel;

#[derive(Debug)]
pub struct ChatWidgets {
    pub input: InputBox,
    pub view: MessageView,
    pub rooms: RoomsPanel,
    /// Unsent text by conversation (folded login).
    pub private_drafts: HashMap<String, String>,
    /// The message each conversation's next line answers (folded login).
    pub private_replies: HashMap<String, tertulia_shared::Quote>,
    /// The conversation (folded login) whose box takes the keyboard next.
    pub focus_conversation: Option<String>,
    /// The window with the hosted chat's fingerprint is open.
    pub host_fingerprint_open: bool,
    /// A kick, mute or ban waiting for its reason.
    pub draft: Option<Draft>,
    /// The moderation window (staff).
    pub moderation: PanelState,
    /// The new password chosen after a reset, and its confirmation.
    pub new_password: (String, String),
    /// The search panel (Ctrl+F).
    pub search: SearchPanel,
}

/// Text the server refused, given back to where it was typed so that
/// nothing typed is lost.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum GivenBack {
    /// To the message box.
    Line(String),
    /// To the conversation with `to`.
    Draft { to: String, text: String },
}

impl Default for ChatWidgets {
    fn default() -> Self {
        ChatWidgets {
            input: InputBox::focused(),
            view: MessageView::default(),
            rooms: RoomsPanel::default(),
            private_drafts: HashMap::new(),
            private_replies: HashMap::new(),
            focus_conversation: None,
            host_fingerprint_open: false,
            draft: None,
            moderation: PanelState::default(),
            new_password: (String::new(), String::new()),
            search: SearchPanel::default(),
        }
    }
}

impl ChatWidgets {
    /// Puts refused text back, unless something new was typed there since.
    pub fn give_back(&mut self, back: GivenBack) {
        match back {
            GivenBack::Line(text) => self.input.give_back(text),
            GivenBack::Draft { to, text } => {
                let draft = self.private_drafts.entry(fold(&to)).or_default();
                if draft.is_empty() {
                    *draft = text;
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refused_text_goes_back_unless_something_new_was_typed() {
        let mut widgets = ChatWidgets::default();
        widgets.give_back(GivenBack::Line("hola".into()));
        assert_eq!(widgets.input.text, "hola");
        widgets.give_back(GivenBack::Line("otra".into()));
        assert_eq!(widgets.input.text, "hola", "what is in the box stays");
        let draft = |to: &str, text: &str| GivenBack::Draft {
            to: to.into(),
            text: text.into(),
        };
        widgets.give_back(draft("Luis", "¿vienes?"));
        widgets.give_back(draft("luis", "otra"));
        assert_eq!(widgets.private_drafts["luis"], "¿vienes?");
    }
}
