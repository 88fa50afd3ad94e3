//! A real Tertulia server on loopback, the real app in a kittest harness, and
//! a second user driven through the headless network API.

#![allow(dead_code)]

pub mod tls;

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use egui::accesskit::Role;
use egui_kittest::Harness;
use egui_kittest::kittest::{NodeT as _, Queryable, by};
use tertulia::app::{AppOptions, TertuliaApp};
use tertulia::net::tls::Trust;
use tertulia::net::{Credentials, NetEvent, NetHandle, NetOrder};
use tertulia::policy::PolicyKeys;
use tertulia::settings::SettingsStore;
use tertulia_shared::Gender;
use tertulia_shared::{Password, Registration};

pub const PATIENCE: Duration = Duration::from_secs(15);
pub const PASSWORD: &str = "contraseña-1";

/// A server running on its own tokio runtime.
pub struct Server {
    pub addr: SocketAddr,
    pub db: PathBuf,
    runtime: tokio::runtime::Runtime,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
    task: Option<tokio::task::JoinHandle<()>>,
}

impl Server {
    pub fn start(dir: &tempfile::TempDir) -> Server {
        Server::start_at(
            dir.path().join("accounts.db"),
            "127.0.0.1:0".parse().unwrap(),
        )
    }

    /// On a given database and address (to restart "the same" server),
    /// with the test authority's certificate.
    pub fn start_at(db: PathBuf, addr: SocketAddr) -> Server {
        Server::launch(db, addr, Some(tls::authority().server.clone()))
    }

    /// With a self-signed certificate of its own, as a lab server makes on
    /// first start; returns its fingerprint too.
    pub fn start_self_signed(dir: &tempfile::TempDir) -> (Server, String) {
        let (identity, _) =
            tertulia_server::tls::Identity::self_signed_in(dir.path(), vec!["127.0.0.1".into()])
                .unwrap();
        let fingerprint = identity.fingerprint();
        let tls = identity.server_config(dir.path()).unwrap();
        let server = Server::launch(
            dir.path().join("accounts.db"),
            "127.0.0.1:0".parse().unwrap(),
            Some(tls),
        );
        (server, fingerprint)
    }

    /// Announced on the LAN as `name` — on loopback only: call it inside a
    /// test's own network namespace (see `lan.rs`).
    pub fn start_announced(dir: &tempfile::TempDir, name: &str) -> Server {
        Server::launch_with(
            dir.path().join("accounts.db"),
            "127.0.0.1:0".parse().unwrap(),
            Some(tls::authority().server.clone()),
            Some(tertulia_server::announce::AnnounceConfig {
                name: name.to_owned(),
                loopback_only: true,
                fingerprint: Some(tls::authority().fingerprint.clone()),
            }),
        )
    }

    /// Without TLS, as `--plain`.
    pub fn start_plain(dir: &tempfile::TempDir) -> Server {
        Server::launch(
            dir.path().join("accounts.db"),
            "127.0.0.1:0".parse().unwrap(),
            None,
        )
    }

    /// A node of a cluster (docs/SCALING.md) on `database` and the NATS at
    /// `nats`, named `node`, with the test authority's certificate (every
    /// node of a chat shows the same one).
    pub fn start_node(dir: &tempfile::TempDir, database: &str, nats: &str, node: &str) -> Server {
        let runtime = tokio::runtime::Runtime::new().unwrap();
        let mut storage =
            tertulia_server::Storage::open_shared(database, &dir.path().join("files"), 4).unwrap();
        let config = tertulia_server::cluster::ClusterConfig {
            nats: nats.to_owned(),
            database: database.to_owned(),
            node: node.to_owned(),
            node_timeout: Duration::from_secs(3),
        };
        let cluster = runtime
            .block_on(tertulia_server::cluster::Cluster::connect(
                config,
                storage.resume.next_id,
            ))
            .unwrap();
        storage.cluster = Some(Arc::new(cluster));
        Server::serve(
            runtime,
            storage,
            dir.path().join("accounts.db"),
            "127.0.0.1:0".parse().unwrap(),
            Some(tls::authority().server.clone()),
            None,
        )
    }

    fn launch(
        db: PathBuf,
        addr: SocketAddr,
        tls: Option<std::sync::Arc<rustls::ServerConfig>>,
    ) -> Server {
        Server::launch_with(db, addr, tls, None)
    }

    fn launch_with(
        db: PathBuf,
        addr: SocketAddr,
        tls: Option<std::sync::Arc<rustls::ServerConfig>>,
        announce: Option<tertulia_server::announce::AnnounceConfig>,
    ) -> Server {
        let runtime = tokio::runtime::Runtime::new().unwrap();
        let storage = tertulia_server::Storage::open(&db, 4).unwrap();
        Server::serve(runtime, storage, db, addr, tls, announce)
    }

    fn serve(
        runtime: tokio::runtime::Runtime,
        storage: tertulia_server::Storage,
        db: PathBuf,
        addr: SocketAddr,
        tls: Option<std::sync::Arc<rustls::ServerConfig>>,
        announce: Option<tertulia_server::announce::AnnounceConfig>,
    ) -> Server {
        let listener = runtime
            .block_on(tokio::net::TcpListener::bind(addr))
            .unwrap();
        let addr = listener.local_addr().unwrap();
        let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
        let config = tertulia_server::Config {
            shutdown_grace: Duration::from_secs(1),
            // Rooms show only their last two messages on entering, so a
            // client that missed more must catch up on the rest.
            history: 2,
            tls,
            announce,
            ..tertulia_server::Config::default()
        };
        let task = runtime.spawn(tertulia_server::run(listener, config, storage, async {
            let _ = stopped.await;
        }));
        Server {
            addr,
            db,
            runtime,
            stop: Some(stop),
            task: Some(task),
        }
    }

    /// A TCP proxy to this server whose connections can be cut on demand,
    /// as a network failure would, while the server keeps running.
    pub fn proxy(&self) -> Proxy {
        let listener = self
            .runtime
            .block_on(tokio::net::TcpListener::bind("127.0.0.1:0"))
            .unwrap();
        let addr = listener.local_addr().unwrap();
        let (cut, _) = tokio::sync::broadcast::channel::<()>(4);
        let blocked = Arc::new(AtomicBool::new(false));
        let (server, cuts, refusing) = (self.addr, cut.clone(), blocked.clone());
        self.runtime.spawn(async move {
            while let Ok((mut client, _)) = listener.accept().await {
                if refusing.load(Ordering::SeqCst) {
                    continue;
                }
                let mut cut = cuts.subscribe();
                tokio::spawn(async move {
                    let Ok(mut upstream) = tokio::net::TcpStream::connect(server).await else {
                        return;
                    };
                    tokio::select! {
                        _ = tokio::io::copy_bidirectional(&mut client, &mut upstream) => {}
                        _ = cut.recv() => {}
                    }
                });
            }
        });
        Proxy { addr, cut, blocked }
    }

    pub fn stop(mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(task) = self.task.take() {
            let _ = self.runtime.block_on(task);
        }
    }
}

pub struct Proxy {
    pub addr: SocketAddr,
    cut: tokio::sync::broadcast::Sender<()>,
    blocked: Arc<AtomicBool>,
}

impl Proxy {
    /// While blocked, new connections are dropped at once (the cable is
    /// still out); `block(false)` plugs it back in.
    pub fn block(&self, blocked: bool) {
        self.blocked.store(blocked, Ordering::SeqCst);
    }

    /// Drops every connection going through the proxy.
    pub fn cut(&self) {
        let _ = self.cut.send(());
    }
}

/// The app, pointed at `server`, remembering nothing on disk, trusting the
/// test certificate authority.
pub fn app(server: SocketAddr) -> Harness<'static, TertuliaApp> {
    app_with(server, SettingsStore::in_memory())
}

/// The same, with settings kept in `settings`.
pub fn app_with(server: SocketAddr, settings: SettingsStore) -> Harness<'static, TertuliaApp> {
    app_on_lan(Some(server), settings, tertulia::app::Lan::Off, None)
}

/// The app as on a lab machine: looking for servers (on loopback: call it
/// inside a test's network namespace), hosting with `host` when asked.
pub fn app_on_lan(
    server: Option<SocketAddr>,
    settings: SettingsStore,
    lan: tertulia::app::Lan,
    host: Option<tertulia::host::HostOptions>,
) -> Harness<'static, TertuliaApp> {
    app_in(server, settings, lan, host, tertulia::i18n::Lang::En)
}

/// The app speaking `language`, whatever this machine's locale.
pub fn app_in(
    server: Option<SocketAddr>,
    settings: SettingsStore,
    lan: tertulia::app::Lan,
    host: Option<tertulia::host::HostOptions>,
    language: tertulia::i18n::Lang,
) -> Harness<'static, TertuliaApp> {
    app_sized([1100.0, 720.0], server, settings, lan, host, language)
}

/// The same in a window of `size` (points).
pub fn app_sized(
    size: [f32; 2],
    server: Option<SocketAddr>,
    settings: SettingsStore,
    lan: tertulia::app::Lan,
    host: Option<tertulia::host::HostOptions>,
    language: tertulia::i18n::Lang,
) -> Harness<'static, TertuliaApp> {
    let server = server.map(|s| s.to_string());
    let policy = PolicyKeys::default();
    app_started_with(size, server, settings, lan, host, language, policy)
}

/// The app started with `server` as typed on its command line (an
/// address, or a `tertulia://` link).
pub fn app_given(server: &str, settings: SettingsStore) -> Harness<'static, TertuliaApp> {
    app_under_policy(server, settings, PolicyKeys::default())
}

/// The same on a lab computer whose `/etc/tertulia/client.toml` says `policy`.
pub fn app_under_policy(
    server: &str,
    settings: SettingsStore,
    policy: PolicyKeys,
) -> Harness<'static, TertuliaApp> {
    let language = tertulia::i18n::Lang::En;
    let (lan, server) = (tertulia::app::Lan::Off, Some(server.to_owned()));
    app_started_with(
        [1100.0, 720.0],
        server,
        settings,
        lan,
        None,
        language,
        policy,
    )
}

fn app_started_with(
    size: [f32; 2],
    server: Option<String>,
    settings: SettingsStore,
    lan: tertulia::app::Lan,
    host: Option<tertulia::host::HostOptions>,
    language: tertulia::i18n::Lang,
    policy: PolicyKeys,
) -> Harness<'static, TertuliaApp> {
    Harness::builder()
        .with_size(size)
        .with_theme(egui::Theme::Light)
        .build_eframe(move |cc| {
            TertuliaApp::new(
                &cc.egui_ctx,
                AppOptions {
                    settings: settings.clone(),
                    server: server.clone(),
                    roots: Some(tls::authority().roots.clone()),
                    lan,
                    host: host.clone(),
                    language: Some(language),
                    silent: true,
                    files_dir: Some(files_dir()),
                    policy: policy.clone(),
                },
            )
            .unwrap()
        })
}

/// A fresh directory for one app's downloads and cache (left in the
/// system's temporary directory).
fn files_dir() -> std::path::PathBuf {
    static NEXT: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
    let n = NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let dir = std::env::temp_dir().join(format!("tertulia-test-{}-{n}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    dir
}

/// Runs frames (in real time: the network is real) until `done` holds.
pub fn wait_for(
    harness: &mut Harness<'_, TertuliaApp>,
    what: &str,
    done: impl Fn(&Harness<'_, TertuliaApp>) -> bool,
) {
    let deadline = Instant::now() + PATIENCE;
    loop {
        harness.step();
        if done(harness) {
            return;
        }
        if Instant::now() > deadline {
            let labels: Vec<String> = harness
                .query_all(by().predicate(|_| true))
                .filter_map(|n| {
                    let node = n.accesskit_node();
                    node.label().or_else(|| node.value())
                })
                .collect();
            panic!("timed out waiting for {what}; on screen: {labels:?}");
        }
        std::thread::sleep(Duration::from_millis(15));
    }
}

/// Waits for any node whose label contains `text`.
pub fn wait_for_text(harness: &mut Harness<'_, TertuliaApp>, text: &str) {
    wait_for(harness, text, |h| {
        h.query_all(by().label_contains(text)).next().is_some()
    });
}

pub fn has_text(harness: &Harness<'_, TertuliaApp>, text: &str) -> bool {
    harness
        .query_all(by().label_contains(text))
        .next()
        .is_some()
}

/// The text field (plain or password) named `label`.
pub fn text_field<'a>(
    harness: &'a Harness<'_, TertuliaApp>,
    label: &'a str,
) -> egui_kittest::Node<'a> {
    harness.get(
        by().label(label)
            .predicate(|n| matches!(n.role(), Role::TextInput | Role::PasswordInput)),
    )
}

/// Types into the text field named `label`.
pub fn fill(harness: &mut Harness<'_, TertuliaApp>, label: &str, text: &str) {
    text_field(harness, label).focus();
    harness.step();
    text_field(harness, label).type_text(text);
    harness.step();
}

/// Replaces the contents of the text field named `label`.
pub fn replace(harness: &mut Harness<'_, TertuliaApp>, label: &str, text: &str) {
    text_field(harness, label).focus();
    harness.step();
    harness.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::A);
    harness.step();
    text_field(harness, label).type_text(text);
    harness.step();
}

/// Clicks a button and lets the screen settle (a new screen appears a frame later).
pub fn click_button(harness: &mut Harness<'_, TertuliaApp>, label: &str) {
    harness.get_by_role_and_label(Role::Button, label).click();
    harness.step();
    harness.step();
}

/// Opens the drop-down named `label` and picks `option`.
pub fn choose(harness: &mut Harness<'_, TertuliaApp>, label: &str, option: &str) {
    harness.get_by_label(label).click();
    wait_for(harness, option, |h| h.query_by_label(option).is_some());
    harness.get_by_label(option).click();
    // The popup closes on the frame after the choice.
    wait_for(harness, "the drop-down to close", |h| {
        h.query_by_label(option).is_none()
    });
}

/// Types a line into the chat input and presses Enter.
pub fn say(harness: &mut Harness<'_, TertuliaApp>, line: &str) {
    fill(harness, "Message", line);
    harness.key_press(egui::Key::Enter);
    harness.step();
}

pub fn registration(login: &str) -> Registration {
    Registration {
        first_names: "Luis".into(),
        last_names: "Gómez".into(),
        login: login.into(),
        password: Password(PASSWORD.into()),
        age: 22,
        gender: Gender::Male,
    }
}

/// A second user with no window: the network API on its own.
pub struct Headless {
    pub net: NetHandle,
}

impl Headless {
    pub fn sign_up(server: SocketAddr, login: &str) -> Headless {
        Headless::connect(server, login, Some(registration(login)))
    }

    /// Logs in to an existing account.
    pub fn log_in(server: SocketAddr, login: &str) -> Headless {
        Headless::connect(server, login, None)
    }

    /// Signs up to a server whose certificate has `fingerprint`.
    pub fn sign_up_trusting(server: SocketAddr, login: &str, fingerprint: &str) -> Headless {
        Headless::connect_trusting(server, login, Some(registration(login)), Some(fingerprint))
    }

    fn connect(server: SocketAddr, login: &str, register: Option<Registration>) -> Headless {
        Headless::connect_trusting(server, login, register, None)
    }

    fn connect_trusting(
        server: SocketAddr,
        login: &str,
        register: Option<Registration>,
        pinned: Option<&str>,
    ) -> Headless {
        let net = NetHandle::spawn(|| {}).unwrap();
        net.order(NetOrder::Connect {
            server: server.to_string(),
            trust: Trust {
                roots: tls::authority().roots.clone(),
                pinned: pinned.map(str::to_owned),
                plain: false,
                sessions: std::sync::Arc::new(rustls::client::ClientSessionMemoryCache::new(8)),
            },
            credentials: Credentials::Password {
                login: login.into(),
                password: Password(PASSWORD.into()),
            },
            register,
        });
        let headless = Headless { net };
        headless.wait(|e| matches!(e, NetEvent::LoggedIn { .. }));
        headless
    }

    /// Sends a request and waits for its answer (so what it did is done).
    pub fn request(&self, request: tertulia_shared::Request) -> NetEvent {
        let id = self.net.send(request);
        self.wait(|e| {
            matches!(e, NetEvent::Reply { id: got, .. } | NetEvent::Failed { id: Some(got), .. } if *got == id)
        })
    }

    /// Waits for an event matching `wanted`, skipping others.
    pub fn wait(&self, wanted: impl Fn(&NetEvent) -> bool) -> NetEvent {
        let deadline = Instant::now() + PATIENCE;
        while Instant::now() < deadline {
            if let Some(event) = self.net.wait_event(Duration::from_millis(100))
                && wanted(&event)
            {
                return event;
            }
        }
        panic!("headless client: timed out");
    }
}

/// Signs up through the GUI's signup form and waits for the chat screen.
pub fn sign_up_through_the_form(harness: &mut Harness<'_, TertuliaApp>, login: &str) {
    fill_signup_form(harness, login);
    wait_for_text(harness, "Connected to");
}

/// The same, in the Spanish interface.
pub fn sign_up_in_spanish(harness: &mut Harness<'_, TertuliaApp>, login: &str) {
    fill_signup_form_in(harness, login, &SPANISH_FORM);
    wait_for_text(harness, "Conectado a");
}

/// The sign-up form's words: the button, the fields in order, the gender
/// drop-down and the choice made in it.
type FormWords = [&'static str; 10];
const ENGLISH_FORM: FormWords = [
    "Create account",
    "First names",
    "Last names",
    "Login",
    "Password",
    "Repeat the password",
    "Age",
    "Gender",
    "Female",
    "Create account",
];
const SPANISH_FORM: FormWords = [
    "Crear cuenta",
    "Nombres",
    "Apellidos",
    "Usuario",
    "Contraseña",
    "Repite la contraseña",
    "Edad",
    "Género",
    "Mujer",
    "Crear cuenta",
];

fn fill_signup_form_in(harness: &mut Harness<'_, TertuliaApp>, login: &str, words: &FormWords) {
    let [
        open,
        first,
        last,
        user,
        password,
        repeat,
        age,
        gender,
        female,
        create,
    ] = *words;
    click_button(harness, open);
    fill(harness, first, "Ana María");
    fill(harness, last, "Pérez Núñez");
    fill(harness, user, login);
    fill(harness, password, PASSWORD);
    fill(harness, repeat, PASSWORD);
    fill(harness, age, "21");
    choose(harness, gender, female);
    click_button(harness, create);
}

/// Fills the signup form and submits it, without waiting for the outcome.
pub fn fill_signup_form(harness: &mut Harness<'_, TertuliaApp>, login: &str) {
    fill_signup_form_in(harness, login, &ENGLISH_FORM);
}
