//! What the server's log never holds: passwords, right or wrong. Alone in
//! its test binary: the log is captured with a subscriber of this thread,
//! and tracing's per-callsite cache could miss lines that other tests'
//! threads reached first at the same moment.

// Test code: a failed unwrap is a failed test, with its message.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::{TestServer, code};
use tertulia_shared::{ErrorCode, Request};

#[tokio::test]
async fn passwords_never_reach_the_log() {
    let (capture, _guard) = common::capture_logs(tracing::Level::TRACE);

    let (server, _dir) = TestServer::start().await;
    let mut ana = server.user("ana").await;
    let wrong = ana
        .request(Request::Login {
            login: "ana".into(),
            password: tertulia_shared::Password("wrong-secret-123".into()),
        })
        .await;
    assert_eq!(code(wrong), ErrorCode::AlreadyAuthenticated);
    let mut other = server.greeted().await;
    let bad = other
        .request(Request::Login {
            login: "ana".into(),
            password: tertulia_shared::Password("wrong-secret-123".into()),
        })
        .await;
    assert_eq!(code(bad), ErrorCode::BadCredentials);
    server.stop().await;

    let log = capture.text();
    assert!(log.contains("logged in"), "the capture works: {log}");
    assert!(log.contains("request refused"), "{log}");
    for secret in [common::PASSWORD, "wrong-secret-123"] {
        assert!(!log.contains(secret), "password in log:\n{log}");
    }
}
