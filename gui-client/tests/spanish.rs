//! The main flows in Spanish, as a Spanish-speaking lab uses them: every
//! label is found by its Spanish text. (The other tests run in English.)

// Test code: a failed unwrap is a failed test, with its message.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::*;
use egui_kittest::kittest::Queryable;
use tertulia::app::Lan;
use tertulia::i18n::Lang;
use tertulia::settings::SettingsStore;
use tertulia_shared::Request;

/// Types a line into the message box ("Mensaje") and presses Enter.
fn decir(app: &mut egui_kittest::Harness<'_, tertulia::app::TertuliaApp>, line: &str) {
    fill(app, "Mensaje", line);
    app.key_press(egui::Key::Enter);
    app.step();
}

#[test]
fn sign_up_chat_rooms_and_privates_in_spanish() {
    let dir = tempfile::tempdir().unwrap();
    let server = Server::start(&dir);
    let luis = Headless::sign_up(server.addr, "luis");
    let mut app = app_in(
        Some(server.addr),
        SettingsStore::in_memory(),
        Lan::Off,
        None,
        Lang::Es,
    );
    assert!(has_text(&app, "Charla con todo el laboratorio"));
    click_button(&mut app, "Crear cuenta");
    fill(&mut app, "Nombres", "Ana María");
    fill(&mut app, "Apellidos", "Pérez Núñez");
    fill(&mut app, "Usuario", "ana pérez");
    fill(&mut app, "Contraseña", PASSWORD);
    fill(&mut app, "Repite la contraseña", PASSWORD);
    fill(&mut app, "Edad", "21");
    choose(&mut app, "Género", "Mujer");
    click_button(&mut app, "Crear cuenta");
    // The form's own checks speak Spanish too.
    wait_for_text(
        &mut app,
        "Un usuario solo lleva letras a–z, cifras y _ - . (sin espacios ni tildes).",
    );
    replace(&mut app, "Usuario", "ana");
    click_button(&mut app, "Crear cuenta");
    wait_for_text(&mut app, "¡Hola, ana! Estás en lobby con luis.");
    assert!(has_text(&app, "Conectado a"));
    assert!(has_text(&app, "Salas") && has_text(&app, "Personas"));

    decir(&mut app, "#help");
    wait_for_text(
        &mut app,
        "Comandos (una línea que empieza por ## envía un #):",
    );
    assert!(has_text(&app, "crear una sala y entrar en ella"));
    decir(&mut app, "#gR");
    wait_for_text(&mut app, "¿A qué sala? Uso: #gR <room>");
    decir(&mut app, "#cR física");
    wait_for_text(&mut app, "Estás en física con nadie más todavía.");
    // The server's errors, by their code, in Spanish.
    decir(&mut app, "#gR nowhere");
    wait_for_text(&mut app, "No hay ninguna sala con ese nombre.");

    luis.request(Request::Private {
        to: "ana".into(),
        text: "¿vienes luego?".into(),
    });
    wait_for_text(&mut app, "Privado: luis (1 nuevo)");
    fill(&mut app, "Para luis", "sí");
    app.key_press(egui::Key::Enter);
    wait_for(&mut app, "the answer in the conversation", |h| {
        h.state()
            .chat_state()
            .is_some_and(|s| s.conversations["luis"].lines.len() == 2)
    });
    // The language can be changed from the View menu, at once.
    app.get_by_label("Ver").click();
    app.run();
    app.get_by_label("English").click();
    app.run();
    wait_for_text(&mut app, "Connected to");
    server.stop();
}

#[test]
fn network_failures_are_explained_in_spanish() {
    let mut app = app_in(
        Some("127.0.0.1:9".parse().unwrap()),
        SettingsStore::in_memory(),
        Lan::Off,
        None,
        Lang::Es,
    );
    fill(&mut app, "Usuario", "ana");
    fill(&mut app, "Contraseña", PASSWORD);
    click_button(&mut app, "Entrar");
    wait_for_text(&mut app, "Conexión rechazada por 127.0.0.1:9");
    assert!(has_text(&app, "Reintentar"));
}
