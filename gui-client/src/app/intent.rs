//! The one place where what the user asked for ([`Intent`]) is applied,
//! after the frame is drawn.

use tertulia_shared::Request;
use tertulia_shared::validate::fold;

use super::session::Pending;
use super::{Screen, TertuliaApp};
use crate::host::Hosting;
use crate::i18n::Lang;
use crate::net::NetOrder;
use crate::ui::Intent;

impl TertuliaApp {
    pub(super) fn apply(&mut self, ctx: &egui::Context, intent: Intent) {
        match intent {
            Intent::LogIn => {
                self.login.error = None;
                if self.login.check() {
                    self.connect(Screen::Login, None);
                }
            }
            Intent::OpenSignup => {
                self.signup.login = self.login.login.clone();
                self.signup.focus_pending = true;
                self.screen = Screen::Signup;
            }
            Intent::SignUp(registration) => self.connect(Screen::Signup, Some(registration)),
            Intent::BackToLogin => {
                self.login.focus_pending = true;
                self.screen = Screen::Login;
            }
            Intent::CancelConnecting => {
                self.net.order(NetOrder::Cancel);
                self.attempt = None;
            }
            Intent::TrustServer => self.answer_question(true),
            Intent::DistrustServer => self.answer_question(false),
            Intent::ChooseServer(row) => {
                self.login.server = row.address;
                self.login.error = None;
                // The next thing to type is the login (or the password).
                self.login.focus_pending = true;
                self.signup.focus_pending = true;
            }
            Intent::HostChat => {
                self.hosting = Some(Hosting::start(self.host_options.clone()));
                self.hosting_applied = false;
            }
            Intent::Line(line) => self.submit_line(&line),
            Intent::JoinRoom(room) => {
                self.net.send(Request::JoinRoom { room });
                // A click in the sidebar: the next line is for that room.
                self.widgets.input.focus_pending = true;
            }
            Intent::CreateRoom(room) => {
                self.net.send(Request::CreateRoom { room });
            }
            Intent::DeleteRoom(room) => {
                self.net.send(Request::DeleteRoom { room });
            }
            Intent::OpenConversation(login) => {
                if let Some(chat) = &mut self.chat {
                    chat.state.open_conversation(&login);
                    self.widgets.focus_conversation = Some(fold(&login));
                }
            }
            Intent::SendPrivate { to, text, reply_to } => {
                if let Some(chat) = &mut self.chat {
                    let request = Request::Private {
                        reply_to,
                        to: to.clone(),
                        text: text.clone(),
                    };
                    chat.send(&self.net, request, Pending::Private { to, text });
                }
            }
            Intent::ConversationRead(login) => {
                if let Some(chat) = &mut self.chat {
                    chat.state.mark_read(&login);
                }
            }
            Intent::CloseConversation(login) => {
                if let Some(chat) = &mut self.chat {
                    chat.state.conversation(&login).open = false;
                }
            }
            Intent::LoadOlder => {
                if let Some(chat) = &mut self.chat {
                    chat.load_older(&self.net);
                }
            }
            Intent::File(action) => self.apply_file_action(action),
            Intent::ShowHostFingerprint => self.widgets.host_fingerprint_open = true,
            Intent::HideHostFingerprint => self.widgets.host_fingerprint_open = false,
            Intent::StopHosting => self.stop_hosting(),
            Intent::View(prefs) => {
                let before = self.settings.view;
                if prefs.language != before.language && !self.policy.language_locked {
                    crate::i18n::set(prefs.language.unwrap_or_else(Lang::system));
                }
                if prefs.theme != before.theme {
                    prefs.theme.apply(ctx);
                }
                if (prefs.zoom - before.zoom).abs() > f32::EPSILON {
                    ctx.set_zoom_factor(prefs.zoom);
                }
                self.settings.view = prefs;
                self.store.save(&self.settings);
                // Ticked: the current session is kept on disk; unticked: forgotten there.
                self.save_session();
            }
            Intent::Send(request) => {
                let Some(chat) = &mut self.chat else { return };
                if let Request::Audit { before_id: None } = request {
                    // Read again from the newest.
                    chat.state.moderation.audit.clear();
                }
                // Its answer is told in the log, as a typed command's.
                let id = self.net.send(request);
                chat.typed.insert(id);
            }
            Intent::ReplyTo(quote) => {
                self.widgets.input.editing = None;
                self.widgets.input.replying = Some(quote);
                self.widgets.input.focus_pending = true;
            }
            Intent::EditMessage { id, text } => self.widgets.input.edit(id, text),
            Intent::ReplyPrivately { with, quote } => {
                let key = fold(&with);
                self.widgets.private_replies.insert(key.clone(), quote);
                self.widgets.focus_conversation = Some(key);
            }
            // The log scrolls to it once it is there; until then older
            // pages are asked for (see `messages_ui`).
            Intent::ShowMessage(id) => self.widgets.view.show(id),
            Intent::Search { request, fresh } => {
                let Some(chat) = &mut self.chat else { return };
                if let (true, Request::Search { query, room, .. }) = (fresh, &request) {
                    chat.state.search.start(query, room.clone());
                } else {
                    chat.state.search.waiting = true;
                }
                self.net.send(request);
            }
            Intent::ShowHit(hit) => {
                let Some(chat) = &self.chat else { return };
                match &hit.room {
                    Some(room) if fold(room) != fold(&chat.state.room) => {
                        self.net.send(Request::JoinRoom { room: room.clone() });
                        self.widgets.view.show(hit.id);
                    }
                    Some(_) => self.widgets.view.show(hit.id),
                    // A private message: its conversation's window.
                    None => {
                        let me = &chat.state.login;
                        let other = match &hit.to {
                            Some(to) if fold(&hit.from) == fold(me) => to.clone(),
                            _ => hit.from.clone(),
                        };
                        self.apply(ctx, Intent::OpenConversation(other));
                    }
                }
            }
            Intent::AskModeration(draft) => self.widgets.draft = Some(draft),
            Intent::OpenModeration => self.widgets.moderation.open = true,
        }
    }
}
