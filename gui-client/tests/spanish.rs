//! The main flows in Spanish, as a Spanish-speaking lab uses them: every
//! label is found by its Spanish text. (The other tests run in English.)

// Test code: a failed unwrap is a failed test, with its message.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::*;
use egui_kittest::kittest::{NodeT as _, Queryable};
use tertulia::app::Lan;
use tertulia::i18n::Lang;
use tertulia::settings::SettingsStore;
use tertulia_shared::Request;

/// Everything on screen: every node's label or value.
fn on_screen(app: &egui_kittest::Harness<'_, tertulia::app::TertuliaApp>) -> Vec<String> {
    app.query_all(egui_kittest::kittest::by().predicate(|_| true))
        .filter_map(|n| {
            let node = n.accesskit_node();
            node.label().or_else(|| node.value())
        })
        .collect()
}

/// Words of English that Spanish never uses: one of them on a Spanish
/// screen is a sentence someone forgot to translate.
const ENGLISH_WORDS: &[&str] = &[
    "the",
    "you",
    "your",
    "and",
    "with",
    "is",
    "are",
    "not",
    "this",
    "from",
    "of",
    "to",
    "connected",
    "server",
    "room",
    "message",
    "user",
    "sent",
    "received",
];

/// Fails on anything on screen that is not Spanish: a catalogue key shown
/// as itself (missing from the catalogue), a sentence of the English
/// catalogue, or a word only English uses.
fn assert_all_spanish(app: &egui_kittest::Harness<'_, tertulia::app::TertuliaApp>, screen: &str) {
    let en = tertulia::i18n::parse(include_str!("../i18n/en.ftl"));
    let es = tertulia::i18n::parse(include_str!("../i18n/es.ftl"));
    // Fixed parts of English sentences that Spanish says otherwise, long
    // enough not to be a name or a number.
    let english: Vec<&str> = en
        .iter()
        .filter(|(key, text)| es.get(*key) != Some(*text))
        .flat_map(|(_, text)| text.split("{ $"))
        .map(|part| part.split_once(" }").map_or(part, |(_, rest)| rest).trim())
        .filter(|part| part.split_whitespace().count() >= 3)
        .collect();
    let mut wrong = Vec::new();
    for text in on_screen(app) {
        if en.contains_key(text.trim()) {
            wrong.push(format!("a key, not a sentence: {text}"));
        }
        if let Some(part) = english.iter().find(|part| text.contains(**part)) {
            wrong.push(format!("English sentence {part:?} in {text:?}"));
        }
        let words = text
            .split(|c: char| !c.is_alphabetic())
            .map(str::to_lowercase);
        for word in words {
            if ENGLISH_WORDS.contains(&word.as_str()) {
                wrong.push(format!("English word {word:?} in {text:?}"));
            }
        }
    }
    assert!(wrong.is_empty(), "{screen}: {wrong:#?}");
}

/// The app in Spanish, against `server`.
fn app_es(
    server: std::net::SocketAddr,
) -> egui_kittest::Harness<'static, tertulia::app::TertuliaApp> {
    app_in(
        Some(server),
        SettingsStore::in_memory(),
        Lan::Off,
        None,
        Lang::Es,
    )
}

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
    let mut app = app_es(server.addr);
    assert!(has_text(&app, "Charla con todo el laboratorio"));
    assert_all_spanish(&app, "the login screen");
    click_button(&mut app, "Crear cuenta");
    assert_all_spanish(&app, "the sign-up form");
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
    // People are "en línea", a word with no gender.
    wait_for_text(&mut app, "en línea, en lobby");
    assert!(!has_text(&app, "conectado en"));

    decir(&mut app, "#help");
    wait_for_text(
        &mut app,
        "Comandos (una línea que empieza por ## envía un #):",
    );
    assert!(has_text(&app, "crear una sala y entrar en ella"));
    decir(&mut app, "#net");
    wait_for_text(&mut app, "Ida y vuelta");
    // What the host reads out, for anyone to check again.
    let fingerprint = &common::tls::authority().fingerprint;
    assert!(has_text(
        &app,
        &format!("Huella del servidor: {fingerprint}")
    ));
    decir(&mut app, "#lR");
    decir(&mut app, "#show users");
    wait_for_text(&mut app, "Ana María");
    assert_all_spanish(&app, "the chat with #help, #net, #lR and #show users");
    decir(&mut app, "#gR");
    wait_for_text(&mut app, "¿A qué sala? Uso: #gR <sala>");
    decir(&mut app, "#cR física");
    wait_for_text(&mut app, "Estás en física con nadie más todavía.");
    // The server's errors, by their code, in Spanish.
    decir(&mut app, "#gR nowhere");
    wait_for_text(&mut app, "No hay ninguna sala con ese nombre.");

    luis.request(Request::Private {
        reply_to: None,
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
    assert_all_spanish(&app, "a private conversation");
    // The language can be changed from the View menu, at once.
    app.get_by_label("Ver").click();
    app.run();
    assert_all_spanish(&app, "the View menu");
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
    assert_all_spanish(&app, "a refused connection");
}

#[test]
fn sign_up_errors_show_whole_take_the_keyboard_and_enter_works_from_the_gender() {
    let dir = tempfile::tempdir().unwrap();
    let server = Server::start(&dir);
    let mut app = app_es(server.addr);
    click_button(&mut app, "Crear cuenta");
    fill(&mut app, "Nombres", "Ana");
    fill(&mut app, "Edad", "200");
    click_button(&mut app, "Crear cuenta");
    // Whole sentences, wrapped within their half of the form, never cut.
    let age_error = "La edad debe estar entre 5 y 120.";
    wait_for_text(&mut app, age_error);
    let error = app.get_by_label(age_error).rect();
    let field = text_field(&app, "Edad").rect();
    assert!(
        error.right() <= field.right() + 1.0,
        "{error:?} inside {field:?}"
    );
    let one_line = app.get_by_label("Edad").rect().height();
    assert!(error.height() > one_line, "wrapped, not cut: {error:?}");
    // The first wrong field in form order has the keyboard.
    app.run();
    assert!(text_field(&app, "Apellidos").is_focused());
    fill(&mut app, "Apellidos", "Pérez");
    fill(&mut app, "Usuario", "ana");
    fill(&mut app, "Contraseña", PASSWORD);
    fill(&mut app, "Repite la contraseña", PASSWORD);
    replace(&mut app, "Edad", "21");
    choose(&mut app, "Género", "Mujer");
    // Enter on the gender choice sends the form.
    app.get_by_label("Género").focus();
    app.run();
    app.key_press(egui::Key::Enter);
    wait_for_text(&mut app, "¡Hola, ana!");
    server.stop();
}

/// The time a mute ends, as the client shows it (this computer's clock).
fn hh_mm(time_ms: i64) -> String {
    tertulia::ui::clock_time(time_ms)
}

#[test]
fn a_student_sees_the_exam_banner_and_a_refused_message_in_spanish() {
    let dir = tempfile::tempdir().unwrap();
    let server = Server::start(&dir);
    // The first account is the admin: the teacher.
    let profe = Headless::sign_up(server.addr, "profe");
    let _luis = Headless::sign_up(server.addr, "luis");
    let mut app = app_es(server.addr);
    sign_up_in_spanish(&mut app, "eva");
    profe.request(Request::Exam { on: true });
    wait_for_text(&mut app, "Examen en curso: el chat está cerrado.");
    wait_for_text(&mut app, "profe ha comenzado un examen");
    // The message box says why it is closed, and sends no chat text…
    wait_for_text(&mut app, "solo puedes escribir en privado a los docentes");
    // …and a private message to another student is refused, in Spanish.
    decir(&mut app, "#\\private luis ¿qué pusiste en la 2?");
    wait_for_text(
        &mut app,
        "El chat está cerrado por un examen: solo puedes escribir en privado a los docentes.",
    );
    // To the teacher it goes.
    decir(&mut app, "#\\private profe ¿puedo salir?");
    wait_for_text(&mut app, "¿puedo salir?");
    assert_all_spanish(&app, "the exam");
    profe.request(Request::Exam { on: false });
    wait_for_text(&mut app, "profe ha terminado el examen");
    wait_for(&mut app, "the banner to go", |h| {
        !has_text(h, "Examen en curso: el chat está cerrado.")
    });
    server.stop();
}

#[test]
fn a_muted_students_message_box_says_until_when() {
    let dir = tempfile::tempdir().unwrap();
    let server = Server::start(&dir);
    let profe = Headless::sign_up(server.addr, "profe");
    let mut app = app_es(server.addr);
    sign_up_in_spanish(&mut app, "eva");
    let muted = profe.request(Request::Mute {
        login: "eva".into(),
        minutes: 15,
        reason: "mayúsculas".into(),
    });
    let tertulia::net::NetEvent::Reply {
        result:
            tertulia_shared::Reply::MuteSet {
                until_ms: Some(until_ms),
                ..
            },
        ..
    } = muted
    else {
        panic!("{muted:?}");
    };
    let said = format!(
        "Estás silenciado hasta las {} (motivo: mayúsculas).",
        hh_mm(until_ms)
    );
    wait_for_text(&mut app, "profe te ha silenciado.");
    // Above the box, and as its hint.
    wait_for_text(&mut app, &format!("🔒 {said}"));
    assert!(
        app.state()
            .chat_state()
            .is_some_and(|s| s.moderation.muted.is_some()),
        "the mute is kept"
    );
    assert_all_spanish(&app, "a mute");
    profe.request(Request::Unmute {
        login: "eva".into(),
    });
    wait_for_text(&mut app, "profe te ha quitado el silencio");
    wait_for(&mut app, "the lock to go", |h| !has_text(h, "🔒"));
    server.stop();
}
