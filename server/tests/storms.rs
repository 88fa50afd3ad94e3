//! A class arriving at once, over real sockets: at the default limits a
//! lecture hall behind one address gets in, and when the password queue is
//! full those turned away are told to come back one after another.

// Test code: a failed unwrap is a failed test, with its message.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::time::Duration;

use common::{TestClient, TestServer, test_config};
use tertulia_server::hasher::Hasher;
use tertulia_shared::codec::encode;
use tertulia_shared::{ClientRequest, ErrorCode, Password, Reply, Request};

/// The two storms run one after the other: a class of 250 logging in
/// keeps both cores busy, and the busy queue's test times its arrivals
/// against checks in progress.
static ONE_STORM_AT_A_TIME: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());

#[tokio::test]
async fn a_class_of_250_behind_one_address_logs_in_together() {
    let _alone = ONE_STORM_AT_A_TIME.lock().await;
    // The default connection limits (only the rates are lifted).
    let (server, _dir) = TestServer::start().await;
    let mut class = tokio::task::JoinSet::new();
    for i in 0..250 {
        let addr = server.addr;
        class.spawn(async move {
            let mut student = TestClient::connect(addr).await;
            student.hello().await;
            let login = format!("alumno{i}");
            student.register(&login).await.expect("register");
            let reply = student.login(&login).await;
            assert!(
                matches!(reply, Ok(Reply::LoggedIn { .. })),
                "{login}: {reply:?}"
            );
            student
        });
    }
    let mut students = Vec::new();
    while let Some(student) = class.join_next().await {
        students.push(student.unwrap());
    }
    assert_eq!(students.len(), 250);
    // One address still cannot hold every slot: at most 256 connections
    // waiting to log in; the next is refused.
    let mut waiting = Vec::new();
    for _ in 0..256 {
        waiting.push(server.greeted().await);
    }
    let mut one_more = server.client().await;
    let refused = one_more.until_closed().await;
    assert!(
        refused.iter().any(|m| matches!(
            m,
            tertulia_shared::ServerMessage::Error { error, .. }
                if error.code == ErrorCode::TooManyConnections
        )),
        "{refused:?}"
    );
    drop(waiting);
    drop(students);
    server.stop().await;
}

#[tokio::test]
async fn busy_clients_are_told_to_come_back_one_after_another() {
    let _alone = ONE_STORM_AT_A_TIME.lock().await;
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("accounts.db");
    let mut storage = common::engine::open_storage(&path, 4);
    // One password at a time, two waiting; the queue reckons 60 ms a check.
    let per_check = Duration::from_millis(60);
    let hasher = Hasher::new(1, 2, per_check).unwrap();
    storage.accounts = storage.accounts.with_hasher(hasher.clone());
    let server = TestServer::start_with_storage(path, storage, test_config()).await;
    let login = |who: &str| {
        encode(&ClientRequest::new(
            7,
            Request::Login {
                login: who.into(),
                password: Password("not-the-password".into()),
            },
        ))
    };
    // The thread and the queue are taken by checks that last (three long
    // jobs stand for three students whose passwords are being checked; a
    // real check's length depends on the machine's load)…
    let (release, released) = std::sync::mpsc::channel::<()>();
    let released = std::sync::Arc::new(std::sync::Mutex::new(released));
    let mut in_hand = Vec::new();
    for _ in 0..3 {
        let (hasher, released) = (hasher.clone(), released.clone());
        in_hand.push(tokio::spawn(async move {
            hasher
                .run(move || {
                    let _ = released
                        .lock()
                        .map(|r| r.recv_timeout(Duration::from_secs(10)));
                })
                .await
        }));
        // The thread takes the first before the others queue behind it.
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    // …and the next four, arriving one after another, are each told a
    // later moment: a check apart, in the order they came.
    let mut told = Vec::new();
    for _ in 0..4 {
        let mut c = server.greeted().await;
        c.send_raw(&login("ana")).await;
        let error = c.reply_to(Some(7)).await.unwrap_err();
        assert_eq!(error.code, ErrorCode::Busy, "{error:?}");
        told.push(error.retry_after_ms.expect("retry_after_ms"));
    }
    for pair in told.windows(2) {
        assert!(
            pair[1] >= pair[0] + per_check.as_millis() as u64 / 2,
            "not spread out: {told:?}"
        );
    }
    drop(release);
    for job in in_hand {
        assert!(job.await.unwrap().is_ok(), "the jobs in hand were run");
    }
    server.stop().await;
}
