//! The real `tertulia-server` program as a child process.

use std::io::{BufRead, BufReader};
use std::net::SocketAddr;
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// A server process with its log captured.
pub struct Running {
    pub child: Child,
    pub addr: SocketAddr,
    log: Arc<Mutex<String>>,
    _dir: Option<tempfile::TempDir>,
}

/// What every test server is started with, `--db` last (its file follows).
const TEST_OPTIONS: [&str; 8] = [
    "--bind",
    "127.0.0.1",
    "--port",
    "0",
    // Never announce on this machine's LAN from a test.
    "--no-announce",
    "--bcrypt-cost",
    "4",
    "--db",
];

/// Runs the program as a test server that is expected not to start (with
/// `env` set): how it ended and what it said.
pub fn refused(db: &std::path::Path, options: &[&str], env: (&str, &str)) -> (bool, String) {
    let output = Command::new(env!("CARGO_BIN_EXE_tertulia-server"))
        .args(TEST_OPTIONS)
        .arg(db)
        .args(options)
        .env(env.0, env.1)
        .output()
        .unwrap();
    let said = String::from_utf8_lossy(&output.stderr).into_owned();
    (output.status.success(), said)
}

impl Running {
    /// Starts the binary on an ephemeral loopback port, optionally under a
    /// file-descriptor limit, and waits for its "listening" line.
    pub fn start(fd_limit: Option<u32>) -> Running {
        Running::start_with(fd_limit, &[])
    }

    /// [`Running::start`] with more command-line options.
    pub fn start_with(fd_limit: Option<u32>, options: &[&str]) -> Running {
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("accounts.db");
        let mut running = Running::start_on(&db, fd_limit, options);
        running._dir = Some(dir);
        running
    }

    /// [`Running::start_with`] on a given database file (to restart "the
    /// same" server).
    pub fn start_on(db: &std::path::Path, fd_limit: Option<u32>, options: &[&str]) -> Running {
        let mut with_tls = tls_options(db, options);
        with_tls.extend(options.iter().map(std::ffi::OsString::from));
        Running::launch(db, fd_limit, &with_tls)
    }

    /// On `db`, letting the server make its own certificate (as on a
    /// lab machine's first start).
    pub fn start_self_signed(db: &std::path::Path) -> Running {
        Running::launch(db, None, &[])
    }

    fn launch(
        db: &std::path::Path,
        fd_limit: Option<u32>,
        options: &[std::ffi::OsString],
    ) -> Running {
        let binary = env!("CARGO_BIN_EXE_tertulia-server");
        let limit = fd_limit.map_or(String::new(), |n| format!("ulimit -n {n} && "));
        let mut child = Command::new("sh")
            .arg("-c")
            .arg(format!("{limit}exec \"$0\" \"$@\""))
            .arg(binary)
            .args(TEST_OPTIONS)
            .arg(db)
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
            _dir: None,
        }
    }

    pub fn log(&self) -> String {
        self.log.lock().unwrap().clone()
    }

    /// Waits until the log has a line with `text` (the line that gave the
    /// address may be read a moment before the lines around it are kept).
    pub fn wait_for_log(&self, text: &str) {
        let deadline = Instant::now() + Duration::from_secs(10);
        while !self.log().contains(text) {
            assert!(
                Instant::now() < deadline,
                "no {text:?} in the log:\n{}",
                self.log()
            );
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    pub fn signal(&self, name: &str) {
        let status = Command::new("kill")
            .args([format!("-{name}"), self.child.id().to_string()])
            .status()
            .unwrap();
        assert!(status.success());
    }

    pub fn wait_exit(&mut self) -> std::process::ExitStatus {
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

/// `--cert` and `--key` of the test certificate authority's server
/// certificate, written beside the database, unless the test asks for
/// `--plain`.
fn tls_options(db: &std::path::Path, options: &[&str]) -> Vec<std::ffi::OsString> {
    if options.contains(&"--plain") {
        return Vec::new();
    }
    let dir = db.parent().expect("the database is in a directory");
    let (cert, key) = super::tls::pki().write_files(dir);
    vec!["--cert".into(), cert.into(), "--key".into(), key.into()]
}
