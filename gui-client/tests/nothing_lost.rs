//! Nothing lost, as a student sees it: a room's history on entering it,
//! what was missed during a network drop caught up once and in order, and
//! private messages sent while away waiting at login. The real app in a
//! kittest harness against a real server on loopback.

// Test code: a failed unwrap is a failed test, with its message.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::*;
use egui_kittest::kittest::Queryable;
use tertulia::net::NetOrder;
use tertulia::state::Line;
use tertulia_shared::Request;

fn say_as(user: &Headless, text: &str) {
    user.request(Request::Say {
        text: text.into(),
        reply_to: None,
    });
}

/// The texts of the chat lines of `room`, in the order shown.
fn chat_texts(
    app: &egui_kittest::Harness<'_, tertulia::app::TertuliaApp>,
    room: &str,
) -> Vec<String> {
    app.state()
        .chat_state()
        .map(|s| {
            s.log_of(room)
                .iter()
                .filter_map(|l| match l {
                    Line::Chat { text, .. } => Some(text.clone()),
                    _ => None,
                })
                .collect()
        })
        .unwrap_or_default()
}

#[test]
fn entering_a_room_shows_what_was_said_there_before() {
    let dir = tempfile::tempdir().unwrap();
    let server = Server::start(&dir);
    let luis = Headless::sign_up(server.addr, "luis");
    say_as(&luis, "buenos días");
    luis.request(Request::CreateRoom { room: "lab".into() });
    say_as(&luis, "la práctica 3 está en el campus");
    say_as(&luis, "¿alguien tiene el enunciado?");

    let mut app = app(server.addr);
    sign_up_through_the_form(&mut app, "ana");
    wait_for_text(&mut app, "luis: buenos días");
    wait_for_text(&mut app, "lab (1)");
    app.get_by_label("lab (1)").click();
    wait_for_text(&mut app, "luis: ¿alguien tiene el enunciado?");
    assert_eq!(
        chat_texts(&app, "lab"),
        [
            "la práctica 3 está en el campus",
            "¿alguien tiene el enunciado?"
        ]
    );
    server.stop();
}

#[test]
fn after_a_network_drop_what_was_missed_is_caught_up_once_and_in_order() {
    let dir = tempfile::tempdir().unwrap();
    let server = Server::start(&dir);
    let proxy = server.proxy();
    let luis = Headless::sign_up(server.addr, "luis");
    luis.request(Request::CreateRoom { room: "lab".into() });
    let mut app = app(proxy.addr);
    sign_up_through_the_form(&mut app, "ana");
    wait_for_text(&mut app, "lab (1)");
    app.get_by_label("lab (1)").click();
    wait_for_text(&mut app, "lab (2)");
    say_as(&luis, "uno");
    wait_for_text(&mut app, "luis: uno");

    // The cable is pulled, and stays out while the others go on talking.
    proxy.block(true);
    proxy.cut();
    wait_for_text(&mut app, "Connection lost — reconnecting");
    wait_for(&mut app, "the server to see ana go", |_| {
        let listed = luis.request(Request::ListMembers {
            room: "lab".into(),
            after: None,
        });
        matches!(listed, tertulia::net::NetEvent::Reply {
            result: tertulia_shared::Reply::MemberList { members, .. }, ..
        } if members.len() == 1)
    });
    for text in ["dos", "tres", "cuatro"] {
        say_as(&luis, text);
    }
    luis.request(Request::Private {
        reply_to: None,
        to: "ana".into(),
        text: "¿me lees?".into(),
    });
    proxy.block(false);

    wait_for_text(&mut app, "Connected again to");
    wait_for(&mut app, "what was missed, caught up", |h| {
        chat_texts(h, "lab").len() >= 4
    });
    wait_for(&mut app, "the private message", |h| {
        h.state().chat_state().is_some_and(|s| {
            s.conversations
                .get("luis")
                .is_some_and(|c| c.lines.len() == 1)
        })
    });
    assert!(has_text(&app, "¿me lees?"), "its window is open");
    // Every message once, in the order it was said.
    assert_eq!(chat_texts(&app, "lab"), ["uno", "dos", "tres", "cuatro"]);
    server.stop();
}

#[test]
fn private_messages_sent_while_away_are_waiting_at_login() {
    let dir = tempfile::tempdir().unwrap();
    let server = Server::start(&dir);
    let ana = Headless::sign_up(server.addr, "ana");
    ana.net.order(NetOrder::Logout);
    ana.wait(|e| matches!(e, tertulia::net::NetEvent::Closed { .. }));
    let luis = Headless::sign_up(server.addr, "luis");
    for text in ["¿vienes mañana?", "trae el portátil"] {
        let sent = luis.request(Request::Private {
            reply_to: None,
            to: "ana".into(),
            text: text.into(),
        });
        assert!(
            matches!(
                &sent,
                tertulia::net::NetEvent::Reply {
                    result: tertulia_shared::Reply::PrivateSent { queued: true, .. },
                    ..
                }
            ),
            "{sent:?}"
        );
    }

    let mut app = app(server.addr);
    fill(&mut app, "Login", "ana");
    fill(&mut app, "Password", PASSWORD);
    click_button(&mut app, "Log in");
    wait_for_text(&mut app, "2 private messages arrived while you were away.");
    wait_for_text(&mut app, "trae el portátil");
    assert!(has_text(&app, "¿vienes mañana?"));
    assert_eq!(app.state().chat_state().unwrap().unread_from("luis"), 2);
    server.stop();
}

#[test]
fn a_message_that_could_not_be_sent_comes_back_to_the_box_it_was_typed_in() {
    let dir = tempfile::tempdir().unwrap();
    let server = Server::start(&dir);
    let proxy = server.proxy();
    let mut app = app(proxy.addr);
    sign_up_through_the_form(&mut app, "ana");
    wait_for_text(&mut app, "Welcome, ana!");
    // Refused by the server: the command line comes back, ready to fix.
    say(&mut app, "#\\private nadie ¿hay alguien?");
    wait_for_text(&mut app, "There is no user called nadie");
    assert_eq!(
        text_field(&app, "Message").value().as_deref(),
        Some("#\\private nadie ¿hay alguien?")
    );
    replace(&mut app, "Message", "");
    // Typed while the connection is down: kept, not lost.
    proxy.block(true);
    proxy.cut();
    wait_for_text(&mut app, "Connection lost — reconnecting");
    say(&mut app, "¿se me oye?");
    // Said as it is (the connection is coming back), not as a refusal
    // from the server ("log in first").
    wait_for_text(&mut app, "The connection is being restored");
    assert!(!has_text(&app, "Log in first"));
    app.run_steps(3);
    assert_eq!(
        text_field(&app, "Message").value().as_deref(),
        Some("¿se me oye?")
    );
    // Kept selected: what is typed next replaces it, not glued on.
    text_field(&app, "Message").type_text("¿y ahora?");
    app.run_steps(3);
    assert_eq!(
        text_field(&app, "Message").value().as_deref(),
        Some("¿y ahora?")
    );
    proxy.block(false);
    server.stop();
}

#[test]
fn after_a_server_restart_the_lost_room_is_explained_where_the_user_lands() {
    let dir = tempfile::tempdir().unwrap();
    let server = Server::start(&dir);
    let (addr, db) = (server.addr, server.db.clone());
    let mut app = app(addr);
    sign_up_through_the_form(&mut app, "ana");
    say(&mut app, "#cR química");
    wait_for_text(&mut app, "You are in química");

    server.stop();
    wait_for_text(&mut app, "Connection lost — reconnecting");
    let server = Server::start_at(db, addr);
    wait_for_text(&mut app, "Connected again to");
    // Rooms do not survive a restart: the user is told so in the room she
    // is in now, the lobby — not in the lost room's log.
    wait_for_text(
        &mut app,
        "The room química no longer exists (the server was restarted); you are in lobby.",
    );
    let state = app.state().chat_state().unwrap();
    assert_eq!(state.room, "lobby");
    assert!(
        state
            .log()
            .iter()
            .any(|l| matches!(l, Line::Notice(n) if n.starts_with("Connected again to")))
    );
    server.stop();
}

#[test]
fn after_a_server_restart_the_client_resumes_with_its_token_not_the_password() {
    let dir = tempfile::tempdir().unwrap();
    let server = Server::start(&dir);
    let (addr, db) = (server.addr, server.db.clone());
    let mut app = app(addr);
    sign_up_through_the_form(&mut app, "ana");
    assert!(
        !app.state().keeps_password(),
        "the password is dropped once logged in"
    );

    server.stop();
    wait_for_text(&mut app, "Connection lost — reconnecting");
    // While the server is down, ana's password changes in its database
    // (tokens untouched): a client logging in again with the password it
    // kept would now be refused.
    tokio::runtime::Runtime::new().unwrap().block_on(async {
        let accounts = tertulia_server::Accounts::open(&db, 4).unwrap();
        accounts
            .change_password(
                "ana".into(),
                Some(PASSWORD.into()),
                "otra contraseña".into(),
            )
            .await
            .unwrap();
    });
    let server = Server::start_at(db, addr);
    wait_for_text(&mut app, "Connected again to");
    let state = app.state().chat_state().unwrap();
    assert_eq!(state.login, "ana");
    assert!(!app.state().keeps_password());
    server.stop();
}

#[test]
fn stay_logged_in_opens_the_session_at_the_next_start_and_exit_forgets_it() {
    let dir = tempfile::tempdir().unwrap();
    let server = Server::start(&dir);
    let settings = tertulia::settings::SettingsStore::at(dir.path().join("settings.json"));
    let mut app = app_with(server.addr, settings.clone());
    sign_up_through_the_form(&mut app, "ana");
    assert_eq!(
        settings.load().session,
        None,
        "off by default: nothing on disk"
    );

    app.get_by_label("View").click();
    app.run();
    app.get_by_label("Stay logged in on this computer").click();
    app.run();
    let kept = settings.load().session.expect("kept once ticked");
    assert_eq!(kept.login, "ana");
    let text = std::fs::read_to_string(settings.path().unwrap()).unwrap();
    assert!(!text.contains(PASSWORD), "never the password");
    // The window closes without logging out (the token must survive it).
    app.state().net().order(NetOrder::Cancel);
    drop(app);

    // The next start: straight into the chat, no password asked.
    let mut again = app_with(server.addr, settings.clone());
    wait_for_text(&mut again, "Connected to");
    assert_eq!(again.state().chat_state().unwrap().login, "ana");
    let rotated = settings.load().session.expect("still kept");
    assert_ne!(
        rotated.token, kept.token,
        "the fresh token replaced the used one"
    );

    // #exit logs out for good: the token is revoked and forgotten here.
    say(&mut again, "#exit");
    wait_for_text(&mut again, "Log in");
    assert_eq!(settings.load().session, None);
    drop(again);
    let third = app_with(server.addr, settings);
    assert!(
        third.state().chat_state().is_none(),
        "the login form, not a session"
    );
    server.stop();
}

#[test]
fn a_tertulia_link_connects_and_is_remembered_as_its_address() {
    let dir = tempfile::tempdir().unwrap();
    let server = Server::start(&dir);
    let settings = tertulia::settings::SettingsStore::at(dir.path().join("settings.json"));
    // As the desktop hands it over: `tertulia tertulia://127.0.0.1:PORT/`.
    let link = format!("tertulia://{}/", server.addr);
    let mut app = app_given(&link, settings.clone());
    sign_up_through_the_form(&mut app, "ana");
    let remembered = settings.load();
    assert_eq!(remembered.server, server.addr.to_string());
    // Used once, listed from then on (even where discovery never hears it).
    assert!(
        remembered
            .known
            .values()
            .any(|a| *a == server.addr.to_string()),
        "{:?}",
        remembered.known
    );
    server.stop();
}
