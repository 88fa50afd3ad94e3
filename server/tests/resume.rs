//! Session tokens over real sockets: `logged_in` gives one, `resume` logs in
//! with it (no password, no bcrypt), and everything that must stop it does.

// Test code: a failed unwrap is a failed test, with its message.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::time::Duration;

use common::{PASSWORD, TestClient, TestServer, code, test_config};
use tertulia_shared::{ErrorCode, Event, Password, Reply, Request, SessionToken};

/// The token of a `logged_in` reply.
fn token_of(reply: Reply) -> SessionToken {
    match reply {
        Reply::LoggedIn { token, .. } => token,
        other => panic!("expected logged_in, got {other:?}"),
    }
}

async fn logged_in(server: &TestServer, login: &str) -> (TestClient, SessionToken) {
    let mut client = server.greeted().await;
    client.register(login).await.expect("register");
    let token = token_of(client.login(login).await.expect("login"));
    (client, token)
}

async fn resume(
    server: &TestServer,
    token: &SessionToken,
) -> Result<Reply, tertulia_shared::ErrorBody> {
    let mut client = server.greeted().await;
    client
        .request(Request::Resume {
            token: token.clone(),
        })
        .await
}

#[tokio::test]
async fn a_token_resumes_exactly_its_account_once() {
    let (server, _dir) = TestServer::start().await;
    let (mut ana, token) = logged_in(&server, "ana").await;
    let (_luis, luis_token) = logged_in(&server, "luis").await;
    assert_ne!(token, luis_token);
    assert_eq!(token.expose().len(), 64, "256 bits, hex");

    let mut again = server.greeted().await;
    let reply = again
        .request(Request::Resume {
            token: token.clone(),
        })
        .await
        .expect("resume");
    let Reply::LoggedIn {
        login,
        room,
        token: fresh,
        ..
    } = reply
    else {
        panic!("resume is answered like login: {reply:?}");
    };
    assert_eq!((login.as_str(), room.as_str()), ("ana", "lobby"));
    assert_ne!(fresh, token, "each logged_in gives a new token");
    // The session on the first connection was taken over, as by a login.
    ana.event_matching(|e| matches!(e, Event::SessionReplaced { .. }))
        .await;
    // Used once: the old token is spent, the fresh one works.
    assert_eq!(code(resume(&server, &token).await), ErrorCode::TokenRevoked);
    let Reply::LoggedIn { login, .. } = resume(&server, &fresh).await.expect("fresh token") else {
        panic!("logged_in");
    };
    assert_eq!(login, "ana");
    // The database keeps only the token's hash.
    let db = std::fs::read(&server.db_path).unwrap_or_default();
    let text = String::from_utf8_lossy(&db);
    assert!(
        !text.contains(fresh.expose()),
        "a token stored in the clear"
    );
    server.stop().await;
}

#[tokio::test]
async fn logging_out_revokes_the_token_and_closing_keeps_it() {
    let (server, _dir) = TestServer::start().await;
    let (ana, kept) = logged_in(&server, "ana").await;
    // The connection drops (a blip): the token still works.
    drop(ana);
    let (mut back, spent) = {
        let mut client = server.greeted().await;
        let token = token_of(
            client
                .request(Request::Resume { token: kept })
                .await
                .expect("resume"),
        );
        (client, token)
    };
    assert_eq!(back.request(Request::Logout).await, Ok(Reply::Bye));
    assert_eq!(code(resume(&server, &spent).await), ErrorCode::TokenRevoked);
    server.stop().await;
}

#[tokio::test]
async fn a_password_change_revokes_every_token_of_the_account() {
    let (server, _dir) = TestServer::start().await;
    let (_laptop, laptop_token) = logged_in(&server, "ana").await;
    let mut lab = server.greeted().await;
    let lab_token = token_of(lab.login("ana").await.expect("login"));
    let (_luis, luis_token) = logged_in(&server, "luis").await;

    let wrong = lab
        .request(Request::ChangePassword {
            old: Some(Password("not it".into())),
            new: Password("otra contraseña".into()),
        })
        .await;
    assert_eq!(code(wrong), ErrorCode::BadCredentials);
    let short = lab
        .request(Request::ChangePassword {
            old: Some(Password(PASSWORD.into())),
            new: Password("x".into()),
        })
        .await;
    assert_eq!(code(short), ErrorCode::InvalidField);

    let changed = lab
        .request(Request::ChangePassword {
            old: Some(Password(PASSWORD.into())),
            new: Password("otra contraseña".into()),
        })
        .await
        .expect("change_password");
    let Reply::PasswordChanged { token: new_token } = changed else {
        panic!("password_changed: {changed:?}");
    };
    for old in [&laptop_token, &lab_token] {
        assert_eq!(code(resume(&server, old).await), ErrorCode::TokenRevoked);
    }
    assert!(
        resume(&server, &new_token).await.is_ok(),
        "this session's new token works"
    );
    assert!(
        resume(&server, &luis_token).await.is_ok(),
        "other accounts untouched"
    );
    // The new password is the one that logs in.
    let mut client = server.greeted().await;
    assert_eq!(code(client.login("ana").await), ErrorCode::BadCredentials);
    let with_new = client
        .request(Request::Login {
            login: "ana".into(),
            password: Password("otra contraseña".into()),
        })
        .await;
    assert!(with_new.is_ok(), "{with_new:?}");
    server.stop().await;
}

#[tokio::test]
async fn an_expired_token_is_refused() {
    let config = tertulia_server::Config {
        session_lifetime: Duration::from_millis(300),
        ..test_config()
    };
    let (server, _dir) = TestServer::start_with(config).await;
    let (_ana, token) = logged_in(&server, "ana").await;
    tokio::time::sleep(Duration::from_millis(400)).await;
    let refused = resume(&server, &token).await.expect_err("expired");
    assert_eq!(refused.code, ErrorCode::TokenExpired);
    assert!(refused.message.contains("password"), "{}", refused.message);
    server.stop().await;
}

#[tokio::test]
async fn a_token_from_another_server_is_refused() {
    let (first, _a) = TestServer::start().await;
    let (second, _b) = TestServer::start().await;
    let (_ana, token) = logged_in(&first, "ana").await;
    // The same account on the other server does not make the token good.
    let _ = logged_in(&second, "ana").await;
    assert_eq!(code(resume(&second, &token).await), ErrorCode::InvalidToken);
    first.stop().await;
    second.stop().await;
}

#[tokio::test]
async fn a_forged_token_costs_the_same_throttle_as_a_wrong_password() {
    // Default login backoff (5 free failures per account and address).
    let (server, _dir) = TestServer::start().await;
    let _ = logged_in(&server, "ana").await;

    let mut guesses = 0;
    let mut guesser = server.greeted().await;
    loop {
        guesses += 1;
        let forged = SessionToken(format!("{guesses:064x}"));
        match guesser.request(Request::Resume { token: forged }).await {
            Err(e) if e.code == ErrorCode::InvalidToken => {}
            Err(e) if e.code == ErrorCode::TooManyAttempts => {
                assert!(e.retry_after_ms.is_some());
                break;
            }
            other => panic!("a forged token: {other:?}"),
        }
        assert!(guesses < 20, "forged tokens are never slowed down");
    }

    let (other, _dir2) = TestServer::start().await;
    let _ = logged_in(&other, "ana").await;
    let mut wrong = 0;
    let mut typist = other.greeted().await;
    loop {
        wrong += 1;
        let attempt = typist
            .request(Request::Login {
                login: "ana".into(),
                password: Password("wrong".into()),
            })
            .await;
        match attempt {
            Err(e) if e.code == ErrorCode::BadCredentials => {}
            Err(e) if e.code == ErrorCode::TooManyAttempts => break,
            other => panic!("a wrong password: {other:?}"),
        }
        assert!(wrong < 20);
    }
    assert_eq!(guesses, wrong, "as many tries before waiting either way");
    server.stop().await;
    other.stop().await;
}

#[tokio::test]
async fn resume_is_for_anonymous_connections_only() {
    let (server, _dir) = TestServer::start().await;
    let (mut ana, token) = logged_in(&server, "ana").await;
    let twice = ana.request(Request::Resume { token }).await;
    assert_eq!(code(twice), ErrorCode::AlreadyAuthenticated);
    server.stop().await;
}
