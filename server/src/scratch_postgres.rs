//! A throwaway PostgreSQL for tests and benchmarks: the Debian package's
//! `postgres`, started as this process's own server on a free loopback
//! port with its data in a temporary directory, and stopped by its PID
//! (then the directory removed) when this process ends, however it ends.
//!
//! As root (CI) the server runs as the `postgres` user, which PostgreSQL
//! requires. Each caller gets a database of its own.

use std::io::ErrorKind;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Mutex, OnceLock};
use std::time::{Duration, Instant};

/// The running server; lives as long as the process.
#[derive(Debug)]
pub struct ScratchPostgres {
    port: u16,
    databases: AtomicUsize,
    /// The keeper shell: it stops the server when its stdin closes, which
    /// happens when this process exits.
    _keeper: Mutex<Child>,
}

/// The database user the scratch server is created with.
const USER: &str = "tertulia";

impl ScratchPostgres {
    /// The process's scratch server, started on first use. An error says
    /// why there is none (PostgreSQL not installed, or it did not start).
    pub fn shared() -> Result<&'static ScratchPostgres, String> {
        static SHARED: OnceLock<Result<ScratchPostgres, String>> = OnceLock::new();
        SHARED
            .get_or_init(|| off_runtime(start))
            .as_ref()
            .map_err(Clone::clone)
    }

    /// A new empty database on the scratch server: its connection string.
    pub fn fresh_database(&self) -> Result<String, String> {
        let name = format!("t{}", self.databases.fetch_add(1, Ordering::Relaxed));
        let admin = self.address("postgres");
        let create = format!("CREATE DATABASE {name}");
        off_runtime(move || {
            let mut client = postgres::Client::connect(&admin, postgres::NoTls)
                .map_err(|e| format!("scratch PostgreSQL: {e}"))?;
            client
                .batch_execute(&create)
                .map_err(|e| format!("scratch PostgreSQL: {e}"))
        })?;
        Ok(self.address(&name))
    }

    /// The connection string for `database`.
    pub fn address(&self, database: &str) -> String {
        format!(
            "host=127.0.0.1 port={} user={USER} dbname={database}",
            self.port
        )
    }
}

/// Whether tests must have PostgreSQL: in CI they fail without it; on a
/// developer's machine without it they say so and test SQLite only.
pub fn required() -> bool {
    std::env::var_os("CI").is_some_and(|v| !v.is_empty() && v != "false")
}

/// The `postgres` client runs its own runtime, which cannot start inside
/// tokio's: run it on a plain thread.
fn off_runtime<T: Send>(work: impl FnOnce() -> Result<T, String> + Send) -> Result<T, String> {
    std::thread::scope(|scope| {
        scope
            .spawn(work)
            .join()
            .unwrap_or_else(|_| Err("scratch PostgreSQL: setup panicked".into()))
    })
}

fn start() -> Result<ScratchPostgres, String> {
    let bin = binaries()?;
    let dir = std::env::temp_dir().join(format!(
        "tertulia-pg-{}-{}",
        std::process::id(),
        crate::now_ms()
    ));
    std::fs::create_dir_all(&dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    let owner = run_as()?;
    if let Some((uid, gid)) = owner {
        std::os::unix::fs::chown(&dir, Some(uid), Some(gid))
            .map_err(|e| format!("giving {} to postgres: {e}", dir.display()))?;
    }
    let data = dir.join("data");
    let mut initdb = Command::new(bin.join("initdb"));
    initdb
        .arg("-D")
        .arg(&data)
        .args([
            "-U",
            USER,
            "--auth=trust",
            "--no-sync",
            "--locale=C",
            "-E",
            "UTF8",
        ])
        .stdout(Stdio::null())
        .stderr(Stdio::piped());
    as_owner(&mut initdb, owner);
    let made = initdb
        .output()
        .map_err(|e| format!("running initdb: {e}"))?;
    if !made.status.success() {
        return Err(format!(
            "initdb failed: {}",
            String::from_utf8_lossy(&made.stderr).trim()
        ));
    }
    let port = free_port()?;
    // The keeper: start the server, wait for our end of its stdin to
    // close, stop the server by its PID (fast shutdown), remove the data.
    let mut keeper = Command::new("sh");
    keeper
        .args([
            "-c",
            r#""$1/postgres" -D "$2/data" -p "$3" -k "$2" -c listen_addresses=127.0.0.1 \
                 -c fsync=off -c synchronous_commit=off -c full_page_writes=off \
                 -c max_connections=200 >"$2/log" 2>&1 &
               pid=$!
               read -r _
               kill -INT "$pid"
               wait "$pid"
               rm -rf "$2""#,
            "keeper",
        ])
        .arg(&bin)
        .arg(&dir)
        .arg(port.to_string())
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .stderr(Stdio::null());
    as_owner(&mut keeper, owner);
    let keeper = keeper
        .spawn()
        .map_err(|e| format!("starting PostgreSQL: {e}"))?;
    let scratch = ScratchPostgres {
        port,
        databases: AtomicUsize::new(0),
        _keeper: Mutex::new(keeper),
    };
    wait_until_ready(&scratch, &dir)?;
    Ok(scratch)
}

fn wait_until_ready(scratch: &ScratchPostgres, dir: &Path) -> Result<(), String> {
    let started = Instant::now();
    loop {
        match postgres::Client::connect(&scratch.address("postgres"), postgres::NoTls) {
            Ok(_) => return Ok(()),
            Err(e) if started.elapsed() > Duration::from_secs(30) => {
                let log = std::fs::read_to_string(dir.join("log")).unwrap_or_default();
                return Err(format!("PostgreSQL did not start: {e}\n{log}"));
            }
            Err(_) => std::thread::sleep(Duration::from_millis(50)),
        }
    }
}

/// The newest installed PostgreSQL's programs (Debian keeps them under
/// `/usr/lib/postgresql/<version>/bin`), or those on the PATH.
fn binaries() -> Result<PathBuf, String> {
    let debian = Path::new("/usr/lib/postgresql");
    let mut versions: Vec<(u32, PathBuf)> = std::fs::read_dir(debian)
        .into_iter()
        .flatten()
        .flatten()
        .filter_map(|entry| {
            let version = entry.file_name().to_str()?.parse().ok()?;
            let bin = entry.path().join("bin");
            bin.join("postgres").exists().then_some((version, bin))
        })
        .collect();
    versions.sort();
    if let Some((_, bin)) = versions.pop() {
        return Ok(bin);
    }
    std::env::var_os("PATH")
        .iter()
        .flat_map(std::env::split_paths)
        .find(|dir| dir.join("postgres").exists() && dir.join("initdb").exists())
        .ok_or_else(|| "PostgreSQL is not installed (Debian: apt-get install postgresql)".into())
}

/// As root, the `postgres` account's ids: PostgreSQL refuses to run as root.
fn run_as() -> Result<Option<(u32, u32)>, String> {
    let me = std::fs::metadata("/proc/self").map(|m| std::os::unix::fs::MetadataExt::uid(&m));
    if me.map_or(true, |uid| uid != 0) {
        return Ok(None);
    }
    let passwd = match std::fs::read_to_string("/etc/passwd") {
        Ok(text) => text,
        Err(e) if e.kind() == ErrorKind::NotFound => String::new(),
        Err(e) => return Err(format!("/etc/passwd: {e}")),
    };
    passwd
        .lines()
        .map(|line| line.split(':').collect::<Vec<_>>())
        .find(|fields| fields.first() == Some(&"postgres"))
        .and_then(|fields| Some((fields.get(2)?.parse().ok()?, fields.get(3)?.parse().ok()?)))
        .map(Some)
        .ok_or_else(|| "running as root and there is no postgres user to run PostgreSQL as".into())
}

fn as_owner(command: &mut Command, owner: Option<(u32, u32)>) {
    use std::os::unix::process::CommandExt;
    if let Some((uid, gid)) = owner {
        command.uid(uid).gid(gid).env("HOME", "/tmp");
    }
}

/// A loopback port nobody listens on (at the moment of asking).
pub(crate) fn free_port() -> Result<u16, String> {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").map_err(|e| e.to_string())?;
    listener
        .local_addr()
        .map(|address| address.port())
        .map_err(|e| e.to_string())
}
