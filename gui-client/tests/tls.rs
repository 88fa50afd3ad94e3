//! Encryption as a student meets it: the first connection to a lab server
//! asks to compare its fingerprint, a changed certificate is a warning that
//! stops everything, and plain text only when asked for. The real app in a
//! kittest harness against real servers on loopback.

// Test code: a failed unwrap is a failed test, with its message.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::*;
use egui_kittest::kittest::Queryable;
use tertulia::settings::SettingsStore;

fn log_in_through_the_form(app: &mut egui_kittest::Harness<'_, tertulia::app::TertuliaApp>) {
    replace(app, "Login", "ana");
    fill(app, "Password", PASSWORD);
    click_button(app, "Log in");
}

#[test]
fn a_self_signed_server_is_trusted_once_the_user_compares_its_fingerprint() {
    let dir = tempfile::tempdir().unwrap();
    let (server, fingerprint) = Server::start_self_signed(&dir);
    let settings = SettingsStore::at(dir.path().join("client/settings.json"));
    let mut app = app_with(server.addr, settings.clone());
    fill_signup_form(&mut app, "ana");
    // Nothing is sent before the user decides: the question, with the
    // fingerprint the server printed, in groups of four.
    wait_for_text(&mut app, "Is this the right server?");
    let first_line = fingerprint.split(' ').take(4).collect::<Vec<_>>().join(" ");
    assert!(has_text(&app, &first_line), "the fingerprint is shown");
    assert!(app.state().chat_state().is_none());
    click_button(&mut app, "Trust and connect");
    wait_for_text(&mut app, "Welcome, ana!");
    assert!(has_text(&app, "encrypted"));
    let saved = std::fs::read_to_string(dir.path().join("client/settings.json")).unwrap();
    assert!(saved.contains(&fingerprint), "pinned: {saved}");
    assert!(!saved.contains(PASSWORD));

    // The next time, the pinned certificate is simply accepted.
    let mut again = app_with(server.addr, settings);
    log_in_through_the_form(&mut again);
    wait_for_text(&mut again, "Welcome, ana!");
    assert!(!has_text(&again, "Is this the right server?"));
    server.stop();
}

#[test]
fn a_changed_certificate_stops_with_a_warning_and_both_fingerprints() {
    let dir = tempfile::tempdir().unwrap();
    let (server, fingerprint) = Server::start_self_signed(&dir);
    let _ana = Headless::sign_up_trusting(server.addr, "ana", &fingerprint);
    // This computer trusted another certificate for this address before.
    let settings = SettingsStore::at(dir.path().join("client/settings.json"));
    let old = "0000 1111 2222 3333 4444 5555 6666 7777 8888 9999 AAAA BBBB CCCC DDDD EEEE FFFF";
    let mut remembered = settings.load();
    remembered.pinned.insert(
        tertulia::net::server_key(&server.addr.to_string()),
        old.into(),
    );
    settings.save(&remembered);

    let mut app = app_with(server.addr, settings.clone());
    log_in_through_the_form(&mut app);
    wait_for_text(&mut app, "the server's identity has changed");
    assert!(has_text(&app, "4444 5555 6666 7777"));
    assert!(has_text(
        &app,
        &fingerprint.split(' ').take(4).collect::<Vec<_>>().join(" ")
    ));
    assert!(has_text(&app, "pretending to be it"));
    assert!(app.state().chat_state().is_none(), "not logged in");
    click_button(&mut app, "Cancel");
    wait_for_text(&mut app, "you did not trust the server's certificate");
    assert!(
        settings.load().pinned.values().any(|p| p == old),
        "nothing changed"
    );
    server.stop();
}

#[test]
fn plain_text_only_when_ticked_and_then_the_status_bar_says_so() {
    let dir = tempfile::tempdir().unwrap();
    let server = Server::start_plain(&dir);
    let mut window = app(server.addr);
    fill_signup_form(&mut window, "ana");
    wait_for_text(&mut window, "does not speak TLS");
    // The form keeps what was typed: tick the box and send it again.
    window.get_by_label("Connect without encryption").click();
    window.run();
    click_button(&mut window, "Create account");
    wait_for_text(&mut window, "Welcome, ana!");
    assert!(has_text(&window, "not encrypted"));
    server.stop();

    // And the other way round: plain text to a TLS server is refused fast.
    let dir = tempfile::tempdir().unwrap();
    let server = Server::start(&dir);
    let mut window = app(server.addr);
    window.get_by_label("Connect without encryption").click();
    window.run();
    log_in_through_the_form(&mut window);
    wait_for_text(&mut window, "only accepts encrypted connections");
    server.stop();
}

#[test]
fn a_server_with_a_certificate_from_a_trusted_authority_asks_nothing() {
    let dir = tempfile::tempdir().unwrap();
    // Signed by the test authority, which this app trusts as a real one
    // trusts the authorities installed on its system.
    let server = Server::start(&dir);
    let mut app = app(server.addr);
    fill_signup_form(&mut app, "ana");
    wait_for_text(&mut app, "Welcome, ana!");
    assert!(!has_text(&app, "Is this the right server?"));
    assert!(has_text(&app, "encrypted") && !has_text(&app, "not encrypted"));
    server.stop();
}
