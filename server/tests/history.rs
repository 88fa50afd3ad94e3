//! Nothing lost, over real sockets: message ids, a room's history on
//! entering and by page, private messages kept for offline users, and the
//! log surviving a restart.

// Test code: a failed unwrap is a failed test, with its message.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::{TestServer, code, test_config};
use tertulia_shared::{ChatMessage, ErrorCode, Event, MessageId, Reply, Request};

/// Signs `login` up and logs in: the room's history that comes with the
/// login, and whether older messages exist.
async fn arrive(server: &TestServer, login: &str) -> (Vec<ChatMessage>, bool) {
    let mut client = server.greeted().await;
    client.register(login).await.unwrap();
    let Reply::LoggedIn {
        history,
        history_more,
        ..
    } = client.login(login).await.unwrap()
    else {
        panic!()
    };
    (history, history_more)
}

fn ids(messages: &[ChatMessage]) -> Vec<MessageId> {
    messages.iter().map(|m| m.id).collect()
}

#[tokio::test]
async fn entering_shows_the_latest_messages_and_older_ones_come_by_page() {
    let (server, _dir) = TestServer::start().await;
    let mut ana = server.user("ana").await;
    let mut said = Vec::new();
    for n in 0..130 {
        let Reply::Sent { message } = ana
            .say(&format!("mensaje {n} {}", "ñ".repeat(n * 10)))
            .await
        else {
            panic!()
        };
        said.push(std::sync::Arc::unwrap_or_clone(message));
    }
    assert!(said.windows(2).all(|w| w[0].id < w[1].id), "ids increase");

    let mut luis = server.greeted().await;
    luis.register("luis").await.unwrap();
    let Reply::LoggedIn {
        history,
        history_more,
        ..
    } = luis.login("luis").await.unwrap()
    else {
        panic!()
    };
    // As many of the latest as fit the line, never more than --history.
    assert!(
        !history.is_empty() && history.len() <= 50,
        "{}",
        history.len()
    );
    assert_eq!(history, said[said.len() - history.len()..]);
    assert!(history_more);
    // Paging back gives everything, in order, once.
    assert_eq!(ids(&luis.whole_history("lobby").await), ids(&said));
    // Catching up after an id gives what followed it.
    let reply = luis
        .request(Request::History {
            room: "LOBBY".into(),
            before_id: None,
            after_id: Some(said[126].id),
        })
        .await
        .unwrap();
    assert_eq!(
        reply,
        Reply::History {
            room: "lobby".into(),
            messages: said[127..].to_vec(),
            more: false,
        }
    );
    let both = luis
        .request(Request::History {
            room: "lobby".into(),
            before_id: Some(5),
            after_id: Some(1),
        })
        .await;
    assert_eq!(code(both), ErrorCode::Malformed);
    let nowhere = luis
        .request(Request::History {
            room: "nowhere".into(),
            before_id: None,
            after_id: None,
        })
        .await;
    assert_eq!(code(nowhere), ErrorCode::RoomNotFound);
}

#[tokio::test]
async fn entering_brings_as_many_long_messages_as_fit_the_line() {
    let (server, _dir) = TestServer::start().await;
    let mut ana = server.user("ana").await;
    // Three messages of 2000 two-byte letters (4 KB of JSON each), then
    // the longest there is: 2000 four-byte emoji (8 KB).
    let long = |c: &str| c.repeat(tertulia_shared::limits::MESSAGE_MAX_CHARS);
    for text in [long("ñ"), long("ñ"), long("ñ")] {
        ana.say(&text).await;
    }
    let (history, _) = arrive(&server, "eva").await;
    assert_eq!(history.len(), 3, "three 4 KB messages fit a 16 KB line");
    ana.say(&long("🎉")).await;
    let (history, history_more) = arrive(&server, "rosa").await;
    assert!(
        !history.is_empty() && history_more,
        "the longest message comes with the login"
    );
    assert_eq!(history.last().map(|m| m.text.clone()), Some(long("🎉")));
}

#[tokio::test]
async fn a_deleted_room_takes_its_history_and_a_new_one_of_that_name_starts_empty() {
    let (server, _dir) = TestServer::start().await;
    let mut ana = server.user("ana").await;
    let mut luis = server.user("luis").await;
    ana.create("química").await.unwrap();
    ana.say("secreto").await;
    luis.join("química").await.unwrap();
    assert_eq!(luis.whole_history("química").await.len(), 1);
    ana.request(Request::DeleteRoom {
        room: "química".into(),
    })
    .await
    .unwrap();
    let Reply::Joined { history, .. } = ana.create("química").await.unwrap() else {
        panic!()
    };
    assert!(history.is_empty());
    assert!(luis.whole_history("química").await.is_empty());
}

#[tokio::test]
async fn delivery_order_id_order_and_stamp_order_agree() {
    let (server, _dir) = TestServer::start().await;
    let mut watcher = server.user("watcher").await;
    let mut senders = Vec::new();
    for n in 0..4 {
        senders.push(server.user(&format!("sender{n}")).await);
    }
    watcher.settle().await;
    let tasks: Vec<_> = senders
        .into_iter()
        .map(|mut c| {
            tokio::spawn(async move {
                for i in 0..50 {
                    c.say(&format!("{i}")).await;
                }
                c
            })
        })
        .collect();
    for task in tasks {
        task.await.unwrap();
    }
    let mut seen = Vec::new();
    while seen.len() < 200 {
        if let Event::Message(m) = watcher.event().await {
            seen.push(m);
        }
    }
    assert!(seen.windows(2).all(|w| w[0].id < w[1].id));
    assert!(seen.windows(2).all(|w| w[0].time_ms <= w[1].time_ms));
}

#[tokio::test]
async fn privates_to_offline_users_wait_for_their_next_login_even_right_after_bye() {
    let (server, _dir) = TestServer::start().await;
    let mut ana = server.user("ana").await;
    let mut eva = server.user("eva").await;
    // Offline for routing as soon as `bye` is sent: nothing can be lost in
    // the moments while the connection closes.
    assert_eq!(eva.request(Request::Logout).await, Ok(Reply::Bye));
    let mut queued = Vec::new();
    for text in ["¿estás?", "te espero en el lab"] {
        let reply = ana
            .request(Request::Private {
                reply_to: None,
                to: "EVA".into(),
                text: text.into(),
            })
            .await
            .unwrap();
        let Reply::PrivateSent {
            message,
            queued: true,
        } = reply
        else {
            panic!("{reply:?}")
        };
        assert_eq!(message.to, "eva");
        queued.push(*message);
    }
    assert!(eva.until_closed().await.iter().all(|m| !matches!(
        m,
        tertulia_shared::ServerMessage::Event {
            event: Event::Private(_)
        }
    )));

    let mut eva = server.greeted().await;
    let Reply::LoggedIn {
        queued_privates, ..
    } = eva.login("eva").await.unwrap()
    else {
        panic!()
    };
    assert_eq!(queued_privates, 2);
    // They came as events just before the reply, oldest first.
    let delivered: Vec<_> = eva
        .drain_events()
        .into_iter()
        .filter_map(|e| match e {
            Event::Private(p) => Some(p),
            _ => None,
        })
        .collect();
    assert_eq!(delivered, queued);
    // Delivered once: the next login finds nothing waiting, but the
    // conversation is still in the history.
    eva.request(Request::Logout).await.unwrap();
    let mut eva = server.greeted().await;
    let Reply::LoggedIn {
        queued_privates, ..
    } = eva.login("eva").await.unwrap()
    else {
        panic!()
    };
    assert_eq!(queued_privates, 0);
    assert_eq!(eva.whole_private_history().await, queued);
    // Someone who never registered is still not found.
    let nobody = ana
        .request(Request::Private {
            reply_to: None,
            to: "nadie".into(),
            text: "hola".into(),
        })
        .await;
    assert_eq!(code(nobody), ErrorCode::UserNotFound);
}

#[tokio::test]
async fn the_default_room_history_and_queued_privates_survive_a_restart() {
    let (server, dir) = TestServer::start().await;
    let db = server.db_path.clone();
    let mut ana = server.user("ana").await;
    let mut luis = server.user("luis").await;
    luis.request(Request::Logout).await.unwrap();
    let Reply::Sent { message: said } = ana.say("antes del reinicio").await else {
        panic!()
    };
    ana.request(Request::Private {
        reply_to: None,
        to: "luis".into(),
        text: "para luego".into(),
    })
    .await
    .unwrap();
    ana.create("efímera").await.unwrap();
    ana.say("se va con la sala").await;
    server.stop().await;

    let server = TestServer::start_on(db, test_config()).await;
    let mut luis = server.greeted().await;
    let Reply::LoggedIn {
        history,
        queued_privates,
        ..
    } = luis.login("luis").await.unwrap()
    else {
        panic!()
    };
    assert_eq!(history, std::slice::from_ref(&*said));
    assert_eq!(queued_privates, 1);
    // New ids stay above every id given out before.
    let Reply::Sent { message } = luis.say("después").await else {
        panic!()
    };
    assert!(message.id > said.id);
    drop(dir);
}
