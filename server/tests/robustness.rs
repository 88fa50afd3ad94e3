//! Bad input, bad peers and stopping: the server answers clearly, loses
//! nothing and keeps serving everyone else.

// Test code: a failed unwrap is a failed test, with its message.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::time::Duration;

use common::{TestServer, test_config};
use tertulia_shared::limits::MAX_LINE_BYTES;
use tertulia_shared::{ErrorCode, Event, Reply, Request, ServerMessage};

fn error_code(message: &ServerMessage) -> Option<ErrorCode> {
    match message {
        ServerMessage::Error { error, .. } => Some(error.code),
        _ => None,
    }
}

#[tokio::test]
async fn malformed_lines_get_an_error_and_the_connection_stays_open() {
    let (server, _dir) = TestServer::start().await;
    let mut ana = server.user("ana").await;
    let garbage: [&[u8]; 6] = [
        b"this is not json\n",
        b"{\"type\":\n",
        b"[1,2,3]\n",
        b"{\"type\":\"say\"}\n",
        b"{\"id\":42,\"type\":\"teleport\"}\n",
        b"\n",
    ];
    for line in garbage {
        ana.send_raw(line).await;
    }
    let mut ids = Vec::new();
    for _ in 0..garbage.len() {
        match ana.next_message().await {
            Some(ServerMessage::Error { id, error }) => {
                assert_eq!(error.code, ErrorCode::Malformed, "{}", error.message);
                ids.push(id);
            }
            other => panic!("{other:?}"),
        }
    }
    assert_eq!(ids, [None, None, None, None, Some(42), None]);
    // …and the same connection still works.
    assert!(matches!(ana.say("still here").await, Reply::Sent { .. }));
}

#[tokio::test]
async fn an_oversized_line_closes_that_connection_only() {
    let (server, _dir) = TestServer::start().await;
    let mut flooder = server.user("flooder").await;
    let mut ana = server.user("ana").await;
    let mut luis = server.user("luis").await;
    flooder.settle().await;
    ana.settle().await;

    let mut huge = vec![b'x'; MAX_LINE_BYTES + 10];
    huge.push(b'\n');
    flooder.send_raw(&huge).await;
    let last = flooder.until_closed().await;
    assert_eq!(
        last.iter().filter_map(error_code).collect::<Vec<_>>(),
        [ErrorCode::LineTooLong]
    );

    ana.event_matching(common::left("lobby", "flooder")).await;
    let Reply::Sent { message } = ana.say("we carry on").await else {
        panic!()
    };
    luis.event_matching(|e| *e == Event::Message((*message).clone()))
        .await;
}

#[tokio::test]
async fn a_line_exactly_at_the_limit_is_accepted() {
    let (server, _dir) = TestServer::start().await;
    let mut ana = server.user("ana").await;
    // Valid JSON padded with spaces up to the limit.
    let request = br#"{"id":5,"type":"time"}"#;
    let mut line = request.to_vec();
    line.resize(MAX_LINE_BYTES, b' ');
    line.push(b'\n');
    ana.send_raw(&line).await;
    assert!(matches!(
        ana.reply_to(Some(5)).await,
        Ok(Reply::Time { .. })
    ));
}

#[tokio::test]
async fn bytes_that_are_not_utf8_close_the_connection_with_a_reason() {
    let (server, _dir) = TestServer::start().await;
    let mut bad = server.greeted().await;
    let mut ana = server.user("ana").await;
    bad.send_raw(b"{\"type\":\"say\",\"text\":\"\xff\xfe\"}\n")
        .await;
    let last = bad.until_closed().await;
    assert_eq!(
        last.iter().filter_map(error_code).collect::<Vec<_>>(),
        [ErrorCode::Malformed]
    );
    assert!(matches!(ana.say("fine").await, Reply::Sent { .. }));
}

#[tokio::test]
async fn a_connection_that_never_logs_in_is_closed() {
    let config = tertulia_server::Config {
        login_timeout: Duration::from_millis(300),
        ..test_config()
    };
    let (server, _dir) = TestServer::start_with(config).await;
    let mut ana = server.user("ana").await;
    let mut idle = server.greeted().await;
    let last = idle.until_closed().await;
    assert_eq!(
        last.iter().filter_map(error_code).collect::<Vec<_>>(),
        [ErrorCode::LoginTimeout]
    );
    // A logged-in client is not subject to the login deadline.
    tokio::time::sleep(Duration::from_millis(400)).await;
    assert!(matches!(ana.say("awake").await, Reply::Sent { .. }));
}

#[tokio::test]
async fn past_the_connection_limit_clients_hear_that_the_server_is_full() {
    let config = tertulia_server::Config {
        max_connections: 2,
        ..test_config()
    };
    let (server, _dir) = TestServer::start_with(config).await;
    let mut ana = server.user("ana").await;
    let _luis = server.user("luis").await;
    let mut third = server.client().await;
    let last = third.until_closed().await;
    assert_eq!(
        last.iter().filter_map(error_code).collect::<Vec<_>>(),
        [ErrorCode::ServerFull]
    );
    assert!(matches!(ana.say("still fine").await, Reply::Sent { .. }));
    // A freed slot is usable again.
    ana.request(Request::Logout).await.unwrap();
    ana.until_closed().await;
    drop(ana);
    // The place is free once the server has closed ana's socket, which it
    // does in its own time: try until it is.
    let deadline = std::time::Instant::now() + common::PATIENCE;
    loop {
        let mut fourth = server.client().await;
        fourth
            .send_raw(&tertulia_shared::codec::encode(
                &tertulia_shared::ClientRequest::new(
                    1,
                    Request::Hello {
                        version: tertulia_shared::PROTOCOL_VERSION,
                        client: "fourth".into(),
                    },
                ),
            ))
            .await;
        match fourth.next_message().await {
            Some(ServerMessage::Reply { .. }) => break,
            Some(m) if error_code(&m) == Some(ErrorCode::ServerFull) => {}
            other => panic!("{other:?}"),
        }
        assert!(
            std::time::Instant::now() < deadline,
            "the place never came back"
        );
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
}

#[tokio::test]
async fn a_client_that_stops_reading_is_disconnected_and_the_room_keeps_going() {
    let config = tertulia_server::Config {
        outbox_capacity: 16,
        ..test_config()
    };
    let (server, _dir) = TestServer::start_with(config).await;
    let mut sleeper = server.user("sleeper").await;
    let mut talker = server.user("talker").await;
    let mut listener = server.user("listener").await;
    sleeper.settle().await;
    talker.settle().await;

    // The sleeper never reads. Enough data to fill the kernel's socket
    // buffers on both sides, after which its queue overflows.
    let text = "z".repeat(tertulia_shared::limits::MESSAGE_MAX_CHARS);
    let listening = tokio::spawn(async move {
        let mut received = 0;
        while received < 4_000 {
            if let Event::Message(m) = listener.event().await
                && m.from == "talker"
            {
                received += 1;
            }
        }
        (received, listener)
    });
    for _ in 0..4_000 {
        talker.say(&text).await;
        talker.drain_events();
    }
    let (received, _listener) = listening.await.unwrap();
    assert_eq!(received, 4_000, "nothing lost for readers");

    let kicked = sleeper.until_closed().await;
    assert_eq!(
        kicked.iter().rev().find_map(error_code),
        Some(ErrorCode::TooSlow),
        "the sleeper is told why"
    );
    let rooms = talker.rooms().await;
    assert_eq!(rooms, [("lobby".to_string(), 2)]);
}

#[tokio::test]
async fn graceful_shutdown_tells_every_client() {
    let (server, _dir) = TestServer::start().await;
    let mut ana = server.user("ana").await;
    let mut anonymous = server.greeted().await;
    let mut luis = server.user("luis").await;
    ana.settle().await;
    // A message queued just before the shutdown is still delivered first.
    luis.say("last words").await;
    // Promptly, not at the end of the grace period or of a login deadline:
    // idle connections are woken by the shutdown itself.
    let started = std::time::Instant::now();
    server.stop().await;
    let is_shutdown = |m: &ServerMessage| {
        matches!(
            m,
            ServerMessage::Event {
                event: Event::Shutdown { .. }
            }
        )
    };
    let anonymous_last = anonymous.until_closed().await;
    assert!(
        anonymous_last.last().is_some_and(is_shutdown),
        "{anonymous_last:?}"
    );
    let ana_last = ana.until_closed().await;
    let texts: Vec<_> = ana_last
        .iter()
        .map(|m| match m {
            ServerMessage::Event {
                event: Event::Message(m),
            } => m.text.as_str(),
            m if is_shutdown(m) => "<shutdown>",
            _ => "<other>",
        })
        .collect();
    assert_eq!(texts, ["last words", "<shutdown>"]);
    assert!(
        started.elapsed() < Duration::from_secs(5),
        "the shutdown took {:?} to reach idle clients",
        started.elapsed()
    );
}
