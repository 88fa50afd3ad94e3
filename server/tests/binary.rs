//! The real `tertulia-server` program: command line, signals, and running out
//! of file descriptors.

// Test code: a failed unwrap is a failed test, with its message.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::io::{BufRead, BufReader};
use std::net::SocketAddr;
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use common::TestClient;
use tertulia_shared::codec::encode;
use tertulia_shared::{
    ClientRequest, ErrorCode, Event, PROTOCOL_VERSION, Reply, Request, ServerMessage,
};

/// A server process with its log captured.
struct Running {
    child: Child,
    addr: SocketAddr,
    log: Arc<Mutex<String>>,
    _dir: tempfile::TempDir,
}

impl Running {
    /// Starts the binary on an ephemeral loopback port, optionally under a
    /// file-descriptor limit, and waits for its "listening" line.
    fn start(fd_limit: Option<u32>) -> Running {
        Running::start_with(fd_limit, &[])
    }

    /// [`Running::start`] with more command-line options.
    fn start_with(fd_limit: Option<u32>, options: &[&str]) -> Running {
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("accounts.db");
        let binary = env!("CARGO_BIN_EXE_tertulia-server");
        let limit = fd_limit.map_or(String::new(), |n| format!("ulimit -n {n} && "));
        let mut child = Command::new("sh")
            .arg("-c")
            .arg(format!("{limit}exec \"$0\" \"$@\""))
            .arg(binary)
            .args([
                "--bind",
                "127.0.0.1",
                "--port",
                "0",
                "--bcrypt-cost",
                "4",
                "--db",
            ])
            .arg(&db)
            .args(options)
            .env("RUST_LOG", "info")
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let log = Arc::new(Mutex::new(String::new()));
        let (addr_tx, addr_rx) = std::sync::mpsc::channel();
        let stderr = child.stderr.take().unwrap();
        let sink = log.clone();
        std::thread::spawn(move || {
            for line in BufReader::new(stderr).lines().map_while(Result::ok) {
                if let Some(rest) = line.split("listening on ").nth(1) {
                    let addr = rest.split_whitespace().next().unwrap_or_default();
                    let _ = addr_tx.send(addr.parse::<SocketAddr>());
                }
                let mut log = sink.lock().unwrap();
                log.push_str(&line);
                log.push('\n');
            }
        });
        let addr = addr_rx
            .recv_timeout(Duration::from_secs(20))
            .expect("the server starts")
            .unwrap();
        Running {
            child,
            addr,
            log,
            _dir: dir,
        }
    }

    fn log(&self) -> String {
        self.log.lock().unwrap().clone()
    }

    fn signal(&self, name: &str) {
        let status = Command::new("kill")
            .args([format!("-{name}"), self.child.id().to_string()])
            .status()
            .unwrap();
        assert!(status.success());
    }

    fn wait_exit(&mut self) -> std::process::ExitStatus {
        let deadline = Instant::now() + Duration::from_secs(15);
        loop {
            if let Some(status) = self.child.try_wait().unwrap() {
                return status;
            }
            assert!(Instant::now() < deadline, "the server did not exit");
            std::thread::sleep(Duration::from_millis(20));
        }
    }
}

impl Drop for Running {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

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
    // either served or told the server is full, never left hanging.
    let mut crowd = Vec::new();
    let (mut served, mut full) = (0, 0);
    for _ in 0..120 {
        let mut c = TestClient::connect(server.addr).await;
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
    assert!(served > 0 && full > 0, "{served} served, {full} full");
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
        "7878",
    ] {
        assert!(help.contains(option), "{option} missing from:\n{help}");
    }
}
