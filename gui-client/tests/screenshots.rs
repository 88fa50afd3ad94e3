//! Renders the README's screenshots from a scripted scenario against a real
//! server: `screenshots/make.sh` (needs `--features screenshots`: wgpu).

// Test code: a failed unwrap is a failed test, with its message.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::path::PathBuf;
use std::time::Duration;

use common::*;
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;
use tertulia::app::TertuliaApp;
use tertulia::net::{NetEvent, NetOrder};
use tertulia_shared::Request;

fn save(harness: &mut Harness<'_, TertuliaApp>, name: &str) {
    harness.set_render_cursor(false);
    // A few frames so hover effects and layout settle.
    for _ in 0..5 {
        harness.step();
    }
    let image = harness.render().expect("render");
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../screenshots")
        .join(format!("{name}.png"));
    image.save(&path).expect("save");
    eprintln!("wrote {}", path.display());
}

/// A file dropped on the window, as the desktop hands it over.
#[derive(Debug)]
struct DroppedPath(PathBuf);

impl egui::DroppedFile for DroppedPath {
    fn path(&self) -> &std::path::Path {
        &self.0
    }
    fn bytes(&self) -> Result<Vec<u8>, String> {
        std::fs::read(&self.0).map_err(|e| e.to_string())
    }
}

fn pause() {
    std::thread::sleep(Duration::from_millis(150));
}

#[test]
fn render_screenshots() {
    let dir = tempfile::tempdir().unwrap();
    let server = Server::start(&dir);

    // The login dialog.
    let mut app = app(server.addr);
    fill(&mut app, "Login", "ana");
    save(&mut app, "login");

    // The signup form with validation errors.
    click_button(&mut app, "Create account");
    fill(&mut app, "First names", "Ana María");
    fill(&mut app, "Last names", "Pérez Núñez");
    replace(&mut app, "Login", "ana pérez");
    fill(&mut app, "Password", "contraseña");
    fill(&mut app, "Repeat the password", "contrasena");
    fill(&mut app, "Age", "21");
    choose(&mut app, "Gender", "Female");
    click_button(&mut app, "Create account");
    wait_for_text(&mut app, "A login uses only letters");
    save(&mut app, "signup-error");

    // A lab in full swing: several rooms, people, messages.
    let marta = Headless::sign_up(server.addr, "marta");
    let eva = Headless::sign_up(server.addr, "eva");
    let luis = Headless::sign_up(server.addr, "luis");
    let sofia = Headless::sign_up(server.addr, "sofia");
    sofia.net.order(NetOrder::Logout);
    marta.net.send(Request::CreateRoom {
        room: "física".into(),
    });
    marta.net.send(Request::LeaveRoom);
    eva.net.send(Request::CreateRoom {
        room: "juegos".into(),
    });
    luis.net.send(Request::CreateRoom {
        room: "redes".into(),
    });
    luis.net.send(Request::LeaveRoom);

    // A fresh window signs ana up for real.
    let mut app = common::app(server.addr);
    sign_up_through_the_form(&mut app, "ana");
    wait_for(&mut app, "a synchronised clock", |h| {
        h.state().clock().rtt_ms.is_some()
    });

    luis.net.send(Request::Say {
        reply_to: None,
        text: "¡Hola a todos! ¿Alguien tiene los apuntes de redes?".into(),
    });
    pause();
    marta.net.send(Request::Say {
        reply_to: None,
        text: "Sí, los subo en un momento. Están en la carpeta del curso.".into(),
    });
    pause();
    say(
        &mut app,
        "¡Gracias, Marta! Nos vemos a las 14:00 en el laboratorio.",
    );
    wait_for_text(&mut app, "ana: ¡Gracias, Marta!");
    luis.net.send(Request::Say {
        reply_to: None,
        text: "Perfecto. Yo llevo:\nel cable de consola\n14:05 marta: y el portátil".into(),
    });
    wait_for_text(&mut app, "luis: Perfecto.");
    say(&mut app, "#lR");
    wait_for_text(&mut app, "juegos — 1 person (by eva)");
    wait_for_text(&mut app, "redes (0)");
    save(&mut app, "main-window");

    // Files: marta shares a picture (a thumbnail shows in the log), then
    // ana drops a large file on the window.
    let picture = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../screenshots/es-dark.png");
    let shared = dir.path().join("pantalla-del-laboratorio.png");
    std::fs::copy(&picture, &shared).unwrap();
    marta.net.order(NetOrder::Upload {
        id: 1,
        path: shared,
        to: None,
    });
    wait_for_text(&mut app, "📎 pantalla-del-laboratorio.png");
    wait_for(&mut app, "the thumbnail", |h| {
        h.state().thumbnails_loaded() > 0
    });
    save(&mut app, "file-thumbnail");
    let big = dir.path().join("maquina-virtual-redes.ova");
    std::fs::write(&big, vec![7u8; 48 * 1024 * 1024]).unwrap();
    app.input_mut()
        .dropped_files
        .push(std::sync::Arc::new(DroppedPath(big)));
    wait_for(&mut app, "the upload under way", |h| {
        has_text(h, "Sending") && has_text(h, " MB of 50.3 MB")
    });
    save(&mut app, "file-transfer");
    wait_for_text(&mut app, "📎 maquina-virtual-redes.ova");

    // A private conversation in its own window.
    luis.net.send(Request::Private {
        reply_to: None,
        to: "ana".into(),
        text: "¿Me pasas la dirección IP del servidor?".into(),
    });
    wait_for_text(&mut app, "Private: luis (1 new)");
    fill(&mut app, "To luis", "Claro: 192.168.1.20, puerto 7878.");
    app.key_press(egui::Key::Enter);
    app.step();
    luis.wait(|e| matches!(e, NetEvent::Event(_)));
    wait_for_text(&mut app, "Claro: 192.168.1.20");
    wait_for_text(&mut app, "Private: luis");
    save(&mut app, "private-message");

    drop((marta, eva, luis));
    server.stop();
}

/// The Spanish interface's own words where the English used to show:
/// `#help` with its placeholders and `#net`.
#[test]
fn render_spanish_commands() {
    let dir = tempfile::tempdir().unwrap();
    let server = Server::start(&dir);
    let luis = Headless::sign_up(server.addr, "luis");
    // The smallest window the client is made for.
    let mut app = app_sized(
        [800.0, 600.0],
        Some(server.addr),
        tertulia::settings::SettingsStore::in_memory(),
        tertulia::app::Lan::Off,
        None,
        tertulia::i18n::Lang::Es,
    );
    sign_up_in_spanish(&mut app, "ana");
    wait_for_text(&mut app, "¡Hola, ana!");
    for line in ["#help", "#gR", "#net"] {
        fill(&mut app, "Mensaje", line);
        app.key_press(egui::Key::Enter);
        app.step();
    }
    wait_for_text(&mut app, "Ida y vuelta");
    pause();
    save(&mut app, "es-help-net");
    // Larger text (120 %), an unread private: the status bar cuts
    // its left side short instead of drawing over the clock.
    luis.request(Request::Private {
        reply_to: None,
        to: "ana".into(),
        text: "¿vienes a física?".into(),
    });
    wait_for_text(&mut app, "1 privado sin leer");
    app.ctx.set_zoom_factor(1.2);
    app.run_steps(4);
    save(&mut app, "es-status-800x600");
    // A finished transfer folds into a short notice that goes by itself.
    app.ctx.set_zoom_factor(1.0);
    let shared = dir.path().join("práctica 3.pdf");
    std::fs::write(&shared, vec![7u8; 300_000]).unwrap();
    app.input_mut()
        .dropped_files
        .push(std::sync::Arc::new(DroppedPath(shared)));
    wait_for_text(&mut app, "✔ Compartido: práctica 3.pdf");
    save(&mut app, "es-transfer-done");
    // The View menu, with "stay logged in" (off on a lab machine).
    app.get_by_label("Ver").click();
    app.run_steps(4);
    save(&mut app, "es-view-menu");
    server.stop();
}

/// A lab machine whose policy offers the lab's server (beyond discovery's
/// reach), hides hosting and turns files off.
#[test]
fn render_lab_policy() {
    let dir = tempfile::tempdir().unwrap();
    let policy = tertulia::policy::PolicyKeys {
        servers: vec![
            "10.0.3.5:7878".into(),
            "aula-informatica.example.org".into(),
        ],
        host: Some(false),
        locked: vec![tertulia::policy::Key::Servers, tertulia::policy::Key::Host],
        ..Default::default()
    };
    let store = tertulia::settings::SettingsStore::at(dir.path().join("settings.json"));
    let mut app = app_under_policy("10.0.3.5:7878", store, policy);
    app.run_steps(4);
    save(&mut app, "lab-policy");
}

/// What teachers and students see of moderation, in Spanish: the
/// right-click menu on a message, the moderation window, and a student's
/// window during an exam.
#[test]
fn render_moderation_in_spanish() {
    let dir = tempfile::tempdir().unwrap();
    let server = Server::start(&dir);
    let spanish = |server| {
        app_sized(
            [980.0, 640.0],
            Some(server),
            tertulia::settings::SettingsStore::in_memory(),
            tertulia::app::Lan::Off,
            None,
            tertulia::i18n::Lang::Es,
        )
    };
    // The teacher signs up first: the server's admin.
    let mut profe = spanish(server.addr);
    sign_up_in_spanish(&mut profe, "profe");
    let luis = Headless::sign_up(server.addr, "luis");
    let mut eva = spanish(server.addr);
    sign_up_in_spanish(&mut eva, "eva");
    luis.request(Request::Say {
        reply_to: None,
        text: "QUE ABURRIDO ESTO".into(),
    });
    wait_for_text(&mut profe, "luis: QUE ABURRIDO ESTO");
    profe
        .get(egui_kittest::kittest::by().label_contains("luis: QUE ABURRIDO"))
        .click_secondary();
    wait_for_text(&mut profe, "Borrar mensaje");
    pause();
    save(&mut profe, "es-moderation-menu");
    profe.key_press(egui::Key::Escape);
    profe.run_steps(3);
    click_button(&mut profe, "🛡 Moderación");
    wait_for_text(&mut profe, "Registro de moderación");
    click_button(&mut profe, "Comenzar examen");
    wait_for_text(&mut eva, "Examen en curso: el chat está cerrado.");
    click_button(&mut profe, "Leer");
    wait_for_text(&mut profe, "profe  exam");
    pause();
    save(&mut profe, "es-moderation-window");
    fill(&mut eva, "Mensaje", "#\\private luis ¿qué pusiste en la 2?");
    eva.key_press(egui::Key::Enter);
    wait_for_text(&mut eva, "El chat está cerrado por un examen");
    pause();
    save(&mut eva, "es-exam");
    server.stop();
}

/// Messages a programming class works with, in Spanish: a question with
/// code, the teacher's reply quoting it, reactions, and the search panel.
#[test]
fn render_code_reply_reactions_and_search_in_spanish() {
    let dir = tempfile::tempdir().unwrap();
    let server = Server::start(&dir);
    let profe = Headless::sign_up(server.addr, "profe");
    let luis = Headless::sign_up(server.addr, "luis");
    let mut eva = app_sized(
        [980.0, 640.0],
        Some(server.addr),
        tertulia::settings::SettingsStore::in_memory(),
        tertulia::app::Lan::Off,
        None,
        tertulia::i18n::Lang::Es,
    );
    sign_up_in_spanish(&mut eva, "eva");
    let said = |who: &Headless, text: &str, reply_to: Option<u64>| match who.request(Request::Say {
        text: text.into(),
        reply_to,
    }) {
        NetEvent::Reply {
            result: tertulia_shared::Reply::Sent { message },
            ..
        } => message.id,
        other => panic!("{other:?}"),
    };
    let question = said(
        &luis,
        "¿Por qué no compila?\n```rust\nlet v = vec![1, 2, 3];\nlet w = v;\nprintln!(\"{:?}\", v); // error\n```",
        None,
    );
    let answer = said(
        &profe,
        "Porque `v` se **movió** a `w`. Préstalo:\n```rust\nlet w = &v; // una referencia\n```",
        Some(question),
    );
    for (who, emoji) in [(&luis, "✅"), (&profe, "👀")] {
        who.request(Request::React {
            message: answer,
            emoji: emoji.into(),
        });
    }
    luis.request(Request::React {
        message: question,
        emoji: "❓".into(),
    });
    wait_for_text(&mut eva, "↪ luis: ¿Por qué no compila?");
    wait_for_text(&mut eva, "✅ 1");
    eva.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::F);
    eva.step();
    fill(&mut eva, "Palabras que buscar", "compila");
    eva.key_press(egui::Key::Enter);
    wait_for_text(&mut eva, "lobby · luis: ¿Por qué no compila?");
    pause();
    save(&mut eva, "es-code-reply-search");
    server.stop();
}
