//! The real `tertulia-server` program: command line, signals, and running out
//! of file descriptors.

// Test code: a failed unwrap is a failed test, with its message.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::net::SocketAddr;
use std::process::Command;
use std::time::Duration;

use common::TestClient;
use common::process::Running;
use tertulia_shared::codec::encode;
use tertulia_shared::{
    ClientRequest, ErrorCode, Event, PROTOCOL_VERSION, Reply, Request, ServerMessage,
};

async fn user(addr: SocketAddr, login: &str) -> TestClient {
    let mut client = TestClient::connect(addr).await;
    client.hello().await;
    client.register(login).await.unwrap();
    client.login(login).await.unwrap();
    client
}

#[tokio::test]
async fn sigterm_tells_clients_and_exits_cleanly() {
    let mut server = Running::start(None);
    let mut ana = user(server.addr, "ana").await;
    server.signal("TERM");
    let last = ana.until_closed().await;
    assert!(
        matches!(
            last.last(),
            Some(ServerMessage::Event {
                event: Event::Shutdown { .. }
            })
        ),
        "{last:?}"
    );
    assert!(server.wait_exit().success());
    let log = server.log();
    assert!(log.contains("SIGTERM received"), "{log}");
    assert!(log.contains("stopped"), "{log}");
}

#[tokio::test]
async fn at_the_file_descriptor_limit_newcomers_hear_that_the_server_is_full() {
    let server = Running::start_with(
        Some(128),
        &[
            "--max-per-address",
            "1000",
            "--max-anonymous-per-address",
            "1000",
        ],
    );
    let mut ana = user(server.addr, "ana").await;
    // More connections than the server has descriptors for: each one is
    // either served or told the server is full, never left hanging. Telling
    // takes a TLS handshake, at most 32 at once (each holds a descriptor
    // for up to half a second): past that a newcomer is closed at once.
    let mut crowd = Vec::new();
    let (mut served, mut full, mut closed) = (0, 0, 0);
    for _ in 0..120 {
        let Ok(mut c) = TestClient::try_connect(server.addr).await else {
            closed += 1;
            continue;
        };
        c.send_raw(&encode(&ClientRequest::new(
            1,
            Request::Hello {
                version: PROTOCOL_VERSION,
                client: "crowd".into(),
            },
        )))
        .await;
        match c.next_message().await {
            Some(ServerMessage::Reply { .. }) => served += 1,
            Some(ServerMessage::Error { error, .. }) if error.code == ErrorCode::ServerFull => {
                full += 1
            }
            other => panic!("after {served} served and {full} full: {other:?}"),
        }
        crowd.push(c);
    }
    assert!(
        served > 0 && full >= 32,
        "{served} served, {full} full, {closed} closed"
    );
    let log = server.log();
    assert!(log.contains("open-file limit"), "{log}");
    // Everyone already connected keeps being served…
    assert!(matches!(ana.say("still here").await, Reply::Sent { .. }));
    // …and once descriptors free up, newcomers get in again.
    drop(crowd);
    tokio::time::sleep(Duration::from_millis(200)).await;
    let mut luis = user(server.addr, "luis").await;
    assert!(matches!(luis.say("made it").await, Reply::Sent { .. }));
    ana.event_matching(|e| matches!(e, Event::Message(m) if m.text == "made it"))
        .await;
}

#[test]
fn help_documents_every_option_and_the_default_port() {
    let output = Command::new(env!("CARGO_BIN_EXE_tertulia-server"))
        .arg("--help")
        .output()
        .unwrap();
    let help = String::from_utf8_lossy(&output.stdout);
    for option in [
        "--bind",
        "--port",
        "--db",
        "--default-room",
        "--bcrypt-cost",
        "--max-connections",
        "--login-timeout",
        "--outbox-capacity",
        "--max-per-address",
        "--max-anonymous",
        "--max-anonymous-per-address",
        "--hello-timeout",
        "--write-timeout",
        "--send-buffer-kib",
        "--message-rate",
        "--message-burst",
        "--private-rate",
        "--room-rate",
        "--request-rate",
        "--max-rooms-per-user",
        "--login-free-failures",
        "--address-free-failures",
        "--hash-queue",
        "--idle-timeout",
        "--keepalive",
        "--history",
        "--keep-days",
        "--cert",
        "--key",
        "--plain",
        "--no-announce",
        "--name",
        "--session-days",
        "--config",
        "7878",
    ] {
        assert!(help.contains(option), "{option} missing from:\n{help}");
    }
}

#[tokio::test]
async fn on_first_start_the_server_makes_its_certificate_and_prints_its_fingerprint() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("accounts.db");
    let server = Running::start_self_signed(&db);
    let log = server.log();
    let printed = log
        .split("for people to compare: ")
        .nth(1)
        .and_then(|rest| rest.get(..79))
        .unwrap_or_else(|| panic!("no fingerprint in the log:\n{log}"));
    assert!(
        printed
            .split(' ')
            .all(|group| group.len() == 4 && group.chars().all(|c| c.is_ascii_hexdigit())),
        "{printed:?}"
    );
    let cert = std::fs::read(dir.path().join("tls-cert.pem")).unwrap();
    let der = rustls::pki_types::pem::PemObject::from_pem_slice(&cert)
        .map(|c: rustls::pki_types::CertificateDer<'static>| c.to_vec())
        .unwrap();
    assert_eq!(tertulia_shared::fingerprint::fingerprint(&der), printed);
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let key = std::fs::metadata(dir.path().join("tls-key.pem")).unwrap();
        assert_eq!(key.permissions().mode() & 0o777, 0o600);
    }
    drop(server);
    // --plain warns that everything crosses in clear text.
    let plain = Running::start_with(None, &["--plain"]);
    assert!(plain.log().contains("clear"), "{}", plain.log());
}

#[test]
fn a_typo_in_the_config_file_stops_the_server_with_its_file_and_line() {
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("server.toml");
    std::fs::write(&config, "port = 7979\nmax-per-adress = 300\n").unwrap();
    let output = Command::new(env!("CARGO_BIN_EXE_tertulia-server"))
        .arg("--config")
        .arg(&config)
        .args(["--no-announce", "--db"])
        .arg(dir.path().join("x.db"))
        .output()
        .unwrap();
    assert!(!output.status.success());
    let said = String::from_utf8_lossy(&output.stderr);
    assert!(
        said.contains(&format!("{}, line 2", config.display())),
        "{said}"
    );
    assert!(said.contains("max-per-address"), "{said}");
}

/// The scratch PostgreSQL's fresh database, or `None` (said) where there
/// is no PostgreSQL and this is not CI.
fn scratch_database() -> Option<String> {
    use tertulia_server::scratch_postgres::{ScratchPostgres, required};
    match ScratchPostgres::shared().and_then(ScratchPostgres::fresh_database) {
        Ok(address) => Some(address),
        Err(why) if required() => panic!("PostgreSQL is required in CI: {why}"),
        Err(why) => {
            eprintln!("skipped: {why}");
            None
        }
    }
}

#[tokio::test]
async fn on_postgresql_the_server_keeps_everything_across_a_restart_and_one_node_serves_it() {
    let Some(address) = scratch_database() else {
        return;
    };
    let options = ["--database", address.as_str()];
    let mut server = Running::start_with(None, &options);
    server.wait_for_log("database PostgreSQL");
    let mut ana = user(server.addr, "ana").await;
    ana.say("guardado en PostgreSQL").await;

    // A second node on the same database, without NATS between them,
    // would give out the same ids: it is refused, saying why.
    let elsewhere = tempfile::tempdir().unwrap();
    let (started, said) = common::process::refused(
        &elsewhere.path().join("other.db"),
        &["--plain"],
        ("TERTULIA_DATABASE", &address),
    );
    assert!(!started);
    assert!(
        said.contains("another tertulia-server already serves this PostgreSQL database"),
        "{said}"
    );
    assert!(
        !said.contains(&address),
        "the address is not echoed: {said}"
    );

    server.signal("TERM");
    assert!(server.wait_exit().success());
    // Another machine (another --db folder), the same database.
    let server = Running::start_with(None, &options);
    let mut ana = TestClient::connect(server.addr).await;
    ana.hello().await;
    ana.login("ana").await.unwrap();
    let texts: Vec<String> = ana
        .whole_history("lobby")
        .await
        .into_iter()
        .map(|m| m.text)
        .collect();
    assert_eq!(texts, ["guardado en PostgreSQL"]);

    // PostgreSQL drops every connection (a restart, a failover): the
    // server connects again and goes on.
    let admin = address.clone();
    std::thread::spawn(move || {
        use tertulia_server::sql::Sql;
        let mut db = tertulia_server::sql::connect_postgres(&admin).unwrap();
        db.query(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity
             WHERE datname = current_database() AND pid <> pg_backend_pid()",
            &[],
        )
        .unwrap();
    })
    .join()
    .unwrap();
    tokio::time::sleep(Duration::from_millis(300)).await;
    ana.say("después del corte").await;
    let mut luis = user(server.addr, "luis").await;
    let texts: Vec<String> = luis
        .whole_history("lobby")
        .await
        .into_iter()
        .map(|m| m.text)
        .collect();
    assert_eq!(texts, ["guardado en PostgreSQL", "después del corte"]);
}

#[tokio::test]
async fn two_programs_serve_one_chat_and_one_killed_loses_nothing_acknowledged() {
    let Some(address) = scratch_database() else {
        return;
    };
    let nats = match tertulia_server::scratch_nats::ScratchNats::start() {
        Ok(nats) => nats,
        Err(why) if tertulia_server::scratch_postgres::required() => panic!("{why}"),
        Err(why) => {
            eprintln!("skipped: {why}");
            return;
        }
    };
    let nats_address = nats.address();
    let options = |node: &'static str| {
        [
            "--database",
            address.as_str(),
            "--cluster",
            nats_address.as_str(),
            "--node-id",
            node,
            // A node silent this long is gone.
            "--idle-timeout",
            "3",
        ]
    };
    let one = Running::start_with(None, &options("uno"));
    let two = Running::start_with(None, &options("dos"));
    // Each node names itself on every line of its log.
    one.wait_for_log("[uno] ");
    two.wait_for_log("[dos] ");
    one.wait_for_log("node of a cluster");
    let mut ana = user(one.addr, "ana").await;
    let mut luis = user(two.addr, "luis").await;
    ana.say("de un nodo a otro").await;
    let heard = luis
        .event_matching(|e| matches!(e, Event::Message(_)))
        .await;
    let Event::Message(message) = heard else {
        unreachable!()
    };
    assert_eq!(
        (message.from.as_str(), message.text.as_str()),
        ("ana", "de un nodo a otro")
    );

    // Node one dies without a word (SIGKILL) after acknowledging messages.
    ana.create("taller").await.unwrap();
    ana.request(Request::LeaveRoom).await.unwrap();
    let mut acknowledged = vec!["de un nodo a otro".to_owned()];
    for n in 0..20 {
        let text = format!("antes de caer {n}");
        let said = Request::Say {
            text: text.clone(),
            reply_to: None,
        };
        loop {
            match ana.request(said.clone()).await {
                Ok(Reply::Sent { .. }) => break,
                Err(e) if e.code == ErrorCode::RateLimited => {
                    let wait = e.retry_after_ms.unwrap_or(100);
                    tokio::time::sleep(Duration::from_millis(wait)).await;
                }
                other => panic!("{text}: {other:?}"),
            }
        }
        acknowledged.push(text);
    }
    let mut one = one;
    luis.request(Request::ListUsers { after: None })
        .await
        .unwrap();
    let killed = std::time::Instant::now();
    one.signal("KILL");
    one.wait_exit();
    // Its people go offline and its rooms go on node two once it has been
    // silent for the idle timeout. (Luis keeps talking to stay online.)
    let (mut offline, mut deleted) = (false, false);
    while !(offline && deleted) {
        assert!(
            killed.elapsed() < Duration::from_secs(3 * 2),
            "node two still sees node one's people (offline {offline}, room deleted {deleted})"
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
        for event in luis.settle().await {
            offline |= common::presence("offline", "ana", None)(&event);
            deleted |= matches!(&event, Event::RoomDeleted { room, .. } if room == "taller");
        }
    }
    // Ana's client comes back on node two: everything acknowledged is there.
    let mut ana = TestClient::connect(two.addr).await;
    ana.hello().await;
    ana.login("ana").await.unwrap();
    let history: Vec<String> = ana
        .whole_history("lobby")
        .await
        .into_iter()
        .map(|m| m.text)
        .collect();
    assert_eq!(history, acknowledged);

    // NATS goes away for good; node two is told to stop: its goodbye to
    // the others cannot be said, and it still ends, in its grace time.
    drop(nats);
    let mut two = two;
    let stopping = std::time::Instant::now();
    two.signal("TERM");
    assert!(two.wait_exit().success());
    assert!(
        stopping.elapsed() < Duration::from_secs(10),
        "took {:?} to stop",
        stopping.elapsed()
    );
}
