//! Messages a programming class works with, in the real app (kittest)
//! against a real server: a reply's quote leads to its question, ↑ edits
//! one's last message, Ctrl+F finds a word on an older page.

// Test code: a failed unwrap is a failed test, with its message.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::*;
use egui_kittest::kittest::{NodeT as _, Queryable, by};
use tertulia::net::NetEvent;
use tertulia_shared::{Reply, Request};

/// Says `text` from a headless client and returns the message's id.
fn said(who: &Headless, text: &str, reply_to: Option<u64>) -> u64 {
    match who.request(Request::Say {
        text: text.into(),
        reply_to,
    }) {
        NetEvent::Reply {
            result: Reply::Sent { message },
            ..
        } => message.id,
        other => panic!("{other:?}"),
    }
}

/// Enough messages that what came before them is on an older page, from
/// a class (each within the server's message rate).
fn a_busy_hour(server: std::net::SocketAddr) {
    for student in 0..6 {
        let who = Headless::sign_up(server, &format!("alumno{student}"));
        for n in 0..15 {
            said(
                &who,
                &format!("mensaje de relleno {}", student * 15 + n),
                None,
            );
        }
    }
}

#[test]
fn clicking_a_replys_quote_shows_its_question_even_from_an_older_page() {
    let dir = tempfile::tempdir().unwrap();
    let server = Server::start(&dir);
    let luis = Headless::sign_up(server.addr, "luis");
    let question = said(&luis, "¿alguien sabe qué es un *borrow checker*?", None);
    a_busy_hour(server.addr);
    said(&luis, "te lo explica la profe mañana", Some(question));
    let mut app = app(server.addr);
    sign_up_through_the_form(&mut app, "ana");
    wait_for_text(
        &mut app,
        "↪ luis: ¿alguien sabe qué es un *borrow checker*?",
    );
    assert!(
        !has_text(&app, "borrow checker?"),
        "the question is not in view yet"
    );
    // The log settles (the room's latest page is drawn and measured).
    for _ in 0..10 {
        app.step();
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    app.get(by().label_contains("↪ luis: ¿alguien sabe"))
        .click();
    // Older pages are read until it is there, and the log goes to it.
    wait_for(&mut app, "the question in view", |h| {
        h.query_all(by().label("borrow checker")).next().is_some()
    });
    server.stop();
}

#[test]
fn up_in_the_empty_box_edits_ones_last_message_and_enter_saves_it() {
    let dir = tempfile::tempdir().unwrap();
    let server = Server::start(&dir);
    let luis = Headless::sign_up(server.addr, "luis");
    let mut app = app(server.addr);
    sign_up_through_the_form(&mut app, "ana");
    say(&mut app, "la entrega es el juebes");
    wait_for_text(&mut app, "ana: la entrega es el juebes");
    text_field(&app, "Message").focus();
    app.step();
    app.key_press(egui::Key::ArrowUp);
    app.step();
    wait_for_text(&mut app, "Editing your message");
    app.key_press(egui::Key::Backspace);
    app.key_press(egui::Key::Backspace);
    app.key_press(egui::Key::Backspace);
    app.key_press(egui::Key::Backspace);
    text_field(&app, "Message").type_text("eves");
    app.step();
    app.key_press(egui::Key::Enter);
    app.step();
    wait_for_text(&mut app, "ana (edited): la entrega es el jueves");
    let told = luis.wait(|e| {
        matches!(e, NetEvent::Event(tertulia_shared::Event::MessageEdited { text, .. }) if text == "la entrega es el jueves")
    });
    assert!(matches!(told, NetEvent::Event(_)));
    server.stop();
}

#[test]
fn ctrl_f_finds_a_word_on_an_older_page_and_shows_it_in_its_room() {
    let dir = tempfile::tempdir().unwrap();
    let server = Server::start(&dir);
    let luis = Headless::sign_up(server.addr, "luis");
    said(&luis, "el examen de Física es el martes", None);
    a_busy_hour(server.addr);
    let mut app = app(server.addr);
    sign_up_through_the_form(&mut app, "ana");
    wait_for_text(&mut app, "mensaje de relleno 89");
    app.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::F);
    app.step();
    wait_for_text(&mut app, "Words to look for");
    fill(&mut app, "Words to look for", "fisica");
    app.key_press(egui::Key::Enter);
    app.step();
    wait_for_text(&mut app, "luis: el examen de Física es el martes");
    app.get(by().label_contains("lobby · luis: el examen de Física"))
        .click();
    wait_for(&mut app, "the message in the log", |h| {
        h.query_all(by().label_contains("luis: el examen de Física es el martes"))
            .count()
            >= 2
    });
    server.stop();
}

#[test]
fn at_offers_the_rooms_people_and_tab_completes_the_name() {
    let dir = tempfile::tempdir().unwrap();
    let server = Server::start(&dir);
    let _luis = Headless::sign_up(server.addr, "luis");
    let _lucia = Headless::sign_up(server.addr, "lucia");
    let mut app = app(server.addr);
    sign_up_through_the_form(&mut app, "ana");
    wait_for_text(&mut app, "online in lobby");
    fill(&mut app, "Message", "hola @luc");
    wait_for(&mut app, "lucia offered", |h| {
        h.query_all(by().label("lucia")).count() >= 2
    });
    app.key_press(egui::Key::Tab);
    app.step();
    app.step();
    let typed = text_field(&app, "Message").accesskit_node().value();
    assert_eq!(typed.as_deref(), Some("hola @lucia "));
    server.stop();
}

#[test]
fn a_private_message_is_answered_from_its_window_with_a_quote() {
    let dir = tempfile::tempdir().unwrap();
    let server = Server::start(&dir);
    let luis = Headless::sign_up(server.addr, "luis");
    let mut app = app(server.addr);
    sign_up_through_the_form(&mut app, "ana");
    let asked = match luis.request(Request::Private {
        to: "ana".into(),
        text: "¿me pasas los apuntes?".into(),
        reply_to: None,
    }) {
        NetEvent::Reply {
            result: Reply::PrivateSent { message, .. },
            ..
        } => message.id,
        other => panic!("{other:?}"),
    };
    wait_for_text(&mut app, "luis: ¿me pasas los apuntes?");
    for _ in 0..5 {
        app.step();
    }
    app.get(by().label_contains("luis: ¿me pasas los apuntes?"))
        .click_secondary();
    wait_for_text(&mut app, "Reply");
    click_button(&mut app, "Reply");
    wait_for_text(&mut app, "Answering luis: ¿me pasas los apuntes?");
    fill(&mut app, "To luis", "claro, ahora");
    app.key_press(egui::Key::Enter);
    app.step();
    let got = luis.wait(|e| {
        matches!(e, NetEvent::Event(tertulia_shared::Event::Private(m)) if m.text == "claro, ahora")
    });
    let NetEvent::Event(tertulia_shared::Event::Private(answer)) = got else {
        unreachable!()
    };
    assert_eq!(answer.reply_to.map(|q| q.id), Some(asked));
    server.stop();
}
