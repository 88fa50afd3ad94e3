//! A throwaway `nats-server` for tests (the Debian package's), started as
//! this test's own process on a free loopback port and stopped by its PID
//! when the handle is dropped or this process ends; it can be restarted
//! on the same port, as an operator restarts NATS under a running chat.

use std::io::Write;
use std::path::PathBuf;
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// What a cluster test needs: a fresh database on the scratch PostgreSQL
/// and a nats-server of its own; `None` (said) where they are not
/// installed and this is not CI, where they must be.
pub fn scratch_cluster() -> Option<(String, ScratchNats)> {
    use crate::scratch_postgres::{ScratchPostgres, required};
    let found = ScratchPostgres::shared()
        .and_then(ScratchPostgres::fresh_database)
        .and_then(|database| Ok((database, ScratchNats::start()?)));
    match found {
        Ok(found) => Some(found),
        Err(why) if required() => panic!("PostgreSQL and NATS are required in CI: {why}"),
        Err(why) => {
            eprintln!("skipped: {why}");
            None
        }
    }
}

/// A running `nats-server`.
#[derive(Debug)]
pub struct ScratchNats {
    port: u16,
    /// Each line makes the keeper restart the server after that many
    /// seconds away; closing it stops the server.
    orders: Mutex<ChildStdin>,
    _keeper: Child,
}

impl ScratchNats {
    /// Starts one; an error says why there is none.
    pub fn start() -> Result<ScratchNats, String> {
        let binary = binary()?;
        let port = crate::scratch_postgres::free_port()?;
        let mut keeper = Command::new("sh")
            .args([
                "-c",
                r#"run() { "$1" -a 127.0.0.1 -p "$2" >/dev/null 2>&1 & pid=$!; }
                   run "$@"
                   while read -r away; do
                     kill "$pid"; wait "$pid"
                     sleep "$away"
                     run "$@"
                   done
                   kill "$pid"; wait "$pid""#,
                "keeper",
            ])
            .arg(&binary)
            .arg(port.to_string())
            .stdin(Stdio::piped())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .map_err(|e| format!("starting nats-server: {e}"))?;
        let orders = keeper.stdin.take().ok_or("no stdin for the keeper")?;
        let nats = ScratchNats {
            port,
            orders: Mutex::new(orders),
            _keeper: keeper,
        };
        nats.wait_until_listening()?;
        Ok(nats)
    }

    /// `nats://127.0.0.1:<port>`.
    pub fn address(&self) -> String {
        format!("nats://127.0.0.1:{}", self.port)
    }

    /// Stops the server, leaves it stopped for `away`, starts it again on
    /// the same port and waits until it listens.
    pub fn restart(&self, away: Duration) -> Result<(), String> {
        let mut orders = self.orders.lock().unwrap_or_else(|p| p.into_inner());
        writeln!(orders, "{}", away.as_secs_f64()).map_err(|e| e.to_string())?;
        drop(orders);
        std::thread::sleep(away);
        self.wait_until_listening()
    }

    fn wait_until_listening(&self) -> Result<(), String> {
        let started = Instant::now();
        loop {
            if std::net::TcpStream::connect(("127.0.0.1", self.port)).is_ok() {
                return Ok(());
            }
            if started.elapsed() > Duration::from_secs(10) {
                return Err("nats-server did not start".into());
            }
            std::thread::sleep(Duration::from_millis(20));
        }
    }
}

/// Debian puts it in /usr/sbin, which a user's PATH may not have.
fn binary() -> Result<PathBuf, String> {
    let path = std::env::var_os("PATH").unwrap_or_default();
    std::env::split_paths(&path)
        .chain([PathBuf::from("/usr/sbin"), PathBuf::from("/usr/local/bin")])
        .map(|dir| dir.join("nats-server"))
        .find(|binary| binary.exists())
        .ok_or_else(|| "nats-server is not installed (Debian: apt-get install nats-server)".into())
}
