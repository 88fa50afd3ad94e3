//! What the network thread tells the application: connection progress,
//! login, refusals, certificate questions and everything a session
//! brings, applied in the order it arrived.

use std::time::Instant;

use tertulia_shared::{ErrorBody, ErrorCode, Password};

use super::session::ChatSession;
use super::{DRAIN_BUDGET, Retry, Screen, TertuliaApp, text};
use crate::net::{Arrival, Credentials, NetEvent, server_key};
use crate::ui::status::{ClockView, LinkStatus};
use crate::ui::trust::TrustQuestion;
use crate::ui::widgets::ChatWidgets;

impl TertuliaApp {
    /// Applies everything the network thread said, within a time budget so
    /// a flood never stalls a frame.
    pub(super) fn drain_events(&mut self) {
        let started = Instant::now();
        while started.elapsed() < DRAIN_BUDGET {
            let Some(event) = self.net.try_event() else {
                break;
            };
            self.on_net_event(event);
        }
    }

    fn on_net_event(&mut self, event: NetEvent) {
        match event {
            NetEvent::Connecting { server, attempt } => {
                if let Some(a) = &mut self.attempt {
                    a.progress = text::connecting(&server, attempt);
                }
            }
            NetEvent::Registered { .. } => {
                self.login.error = None;
                self.login.login = self.signup.login.trim().to_owned();
                if let Some(a) = &mut self.attempt {
                    a.progress = text::ACCOUNT_CREATED();
                }
            }
            NetEvent::LoggedIn { arrival, resumed } => self.on_logged_in(arrival, resumed),
            NetEvent::AuthRefused(error) => self.on_refused(error),
            NetEvent::Untrusted {
                server,
                fingerprint,
                pinned,
            } => self.on_untrusted(server, fingerprint, pinned),
            NetEvent::ConnectFailed { message } => {
                let from = self.attempt.take().map_or(Screen::Login, |a| a.from);
                match from {
                    Screen::Signup => self.signup.error = Some(message),
                    _ => self.login.error = Some(message),
                }
            }
            NetEvent::Disconnected { message, retry_in } => {
                if let Some(chat) = &mut self.chat {
                    if matches!(chat.link, LinkStatus::Connected { .. }) {
                        chat.room_before_drop = Some(chat.state.room.clone());
                        chat.resume_from = Some(chat.state.last_seen);
                        chat.state.error(text::lost(&message, retry_in.as_secs()));
                    }
                    chat.link = LinkStatus::Reconnecting {
                        message,
                        next_try: Instant::now() + retry_in,
                    };
                }
            }
            NetEvent::Closed { message } => {
                self.attempt = None;
                if self.chat.take().is_some() {
                    self.login.notice = Some(message);
                }
                self.password = None;
                self.login.password.clear();
                self.screen = Screen::Login;
            }
            NetEvent::Reply { id, result } => {
                if let tertulia_shared::Reply::PasswordChanged { token } = &result
                    && let Some(kept) = self.session.clone()
                {
                    self.keep_token(kept.server, kept.login, token.clone());
                }
                if let Some(chat) = &mut self.chat {
                    chat.on_reply(&self.net, id, result);
                }
            }
            NetEvent::NotSent { id } => {
                if let Some(chat) = &mut self.chat
                    && let Some(back) = chat.on_not_sent(id)
                {
                    self.widgets.give_back(back);
                }
            }
            NetEvent::Failed { id, error } => {
                if let Some(chat) = &mut self.chat
                    && let Some(back) = chat.on_failed(id, error)
                {
                    self.widgets.give_back(back);
                }
            }
            NetEvent::Event(event) => {
                if let Some(chat) = &mut self.chat {
                    chat.state.apply_event(event);
                }
            }
            NetEvent::Transfer(update) => self.on_transfer(update),
            NetEvent::Clock { offset_ms, rtt_ms } => {
                self.clock = ClockView {
                    offset_ms,
                    rtt_ms: Some(rtt_ms),
                };
            }
        }
    }

    fn on_logged_in(&mut self, arrival: Arrival, resumed: bool) {
        self.attempt = None;
        self.login.error = None;
        self.screen = Screen::Chat;
        // From here on the session token logs back in, not the password.
        self.password = None;
        self.login.password.clear();
        self.pending_register = None;
        self.signup.password.clear();
        self.signup.confirm.clear();
        let server = self.login.server.trim().to_owned();
        self.keep_token(server.clone(), arrival.login.clone(), arrival.token.clone());
        self.settings.server = server.clone();
        self.settings.login = arrival.login.clone();
        self.settings.plain = !arrival.encrypted;
        self.remember_server(&server);
        self.store.save(&self.settings);
        // Where the session is: one of the chat's nodes, when several.
        let address = arrival.address.clone();
        match (&mut self.chat, resumed) {
            (Some(chat), true) => chat.resume(&self.net, &address, arrival),
            _ => {
                self.chat = Some(ChatSession::new(arrival, address));
                self.widgets = ChatWidgets::default();
                self.forget_ended_transfers();
            }
        }
    }

    /// The server's certificate needs the user's decision: the question
    /// replaces whatever screen was up (the chat too, after a reconnection).
    fn on_untrusted(&mut self, server: String, fingerprint: String, pinned: Option<String>) {
        let from = match self.attempt.take() {
            Some(attempt) => attempt.from,
            None => Screen::Login,
        };
        self.chat = None;
        let login = match &self.pending_register {
            Some(form) => form.login.clone(),
            None => self.login.login.trim().to_owned(),
        };
        let credentials = match (self.password.clone(), &self.session) {
            (Some(password), _) => Credentials::Password { login, password },
            (None, Some(kept)) => Credentials::Token(kept.token.clone()),
            (None, None) => Credentials::Password {
                login,
                password: Password(self.login.password.clone()),
            },
        };
        let retry = Retry {
            from,
            register: self.pending_register.take(),
            credentials,
        };
        let question = TrustQuestion {
            server,
            fingerprint,
            pinned,
        };
        self.question = Some((question, retry));
    }

    /// What the user decided about a certificate: trust it, or not.
    pub(super) fn answer_question(&mut self, trusted: bool) {
        let Some((question, retry)) = self.question.take() else {
            return;
        };
        self.screen = match retry.from {
            Screen::Signup => Screen::Signup,
            _ => Screen::Login,
        };
        match trusted {
            true => {
                self.settings
                    .pinned
                    .insert(server_key(&question.server), question.fingerprint);
                self.store.save(&self.settings);
                self.connect_with(retry.from, retry.register, retry.credentials);
            }
            false => {
                self.password = None;
                self.login.error = Some(text::NOT_TRUSTED().to_owned());
            }
        }
    }

    fn on_refused(&mut self, error: ErrorBody) {
        let from = self.attempt.take().map_or(Screen::Login, |a| a.from);
        self.chat = None;
        self.password = None;
        if matches!(
            error.code,
            ErrorCode::InvalidToken | ErrorCode::TokenExpired | ErrorCode::TokenRevoked
        ) {
            self.forget_session();
        }
        match (from, error.code) {
            (Screen::Signup, _) => {
                self.screen = Screen::Signup;
                let message = crate::i18n::error_message(&error);
                self.signup.server_error(error.field, message);
            }
            (_, ErrorCode::BadCredentials) => {
                self.screen = Screen::Login;
                self.login.password_error = Some(crate::i18n::error_message(&error));
            }
            _ => {
                self.screen = Screen::Login;
                self.login.error = Some(crate::i18n::error_message(&error));
            }
        }
    }
}
