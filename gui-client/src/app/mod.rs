//! The eframe application: drains network events, draws the current screen,
//! then applies what the user asked for.

mod chat_screen;
mod commands;
mod events;
mod intent;
mod lan;
mod notify;
mod session;
mod sharing;
mod token;

pub use lan::Lan;

use std::path::PathBuf;
use std::time::Duration;

use tertulia_shared::{Password, Registration, Request};

use std::sync::Arc;

use rustls::RootCertStore;

use crate::host::{HostOptions, Hosting};
use crate::i18n::Lang;
use crate::net::discovery::Discovery;
use crate::net::tls::Trust;
use crate::net::{Credentials, NetHandle, NetOrder, local_now_ms, server_key};
use crate::policy::{Policy, PolicyKeys};
use crate::settings::{SavedSession, Settings, SettingsStore};
use crate::sound::Chimes;
use crate::state::ChatState;
use crate::ui::login::{LoginForm, login_ui};
use crate::ui::signup::{SignupForm, signup_ui};
use crate::ui::status::{ClockView, LinkStatus};
use crate::ui::trust::{TrustQuestion, trust_ui};
use crate::ui::widgets::ChatWidgets;
use session::ChatSession;

mod text {
    use crate::i18n::tr_args;

    crate::texts! {
        ACCOUNT_CREATED = "app-account-created";
        NOT_TRUSTED = "app-not-trusted";
        ATTACH = "files-attach";
    }

    pub fn connecting(server: &str, attempt: u32) -> String {
        if attempt > 1 {
            tr_args(
                "app-reconnecting",
                &[("server", &server), ("attempt", &attempt)],
            )
        } else {
            tr_args("app-connecting", &[("server", &server)])
        }
    }
    pub fn lost(message: &str, secs: u64) -> String {
        tr_args("app-lost", &[("message", &message), ("secs", &secs)])
    }
}

/// The most time spent draining network events in one frame.
const DRAIN_BUDGET: Duration = Duration::from_millis(8);

/// How the app is started: where settings live and, optionally, a server
/// address that overrides the remembered one.
#[derive(Debug, Clone, Default)]
pub struct AppOptions {
    pub settings: SettingsStore,
    pub server: Option<String>,
    /// Certificate authorities to trust instead of the system's (tests).
    pub roots: Option<Arc<RootCertStore>>,
    /// Where to look for servers on the LAN.
    pub lan: Lan,
    /// How to host a chat on this computer (default: the user's data
    /// directory, port 7878).
    pub host: Option<HostOptions>,
    /// The interface language, whatever the settings and the system say.
    pub language: Option<Lang>,
    /// Chimes are counted, never played (tests).
    pub silent: bool,
    /// Where downloads (`Downloads/`) and fetched images (`cache/`) go
    /// (default: the user's Downloads folder and cache directory).
    pub files_dir: Option<PathBuf>,
    /// The lab's policy for this computer (`/etc/tertulia/client.toml`).
    pub policy: PolicyKeys,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Screen {
    Login,
    Signup,
    Chat,
}

/// What is being connected, for the progress line and for where errors go.
#[derive(Debug, Clone, PartialEq)]
struct Attempt {
    progress: String,
    from: Screen,
}

pub struct TertuliaApp {
    net: NetHandle,
    store: SettingsStore,
    settings: Settings,
    screen: Screen,
    login: LoginForm,
    signup: SignupForm,
    attempt: Option<Attempt>,
    chat: Option<ChatSession>,
    clock: ClockView,
    /// The password of the attempt under way, until it logs in (then only
    /// the session token is kept): repeated if the user trusts the server.
    password: Option<Password>,
    /// The current session's token (in memory; on disk only with "Stay
    /// logged in"), whose server and login it belongs to.
    session: Option<SavedSession>,
    /// TLS sessions to resume, so reconnecting skips the certificate check.
    tls_sessions: Arc<rustls::client::ClientSessionMemoryCache>,
    /// Certificate authorities trusted as usual.
    roots: Arc<RootCertStore>,
    /// A certificate waiting for the user's decision, and the attempt to
    /// repeat if they trust it.
    question: Option<(TrustQuestion, Retry)>,
    /// The signup form of the attempt under way, in case it must be repeated.
    pending_register: Option<Registration>,
    /// Servers heard on the LAN.
    discovery: Option<Discovery>,
    /// The chat this computer hosts, if any.
    hosting: Option<Hosting>,
    host_options: HostOptions,
    /// The forms point at the hosted server already.
    hosting_applied: bool,
    /// Asking before closing a hosted chat: how many others are in it.
    closing_with: Option<usize>,
    close_confirmed: bool,
    /// "Stop hosting?" is being asked.
    stop_hosting_asked: bool,
    /// The title, the attention requests and the chime.
    notifier: notify::Notifier,
    /// File transfers, the picker and thumbnails.
    files: sharing::Files,
    /// The chat screen's widgets (the message box, the log's place…).
    widgets: ChatWidgets,
    /// What the lab allows on this computer (servers offered, hosting,
    /// files, the language).
    policy: Policy,
}

/// A connection attempt to repeat once the user has trusted the server.
#[derive(Debug, Clone)]
struct Retry {
    from: Screen,
    register: Option<Registration>,
    credentials: Credentials,
}

impl std::fmt::Debug for TertuliaApp {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TertuliaApp")
            .field("screen", &self.screen)
            .field("attempt", &self.attempt)
            .finish_non_exhaustive()
    }
}

impl TertuliaApp {
    pub fn new(ctx: &egui::Context, options: AppOptions) -> std::io::Result<TertuliaApp> {
        crate::style::install(ctx);
        let wake_ctx = ctx.clone();
        let net = NetHandle::spawn(move || wake_ctx.request_repaint())?;
        let mut settings = options.settings.load();
        if let Some(server) = options.server {
            settings.server = crate::net::without_link(&server).to_owned();
        }
        if let Some(language) = options.language {
            settings.view.language = Some(language);
        }
        let policy = Policy::resolve(&options.policy, &settings.policy_keys());
        crate::i18n::set(policy.language.unwrap_or_else(Lang::system));
        settings.view.theme.apply(ctx);
        if (settings.view.zoom - 1.0).abs() > f32::EPSILON {
            ctx.set_zoom_factor(settings.view.zoom);
        }
        let login = LoginForm {
            server: settings.server.clone(),
            login: settings.login.clone(),
            plain: settings.plain,
            focus_pending: true,
            ..LoginForm::default()
        };
        let mut app = TertuliaApp {
            net,
            store: options.settings,
            settings,
            screen: Screen::Login,
            login,
            signup: SignupForm::default(),
            attempt: None,
            chat: None,
            clock: ClockView::default(),
            password: None,
            session: None,
            tls_sessions: Arc::new(rustls::client::ClientSessionMemoryCache::new(32)),
            roots: options.roots.unwrap_or_else(Trust::system_roots),
            question: None,
            pending_register: None,
            discovery: TertuliaApp::start_discovery(options.lan, ctx),
            hosting: None,
            host_options: options.host.unwrap_or_else(HostOptions::for_this_computer),
            hosting_applied: false,
            closing_with: None,
            close_confirmed: false,
            stop_hosting_asked: false,
            widgets: ChatWidgets::default(),
            policy,
            files: match options.files_dir {
                Some(dir) => sharing::Files::new(ctx, dir.join("Downloads"), dir.join("cache")),
                None => sharing::Files::for_this_user(ctx),
            },
            notifier: notify::Notifier::new(if options.silent {
                Chimes::silent()
            } else {
                Chimes::speakers()
            }),
        };
        app.resume_kept_session();
        Ok(app)
    }

    /// The network handle, for tests that want to look at traffic.
    pub fn net(&self) -> &NetHandle {
        &self.net
    }

    pub fn clock(&self) -> ClockView {
        self.clock
    }

    /// The chat state once logged in (tests read it).
    pub fn chat_state(&self) -> Option<&ChatState> {
        self.chat.as_ref().map(|c| &c.state)
    }

    fn connect(&mut self, from: Screen, register: Option<Registration>) {
        let login = match &register {
            Some(form) => form.login.clone(),
            None => self.login.login.trim().to_owned(),
        };
        let password = match &register {
            Some(form) => form.password.clone(),
            None => Password(self.login.password.clone()),
        };
        self.connect_with(from, register, Credentials::Password { login, password });
    }

    fn connect_with(
        &mut self,
        from: Screen,
        register: Option<Registration>,
        credentials: Credentials,
    ) {
        self.password = match &credentials {
            Credentials::Password { password, .. } => Some(password.clone()),
            Credentials::Token(_) => None,
        };
        // A pasted `tertulia://` link connects to its `host:port`.
        let server = crate::net::without_link(&self.login.server).to_owned();
        self.login.server = server.clone();
        self.question = None;
        self.login.error = None;
        self.login.notice = None;
        self.signup.error = None;
        self.attempt = Some(Attempt {
            progress: text::connecting(&server, 1),
            from,
        });
        let trust = Trust {
            roots: self.roots.clone(),
            pinned: self.settings.pinned.get(&server_key(&server)).cloned(),
            plain: self.login.plain,
            sessions: self.tls_sessions.clone(),
        };
        self.pending_register = register.clone();
        self.net.order(NetOrder::Connect {
            server,
            trust,
            credentials,
            register,
        });
    }

    /// Reads the room and user lists whole after logging in (and after a
    /// reconnection); presence events keep them current from then on, so
    /// nothing is polled.
    fn refresh_lists(&mut self) {
        let Some(chat) = &mut self.chat else { return };
        if !matches!(chat.link, LinkStatus::Connected { .. }) || !chat.state.lists_stale {
            return;
        }
        chat.state.lists_stale = false;
        self.net.send(Request::ListRooms { after: None });
        self.net.send(Request::ListUsers { after: None });
    }

    /// The progress sentence of an attempt started from `screen`.
    fn progress_from(&self, screen: Screen) -> Option<String> {
        self.attempt
            .as_ref()
            .filter(|a| a.from == screen)
            .map(|a| a.progress.clone())
    }
}

impl eframe::App for TertuliaApp {
    fn logic(&mut self, ctx: &egui::Context, _frame: &mut eframe::Frame) {
        self.drain_events();
        self.expire_transfers(ctx);
        self.refresh_lists();
        self.notify(ctx);
    }

    fn ui(&mut self, ui: &mut egui::Ui, _frame: &mut eframe::Frame) {
        if let Some(size) = ui
            .ctx()
            .input(|i| i.viewport().inner_rect)
            .map(|r| r.size())
        {
            self.settings.window_size = Some([size.x, size.y]);
        }
        // What the user asks for while the frame is drawn, applied after it.
        let mut intents = Vec::new();
        if let Some((question, _)) = &self.question {
            egui::CentralPanel::default().show(ui, |ui| intents.extend(trust_ui(ui, question)));
        } else {
            self.follow_hosting();
            self.guard_close(ui);
            match self.screen {
                Screen::Login => {
                    intents.extend(self.servers_panel(ui));
                    let progress = self.progress_from(Screen::Login);
                    egui::CentralPanel::default().show(ui, |ui| {
                        intents.extend(login_ui(ui, &mut self.login, progress.as_deref()));
                    });
                }
                Screen::Signup => {
                    intents.extend(self.servers_panel(ui));
                    let progress = self.progress_from(Screen::Signup);
                    egui::CentralPanel::default().show(ui, |ui| {
                        intents.extend(signup_ui(
                            ui,
                            &mut self.signup,
                            &mut self.login.server,
                            &mut self.login.plain,
                            progress.as_deref(),
                        ));
                    });
                }
                Screen::Chat => intents.extend(self.chat_screen(ui)),
            }
        }
        let ctx = ui.ctx().clone();
        if self.screen == Screen::Chat && self.question.is_none() {
            self.share_dropped_files(&ctx, &intents);
        }
        for intent in intents {
            self.apply(&ctx, intent);
        }
        // The server clock in the status bar ticks every second; the
        // reconnection countdown too.
        if self.screen == Screen::Chat {
            let to_next_second = 1000 - local_now_ms().rem_euclid(1000);
            ctx.request_repaint_after(Duration::from_millis(to_next_second as u64 + 5));
        }
    }

    fn on_exit(&mut self, _gl: Option<&eframe::glow::Context>) {
        self.store.save(&self.settings);
        // Logging out revokes the token; a kept session must outlive the window.
        self.net.order(match self.settings.session {
            Some(_) => NetOrder::Cancel,
            None => NetOrder::Logout,
        });
    }
}
