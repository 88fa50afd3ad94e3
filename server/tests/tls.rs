//! TLS on the wire: what someone capturing the lab network sees, plain-text
//! clients at a TLS port, and `--plain` for `nc`.

// Test code: a failed unwrap is a failed test, with its message.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use common::{PASSWORD, TestClient, TestServer, test_config};
use tertulia_shared::{ErrorCode, Reply, Request, ServerMessage};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

/// A TCP relay that keeps a copy of every byte that crosses it, both ways:
/// a packet capture on the lab LAN.
async fn wiretap(server: SocketAddr) -> (SocketAddr, Arc<Mutex<Vec<u8>>>) {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let captured = Arc::new(Mutex::new(Vec::new()));
    let tape = captured.clone();
    tokio::spawn(async move {
        while let Ok((client, _)) = listener.accept().await {
            let upstream = TcpStream::connect(server).await.unwrap();
            let (mut client_read, mut client_write) = client.into_split();
            let (mut server_read, mut server_write) = upstream.into_split();
            let (up, down) = (tape.clone(), tape.clone());
            tokio::spawn(async move {
                let mut buf = [0u8; 4096];
                while let Ok(n) = client_read.read(&mut buf).await {
                    if n == 0 || server_write.write_all(&buf[..n]).await.is_err() {
                        break;
                    }
                    up.lock().unwrap().extend_from_slice(&buf[..n]);
                }
            });
            tokio::spawn(async move {
                let mut buf = [0u8; 4096];
                while let Ok(n) = server_read.read(&mut buf).await {
                    if n == 0 || client_write.write_all(&buf[..n]).await.is_err() {
                        break;
                    }
                    down.lock().unwrap().extend_from_slice(&buf[..n]);
                }
            });
        }
    });
    (addr, captured)
}

fn contains(haystack: &[u8], needle: &str) -> bool {
    haystack
        .windows(needle.len())
        .any(|window| window == needle.as_bytes())
}

/// Registers, logs in and sends a private message through a wiretap;
/// returns everything that crossed it.
async fn captured_session(server: &TestServer, plain: bool) -> Vec<u8> {
    let mut luis = server.user("luis").await;
    let (tap, captured) = wiretap(server.addr).await;
    let mut ana = if plain {
        TestClient::connect_plain(tap).await
    } else {
        TestClient::connect(tap).await
    };
    ana.hello().await;
    ana.register("ana").await.unwrap();
    ana.login("ana").await.unwrap();
    let sent = ana
        .request(Request::Private {
            reply_to: None,
            to: "luis".into(),
            text: "la clave del wifi es Tortuga-42".into(),
        })
        .await;
    assert!(matches!(sent, Ok(Reply::PrivateSent { .. })), "{sent:?}");
    luis.event().await;
    ana.request(Request::Logout).await.unwrap();
    let bytes = captured.lock().unwrap().clone();
    assert!(bytes.len() > 500, "the session went through the tap");
    bytes
}

#[tokio::test]
async fn a_capture_of_a_whole_session_shows_neither_the_password_nor_the_messages() {
    let (server, _dir) = TestServer::start().await;
    let wire = captured_session(&server, false).await;
    assert!(!contains(&wire, PASSWORD), "the password crossed in clear");
    assert!(
        !contains(&wire, "Tortuga-42"),
        "the private message crossed in clear"
    );
    assert!(
        !contains(&wire, "\"login\""),
        "protocol text crossed in clear"
    );

    // The same session on a --plain server shows everything: the capture
    // above would have seen it.
    let plain = test_config();
    let (server, _dir) =
        TestServer::start_with(tertulia_server::Config { tls: None, ..plain }).await;
    let wire = captured_session(&server, true).await;
    assert!(contains(&wire, PASSWORD) && contains(&wire, "Tortuga-42"));
}

#[tokio::test]
async fn a_plain_text_client_at_the_tls_port_is_told_at_once_and_closed() {
    let (server, _dir) = TestServer::start().await;
    let started = Instant::now();
    let mut nc = TestClient::connect_plain(server.addr).await;
    nc.send_raw(b"{\"id\":1,\"type\":\"hello\",\"version\":1,\"client\":\"nc\"}\n")
        .await;
    let seen = nc.until_closed().await;
    match seen.as_slice() {
        [ServerMessage::Error { error, .. }] => {
            assert_eq!(error.code, ErrorCode::TlsRequired);
            assert!(error.message.contains("TLS"), "{}", error.message);
        }
        other => panic!("{other:?}"),
    }
    assert!(
        started.elapsed() < Duration::from_secs(2),
        "{:?}",
        started.elapsed()
    );
    // The server goes on serving TLS clients.
    let mut ana = server.user("ana").await;
    ana.say("hola").await;
}

#[tokio::test]
async fn a_plain_server_still_speaks_json_lines_for_nc() {
    let config = tertulia_server::Config {
        tls: None,
        ..test_config()
    };
    let (server, _dir) = TestServer::start_with(config).await;
    let mut nc = TestClient::connect_plain(server.addr).await;
    nc.hello().await;
    nc.register("ana").await.unwrap();
    assert!(matches!(nc.login("ana").await, Ok(Reply::LoggedIn { .. })));
    assert!(matches!(nc.say("en claro").await, Reply::Sent { .. }));
}
