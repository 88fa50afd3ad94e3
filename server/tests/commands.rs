//! Every request and every error code, over real TCP against a real server
//! with a real SQLite file.

// Test code: a failed unwrap is a failed test, with its message.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::{TestClient, TestServer, code, joined, left, presence, registration};
use tertulia_shared::{
    ChatMessage, ErrorCode, Event, Field, MoveReason, PROTOCOL_VERSION, Password, Reply, Request,
    ServerMessage,
};

#[tokio::test]
async fn hello_answers_with_version_server_name_default_room_and_time() {
    let (server, _dir) = TestServer::start().await;
    let before = tertulia_server::now_ms();
    let mut client = server.client().await;
    match client.hello().await {
        Reply::Welcome {
            version,
            server: name,
            default_room,
            server_time_ms,
            node,
        } => {
            assert_eq!(version, PROTOCOL_VERSION);
            assert_eq!(node, None, "a single server is no cluster's node");
            assert!(name.starts_with("tertulia-server"), "{name}");
            assert_eq!(default_room, "lobby");
            assert!((before..=tertulia_server::now_ms()).contains(&server_time_ms));
        }
        other => panic!("{other:?}"),
    }
    let again = client
        .request(Request::Hello {
            version: PROTOCOL_VERSION,
            client: "x".into(),
        })
        .await;
    assert_eq!(code(again), ErrorCode::AlreadyGreeted);
}

#[tokio::test]
async fn a_version_mismatch_names_both_versions_and_closes() {
    let (server, _dir) = TestServer::start().await;
    let mut client = server.client().await;
    let refused = client
        .request(Request::Hello {
            version: 99,
            client: "future-client".into(),
        })
        .await
        .unwrap_err();
    assert_eq!(refused.code, ErrorCode::UnsupportedVersion);
    assert!(refused.message.contains("99"), "{}", refused.message);
    assert!(
        refused.message.contains(&PROTOCOL_VERSION.to_string()),
        "{}",
        refused.message
    );
    assert!(client.until_closed().await.is_empty());
}

#[tokio::test]
async fn requests_before_hello_or_login_are_refused() {
    let (server, _dir) = TestServer::start().await;
    let mut client = server.client().await;
    assert_eq!(
        code(client.request(Request::ListRooms { after: None }).await),
        ErrorCode::HandshakeRequired
    );
    assert_eq!(
        code(client.login("ana").await),
        ErrorCode::HandshakeRequired
    );
    client.hello().await;
    let needs_login = [
        Request::Say {
            text: "hi".into(),
            reply_to: None,
        },
        Request::CreateRoom { room: "r".into() },
        Request::JoinRoom {
            room: "lobby".into(),
        },
        Request::LeaveRoom,
        Request::ListRooms { after: None },
        Request::DeleteRoom { room: "r".into() },
        Request::ListUsers { after: None },
        Request::Private {
            reply_to: None,
            to: "ana".into(),
            text: "hi".into(),
        },
    ];
    for request in needs_login {
        let shown = format!("{request:?}");
        assert_eq!(
            code(client.request(request).await),
            ErrorCode::NotAuthenticated,
            "{shown}"
        );
    }
    // Clock sync works before login, so the login screen can show server time.
    assert!(matches!(
        client.request(Request::Time).await,
        Ok(Reply::Time { .. })
    ));
}

#[tokio::test]
async fn register_then_login_lands_in_the_default_room() {
    let (server, _dir) = TestServer::start().await;
    let mut ana = server.greeted().await;
    assert_eq!(
        ana.register("Ana").await,
        Ok(Reply::Registered {
            login: "Ana".into()
        })
    );
    // Logging in with another case gives back the login as registered.
    match ana.login("ana").await {
        Ok(Reply::LoggedIn {
            login,
            room,
            members,
            ..
        }) => {
            assert_eq!((login.as_str(), room.as_str()), ("Ana", "lobby"));
            assert_eq!(members, ["Ana"]);
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(
        code(ana.login("ana").await),
        ErrorCode::AlreadyAuthenticated
    );
    assert_eq!(
        code(ana.register("other").await),
        ErrorCode::AlreadyAuthenticated
    );

    let mut luis = server.user("luis").await;
    ana.event_matching(joined("lobby", "luis")).await;
    // Luis hears only of himself (his own arrival, in the batch).
    assert!(
        luis.settle()
            .await
            .iter()
            .all(|e| joined("lobby", "luis")(e) || presence("online", "luis", Some("lobby"))(e))
    );
}

#[tokio::test]
async fn registration_errors_name_their_field() {
    let (server, _dir) = TestServer::start().await;
    let mut client = server.greeted().await;
    type Breaker = Box<dyn Fn(&mut tertulia_shared::Registration)>;
    let cases: Vec<(Field, Breaker)> = vec![
        (Field::FirstNames, Box::new(|f| f.first_names = " ".into())),
        (
            Field::LastNames,
            Box::new(|f| f.last_names = "x".repeat(65)),
        ),
        (Field::Login, Box::new(|f| f.login = "a".repeat(33))),
        (Field::Login, Box::new(|f| f.login = "con espacio".into())),
        (
            Field::Password,
            Box::new(|f| f.password = Password("short".into())),
        ),
        (Field::Age, Box::new(|f| f.age = 1000)),
    ];
    for (field, break_it) in cases {
        let mut form = registration("valid");
        break_it(&mut form);
        let error = client.request(Request::Register(form)).await.unwrap_err();
        assert_eq!(
            (error.code, error.field),
            (ErrorCode::InvalidField, Some(field))
        );
    }
    // An unknown gender is not a value of the enum: the request is malformed.
    let line = br#"{"id":50,"type":"register","first_names":"A","last_names":"B","login":"abc","password":"12345678","age":20,"gender":"robot"}"#;
    client.send_raw(line).await;
    client.send_raw(b"\n").await;
    assert_eq!(code(client.reply_to(Some(50)).await), ErrorCode::Malformed);

    client.register("Taken").await.unwrap();
    let taken = client.register("taken").await.unwrap_err();
    assert_eq!(
        (taken.code, taken.field),
        (ErrorCode::LoginTaken, Some(Field::Login))
    );
}

#[tokio::test]
async fn bad_credentials_and_a_login_that_takes_the_session_over() {
    let (server, _dir) = TestServer::start().await;
    let mut first = server.user("ana").await;
    let mut other = server.greeted().await;
    let wrong = other
        .request(Request::Login {
            login: "ana".into(),
            password: Password("not-the-password".into()),
        })
        .await;
    assert_eq!(code(wrong), ErrorCode::BadCredentials);
    assert_eq!(code(other.login("nobody").await), ErrorCode::BadCredentials);
    first.create("física").await.unwrap();
    let mut luis = server.user("luis").await;

    // The right password on another connection takes the session over: the
    // first hears why and is closed; the user stays online, rooms and all.
    assert!(matches!(
        other.login("ANA").await,
        Ok(Reply::LoggedIn { .. })
    ));
    let last = first.until_closed().await;
    assert!(
        matches!(
            last.last(),
            Some(ServerMessage::Event {
                event: Event::SessionReplaced { .. }
            })
        ),
        "{last:?}"
    );
    assert!(matches!(other.say("aquí sigo").await, Reply::Sent { .. }));
    let rooms: Vec<String> = luis.rooms().await.into_iter().map(|(r, _)| r).collect();
    assert_eq!(rooms, ["lobby", "física"]);
}

#[tokio::test]
async fn exit_says_bye_and_closes() {
    let (server, _dir) = TestServer::start().await;
    let mut ana = server.user("ana").await;
    let mut luis = server.user("luis").await;
    assert_eq!(ana.request(Request::Logout).await, Ok(Reply::Bye));
    assert!(ana.until_closed().await.is_empty());
    luis.event_matching(left("lobby", "ana")).await;
}

#[tokio::test]
async fn messages_are_stamped_by_the_server_and_echoed_to_the_sender() {
    let (server, _dir) = TestServer::start().await;
    let mut ana = server.user("ana").await;
    let mut luis = server.user("luis").await;
    ana.drain_events();
    ana.event_matching(joined("lobby", "luis")).await;

    let before = tertulia_server::now_ms();
    // A client cannot choose its sender name or time: extra fields are ignored.
    ana.send_raw(
        r#"{"id":77,"type":"say","text":"hola, ¿qué tal?","from":"mallory","time_ms":1}"#
            .as_bytes(),
    )
    .await;
    ana.send_raw(b"\n").await;
    let sent = match ana.reply_to(Some(77)).await {
        Ok(Reply::Sent { message }) => std::sync::Arc::unwrap_or_clone(message),
        other => panic!("{other:?}"),
    };
    let after = tertulia_server::now_ms();
    assert_eq!(sent.from, "ana");
    assert_eq!(sent.room, "lobby");
    assert_eq!(sent.text, "hola, ¿qué tal?");
    assert!((before..=after).contains(&sent.time_ms));
    assert_eq!(
        ana.event_matching(|e| matches!(e, Event::Message(_))).await,
        Event::Message(sent.clone())
    );
    assert_eq!(luis.event().await, Event::Message(sent));

    let empty = ana
        .request(Request::Say {
            text: "   ".into(),
            reply_to: None,
        })
        .await
        .unwrap_err();
    assert_eq!(
        (empty.code, empty.field),
        (ErrorCode::InvalidField, Some(Field::Text))
    );
    let long = ana
        .request(Request::Say {
            reply_to: None,
            text: "x".repeat(tertulia_shared::limits::MESSAGE_MAX_CHARS + 1),
        })
        .await;
    assert_eq!(code(long), ErrorCode::InvalidField);
}

#[tokio::test]
async fn create_join_leave_list_and_delete_rooms() {
    let (server, _dir) = TestServer::start().await;
    let mut ana = server.user("ana").await;
    let mut luis = server.user("luis").await;
    ana.event_matching(joined("lobby", "luis")).await;

    // create: the creator moves in, everyone hears of the room
    assert_eq!(
        ana.create("Física").await,
        Ok(Reply::Joined {
            announce: false,
            staff: [("ana".to_owned(), tertulia_shared::Role::Admin)].into(),
            room: "Física".into(),
            members: vec!["ana".into()],
            member_count: 1,
            members_next: None,
            history: Vec::new(),
            history_more: false,
        })
    );
    assert_eq!(
        luis.event().await,
        Event::RoomCreated {
            room: "Física".into(),
            creator: "ana".into()
        }
    );
    luis.event_matching(left("lobby", "ana")).await;
    assert_eq!(code(luis.create("FÍSICA").await), ErrorCode::RoomExists);
    assert_eq!(code(luis.create("lobby").await), ErrorCode::RoomExists);
    let bad = luis.create("two words").await.unwrap_err();
    assert_eq!(
        (bad.code, bad.field),
        (ErrorCode::InvalidField, Some(Field::Room))
    );

    // list: counts and creators, the default room first
    match luis.request(Request::ListRooms { after: None }).await {
        Ok(Reply::RoomList { rooms, next: None }) => {
            let shown: Vec<_> = rooms
                .iter()
                .map(|r| {
                    (
                        r.name.as_str(),
                        r.members,
                        r.creator.as_deref(),
                        r.is_default,
                    )
                })
                .collect();
            assert_eq!(
                shown,
                [("lobby", 1, None, true), ("Física", 1, Some("ana"), false)]
            );
        }
        other => panic!("{other:?}"),
    }

    // join (any case), already there, unknown room
    assert_eq!(
        luis.join("física").await,
        Ok(Reply::Joined {
            announce: false,
            staff: [("ana".to_owned(), tertulia_shared::Role::Admin)].into(),
            room: "Física".into(),
            members: vec!["ana".into(), "luis".into()],
            member_count: 2,
            members_next: None,
            history: Vec::new(),
            history_more: false,
        })
    );
    ana.event_matching(joined("Física", "luis")).await;
    assert_eq!(code(luis.join("Física").await), ErrorCode::AlreadyInRoom);
    assert_eq!(code(luis.join("nowhere").await), ErrorCode::RoomNotFound);
    assert_eq!(
        luis.rooms().await,
        [("lobby".into(), 0), ("Física".into(), 2)]
    );

    // leave: back to the default room; no effect there
    assert_eq!(
        luis.request(Request::LeaveRoom).await,
        Ok(Reply::Left {
            announce: false,
            room: "lobby".into(),
            changed: true,
            history: Vec::new(),
            history_more: false,
        })
    );
    assert_eq!(
        luis.request(Request::LeaveRoom).await,
        Ok(Reply::Left {
            announce: false,
            room: "lobby".into(),
            changed: false,
            history: Vec::new(),
            history_more: false,
        })
    );
    assert_eq!(
        luis.rooms().await,
        [("lobby".into(), 1), ("Física".into(), 1)]
    );

    // delete: only the creator; never the default room
    luis.join("Física").await.unwrap();
    let refused = luis
        .request(Request::DeleteRoom {
            room: "Física".into(),
        })
        .await;
    assert_eq!(code(refused), ErrorCode::NotRoomOwner);
    let lobby = ana
        .request(Request::DeleteRoom {
            room: "LOBBY".into(),
        })
        .await;
    assert_eq!(code(lobby), ErrorCode::CannotDeleteDefaultRoom);
    let missing = ana
        .request(Request::DeleteRoom { room: "zzz".into() })
        .await;
    assert_eq!(code(missing), ErrorCode::RoomNotFound);
    luis.drain_events();
    assert_eq!(
        ana.request(Request::DeleteRoom {
            room: "física".into()
        })
        .await,
        Ok(Reply::RoomDeleted {
            room: "Física".into()
        })
    );
    let moved = Event::MovedToDefault {
        room: "lobby".into(),
        from_room: "Física".into(),
        reason: MoveReason::RoomDeleted,
    };
    luis.event_matching(|e| *e == moved).await;
    ana.event_matching(|e| *e == moved).await;
    assert_eq!(luis.rooms().await, [("lobby".into(), 2)]);
}

#[tokio::test]
async fn three_clients_in_different_rooms_never_see_each_others_messages() {
    let (server, _dir) = TestServer::start().await;
    let mut ana = server.user("ana").await;
    let mut luis = server.user("luis").await;
    let mut eva = server.user("eva").await;
    ana.create("red").await.unwrap();
    luis.create("blue").await.unwrap();
    for client in [&mut ana, &mut luis, &mut eva] {
        client.settle().await;
    }
    assert_eq!(
        eva.rooms().await,
        [("lobby".into(), 1), ("blue".into(), 1), ("red".into(), 1)]
    );

    let says = |message: &Reply| match message {
        Reply::Sent { message } => Event::Message((**message).clone()),
        other => panic!("{other:?}"),
    };
    let in_red = says(&ana.say("only red").await);
    let in_blue = says(&luis.say("only blue").await);
    let in_lobby = says(&eva.say("only lobby").await);
    for (client, mine) in [
        (&mut ana, in_red),
        (&mut luis, in_blue),
        (&mut eva, in_lobby),
    ] {
        assert_eq!(client.event().await, mine);
        client.assert_no_event().await;
    }

    // counts follow people around and out
    eva.join("red").await.unwrap();
    assert_eq!(
        luis.rooms().await,
        [("lobby".into(), 0), ("blue".into(), 1), ("red".into(), 2)]
    );
    drop(eva);
    // give the server a moment to notice the closed socket
    ana.event_matching(
        |e| matches!(e, Event::Members { left, .. } if left.contains(&"eva".to_owned())),
    )
    .await;
    assert_eq!(
        luis.rooms().await,
        [("lobby".into(), 0), ("blue".into(), 1), ("red".into(), 1)]
    );
}

#[tokio::test]
async fn a_creator_disconnecting_deletes_their_rooms_and_moves_members_back() {
    let (server, _dir) = TestServer::start().await;
    let mut owner = server.user("owner").await;
    let mut guest = server.user("guest").await;
    let mut bystander = server.user("bystander").await;
    owner.create("one").await.unwrap();
    owner.create("two").await.unwrap();
    guest.join("one").await.unwrap();
    guest.settle().await;
    bystander.settle().await;

    drop(owner);

    let moved = guest
        .event_matching(|e| matches!(e, Event::MovedToDefault { .. }))
        .await;
    assert_eq!(
        moved,
        Event::MovedToDefault {
            room: "lobby".into(),
            from_room: "one".into(),
            reason: MoveReason::CreatorLeft
        }
    );
    assert_eq!(guest.rooms().await, [("lobby".into(), 2)]);
    // The bystander in the lobby hears of both deletions and sees the guest arrive.
    let seen = bystander.settle().await;
    for room in ["one", "two"] {
        let deleted = Event::RoomDeleted {
            room: room.into(),
            reason: MoveReason::CreatorLeft,
        };
        assert!(seen.contains(&deleted), "{seen:?}");
    }
    // (That comes with the next batch of arrivals, within 100 ms.)
    if !seen.iter().any(joined("lobby", "guest")) {
        bystander.event_matching(joined("lobby", "guest")).await;
    }
}

#[tokio::test]
async fn show_users_lists_everyone_with_presence_and_room() {
    let (server, _dir) = TestServer::start().await;
    let mut ana = server.user("ana").await;
    let mut gone = server.user("zoe").await;
    gone.request(Request::Logout).await.unwrap();
    gone.until_closed().await;
    let mut luis = server.user("Luis").await;
    luis.create("lab").await.unwrap();
    match ana.request(Request::ListUsers { after: None }).await {
        Ok(Reply::UserList { users, next: None }) => {
            let shown: Vec<_> = users
                .iter()
                .map(|u| (u.login.as_str(), u.online, u.room.as_deref()))
                .collect();
            assert_eq!(
                shown,
                [
                    ("ana", true, Some("lobby")),
                    ("Luis", true, Some("lab")),
                    ("zoe", false, None)
                ]
            );
            assert_eq!(users[0].first_names, "María José");
            assert_eq!(users[0].last_names, "Núñez");
        }
        other => panic!("{other:?}"),
    }
}

#[tokio::test]
async fn private_messages_cross_rooms_and_name_missing_users() {
    let (server, _dir) = TestServer::start().await;
    let mut ana = server.user("ana").await;
    let mut luis = server.user("luis").await;
    let mut eva = server.user("eva").await;
    luis.create("far").await.unwrap();
    for c in [&mut ana, &mut luis, &mut eva] {
        c.settle().await;
    }
    let sent = match ana
        .request(Request::Private {
            reply_to: None,
            to: "LUIS".into(),
            text: "psst".into(),
        })
        .await
    {
        Ok(Reply::PrivateSent {
            message,
            queued: false,
        }) => message,
        other => panic!("{other:?}"),
    };
    assert_eq!((sent.from.as_str(), sent.to.as_str()), ("ana", "luis"));
    assert_eq!(luis.event().await, Event::Private(*sent));
    eva.assert_no_event().await;
    ana.assert_no_event().await;

    let unknown = ana
        .request(Request::Private {
            reply_to: None,
            to: "nobody".into(),
            text: "hi".into(),
        })
        .await
        .unwrap_err();
    assert_eq!(
        (unknown.code, unknown.field),
        (ErrorCode::UserNotFound, Some(Field::To))
    );
}

#[tokio::test]
async fn time_requests_answer_with_the_server_clock() {
    let (server, _dir) = TestServer::start().await;
    let mut ana = server.user("ana").await;
    let before = tertulia_server::now_ms();
    match ana.request(Request::Time).await {
        Ok(Reply::Time { server_time_ms }) => {
            assert!((before..=tertulia_server::now_ms()).contains(&server_time_ms))
        }
        other => panic!("{other:?}"),
    }
}

#[tokio::test]
async fn accounts_survive_a_server_restart() {
    let (server, dir) = TestServer::start().await;
    let db = server.db_path.clone();
    let mut ana = server.greeted().await;
    ana.register("ana").await.unwrap();
    server.stop().await;

    let server = TestServer::start_on(db, common::test_config()).await;
    let mut again = server.greeted().await;
    assert!(matches!(
        again.login("ana").await,
        Ok(Reply::LoggedIn { .. })
    ));
    assert_eq!(
        code(again.register("x").await),
        ErrorCode::AlreadyAuthenticated
    );
    let mut other = server.greeted().await;
    assert_eq!(code(other.register("ANA").await), ErrorCode::LoginTaken);
    drop(dir);
}

#[tokio::test]
async fn the_documented_example_session_works_line_by_line() {
    // The same lines as the example session in docs/PROTOCOL.md.
    let (server, _dir) = TestServer::start().await;
    let mut luis = server.user("luis").await;
    luis.request(Request::ListUsers { after: None })
        .await
        .unwrap();
    let mut c = TestClient::connect(server.addr).await;
    let lines = [
        r#"{"id":1,"type":"hello","version":1,"client":"example-client 1.0"}"#,
        r#"{"id":2,"type":"register","first_names":"Ana María","last_names":"Pérez Núñez","login":"ana","password":"correct horse","age":21,"gender":"female"}"#,
        r#"{"id":3,"type":"login","login":"ana","password":"correct horse"}"#,
        r#"{"id":4,"type":"create_room","room":"física"}"#,
        r#"{"id":5,"type":"say","text":"¡Hola a todos!"}"#,
        r#"{"id":6,"type":"private","to":"luis","text":"¿Vienes a física?"}"#,
        r#"{"id":7,"type":"list_rooms"}"#,
        r#"{"id":8,"type":"logout"}"#,
    ];
    let mut results = Vec::new();
    for (i, line) in lines.iter().enumerate() {
        c.send_raw(format!("{line}\n").as_bytes()).await;
        results.push(c.reply_to(Some(i as u64 + 1)).await.expect(line));
    }
    assert!(matches!(results[0], Reply::Welcome { .. }));
    assert_eq!(
        results[1],
        Reply::Registered {
            login: "ana".into()
        }
    );
    assert!(matches!(results[2], Reply::LoggedIn { .. }));
    assert_eq!(
        results[3],
        Reply::Joined {
            announce: false,
            staff: Default::default(),
            room: "física".into(),
            members: vec!["ana".into()],
            member_count: 1,
            members_next: None,
            history: Vec::new(),
            history_more: false,
        }
    );
    let Reply::Sent { message } = &results[4] else {
        panic!("{:?}", results[4])
    };
    assert_eq!(
        (message.room.as_str(), message.from.as_str()),
        ("física", "ana")
    );
    assert!(matches!(results[5], Reply::PrivateSent { .. }));
    assert_eq!(results[7], Reply::Bye);
    assert_eq!(
        c.drain_events(),
        [
            Event::RoomCreated {
                room: "física".into(),
                creator: "ana".into()
            },
            Event::Message(ChatMessage {
                edited: false,
                reactions: Vec::new(),
                reply_to: None,
                deleted: false,
                id: message.id,
                room: "física".into(),
                from: "ana".into(),
                text: "¡Hola a todos!".into(),
                time_ms: message.time_ms,
                file: None,
            })
        ]
    );
    assert!(c.until_closed().await.is_empty());
    luis.event_matching(|e| matches!(e, Event::Private(p) if p.text == "¿Vienes a física?"))
        .await;
}

#[tokio::test]
async fn presence_is_pushed_to_everyone_who_read_the_user_list() {
    let (server, _dir) = TestServer::start().await;
    let mut ana = server.user("ana").await;
    ana.request(Request::ListUsers { after: None })
        .await
        .unwrap();
    ana.settle().await;
    // Eva never reads the user list: nobody's comings and goings reach her.
    let mut eva = server.user("eva").await;
    eva.settle().await;
    let mut luis = server.user("luis").await;
    ana.event_matching(presence("online", "luis", Some("lobby")))
        .await;
    luis.settle().await;
    luis.create("juegos").await.unwrap();
    ana.event_matching(presence("moved", "luis", Some("juegos")))
        .await;
    // A session taken over never went offline.
    let mut luis_again = server.greeted().await;
    luis_again.login("luis").await.unwrap();
    let back = ana
        .event_matching(|e| matches!(e, Event::Presence { .. }))
        .await;
    assert!(presence("moved", "luis", Some("lobby"))(&back), "{back:?}");
    luis_again.request(Request::Logout).await.unwrap();
    ana.event_matching(presence("offline", "luis", None)).await;
    // Everything told to Ana was told to Eva before: she heard the room
    // being created (everyone does), but no presence.
    let seen = eva.settle().await;
    assert!(
        seen.iter().any(|e| matches!(e, Event::RoomCreated { .. })),
        "{seen:?}"
    );
    assert!(
        !seen.iter().any(|e| matches!(e, Event::Presence { .. })),
        "{seen:?}"
    );
}

#[tokio::test]
async fn text_pasted_with_windows_line_breaks_is_kept_with_plain_ones() {
    let (server, _dir) = TestServer::start().await;
    let mut ana = server.user("ana").await;
    let _luis = server.user("luis").await;
    let Reply::Sent { message } = ana.say("línea 1\r\nlínea 2").await else {
        panic!("refused")
    };
    assert_eq!(message.text, "línea 1\nlínea 2");
    let reply = ana
        .request(Request::Private {
            reply_to: None,
            to: "luis".into(),
            text: "a\r\nb".into(),
        })
        .await;
    let Ok(Reply::PrivateSent { message, .. }) = reply else {
        panic!("{reply:?}")
    };
    assert_eq!(message.text, "a\nb");
    server.stop().await;
}
