//! A chat served by two nodes (docs/SCALING.md), as a student sees it: the
//! app is given both nodes' addresses (as the LAN lists a cluster's
//! nodes), and when its node stops it goes on at the other one, with
//! everything said meanwhile and nothing acknowledged lost.

// Test code: a failed unwrap is a failed test, with its message.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::*;
use tertulia_shared::Request;

#[test]
fn when_its_node_stops_the_app_goes_on_at_the_other_node_of_the_chat() {
    let Some((database, nats)) = tertulia_server::scratch_nats::scratch_cluster() else {
        return;
    };
    let (dir_one, dir_two) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let one = Server::start_node(&dir_one, &database, &nats.address(), "uno");
    let two = Server::start_node(&dir_two, &database, &nats.address(), "dos");
    let luis = Headless::sign_up(two.addr, "luis");
    let settings = tertulia::settings::SettingsStore::at(dir_one.path().join("settings.json"));
    let mut app = app_given(&format!("{}, {}", one.addr, two.addr), settings);
    sign_up_through_the_form(&mut app, "ana");
    wait_for_text(&mut app, &format!("Connected to {}", one.addr));
    luis.request(Request::Say {
        text: "¿quién está en el otro nodo?".into(),
        reply_to: None,
    });
    wait_for_text(&mut app, "luis: ¿quién está en el otro nodo?");
    say(&mut app, "yo, en el nodo uno");
    wait_for_text(&mut app, "ana: yo, en el nodo uno");

    // Node one stops (an update); luis talks on while ana is away.
    one.stop();
    luis.request(Request::Say {
        text: "mientras no estabas".into(),
        reply_to: None,
    });
    wait_for_text(&mut app, &format!("Connected again to {}", two.addr));
    wait_for_text(&mut app, "luis: mientras no estabas");
    say(&mut app, "ya estoy en el nodo dos");
    luis.wait(|event| {
        matches!(event, tertulia::net::NetEvent::Event(tertulia_shared::Event::Message(m))
            if m.text == "ya estoy en el nodo dos")
    });
    wait_for_text(&mut app, "ana: ya estoy en el nodo dos");
    // Every line once, in order.
    let lines: Vec<String> = app
        .state()
        .chat_state()
        .unwrap()
        .log_of("lobby")
        .iter()
        .filter_map(|l| match l {
            tertulia::state::Line::Chat { from, text, .. } => Some(format!("{from}: {text}")),
            _ => None,
        })
        .collect();
    assert_eq!(
        lines,
        [
            "luis: ¿quién está en el otro nodo?",
            "ana: yo, en el nodo uno",
            "luis: mientras no estabas",
            "ana: ya estoy en el nodo dos",
        ]
    );
    two.stop();
}
