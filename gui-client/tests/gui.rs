//! The real app in a kittest harness against a real server on loopback:
//! what a student does, by accessible label and role.

// Test code: a failed unwrap is a failed test, with its message.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::*;
use egui::accesskit::Role;
use egui_kittest::kittest::{NodeT as _, Queryable, by};
use tertulia::net::NetEvent;
use tertulia_shared::{Event, Request};

#[test]
fn sign_up_land_in_the_lobby_and_see_a_message_come_back_stamped() {
    let dir = tempfile::tempdir().unwrap();
    let server = Server::start(&dir);
    let mut app = app(server.addr);
    sign_up_through_the_form(&mut app, "ana");
    wait_for_text(&mut app, "Welcome, ana! You are in lobby");
    assert!(has_text(&app, "lobby (1)"), "the sidebar lists the lobby");

    say(&mut app, "¡Hola, qué tal! ñandú ¿sí?");
    wait_for_text(&mut app, "ana: ¡Hola, qué tal! ñandú ¿sí?");
    // The server stamped it: its time is within the last minute of server time.
    let state = app.state().chat_state().unwrap();
    let stamped = state.log().iter().find_map(|line| match line {
        tertulia::state::Line::Chat {
            time_ms,
            mine: true,
            ..
        } => Some(*time_ms),
        _ => None,
    });
    let now = app.state().clock().server_now_ms();
    assert!(stamped.is_some_and(|t| (now - 60_000..=now + 1_000).contains(&t)));
    server.stop();
}

#[test]
fn log_in_with_an_existing_account_and_use_rooms_from_the_sidebar_and_commands() {
    let dir = tempfile::tempdir().unwrap();
    let server = Server::start(&dir);
    let luis = Headless::sign_up(server.addr, "luis");
    let ana = Headless::sign_up(server.addr, "ana");
    ana.net.order(tertulia::net::NetOrder::Logout);
    ana.wait(|e| matches!(e, NetEvent::Closed { .. }));

    let mut app = app(server.addr);
    fill(&mut app, "Login", "ana");
    fill(&mut app, "Password", PASSWORD);
    click_button(&mut app, "Log in");
    wait_for_text(&mut app, "You are in lobby with luis");

    // #cR creates a room and moves us into it; the sidebar follows.
    say(&mut app, "#cR física");
    wait_for_text(&mut app, "You are in física");
    wait_for_text(&mut app, "física (1)");
    // #lR prints the list in the log.
    say(&mut app, "#lR");
    wait_for_text(&mut app, "física — 1 person (by ana)");
    // Clicking a room in the sidebar enters it.
    app.get_by_label("lobby (1)").click();
    wait_for(&mut app, "back in the lobby", |h| {
        h.state().chat_state().is_some_and(|s| s.room == "lobby")
    });
    wait_for_text(&mut app, "lobby (2)");
    // Unknown commands show the way.
    say(&mut app, "#bogus");
    wait_for_text(&mut app, "Unknown command #bogus");
    say(&mut app, "#cR");
    wait_for_text(&mut app, "Usage: #cR <room>");
    // A message from luis arrives with his name.
    luis.net.send(Request::Say {
        reply_to: None,
        text: "buenas".into(),
    });
    wait_for_text(&mut app, "luis: buenas");
    server.stop();
}

#[test]
fn private_messages_from_the_input_box_and_in_their_own_window() {
    let dir = tempfile::tempdir().unwrap();
    let server = Server::start(&dir);
    let luis = Headless::sign_up(server.addr, "luis");
    let mut app = app(server.addr);
    sign_up_through_the_form(&mut app, "ana");

    say(&mut app, "#\\private luis ¿vienes?");
    wait_for_text(&mut app, "Private message to luis: ¿vienes?");
    // …and in the conversation's own window.
    wait_for_text(&mut app, "Private: luis");
    let got = luis.wait(|e| matches!(e, NetEvent::Event(Event::Private(_))));
    let NetEvent::Event(Event::Private(message)) = got else {
        unreachable!()
    };
    assert_eq!(
        (message.from.as_str(), message.text.as_str()),
        ("ana", "¿vienes?")
    );

    // An incoming private message opens its window, unread until seen.
    luis.net.send(Request::Private {
        reply_to: None,
        to: "ana".into(),
        text: "sí, ya voy".into(),
    });
    wait_for_text(&mut app, "Private: luis (1 new)");
    wait_for_text(&mut app, "sí, ya voy");
    assert_eq!(app.state().chat_state().unwrap().total_unread(), 1);

    // Replying from the window.
    fill(&mut app, "To luis", "perfecto");
    app.key_press(egui::Key::Enter);
    app.step();
    let got =
        luis.wait(|e| matches!(e, NetEvent::Event(Event::Private(p)) if p.text == "perfecto"));
    assert!(matches!(got, NetEvent::Event(_)));

    // Private to someone who does not exist: the error is shown.
    say(&mut app, "#\\private nadie hola");
    wait_for_text(&mut app, "There is no user called nadie");
    server.stop();
}

#[test]
fn clicking_a_user_opens_a_private_window() {
    let dir = tempfile::tempdir().unwrap();
    let server = Server::start(&dir);
    let _luis = Headless::sign_up(server.addr, "luis");
    let mut app = app(server.addr);
    sign_up_through_the_form(&mut app, "ana");
    wait_for(&mut app, "luis in the user list", |h| {
        h.query_all(by().role(Role::Button).label("luis"))
            .next()
            .is_some()
    });
    app.get_by_role_and_label(Role::Button, "luis").click();
    wait_for_text(&mut app, "Private: luis");
    wait_for_text(&mut app, "No messages yet");
    server.stop();
}

#[test]
fn the_status_bar_shows_the_server_synced_clock() {
    let dir = tempfile::tempdir().unwrap();
    let server = Server::start(&dir);
    let mut app = app(server.addr);
    sign_up_through_the_form(&mut app, "ana");
    wait_for(&mut app, "a clock sample", |h| {
        h.state().clock().rtt_ms.is_some()
    });
    // Same machine: the offset is within the measurement error.
    let clock = app.state().clock();
    assert!(
        clock.offset_ms.abs() <= clock.rtt_ms.unwrap_or(0) + 5,
        "{clock:?}"
    );
    wait_for(&mut app, "the clock label", |h| {
        let now = h.state().clock();
        has_text(h, &now.server_clock())
    });
    assert!(has_text(&app, "Server time"));
    say(&mut app, "#net");
    wait_for_text(&mut app, "Clock offset (server − this computer)");
    // #exit logs out and returns to the login screen, saying so.
    say(&mut app, "#exit");
    wait_for_text(&mut app, "You left the chat.");
    assert!(has_text(&app, "Log in"));
    server.stop();
}

#[test]
fn losing_the_server_shows_reconnecting_then_comes_back() {
    let dir = tempfile::tempdir().unwrap();
    let server = Server::start(&dir);
    let (addr, db) = (server.addr, server.db.clone());
    let mut app = app(addr);
    sign_up_through_the_form(&mut app, "ana");

    server.stop();
    wait_for_text(&mut app, "Connection lost — reconnecting");
    wait_for_text(&mut app, "The server is shutting down. Reconnecting in");

    let server = Server::start_at(db, addr);
    wait_for_text(&mut app, "Connected again to");
    wait_for_text(&mut app, "Connected to");
    say(&mut app, "still here");
    wait_for_text(&mut app, "ana: still here");
    server.stop();
}

#[test]
fn after_a_network_drop_the_client_logs_back_in_and_returns_to_its_room() {
    let dir = tempfile::tempdir().unwrap();
    let server = Server::start(&dir);
    let proxy = server.proxy();
    // Luis owns the room, so it outlives Ana's connection.
    let luis = Headless::sign_up(server.addr, "luis");
    luis.net.send(Request::CreateRoom { room: "lab".into() });
    let mut app = app(proxy.addr);
    sign_up_through_the_form(&mut app, "ana");
    wait_for_text(&mut app, "lab (1)");
    app.get_by_label("lab (1)").click();
    wait_for(&mut app, "ana in lab", |h| {
        h.state().chat_state().is_some_and(|s| s.room == "lab")
    });

    proxy.cut();
    wait_for_text(&mut app, "Connection lost — reconnecting");
    wait_for_text(&mut app, "Connected again to");
    wait_for(&mut app, "ana back in lab", |h| {
        h.state().chat_state().is_some_and(|s| s.room == "lab")
    });
    wait_for_text(&mut app, "lab (2)");
    luis.net.send(Request::Say {
        reply_to: None,
        text: "¿sigues ahí?".into(),
    });
    wait_for_text(&mut app, "luis: ¿sigues ahí?");
    server.stop();
}

#[test]
fn a_refused_connection_is_explained_and_can_be_retried() {
    // Port 9 on loopback: nothing listens there.
    let mut app = app("127.0.0.1:9".parse().unwrap());
    fill(&mut app, "Login", "ana");
    fill(&mut app, "Password", PASSWORD);
    click_button(&mut app, "Log in");
    wait_for_text(&mut app, "Connection refused by 127.0.0.1:9");
    assert!(has_text(&app, "Retry"));
}

#[test]
fn signup_errors_appear_beside_their_fields_and_a_taken_login_too() {
    let dir = tempfile::tempdir().unwrap();
    let server = Server::start(&dir);
    let _luis = Headless::sign_up(server.addr, "luis");
    let mut app = app(server.addr);
    click_button(&mut app, "Create account");
    fill(&mut app, "Login", "a b");
    fill(&mut app, "Age", "veinte");
    click_button(&mut app, "Create account");
    wait_for_text(&mut app, "A login uses only letters");
    assert!(has_text(&app, "Type your age as a number"));
    assert!(has_text(&app, "First names cannot be empty"));
    assert!(has_text(&app, "A password has at least 8 characters"));

    // Fix everything but choose a login that exists: the server's answer lands on the field.
    fill(&mut app, "First names", "Luis");
    fill(&mut app, "Last names", "Otro");
    replace(&mut app, "Login", "LUIS");
    fill(&mut app, "Password", "long-enough");
    fill(&mut app, "Repeat the password", "long-enough");
    replace(&mut app, "Age", "30");
    choose(&mut app, "Gender", "Prefer not to say");
    click_button(&mut app, "Create account");
    wait_for_text(&mut app, "That login is taken");
    server.stop();
}

#[test]
fn logging_in_from_another_computer_takes_the_session_and_this_window_lets_go() {
    let dir = tempfile::tempdir().unwrap();
    let server = Server::start(&dir);
    let mut app = app(server.addr);
    sign_up_through_the_form(&mut app, "ana");
    wait_for_text(&mut app, "Welcome, ana!");
    // Ana moves to another machine and logs in there.
    let elsewhere = common::Headless::log_in(server.addr, "ana");
    // The notice may show in the chat a frame before the login screen
    // replaces it: wait for the login screen, then read the notice there.
    wait_for(&mut app, "the login screen", |h| {
        !has_text(h, "Connected to") && has_text(h, "Log in")
    });
    assert!(
        has_text(&app, "logged in from another window or computer"),
        "the login screen says why"
    );
    // It does not reconnect (which would take the session back): the other
    // machine keeps it.
    for _ in 0..30 {
        app.step();
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    let mut heard = Vec::new();
    while let Some(event) = elsewhere.net.try_event() {
        heard.push(event);
    }
    assert!(
        !heard.iter().any(|e| matches!(
            e,
            NetEvent::Closed { .. }
                | NetEvent::Disconnected { .. }
                | NetEvent::Event(Event::SessionReplaced { .. })
        )),
        "the other computer kept the session: {heard:?}"
    );
    server.stop();
}

#[test]
fn the_keyboard_alone_logs_in_and_chats() {
    let dir = tempfile::tempdir().unwrap();
    let server = Server::start(&dir);
    let ana = Headless::sign_up(server.addr, "ana");
    ana.net.order(tertulia::net::NetOrder::Logout);
    ana.wait(|e| matches!(e, NetEvent::Closed { .. }));

    let mut app = app(server.addr);
    app.run();
    // The login field has the keyboard from the start…
    assert!(text_field(&app, "Login").is_focused());
    app.event(egui::Event::Text("ana".into()));
    app.key_press(egui::Key::Tab);
    app.run();
    assert!(text_field(&app, "Password").is_focused());
    app.event(egui::Event::Text(PASSWORD.into()));
    // …Enter logs in…
    app.key_press(egui::Key::Enter);
    wait_for_text(&mut app, "Welcome, ana!");
    // …and the message box is ready to type in. (Steps, not `run`: the
    // room's history and people keep arriving for a few frames.)
    app.run_steps(8);
    assert!(text_field(&app, "Message").is_focused());
    app.event(egui::Event::Text("sin ratón".into()));
    app.key_press(egui::Key::Enter);
    wait_for_text(&mut app, "ana: sin ratón");
    server.stop();
}

#[test]
fn enter_in_the_signup_form_creates_the_account() {
    let dir = tempfile::tempdir().unwrap();
    let server = Server::start(&dir);
    let mut app = app(server.addr);
    click_button(&mut app, "Create account");
    app.run();
    assert!(text_field(&app, "First names").is_focused());
    fill(&mut app, "First names", "Ana");
    fill(&mut app, "Last names", "Pérez");
    fill(&mut app, "Login", "ana");
    fill(&mut app, "Password", PASSWORD);
    fill(&mut app, "Repeat the password", PASSWORD);
    choose(&mut app, "Gender", "Female");
    fill(&mut app, "Age", "21");
    app.key_press(egui::Key::Enter);
    wait_for_text(&mut app, "Welcome, ana!");
    server.stop();
}

#[test]
fn the_signup_form_does_not_jump_when_errors_come_and_go() {
    let mut app = app("127.0.0.1:9".parse().unwrap());
    click_button(&mut app, "Create account");
    let button = |app: &egui_kittest::Harness<'_, tertulia::app::TertuliaApp>| {
        app.get_by_role_and_label(Role::Button, "Create account")
            .rect()
    };
    let before = button(&app);
    click_button(&mut app, "Create account");
    wait_for_text(&mut app, "First names cannot be empty");
    assert_eq!(button(&app), before, "the button stayed where it was");
    fill(&mut app, "First names", "Ana");
    assert_eq!(button(&app), before);
}

/// A program on a port that is not a Tertulia server: `answer` is written
/// to each connection (nothing for a silent one), which is then held open.
fn impostor(answer: &'static [u8]) -> (std::net::SocketAddr, tokio::runtime::Runtime) {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let listener = runtime
        .block_on(tokio::net::TcpListener::bind("127.0.0.1:0"))
        .unwrap();
    let addr = listener.local_addr().unwrap();
    runtime.spawn(async move {
        while let Ok((mut socket, _)) = listener.accept().await {
            tokio::spawn(async move {
                let mut request = [0u8; 1024];
                let _ = socket.read(&mut request).await;
                let _ = socket.write_all(answer).await;
                tokio::time::sleep(std::time::Duration::from_secs(30)).await;
            });
        }
    });
    (addr, runtime)
}

#[test]
fn a_web_server_or_a_silent_program_on_the_port_is_named_for_what_it_is() {
    let (web, _web) = impostor(b"HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n");
    let mut app = app(web);
    fill(&mut app, "Login", "ana");
    fill(&mut app, "Password", PASSWORD);
    click_button(&mut app, "Log in");
    wait_for_text(&mut app, "may be a web server");
    // In plain text the answer is read, and said plainly.
    app.get_by_label("Connect without encryption").click();
    app.run();
    click_button(&mut app, "Retry");
    wait_for_text(&mut app, "is a web server, not a Tertulia server");

    let (silent, _silent) = impostor(b"");
    let mut app = app_with(silent, tertulia::settings::SettingsStore::in_memory());
    fill(&mut app, "Login", "ana");
    fill(&mut app, "Password", PASSWORD);
    click_button(&mut app, "Log in");
    wait_for_text(&mut app, "accepted the connection but did not answer");
    assert!(!has_text(&app, "computer off"));
}

#[test]
fn the_view_menu_switches_to_dark_and_zooms_and_both_are_remembered() {
    let dir = tempfile::tempdir().unwrap();
    let server = Server::start(&dir);
    let settings = tertulia::settings::SettingsStore::at(dir.path().join("client/settings.json"));
    let mut app = app_with(server.addr, settings.clone());
    sign_up_through_the_form(&mut app, "ana");
    app.get_by_label("View").click();
    app.run();
    app.get_by_label("Dark theme").click();
    app.run();
    assert_eq!(app.ctx.theme(), egui::Theme::Dark);
    // The menu stays open from one choice to the next: two steps of text
    // size without opening it again.
    app.get_by_label("Bigger text").click();
    app.run();
    app.get_by_label("Bigger text").click();
    app.run();
    app.get_by_label("Smaller text").click();
    app.run();
    assert!((app.ctx.zoom_factor() - 1.1).abs() < 0.001);
    let saved = settings.load();
    assert_eq!(saved.view.theme, tertulia::settings::Theme::Dark);
    assert!((saved.view.zoom - 1.1).abs() < 0.001);
    server.stop();
}

#[test]
fn a_day_separator_heads_the_log_and_links_are_clickable() {
    let dir = tempfile::tempdir().unwrap();
    let server = Server::start(&dir);
    let mut app = app(server.addr);
    sign_up_through_the_form(&mut app, "ana");
    say(
        &mut app,
        "el enunciado: https://campus.ejemplo.es/practica-3.",
    );
    wait_for_text(&mut app, "— Today —");
    let link = app.get_by_role_and_label(Role::Link, "https://campus.ejemplo.es/practica-3");
    // Shown once: inline in the message, as a link (not again on a line of its own).
    let at = link.rect();
    for shown in app.query_all(by().label_contains("campus.ejemplo.es")) {
        assert!(
            at.contains_rect(shown.rect()),
            "the link shown again at {:?}",
            shown.rect()
        );
    }
    assert!(has_text(&app, "el enunciado: "));
    link.click();
    app.step();
    // egui hands the click to the platform as "open this URL".
    let opened = app.output().platform_output.commands.iter().any(|c| {
        matches!(c, egui::OutputCommand::OpenUrl(open) if open.url == "https://campus.ejemplo.es/practica-3")
    });
    assert!(opened, "{:?}", app.output().platform_output.commands);
    server.stop();
}

#[test]
fn common_emoji_are_drawn_not_boxes() {
    // The harness refuses to draw a character no font has (it panics with
    // "No glyph"), so showing them is the test.
    let dir = tempfile::tempdir().unwrap();
    let server = Server::start(&dir);
    let mut app = app(server.addr);
    sign_up_through_the_form(&mut app, "ana");
    say(&mut app, "🎉 👍 ✅ 🙂 😀 ❤ ¡olé! ñ");
    wait_for_text(&mut app, "ana: 🎉 👍 ✅ 🙂 😀 ❤ ¡olé! ñ");
    server.stop();
}

#[test]
fn help_is_two_columns_even_in_a_small_window() {
    let dir = tempfile::tempdir().unwrap();
    let server = Server::start(&dir);
    let mut app = app(server.addr);
    sign_up_through_the_form(&mut app, "ana");
    app.set_size(egui::vec2(800.0, 600.0));
    app.run();
    fill(&mut app, "Message", "#help");
    app.key_press(egui::Key::Enter);
    wait_for_text(&mut app, "create a room and move into it");
    let rect = |app: &egui_kittest::Harness<'_, tertulia::app::TertuliaApp>, text: &str| {
        app.get_by_label(text).rect()
    };
    let usages = [
        "#cR <room>",
        "#\\private <user> <message>",
        "#file <path>",
        "#exit",
    ];
    let summaries = [
        "create a room and move into it",
        "send a private message",
        "share a file with the room (or drop it on the window)",
        "disconnect from the server",
    ];
    let widest = usages
        .iter()
        .map(|u| rect(&app, u).right())
        .fold(f32::MIN, f32::max);
    let lefts: Vec<f32> = summaries.iter().map(|s| rect(&app, s).left()).collect();
    for (summary, left) in summaries.iter().zip(&lefts) {
        assert!(
            *left > widest,
            "{summary:?} starts at {left}, under the commands (to {widest})"
        );
        assert!(
            (left - lefts[0]).abs() < 0.5,
            "{summary:?} is out of its column"
        );
    }
    // A description too long for the window wraps within its column.
    let long = rect(&app, summaries[2]);
    assert!(long.left() > widest && long.height() > rect(&app, summaries[3]).height());
    server.stop();
}

#[test]
fn the_keyboard_goes_where_a_click_leads() {
    let dir = tempfile::tempdir().unwrap();
    let server = Server::start(&dir);
    let luis = Headless::sign_up(server.addr, "luis");
    // A server remembered from before, listed beside the form.
    let settings = tertulia::settings::SettingsStore::at(dir.path().join("settings.json"));
    let mut remembered = settings.load();
    remembered
        .known
        .insert("Aula 3".into(), server.addr.to_string());
    remembered.server = "elsewhere:7878".into();
    remembered.login = "ana".into();
    settings.save(&remembered);
    let mut app = app_in(
        None,
        settings,
        tertulia::app::Lan::Off,
        None,
        tertulia::i18n::Lang::En,
    );
    app.run();
    wait_for_text(&mut app, "Aula 3");
    app.get_by_label("Aula 3").click();
    app.run();
    assert!(
        text_field(&app, "Password").is_focused(),
        "choosing a server leads to the password (the login is known)"
    );
    replace(&mut app, "Login", "");
    sign_up_through_the_form(&mut app, "ana");

    // A room clicked in the sidebar: the next line is said there.
    fill(&mut app, "Message", "#cR juegos");
    app.key_press(egui::Key::Enter);
    wait_for_text(&mut app, "juegos (1)");
    app.get_by_label("lobby (1)").click();
    wait_for(&mut app, "back in lobby", |h| {
        h.state().chat_state().is_some_and(|s| s.room == "lobby")
    });
    app.run_steps(2);
    app.event(egui::Event::Text("typed after the click".into()));
    app.key_press(egui::Key::Enter);
    wait_for_text(&mut app, "ana: typed after the click");

    // A person clicked: their conversation's box takes the keyboard.
    app.get_by_label("luis").click();
    wait_for_text(&mut app, "To luis");
    app.run_steps(2);
    assert!(
        text_field(&app, "To luis").is_focused(),
        "the conversation's box"
    );
    app.event(egui::Event::Text("hola luis".into()));
    app.key_press(egui::Key::Enter);
    wait_for(&mut app, "the private sent", |h| {
        h.state().chat_state().is_some_and(|s| {
            s.conversations
                .get("luis")
                .is_some_and(|c| !c.lines.is_empty())
        })
    });
    luis.wait(|e| matches!(e, NetEvent::Event(Event::Private(m)) if m.text == "hola luis"));
    server.stop();
}

#[test]
fn the_status_bar_never_draws_text_over_text_in_a_small_window_with_large_text() {
    let dir = tempfile::tempdir().unwrap();
    let server = Server::start(&dir);
    let luis = Headless::sign_up(server.addr, "luis");
    let mut app = app(server.addr);
    sign_up_through_the_form(&mut app, "ana");
    luis.request(Request::Private {
        reply_to: None,
        to: "ana".into(),
        text: "¿vienes?".into(),
    });
    wait_for_text(&mut app, "1 unread private");
    for zoom in [1.0, 1.1, 1.2] {
        app.ctx.set_zoom_factor(zoom);
        app.set_size(egui::vec2(800.0, 600.0) / zoom);
        app.run_steps(3);
        let bottom = app.get_by_label("View").rect().top() - 4.0;
        let parts: Vec<(String, egui::Rect)> = app
            .query_all(by().predicate(|_| true))
            .filter_map(|n| {
                let node = n.accesskit_node();
                let label = node.label().or_else(|| node.value())?;
                let rect = n.rect();
                (rect.top() >= bottom && rect.width() > 0.0).then_some((label, rect))
            })
            .collect();
        assert!(parts.len() >= 4, "{parts:?}");
        for (i, (a, ra)) in parts.iter().enumerate() {
            for (b, rb) in &parts[i + 1..] {
                // A label and its own text run are two nodes with one rectangle.
                if a == b || ra == rb {
                    continue;
                }
                let overlap = ra.intersect(*rb);
                assert!(
                    overlap.width() <= 0.5 || overlap.height() <= 0.5,
                    "at {zoom}x: {a:?} {ra:?} overlaps {b:?} {rb:?}"
                );
            }
        }
    }
    server.stop();
}
