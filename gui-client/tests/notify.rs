//! Noticing what happened while looking elsewhere: unread private messages
//! and mentions in the title, an attention request when the window is not
//! focused, mentions highlighted, and a conversation read only when looked
//! at for real.

// Test code: a failed unwrap is a failed test, with its message.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::*;
use egui_kittest::kittest::{Queryable, by};
use tertulia::state::Line;
use tertulia_shared::Request;

fn set_focus(app: &mut egui_kittest::Harness<'_, tertulia::app::TertuliaApp>, focused: bool) {
    app.input_mut()
        .viewports
        .entry(egui::ViewportId::ROOT)
        .or_default()
        .focused = Some(focused);
    app.run();
}

#[test]
fn unread_privates_and_mentions_show_in_the_title_and_ask_for_attention() {
    let dir = tempfile::tempdir().unwrap();
    let server = Server::start(&dir);
    let luis = Headless::sign_up(server.addr, "luis");
    let mut app = app(server.addr);
    sign_up_through_the_form(&mut app, "ana");
    wait_for_text(&mut app, "Welcome, ana!");
    assert_eq!(app.state().title(), "Tertulia");

    // Ana looks at another window.
    set_focus(&mut app, false);
    luis.request(Request::Private {
        reply_to: None,
        to: "ana".into(),
        text: "¿estás?".into(),
    });
    wait_for(&mut app, "the title to count it", |h| {
        h.state().title() == "(1) Tertulia"
    });
    assert_eq!(app.state().attention_requests(), 1);
    // One message at a time: two arriving in one frame ask once.
    luis.request(Request::Say {
        reply_to: None,
        text: "@Ana mira esto".into(),
    });
    wait_for_text(&mut app, "luis: @Ana mira esto");
    assert_eq!(app.state().title(), "(2) Tertulia");
    assert_eq!(app.state().attention_requests(), 2);
    luis.request(Request::Say {
        reply_to: None,
        text: "anabel no es ana".into(),
    });
    wait_for_text(&mut app, "luis: anabel no es ana");
    assert_eq!(
        app.state().title(),
        "(3) Tertulia",
        "the second message names her too"
    );
    assert_eq!(app.state().attention_requests(), 3);
    let mentions: Vec<bool> = app
        .state()
        .chat_state()
        .unwrap()
        .log()
        .iter()
        .filter_map(|l| match l {
            Line::Chat { mention, .. } => Some(*mention),
            _ => None,
        })
        .collect();
    assert_eq!(mentions, [true, true]);

    // Back to the window: mentions are seen; the private is not read yet,
    // not even when the pointer passes over its window…
    set_focus(&mut app, true);
    assert_eq!(app.state().title(), "(1) Tertulia");
    app.get(by().label_contains("luis: ¿estás?")).hover();
    app.run();
    assert_eq!(app.state().title(), "(1) Tertulia");
    // …until she types in it.
    fill(&mut app, "To luis", "sí");
    assert_eq!(app.state().title(), "Tertulia");
    server.stop();
}

#[test]
fn a_chime_rings_for_news_and_the_view_menu_turns_it_off() {
    let dir = tempfile::tempdir().unwrap();
    let server = Server::start(&dir);
    let luis = Headless::sign_up(server.addr, "luis");
    let settings = tertulia::settings::SettingsStore::at(dir.path().join("client/settings.json"));
    let mut app = app_with(server.addr, settings.clone());
    sign_up_through_the_form(&mut app, "ana");
    wait_for_text(&mut app, "Welcome, ana!");
    assert_eq!(app.state().chimes(), 0, "a welcome is not news");

    luis.request(Request::Private {
        reply_to: None,
        to: "ana".into(),
        text: "¿estás?".into(),
    });
    wait_for(&mut app, "the chime", |h| h.state().chimes() == 1);

    // Off, from the View menu: remembered, and the next private is quiet.
    app.get_by_label("View").click();
    app.run();
    app.get_by_label("Sound for new private messages and mentions")
        .click();
    app.run();
    assert!(!settings.load().view.sound);
    luis.request(Request::Private {
        reply_to: None,
        to: "ana".into(),
        text: "¿hola?".into(),
    });
    wait_for_text(&mut app, "¿hola?");
    std::thread::sleep(std::time::Duration::from_millis(1600));
    app.run();
    assert_eq!(app.state().chimes(), 1, "sound is off");
    server.stop();
}
