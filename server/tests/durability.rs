//! The log's promise: a `sent` or `private_sent` reply means the message is
//! stored. Killed with SIGKILL in the middle of a storm, the real server
//! keeps every message it confirmed.

// Test code: a failed unwrap is a failed test, with its message.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::collections::HashSet;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use common::TestClient;
use common::process::Running;
use tertulia_shared::codec::encode;
use tertulia_shared::{ClientRequest, MessageId, Reply, Request, ServerMessage};

const SENDERS: usize = 4;
/// Requests per sender: room messages, with a private every fifth.
const EACH: usize = 250;
/// Unlimited rates: the storm is the point.
const OPTIONS: &[&str] = &[
    "--message-rate",
    "0",
    "--private-rate",
    "0",
    "--request-rate",
    "0",
];

async fn user(addr: std::net::SocketAddr, login: &str, register: bool) -> TestClient {
    let mut client = TestClient::connect(addr).await;
    client.hello().await;
    if register {
        client.register(login).await.unwrap();
    }
    client.login(login).await.unwrap();
    client
}

/// Sends the whole storm at once, then collects the ids the server
/// confirmed until the connection dies.
async fn storm(
    mut client: TestClient,
    sender: usize,
    confirmed: Arc<AtomicUsize>,
) -> Vec<MessageId> {
    let mut lines = Vec::new();
    for n in 0..EACH {
        let request = if n % 5 == 4 {
            Request::Private {
                reply_to: None,
                to: if n % 2 == 0 { "luis" } else { "eva" }.into(),
                text: format!("privado {sender}-{n}"),
            }
        } else {
            Request::Say {
                reply_to: None,
                text: format!("mensaje {sender}-{n}"),
            }
        };
        lines.extend_from_slice(&encode(&ClientRequest::new(1000 + n as u64, request)));
    }
    client.send_raw(&lines).await;
    let mut acked = Vec::new();
    while let Some(message) = client.next_message().await {
        let id = match message {
            ServerMessage::Reply {
                result: Reply::Sent { message },
                ..
            } => message.id,
            ServerMessage::Reply {
                result: Reply::PrivateSent { message, .. },
                ..
            } => message.id,
            _ => continue,
        };
        acked.push(id);
        confirmed.fetch_add(1, Ordering::SeqCst);
    }
    acked
}

#[tokio::test]
async fn every_confirmed_message_survives_sigkill_during_a_storm() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("accounts.db");
    let mut server = Running::start_on(&db, None, OPTIONS);
    let mut eva = user(server.addr, "eva", true).await;
    eva.request(Request::Logout).await.unwrap();
    let _luis = user(server.addr, "luis", true).await;
    let mut senders = Vec::new();
    for n in 0..SENDERS {
        senders.push(user(server.addr, &format!("sender{n}"), true).await);
    }

    let confirmed = Arc::new(AtomicUsize::new(0));
    let tasks: Vec<_> = senders
        .into_iter()
        .enumerate()
        .map(|(n, client)| tokio::spawn(storm(client, n, confirmed.clone())))
        .collect();
    // Killed as soon as the first confirmations arrive: mid-storm.
    tokio::time::timeout(Duration::from_secs(20), async {
        while confirmed.load(Ordering::SeqCst) < 100 {
            tokio::time::sleep(Duration::from_millis(1)).await;
        }
    })
    .await
    .expect("confirmations arrive");
    server.signal("KILL");
    assert!(!server.wait_exit().success());
    let mut acked = HashSet::new();
    for task in tasks {
        acked.extend(task.await.unwrap());
    }
    assert!(acked.len() >= 100);

    let server = Running::start_on(&db, None, OPTIONS);
    let mut stored: HashSet<MessageId> = HashSet::new();
    let mut checker = user(server.addr, "checker", true).await;
    stored.extend(checker.whole_history("lobby").await.iter().map(|m| m.id));
    for n in 0..SENDERS {
        let mut sender = user(server.addr, &format!("sender{n}"), false).await;
        stored.extend(sender.whole_private_history().await.iter().map(|m| m.id));
    }
    let missing: Vec<_> = acked.difference(&stored).collect();
    assert!(
        missing.is_empty(),
        "{} of {} confirmed messages were lost: {missing:?}",
        missing.len(),
        acked.len()
    );
    eprintln!(
        "{} of {} messages confirmed before SIGKILL, {} stored, none lost",
        acked.len(),
        SENDERS * EACH,
        stored.len()
    );
}
