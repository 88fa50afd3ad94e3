//! What the user asked for. Every screen and panel (`*_ui`) draws from the
//! state it is given and reports the user's wishes as [`Intent`]s; the app
//! applies them in one place (`app/intent.rs`) after the frame is drawn,
//! as egui's `wrap_app.rs` and rerun's command sender do. No `*_ui`
//! function changes the chat state, the settings or the connection.

use tertulia_shared::Registration;

use super::attachments::FileAction;
use super::servers::ServerRow;
use crate::settings::ViewPrefs;

#[derive(Debug, Clone, PartialEq)]
pub enum Intent {
    // The login and sign-up forms.
    LogIn,
    OpenSignup,
    SignUp(Registration),
    BackToLogin,
    /// Stop connecting.
    CancelConnecting,
    // The certificate question.
    TrustServer,
    DistrustServer,
    // The servers on this network.
    ChooseServer(ServerRow),
    HostChat,
    // The chat.
    /// A line typed in the message box: chat text or a `#` command.
    Line(String),
    JoinRoom(String),
    CreateRoom(String),
    DeleteRoom(String),
    OpenConversation(String),
    SendPrivate {
        to: String,
        text: String,
        /// The message of the conversation it answers.
        reply_to: Option<tertulia_shared::MessageId>,
    },
    /// Answer this message of the conversation with `with`: its quote goes
    /// above that window's box.
    ReplyPrivately {
        with: String,
        quote: tertulia_shared::Quote,
    },
    /// The conversation with this (folded) login was looked at.
    ConversationRead(String),
    CloseConversation(String),
    /// The log is scrolled to its top: older messages, if any.
    LoadOlder,
    File(FileAction),
    /// The fingerprint of the chat this computer hosts, shown large.
    ShowHostFingerprint,
    HideHostFingerprint,
    /// Stop the chat this computer hosts (for everyone in it).
    StopHosting,
    /// The View menu's choices, all of them as they are now.
    View(ViewPrefs),
    /// A request sent as it is (a reaction, a deletion, a moderation…);
    /// its answer is told in the log.
    Send(tertulia_shared::Request),
    /// Answer this message: its quote goes above the message box.
    ReplyTo(tertulia_shared::Quote),
    /// Change the text of one's own message: it goes into the box.
    EditMessage {
        id: tertulia_shared::MessageId,
        text: String,
    },
    /// Show this message in the log (a quote was clicked), loading older
    /// messages until it is there.
    ShowMessage(tertulia_shared::MessageId),
    /// Search (a new search when `fresh`, the next page otherwise).
    Search {
        request: tertulia_shared::Request,
        fresh: bool,
    },
    /// A search hit was clicked: its room, then the message in it.
    ShowHit(tertulia_shared::SearchHit),
    // Teachers and admins.
    /// Ask for the reason of a kick, mute or ban.
    AskModeration(super::moderate::Draft),
    OpenModeration,
}
