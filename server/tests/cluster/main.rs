//! Two nodes serving one chat over a scratch PostgreSQL and a scratch
//! nats-server (docs/SCALING.md), clients on both, over real sockets.

// Test code: a failed unwrap is a failed test, with its message.
#![allow(clippy::unwrap_used, clippy::expect_used)]

#[path = "../common/mod.rs"]
mod common;

#[macro_use]
mod eventually;
mod changes;
mod rooms;

use std::sync::Arc;
use std::time::Duration;

use common::{TestClient, TestServer, test_config};
use tertulia_server::Storage;
use tertulia_server::cluster::{Cluster, ClusterConfig};
use tertulia_server::scratch_nats::ScratchNats;
use tertulia_shared::{ChatMessage, Event, MessageId, PrivateMessage};

/// How long a silent node counts as alive, in these tests.
const NODE_TIMEOUT: Duration = Duration::from_secs(3);

/// A node of the cluster, with a folder of its own.
async fn node(database: &str, nats: &ScratchNats, name: &str) -> (TestServer, tempfile::TempDir) {
    let dir = tempfile::tempdir().unwrap();
    let files = dir.path().join("files");
    let mut storage = std::thread::scope(|s| {
        s.spawn(|| Storage::open_shared(database, &files, 4))
            .join()
            .unwrap()
    })
    .unwrap();
    let config = ClusterConfig {
        nats: nats.address(),
        database: database.to_owned(),
        node: name.to_owned(),
        node_timeout: NODE_TIMEOUT,
    };
    let cluster = Cluster::connect(config, storage.resume.next_id)
        .await
        .unwrap();
    storage.cluster = Some(Arc::new(cluster));
    let server =
        TestServer::start_with_storage(dir.path().join("accounts.db"), storage, test_config())
            .await;
    (server, dir)
}

/// Two nodes of one chat, the NATS between them and their folders.
struct Pair {
    one: TestServer,
    two: TestServer,
    nats: Arc<ScratchNats>,
    _dirs: (tempfile::TempDir, tempfile::TempDir),
}

impl Pair {
    async fn stop(self) {
        self.one.stop().await;
        self.two.stop().await;
    }
}

async fn two_nodes() -> Option<Pair> {
    let (database, nats) = tertulia_server::scratch_nats::scratch_cluster()?;
    let (one, one_dir) = node(&database, &nats, "one").await;
    let (two, two_dir) = node(&database, &nats, "two").await;
    Some(Pair {
        one,
        two,
        nats: Arc::new(nats),
        _dirs: (one_dir, two_dir),
    })
}

/// `from` writes `text` privately to `to`: the message, and whether it is
/// queued for their next login.
async fn private(from: &mut TestClient, to: &str, text: &str) -> (PrivateMessage, bool) {
    let reply = from
        .request(tertulia_shared::Request::Private {
            to: to.into(),
            text: text.into(),
            reply_to: None,
        })
        .await
        .unwrap();
    let tertulia_shared::Reply::PrivateSent { message, queued } = reply else {
        panic!("{reply:?}")
    };
    (*message, queued)
}

/// The next `count` room messages `client` hears, in the order heard.
async fn messages(client: &mut TestClient, count: usize) -> Vec<ChatMessage> {
    let mut heard: Vec<ChatMessage> = Vec::new();
    while heard.len() < count {
        let event = tokio::time::timeout(
            Duration::from_secs(8),
            client.event_matching(|e| matches!(e, Event::Message(_))),
        )
        .await
        .unwrap_or_else(|_| {
            panic!(
                "only {} of {count} messages arrived: {:?}",
                heard.len(),
                heard
                    .iter()
                    .map(|m| (m.id, m.text.as_str()))
                    .collect::<Vec<_>>()
            )
        });
        if let Event::Message(message) = event {
            heard.push(message);
        }
    }
    heard
}

fn ids(messages: &[ChatMessage]) -> Vec<MessageId> {
    messages.iter().map(|m| m.id).collect()
}

/// What a client sees of the chat: each room's member count, each online
/// user's room, and the members of one room.
type View = (
    Vec<(String, usize)>,
    Vec<(String, Option<String>)>,
    Vec<String>,
);

async fn view_of(client: &mut TestClient, room: &str) -> View {
    let rooms = client.rooms().await;
    let Ok(tertulia_shared::Reply::UserList { users, next: None }) = client
        .request(tertulia_shared::Request::ListUsers { after: None })
        .await
    else {
        panic!("list_users");
    };
    let users = users
        .into_iter()
        .filter(|u| u.online)
        .map(|u| (u.login, u.room))
        .collect();
    let members = match client
        .request(tertulia_shared::Request::ListMembers {
            room: room.into(),
            after: None,
        })
        .await
    {
        Ok(tertulia_shared::Reply::MemberList { members, .. }) => members,
        other => panic!("list_members: {other:?}"),
    };
    (rooms, users, members)
}

#[tokio::test]
async fn room_messages_cross_nodes_in_one_order_for_every_member() {
    let Some(pair) = two_nodes().await else {
        return;
    };
    let (one, two) = (&pair.one, &pair.two);
    let people = [("ana", &one), ("luis", &two), ("eva", &one), ("beto", &two)];
    let mut clients = Vec::new();
    for (login, server) in people {
        clients.push((login, server.user(login).await));
    }
    const EACH: usize = 25;
    let total = EACH * clients.len();
    let talking = clients.into_iter().map(|(login, mut client)| {
        tokio::spawn(async move {
            for n in 0..EACH {
                client.say(&format!("{login} {n}")).await;
            }
            messages(&mut client, total).await
        })
    });
    let talking: Vec<_> = talking.collect();
    let mut heard = Vec::new();
    let mut failed = Vec::new();
    for talker in talking {
        match talker.await {
            Ok(messages) => heard.push(messages),
            Err(e) => failed.push(e.to_string()),
        }
    }
    assert!(failed.is_empty(), "{failed:#?}");
    let order = ids(&heard[0]);
    assert!(
        order.windows(2).all(|w| w[0] < w[1]),
        "ids increase: {order:?}"
    );
    assert!(
        heard[0].windows(2).all(|w| w[0].time_ms <= w[1].time_ms),
        "stamps never go back"
    );
    for (n, other) in heard.iter().enumerate() {
        assert_eq!(ids(other), order, "member {n} heard another order");
    }
    for (login, _) in people {
        let said: Vec<_> = heard[0]
            .iter()
            .filter(|m| m.from == login)
            .map(|m| m.text.clone())
            .collect();
        let expected: Vec<_> = (0..EACH).map(|n| format!("{login} {n}")).collect();
        assert_eq!(said, expected, "{login}'s messages, each once, in order");
    }
    // Whichever node answers, the history is the same.
    let mut late_one = one.user("zoe").await;
    let mut late_two = two.user("yago").await;
    let from_one = ids(&late_one.whole_history("lobby").await);
    let from_two = ids(&late_two.whole_history("lobby").await);
    assert_eq!(from_one, order);
    assert_eq!(from_two, order);
    pair.stop().await;
}

#[tokio::test]
async fn without_nats_messages_still_cross_and_its_return_repeats_nothing() {
    let Some(pair) = two_nodes().await else {
        return;
    };
    let (one, two) = (&pair.one, &pair.two);
    let mut ana = one.user("ana").await;
    let mut luis = two.user("luis").await;
    let mut sent = Vec::new();
    let say = async |ana: &mut TestClient, text: String| {
        let tertulia_shared::Reply::Sent { message } = ana.say(&text).await else {
            panic!("not sent: {text}");
        };
        message.id
    };
    for n in 0..50 {
        sent.push(say(&mut ana, format!("before {n}")).await);
    }
    let mut heard = messages(&mut luis, 50).await;

    // NATS goes away for 4 s: what is said meanwhile is stored (and
    // acknowledged), and reaches the other node from PostgreSQL.
    let nats = pair.nats.clone();
    let away = {
        let nats = nats.clone();
        tokio::task::spawn_blocking(move || nats.restart(Duration::from_secs(4)).unwrap())
    };
    tokio::time::sleep(Duration::from_millis(300)).await;
    let gone = std::time::Instant::now();
    for n in 0..30 {
        sent.push(say(&mut ana, format!("without NATS {n}")).await);
    }
    heard.extend(messages(&mut luis, 30).await);
    assert!(
        gone.elapsed() < Duration::from_millis(3500),
        "arrived while NATS was still away ({:?})",
        gone.elapsed()
    );

    // NATS is back: the publishes it missed are not delivered twice.
    away.await.unwrap();
    tokio::time::sleep(Duration::from_millis(500)).await;
    for n in 0..20 {
        sent.push(say(&mut ana, format!("after {n}")).await);
    }
    heard.extend(messages(&mut luis, 20).await);
    assert_eq!(ids(&heard), sent, "each once, in order");
    luis.assert_no_event().await;
    pair.stop().await;
}

#[tokio::test]
async fn a_file_shared_on_one_node_downloads_on_the_other_whole() {
    use common::transfer::{download, share, shared_file};
    use tertulia_shared::files::sha256_hex;
    let Some(pair) = two_nodes().await else {
        return;
    };
    let (one, two) = (&pair.one, &pair.two);
    let mut ana = one.user("ana").await;
    let mut luis = two.user("luis").await;
    let bytes: Vec<u8> = (0..100_000u32).map(|i| (i * 7 + i / 251) as u8).collect();
    let file = shared_file(&share(&mut ana, "apuntes.pdf", &bytes, None).await.unwrap());
    let heard = messages(&mut luis, 1).await;
    assert_eq!(
        heard[0].file.as_ref(),
        Some(&file),
        "the share crosses as a message"
    );
    let downloaded = download(&mut luis, file.id).await.unwrap();
    assert_eq!(sha256_hex(&downloaded), file.sha256);
    pair.stop().await;
}

#[tokio::test]
async fn a_private_to_someone_offline_sent_on_one_node_arrives_at_their_login_on_the_other() {
    let Some(pair) = two_nodes().await else {
        return;
    };
    let (one, two) = (&pair.one, &pair.two);
    let mut luis = two.user("luis").await;
    luis.request(tertulia_shared::Request::Logout)
        .await
        .unwrap();
    let mut ana = one.user("ana").await;
    let (message, queued) = private(&mut ana, "luis", "¿vienes mañana?").await;
    assert!(queued);
    let mut luis = two.greeted().await;
    luis.login("luis").await.unwrap();
    let private = luis
        .event_matching(|e| matches!(e, Event::Private(_)))
        .await;
    assert_eq!(private, Event::Private(message));
    pair.stop().await;
}

#[tokio::test]
async fn a_private_to_someone_on_the_other_node_arrives_now_and_not_again_at_their_next_login() {
    let Some(pair) = two_nodes().await else {
        return;
    };
    let (one, two) = (&pair.one, &pair.two);
    let mut luis = two.user("luis").await;
    let mut ana = one.user("ana").await;
    let (message, _) = private(&mut ana, "luis", "te escribo desde el otro nodo").await;
    let private = luis
        .event_matching(|e| matches!(e, Event::Private(_)))
        .await;
    assert_eq!(private, Event::Private(message));
    // Marked delivered where it was: not queued for the next login, even
    // one made at once (no pause here: the login waits for the mark).
    luis.request(tertulia_shared::Request::Logout)
        .await
        .unwrap();
    let mut luis = two.greeted().await;
    let reply = luis.login("luis").await.unwrap();
    let tertulia_shared::Reply::LoggedIn {
        queued_privates, ..
    } = reply
    else {
        panic!("{reply:?}")
    };
    assert_eq!(queued_privates, 0);
    pair.stop().await;
}

#[tokio::test]
async fn a_login_on_one_node_replaces_the_session_on_the_other() {
    let Some(pair) = two_nodes().await else {
        return;
    };
    let (one, two) = (&pair.one, &pair.two);
    let mut first = one.user("ana").await;
    let mut second = two.greeted().await;
    second.login("ana").await.unwrap();
    let last = tokio::time::timeout(Duration::from_secs(5), first.until_closed())
        .await
        .expect("the older session is closed");
    assert!(
        last.iter().any(|m| matches!(
            m,
            tertulia_shared::ServerMessage::Event {
                event: Event::SessionReplaced { .. }
            }
        )),
        "{last:?}"
    );
    // The newer session goes on, and back on the first node wins again.
    second.say("sigo aquí").await;
    let mut third = one.greeted().await;
    third.login("ana").await.unwrap();
    let last = tokio::time::timeout(Duration::from_secs(5), second.until_closed())
        .await
        .expect("replaced in turn");
    assert!(!last.is_empty());
    third.say("y ahora aquí").await;
    pair.stop().await;
}
