//! The session token: what logs this client in again instead of the
//! password. Kept in memory for reconnecting; on disk only while "Stay
//! logged in" is ticked, and then used at the next start.

use tertulia_shared::SessionToken;

use super::{Screen, TertuliaApp};
use crate::net::Credentials;
use crate::settings::SavedSession;

impl TertuliaApp {
    /// A `logged_in` (or `password_changed`) gave `token`: the one to use
    /// from now on.
    pub(super) fn keep_token(&mut self, server: String, login: String, token: SessionToken) {
        self.session = Some(SavedSession {
            server,
            login,
            token,
        });
        self.save_session();
    }

    /// The latest token replaces the one on disk (only with "Stay logged in").
    pub(super) fn save_session(&mut self) {
        let wanted = self
            .session
            .clone()
            .filter(|_| self.settings.view.stay_logged_in);
        if wanted != self.settings.session {
            self.settings.session = wanted;
            self.store.save(&self.settings);
        }
    }

    /// Whether a password is held anywhere in the window's state (tests:
    /// none once logged in).
    pub fn keeps_password(&self) -> bool {
        self.password.is_some()
            || !self.login.password.is_empty()
            || !self.signup.password.is_empty()
            || !self.signup.confirm.is_empty()
    }

    /// Logged out, or the token was refused: nothing of the session stays.
    pub(super) fn forget_session(&mut self) {
        self.session = None;
        self.save_session();
    }

    /// At start, with "Stay logged in": back into the chat with the kept
    /// token, no password asked. A refused token leads to the login form
    /// with the reason.
    pub(super) fn resume_kept_session(&mut self) {
        let Some(kept) = self.settings.session.clone() else {
            return;
        };
        if !self.settings.view.stay_logged_in {
            self.settings.session = None;
            self.store.save(&self.settings);
            return;
        }
        // Started for another server (`--server`): that one's login form.
        if kept.server != self.settings.server {
            return;
        }
        self.login.server = kept.server.clone();
        self.login.login = kept.login.clone();
        self.session = Some(kept.clone());
        self.connect_with(Screen::Login, None, Credentials::Token(kept.token));
    }
}
