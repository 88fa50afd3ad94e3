//! One client on a shared lab LAN trying to take the chat away from the
//! others: stalling, flooding, filling slots, guessing passwords, posing as
//! another room. Each test runs a real server on loopback with small limits
//! (set through `Config`, as the command-line options would) and checks that
//! everyone else keeps being served.

// Test code: a failed unwrap is a failed test, with its message.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::time::{Duration, Instant};

use common::{PASSWORD, TestClient, TestServer, code, test_config};
use tertulia_server::Config;
use tertulia_server::config::{Backoff, Rate};
use tertulia_shared::codec::encode;
use tertulia_shared::limits::MAX_LINE_BYTES;
use tertulia_shared::{
    ClientRequest, ErrorBody, ErrorCode, Event, Field, Password, Reply, Request, ServerMessage,
};

/// 127.0.0.2: another machine, as far as per-address limits go.
const ATTACKER: [u8; 4] = [127, 0, 0, 2];

fn error_of(message: &ServerMessage) -> Option<&ErrorBody> {
    match message {
        ServerMessage::Error { error, .. } => Some(error),
        _ => None,
    }
}

/// Sends `request` `n` times as fast as the server answers, reading the
/// answers (a client that does not read is another test's subject), and
/// counts them: (replies, errors by code).
async fn flood(client: &mut TestClient, request: Request, n: usize) -> (usize, Vec<ErrorBody>) {
    const CHUNK: usize = 32;
    let (mut replies, mut errors) = (0, Vec::new());
    let mut sent = 0;
    while sent < n {
        let chunk = CHUNK.min(n - sent);
        pipeline(client, request.clone(), chunk).await;
        sent += chunk;
        let mut answered = 0;
        while answered < chunk {
            match client.next_message().await {
                Some(ServerMessage::Reply { .. }) => replies += 1,
                Some(ServerMessage::Error { error, .. }) => errors.push(error),
                Some(ServerMessage::Event { .. }) => continue,
                None => panic!("the flooding client was disconnected"),
            }
            answered += 1;
        }
    }
    (replies, errors)
}

/// The most a bucket of `burst` refilled at `rate` per second can let
/// through in `elapsed`.
fn allowance(burst: u32, rate: f64, elapsed: Duration) -> usize {
    burst as usize + (rate * elapsed.as_secs_f64()).ceil() as usize
}

/// Sends `request` `n` times without waiting for anything.
async fn pipeline(client: &mut TestClient, request: Request, n: usize) {
    let mut bytes = Vec::new();
    for i in 0..n {
        bytes.extend_from_slice(&encode(&ClientRequest::new(
            i as u64 + 1000,
            request.clone(),
        )));
    }
    client.send_raw(&bytes).await;
}

/// Retries `attempt` every 50 ms until it returns `Some`, for at most
/// [`common::PATIENCE`]: for waiting on something the server does in its
/// own time, without a fixed sleep.
async fn eventually<T, F: std::future::Future<Output = Option<T>>>(
    what: &str,
    mut attempt: impl FnMut() -> F,
) -> T {
    let deadline = Instant::now() + common::PATIENCE;
    loop {
        if let Some(done) = attempt().await {
            return done;
        }
        assert!(Instant::now() < deadline, "gave up waiting: {what}");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

// 1. A client that pipelines requests and never reads its replies.

#[tokio::test]
async fn a_logged_in_client_that_never_reads_is_dropped_and_its_account_freed() {
    let config = Config {
        outbox_capacity: 64,
        send_buffer_bytes: 16 * 1024,
        write_timeout: Duration::from_secs(1),
        ..test_config()
    };
    let (server, _dir) = TestServer::start_with(config).await;
    let mut luis = server.user("luis").await;
    let mut stuck = TestClient::connect_from(server.addr, ATTACKER, Some(4096)).await;
    stuck.hello().await;
    stuck.register("ana").await.unwrap();
    stuck.login("ana").await.unwrap();
    pipeline(&mut stuck, Request::Time, 20_000).await;
    // The server gives up on the stuck session: ana goes offline.
    luis.event_matching(common::left("lobby", "ana")).await;
    let mut again = server.greeted().await;
    again.login("ana").await.unwrap();
    assert!(matches!(again.say("back").await, Reply::Sent { .. }));
}

#[tokio::test]
async fn clients_that_pipeline_before_login_and_never_read_are_dropped() {
    let config = Config {
        max_anonymous_per_address: 5,
        outbox_capacity: 64,
        send_buffer_bytes: 16 * 1024,
        write_timeout: Duration::from_secs(1),
        // Far away: what closes them must be the write deadline.
        hello_timeout: Duration::from_secs(600),
        login_timeout: Duration::from_secs(600),
        ..test_config()
    };
    let (server, _dir) = TestServer::start_with(config).await;
    let mut stuck = Vec::new();
    for _ in 0..5 {
        let mut c = TestClient::connect_from(server.addr, ATTACKER, Some(4096)).await;
        c.hello().await;
        pipeline(&mut c, Request::Time, 20_000).await;
        stuck.push(c);
    }
    // The address has no anonymous place left until the stuck ones are dropped.
    let mut replacements = Vec::new();
    for _ in 0..5 {
        let fresh = eventually("a stuck connection to be dropped", || async {
            let mut c = TestClient::connect_from(server.addr, ATTACKER, None).await;
            c.send_raw(&encode(&ClientRequest::new(
                1,
                Request::Hello {
                    version: tertulia_shared::PROTOCOL_VERSION,
                    client: "fresh".into(),
                },
            )))
            .await;
            match c.next_message().await {
                Some(ServerMessage::Reply { .. }) => Some(c),
                Some(m) if error_of(&m).map(|e| e.code) == Some(ErrorCode::TooManyConnections) => {
                    None
                }
                other => panic!("{other:?}"),
            }
        })
        .await;
        replacements.push(fresh);
    }
}

// 2. Every line the server writes fits the line limit.

#[tokio::test]
async fn every_line_fits_the_limit_with_2000_accounts_1000_rooms_and_a_full_lobby() {
    let config = Config {
        max_rooms_per_user: 1000,
        max_per_address: 1000,
        max_anonymous_per_address: 1000,
        ..test_config()
    };
    let (server, _dir) = TestServer::start_with(config).await;
    // 2000 accounts with the longest names, straight into the database.
    let hash = bcrypt::hash(PASSWORD, 4).unwrap();
    common::engine::with_database(&server.db_path, |db| {
        use tertulia_server::sql::{SqlError, WriteLock, write_transaction};
        write_transaction(db, WriteLock::Accounts, |tx| {
            for n in 0..2000 {
                tx.execute(
                    "INSERT INTO accounts (login, first_names, last_names, password_hash, age, gender, created_at_ms)
                     VALUES (?1, ?2, ?3, ?4, 20, 'other', 0)",
                    tertulia_server::sql_params![
                        format!("user{n:04}-{}", "x".repeat(22)),
                        "🙂".repeat(64),
                        "\"Ñ\"".repeat(21),
                        hash.as_str()
                    ],
                )?;
            }
            Ok::<_, SqlError>(())
        })
        .unwrap();
    });
    let login = |n: usize| format!("user{n:04}-{}", "x".repeat(22));
    let mut builder = server.greeted().await;
    builder.login(&login(0)).await.unwrap();
    for n in 0..1000 {
        builder
            .create(&format!("sala-{n:04}-{}", "ñ".repeat(20)))
            .await
            .unwrap();
    }
    builder.request(Request::LeaveRoom).await.unwrap();
    let mut crowd = Vec::new();
    for n in 1..500 {
        let mut c = server.greeted().await;
        c.login(&login(n)).await.unwrap();
        crowd.push(c);
    }
    // The test client's codec refuses any line over the limit, so every
    // reply below arriving at all shows it fits; the sizes are checked too.
    let mut newcomer = server.greeted().await;
    let Ok(Reply::LoggedIn {
        members,
        member_count,
        members_next,
        ..
    }) = newcomer.login(&login(1999)).await
    else {
        panic!("login");
    };
    assert_eq!(member_count, 501);
    let mut everyone = members;
    let mut after = members_next;
    while let Some(cursor) = after {
        match newcomer
            .request(Request::ListMembers {
                room: "lobby".into(),
                after: Some(cursor),
            })
            .await
        {
            Ok(Reply::MemberList { members, next, .. }) => {
                everyone.extend(members);
                after = next;
            }
            other => panic!("{other:?}"),
        }
    }
    assert_eq!(everyone.len(), 501);

    let mut users = Vec::new();
    let mut after = None;
    let mut pages = 0;
    loop {
        match newcomer.request(Request::ListUsers { after }).await {
            Ok(reply @ Reply::UserList { .. }) => {
                assert!(encode(&reply).len() <= MAX_LINE_BYTES);
                let Reply::UserList { users: page, next } = reply else {
                    unreachable!()
                };
                users.extend(page);
                pages += 1;
                match next {
                    Some(next) => after = Some(next),
                    None => break,
                }
            }
            other => panic!("{other:?}"),
        }
    }
    assert_eq!(users.len(), 2000);
    assert!(pages > 10, "{pages} pages");
    assert_eq!(users.iter().filter(|u| u.online).count(), 501);

    let mut rooms = Vec::new();
    let mut after = None;
    loop {
        match newcomer.request(Request::ListRooms { after }).await {
            Ok(Reply::RoomList { rooms: page, next }) => {
                rooms.extend(page);
                match next {
                    Some(next) => after = Some(next),
                    None => break,
                }
            }
            other => panic!("{other:?}"),
        }
    }
    assert_eq!(rooms.len(), 1001);

    // The longest message there can be still fits, as an event and a reply.
    let longest = "🎉".repeat(tertulia_shared::limits::MESSAGE_MAX_CHARS);
    assert!(matches!(newcomer.say(&longest).await, Reply::Sent { .. }));
}

// 3. Rate limits.

#[tokio::test]
async fn a_flood_of_messages_is_refused_past_the_limit_and_the_room_keeps_everyone() {
    let config = Config {
        message_rate: Rate::new(5.0, 20),
        outbox_capacity: 64,
        ..test_config()
    };
    let (server, _dir) = TestServer::start_with(config).await;
    let mut flooder = server.user("flooder").await;
    let mut room = Vec::new();
    for n in 0..20 {
        room.push(server.user(&format!("bystander{n}")).await);
    }
    flooder.settle().await;
    let start = Instant::now();
    let (sent, limited) = flood(
        &mut flooder,
        Request::Say {
            reply_to: None,
            text: "spam".into(),
        },
        2000,
    )
    .await;
    let most = allowance(20, 5.0, start.elapsed());
    assert_eq!(sent + limited.len(), 2000);
    assert!(
        limited
            .iter()
            .all(|e| e.code == ErrorCode::RateLimited && e.retry_after_ms.is_some_and(|ms| ms > 0))
    );
    assert!(
        (20..=most).contains(&sent),
        "{sent} got through, at most {most} allowed"
    );
    // Nobody in the room was kicked: each is still there and got at most
    // what the limit let through.
    for bystander in &mut room {
        let events = bystander.settle().await;
        let spam = events
            .iter()
            .filter(|e| matches!(e, Event::Message(m) if m.text == "spam"))
            .count();
        assert_eq!(spam, sent);
    }
}

#[tokio::test]
async fn a_flood_of_privates_does_not_evict_the_recipient() {
    let config = Config {
        private_rate: Rate::new(5.0, 20),
        outbox_capacity: 64,
        ..test_config()
    };
    let (server, _dir) = TestServer::start_with(config).await;
    let mut target = server.user("target").await;
    let mut flooder = server.user("flooder").await;
    let long = "x".repeat(tertulia_shared::limits::MESSAGE_MAX_CHARS);
    let start = Instant::now();
    let (delivered, limited) = flood(
        &mut flooder,
        Request::Private {
            reply_to: None,
            to: "target".into(),
            text: long,
        },
        6000,
    )
    .await;
    let most = allowance(20, 5.0, start.elapsed());
    assert!(limited.iter().all(|e| e.code == ErrorCode::RateLimited));
    assert!(
        (20..=most).contains(&delivered),
        "{delivered}, at most {most}"
    );
    let received = target
        .settle()
        .await
        .into_iter()
        .filter(|e| matches!(e, Event::Private(_)))
        .count();
    assert_eq!(received, delivered, "the recipient got every accepted one");
}

#[tokio::test]
async fn mass_room_creation_then_leaving_does_not_overflow_bystanders() {
    let config = Config {
        room_rate: Rate::UNLIMITED,
        max_rooms_per_user: 10,
        outbox_capacity: 64,
        ..test_config()
    };
    let (server, _dir) = TestServer::start_with(config).await;
    let mut bystanders = Vec::new();
    for n in 0..20 {
        let mut b = server.user(&format!("bystander{n}")).await;
        if n == 0 {
            b.create("quiet").await.unwrap();
        } else {
            b.join("quiet").await.unwrap();
        }
        bystanders.push(b);
    }
    let mut churner = server.user("churner").await;
    let mut bytes = Vec::new();
    for n in 0..2000 {
        bytes.extend_from_slice(&encode(&ClientRequest::new(
            n,
            Request::CreateRoom {
                room: format!("r{n}"),
            },
        )));
    }
    churner.send_raw(&bytes).await;
    let mut refused = 0;
    for n in 0..2000 {
        if let Err(e) = churner.reply_to(Some(n)).await {
            assert_eq!(e.code, ErrorCode::TooManyRooms);
            refused += 1;
        }
    }
    assert_eq!(refused, 1990);
    drop(churner);
    // The bystanders read only now: 10 rooms created and 10 deleted fit
    // their queues, and they are all still connected.
    for b in &mut bystanders {
        b.event_matching(|e| matches!(e, Event::RoomDeleted { room, .. } if room == "r9"))
            .await;
        assert!(matches!(b.say("still here").await, Reply::Sent { .. }));
    }
}

#[tokio::test]
async fn requests_past_the_request_rate_are_read_later_not_refused() {
    let config = Config {
        request_rate: Rate::new(100.0, 50),
        ..test_config()
    };
    let (server, _dir) = TestServer::start_with(config).await;
    let mut client = server.greeted().await;
    let start = Instant::now();
    pipeline(&mut client, Request::Time, 150).await;
    for n in 0..150 {
        let reply = client.reply_to(Some(n + 1000)).await;
        assert!(matches!(reply, Ok(Reply::Time { .. })), "{reply:?}");
    }
    // 50 at once, then 100 more at 100 a second.
    assert!(
        start.elapsed() >= Duration::from_millis(900),
        "{:?}",
        start.elapsed()
    );
}

// 4. Connection slots.

#[tokio::test]
async fn silent_connections_from_one_address_cannot_lock_out_the_others() {
    let config = Config {
        max_connections: 50,
        max_per_address: 20,
        max_anonymous_per_address: 8,
        ..test_config()
    };
    let (server, _dir) = TestServer::start_with(config).await;
    // The accept loop admits in order: the ninth is checked after the eight.
    let mut held = Vec::new();
    let refusal = loop {
        let mut c = TestClient::connect_from(server.addr, ATTACKER, None).await;
        if held.len() == 8 {
            break c.until_closed().await;
        }
        held.push(c);
    };
    assert_eq!(
        refusal
            .iter()
            .filter_map(error_of)
            .map(|e| e.code)
            .collect::<Vec<_>>(),
        [ErrorCode::TooManyConnections]
    );
    // Another machine still gets in, and can talk.
    let mut ana = server.user("ana").await;
    assert!(matches!(ana.say("hola").await, Reply::Sent { .. }));
}

#[tokio::test]
async fn a_connection_that_never_says_hello_is_closed_early() {
    let config = Config {
        hello_timeout: Duration::from_millis(300),
        ..test_config()
    };
    let (server, _dir) = TestServer::start_with(config).await;
    let start = Instant::now();
    let mut silent = server.client().await;
    let last = silent.until_closed().await;
    assert_eq!(
        last.iter()
            .filter_map(error_of)
            .map(|e| e.code)
            .collect::<Vec<_>>(),
        [ErrorCode::LoginTimeout]
    );
    assert!(start.elapsed() < Duration::from_secs(5));
}

// 5. Password guessing.

fn guessing_config() -> Config {
    Config {
        account_backoff: Backoff {
            free_failures: 3,
            first_wait: Duration::from_secs(30),
            max_wait: Duration::from_secs(300),
            forget_after: Duration::from_secs(900),
        },
        ..test_config()
    }
}

async fn try_login(
    client: &mut TestClient,
    login: &str,
    password: &str,
) -> Result<Reply, ErrorBody> {
    client
        .request(Request::Login {
            login: login.into(),
            password: Password(password.into()),
        })
        .await
}

#[tokio::test]
async fn guessing_a_password_is_slowed_down_without_locking_out_the_owner() {
    let (capture, _guard) = common::capture_logs(tracing::Level::INFO);

    let (server, _dir) = TestServer::start_with(guessing_config()).await;
    server
        .user("ana")
        .await
        .request(Request::Logout)
        .await
        .unwrap();
    let mut guesser = TestClient::connect_from(server.addr, ATTACKER, None).await;
    guesser.hello().await;
    for _ in 0..3 {
        assert_eq!(
            code(try_login(&mut guesser, "ana", "wrong-guess").await),
            ErrorCode::BadCredentials
        );
    }
    let slowed = try_login(&mut guesser, "ana", "wrong-guess")
        .await
        .unwrap_err();
    assert_eq!(slowed.code, ErrorCode::TooManyAttempts);
    assert!(slowed.retry_after_ms.is_some_and(|ms| ms > 20_000));
    // Even the right password is not checked from there for now…
    let waiting = try_login(&mut guesser, "ana", PASSWORD).await.unwrap_err();
    assert_eq!(waiting.code, ErrorCode::TooManyAttempts);
    // …but the owner, at her own machine, logs in as usual.
    let mut owner = server.greeted().await;
    assert!(owner.login("ana").await.is_ok());
    server.stop().await;

    let log = capture.text();
    let failures = log.lines().filter(|l| l.contains("failed login")).count();
    assert_eq!(failures, 4, "{log}");
    assert!(log.contains("127.0.0.2"), "the address is logged: {log}");
    assert!(!log.contains("wrong-guess"), "no password in the log");
}

#[tokio::test]
async fn password_checks_queue_apart_from_the_database_and_answer_busy_when_full() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("accounts.db");
    let mut storage = common::engine::open_storage(&path, 10);
    storage.accounts = storage.accounts.with_hasher(
        tertulia_server::hasher::Hasher::new(1, 2, Duration::from_millis(60)).unwrap(),
    );
    let server = TestServer::start_with_storage(path, storage, test_config()).await;
    let mut ana = server.greeted().await;
    ana.register("ana").await.unwrap();
    ana.login("ana").await.unwrap();
    // Eight logins at once for a server that checks one password at a time
    // and lets two wait: some are told to come back later…
    let mut guessers = Vec::new();
    for _ in 0..8 {
        let mut c = server.greeted().await;
        c.send_raw(&encode(&ClientRequest::new(
            7,
            Request::Login {
                login: "ana".into(),
                password: Password("not-the-password".into()),
            },
        )))
        .await;
        guessers.push(c);
    }
    // …and meanwhile the user list, which needs the database only, answers
    // before the queued password checks are through.
    let users = ana.request(Request::ListUsers { after: None }).await;
    assert!(matches!(users, Ok(Reply::UserList { .. })));
    let mut outcomes = Vec::new();
    for g in &mut guessers {
        outcomes.push(g.reply_to(Some(7)).await.unwrap_err());
    }
    let busy: Vec<_> = outcomes
        .iter()
        .filter(|e| e.code == ErrorCode::Busy)
        .collect();
    assert!(!busy.is_empty(), "{outcomes:?}");
    assert!(busy.iter().all(|e| e.retry_after_ms.is_some()));
}

// 6. Slow consumers.

#[tokio::test]
async fn a_client_that_stops_reading_costs_little_kernel_memory_and_hears_why() {
    let config = Config {
        outbox_capacity: 256,
        ..test_config()
    };
    let (server, _dir) = TestServer::start_with(config).await;
    let mut sleeper = TestClient::connect_from(server.addr, ATTACKER, Some(8 * 1024)).await;
    sleeper.hello().await;
    sleeper.register("sleeper").await.unwrap();
    sleeper.login("sleeper").await.unwrap();
    let mut talker = server.user("talker").await;
    let text = "m".repeat(1900);
    let total = 3000;
    let (said, _) = flood(
        &mut talker,
        Request::Say {
            text,
            reply_to: None,
        },
        total,
    )
    .await;
    assert_eq!(said, total);
    // ~5.7 MB went to the room; the sleeper held a bounded part of it.
    let lines = sleeper.raw_lines_until_closed().await;
    let bytes: usize = lines.iter().map(|l| l.len() + 1).sum();
    eprintln!("the non-reader was sent {bytes} bytes in all");
    assert!(bytes < 1024 * 1024, "{bytes} bytes were buffered for it");
    let last: ServerMessage = tertulia_shared::codec::decode(lines.last().unwrap()).unwrap();
    assert_eq!(
        error_of(&last).map(|e| e.code),
        Some(ErrorCode::TooSlow),
        "{last:?}"
    );
}

// 7. Names and text that pose as something else.

#[tokio::test]
async fn look_alike_rooms_and_invisible_text_are_refused() {
    let (server, _dir) = TestServer::start().await;
    let mut ana = server.user("ana").await;
    ana.create("física").await.unwrap();
    for (name, expected) in [
        ("f\u{456}sica", ErrorCode::InvalidField), // Cyrillic і: mixed scripts
        ("lobb\u{443}", ErrorCode::InvalidField),
        ("ｌｏｂｂｙ", ErrorCode::InvalidField),
        ("𝐥𝐨𝐛𝐛𝐲", ErrorCode::InvalidField),
        ("lobby\u{345}", ErrorCode::InvalidField),
        ("1obby", ErrorCode::RoomExists), // looks like the lobby
        ("fi\u{301}sica", ErrorCode::RoomExists), // the same room, decomposed
    ] {
        let refused = ana.create(name).await.unwrap_err();
        assert_eq!(refused.code, expected, "{name:?}: {refused:?}");
    }
    for text in [
        "\u{202E}txt.exe",
        "one\u{2028}two",
        "\u{200B}",
        "\u{3164}",
        "\u{2800}\u{2800}",
    ] {
        let refused = ana
            .request(Request::Say {
                text: text.into(),
                reply_to: None,
            })
            .await
            .unwrap_err();
        assert_eq!(
            (refused.code, refused.field),
            (ErrorCode::InvalidField, Some(Field::Text)),
            "{text:?}"
        );
    }
    assert!(ana.join("FI\u{301}SICA").await.is_err(), "already there");
}

#[tokio::test]
async fn input_cannot_forge_log_lines() {
    let (capture, _guard) = common::capture_logs(tracing::Level::TRACE);
    let (server, _dir) = TestServer::start().await;
    let mut c = server.greeted().await;
    c.send_raw(b"{\"id\":1,\"type\":\"x\\n INFO forged: admin logged in\"}\n")
        .await;
    assert_eq!(code(c.reply_to(Some(1)).await), ErrorCode::Malformed);
    let _ = c
        .request(Request::Login {
            login: "a\nINFO forged".into(),
            password: Password("whatever-123".into()),
        })
        .await;
    server.stop().await;
    let log = capture.text();
    assert!(log.contains("forged"), "the capture works: {log}");
    for line in log.lines() {
        assert!(
            !line.trim_start().starts_with("INFO forged"),
            "forged line:\n{log}"
        );
    }
}

// 8. Contract details.

#[tokio::test]
async fn a_negative_age_is_an_invalid_age_not_a_malformed_request() {
    let (server, _dir) = TestServer::start().await;
    let mut c = server.greeted().await;
    let mut form = serde_json::to_value(ClientRequest::new(
        5,
        Request::Register(common::registration("ana")),
    ))
    .unwrap();
    form["age"] = serde_json::json!(-1);
    c.send_raw(format!("{form}\n").as_bytes()).await;
    let refused = c.reply_to(Some(5)).await.unwrap_err();
    assert_eq!(
        (refused.code, refused.field),
        (ErrorCode::InvalidField, Some(Field::Age))
    );
}

#[tokio::test]
async fn a_line_at_the_limit_ending_in_crlf_is_accepted() {
    let (server, _dir) = TestServer::start().await;
    let mut c = server.greeted().await;
    let head = r#"{"id":3,"type":"time","pad":""#;
    let tail = r#""}"#;
    let line = format!(
        "{head}{}{tail}\r\n",
        "x".repeat(MAX_LINE_BYTES - head.len() - tail.len())
    );
    assert_eq!(line.len(), MAX_LINE_BYTES + 2);
    c.send_raw(line.as_bytes()).await;
    assert!(matches!(c.reply_to(Some(3)).await, Ok(Reply::Time { .. })));
}

#[tokio::test]
async fn every_refused_room_request_uses_up_the_room_allowance_alike() {
    let config = Config {
        room_rate: Rate::new(0.01, 4),
        ..test_config()
    };
    let (server, _dir) = TestServer::start_with(config).await;
    // Refused for the name, or for a room that is not there: both count.
    for (login, bad) in [
        ("ana", Request::CreateRoom { room: " ".into() }),
        (
            "luis",
            Request::JoinRoom {
                room: "nowhere".into(),
            },
        ),
    ] {
        let mut user = server.user(login).await;
        for _ in 0..4 {
            let refused = user.request(bad.clone()).await.unwrap_err();
            assert_ne!(refused.code, ErrorCode::RateLimited, "{bad:?}");
        }
        let fifth = user.request(bad.clone()).await.unwrap_err();
        assert_eq!(fifth.code, ErrorCode::RateLimited, "{bad:?}");
    }
    server.stop().await;
}
