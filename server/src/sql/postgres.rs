//! [`Sql`] on PostgreSQL (the blocking `postgres` client), statements
//! prepared once; the schema (`postgres_schema`) brought up to date at
//! connect.

use std::collections::HashMap;
use std::error::Error;
use std::time::Duration;

use bytes::BytesMut;
use postgres::types::{FromSql, IsNull, ToSql, Type, to_sql_checked};
use postgres::{Client, NoTls, Statement};

use super::postgres_schema::MIGRATIONS;
use super::{Engine, Row, Sql, SqlError, Value, WriteLock};

/// Taken by a node while it migrates, so two nodes starting together do
/// not both apply a step.
const MIGRATION_LOCK: i64 = 0x7465_7274_756c_6961; // "tertulia"

/// Why PostgreSQL could not be reached or set up.
#[derive(Debug, thiserror::Error)]
pub enum PostgresError {
    #[error("PostgreSQL address: {0}")]
    Address(postgres::Error),
    #[error("cannot reach PostgreSQL: {0}")]
    Connect(postgres::Error),
    #[error("PostgreSQL schema step {step}: {error}")]
    Migration { step: usize, error: SqlError },
}

/// A PostgreSQL connection with its prepared statements. When PostgreSQL
/// goes away (a restart, a failover, a network cut) the connection is made
/// again at the next statement outside a transaction; a statement that
/// fails meanwhile fails like any other, and nothing is reported stored
/// that was not.
pub struct PostgresConnection {
    config: postgres::Config,
    /// Always there, but for the moment it is handed to the closing thread.
    client: Option<Client>,
    prepared: HashMap<String, Statement>,
    /// Inside `begin_write` … `commit`/`rollback`.
    in_transaction: bool,
}

/// The client's own runtime blocks when the connection closes, which
/// tokio forbids on its threads: the owner (the accounts, shared by every
/// session) may well be dropped on one, so the closing happens on a
/// thread of its own.
impl Drop for PostgresConnection {
    fn drop(&mut self) {
        if let Some(client) = self.client.take() {
            std::thread::spawn(move || drop(client));
        }
    }
}

impl std::fmt::Debug for PostgresConnection {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PostgresConnection")
            .field("prepared", &self.prepared.len())
            .finish_non_exhaustive()
    }
}

/// Connects to `address` (`postgres://user@host/db` or `host=… dbname=…`)
/// and brings the schema up to date. Blocking: call it from a blocking
/// thread or before the runtime starts.
pub fn connect_postgres(address: &str) -> Result<PostgresConnection, PostgresError> {
    connect(address, "")
}

/// [`connect_postgres`], for a connection whose commits return before
/// they reach the disk (`synchronous_commit = off`): what it commits is
/// visible to every other connection at once, and durable a moment later
/// (by the next durable commit of any connection, or PostgreSQL's WAL
/// writer within 200 ms). For a cluster's sequencers, whose messages are
/// delivered once committed and acknowledged once durable.
pub fn connect_postgres_committing_later(
    address: &str,
) -> Result<PostgresConnection, PostgresError> {
    connect(address, " -c synchronous_commit=off")
}

/// [`connect_postgres`], for a connection whose commits wait for the disk
/// whatever the server's default (a cluster's flusher: its commit is what
/// makes the others' durable).
pub fn connect_postgres_committing_durably(
    address: &str,
) -> Result<PostgresConnection, PostgresError> {
    connect(address, " -c synchronous_commit=on")
}

/// [`connect_postgres`], for a connection that plans each query with its
/// values: whether a search's words are rare (read them from the word
/// index) or common (read the newest messages until enough match) decides
/// the plan, and a plan made once for any words would scan the whole log
/// for a rare one (130 ms instead of 2 on 100,000 messages). Costs a
/// fraction of a millisecond per query; for the log's reader.
pub fn connect_postgres_planning_each_query(
    address: &str,
) -> Result<PostgresConnection, PostgresError> {
    connect(address, " -c plan_cache_mode=force_custom_plan")
}

/// Connects with `settings` (`-c name=value` startup options), kept for
/// every reconnection.
fn connect(address: &str, settings: &str) -> Result<PostgresConnection, PostgresError> {
    let mut config: postgres::Config = address.parse().map_err(PostgresError::Address)?;
    // Notices ("already exists, skipping") are not worth a log line.
    let mut options = config.get_options().unwrap_or_default().to_owned();
    options.push_str(" -c client_min_messages=warning");
    options.push_str(settings);
    config.options(options.trim());
    if config.get_connect_timeout().is_none() {
        config.connect_timeout(Duration::from_secs(5));
    }
    // A server that vanished without closing (power cut, cable) is noticed
    // in seconds, not after the kernel's two hours.
    config
        .keepalives(true)
        .keepalives_idle(Duration::from_secs(10))
        .tcp_user_timeout(Duration::from_secs(20))
        .application_name("tertulia-server");
    let client = config.connect(NoTls).map_err(PostgresError::Connect)?;
    let mut db = PostgresConnection {
        config,
        client: Some(client),
        prepared: HashMap::new(),
        in_transaction: false,
    };
    db.migrate()?;
    Ok(db)
}

impl PostgresConnection {
    fn migrate(&mut self) -> Result<(), PostgresError> {
        let failed = |step, error: postgres::Error| PostgresError::Migration {
            step,
            error: error.into(),
        };
        let client = self
            .client()
            .map_err(|error| PostgresError::Migration { step: 0, error })?;
        // A node opens several connections, each checking the schema: one
        // read when it is up to date (the usual case), the lock only when
        // a step may be missing.
        let current = client
            .query_one("SELECT COALESCE(MAX(version), 0) FROM schema_version", &[])
            .and_then(|row| row.try_get::<_, i64>(0));
        if current
            .is_ok_and(|done| usize::try_from(done).is_ok_and(|done| done >= MIGRATIONS.len()))
        {
            return Ok(());
        }
        client
            .execute("SELECT pg_advisory_lock($1)", &[&MIGRATION_LOCK])
            .map_err(|e| failed(0, e))?;
        let applied = (|| -> Result<(), PostgresError> {
            client
                .batch_execute(
                    "CREATE TABLE IF NOT EXISTS schema_version (version BIGINT NOT NULL)",
                )
                .map_err(|e| failed(0, e))?;
            let done: i64 = client
                .query_one("SELECT COALESCE(MAX(version), 0) FROM schema_version", &[])
                .and_then(|row| row.try_get(0))
                .map_err(|e| failed(0, e))?;
            let done = usize::try_from(done).unwrap_or(0);
            for (index, step) in MIGRATIONS.iter().enumerate().skip(done) {
                let number = index + 1;
                let mut tx = client.transaction().map_err(|e| failed(number, e))?;
                tx.batch_execute(step).map_err(|e| failed(number, e))?;
                let version = i64::try_from(number).unwrap_or(i64::MAX);
                tx.execute("INSERT INTO schema_version VALUES ($1)", &[&version])
                    .map_err(|e| failed(number, e))?;
                tx.commit().map_err(|e| failed(number, e))?;
            }
            Ok(())
        })();
        let unlocked = client.execute("SELECT pg_advisory_unlock($1)", &[&MIGRATION_LOCK]);
        applied?;
        unlocked.map_err(|e| failed(0, e))?;
        Ok(())
    }

    fn client(&mut self) -> Result<&mut Client, SqlError> {
        self.client.as_mut().ok_or(SqlError::Closed)
    }

    /// Connects again if PostgreSQL closed the connection, unless a
    /// transaction was under way (it is lost: its caller sees it fail).
    fn reconnect_if_closed(&mut self) -> Result<(), SqlError> {
        let closed = self.client.as_ref().is_none_or(Client::is_closed);
        if !closed || self.in_transaction {
            return Ok(());
        }
        self.reconnect()
    }

    fn reconnect(&mut self) -> Result<(), SqlError> {
        tracing::warn!("the connection to PostgreSQL was closed; connecting again");
        let client = self.config.connect(NoTls)?;
        self.prepared.clear();
        if let Some(old) = self.client.replace(client) {
            std::thread::spawn(move || drop(old));
        }
        Ok(())
    }

    /// Runs `work` on the connection; if it fails because the connection
    /// had been closed (outside a transaction, so nothing was half done),
    /// once more on a new one.
    fn with_retry<T>(
        &mut self,
        work: impl Fn(&mut Self) -> Result<T, SqlError>,
    ) -> Result<T, SqlError> {
        self.reconnect_if_closed()?;
        match work(self) {
            Err(SqlError::Postgres(e)) if connection_lost(&e) && !self.in_transaction => {
                self.reconnect()?;
                work(self)
            }
            done => done,
        }
    }

    fn statement(&mut self, sql: &str) -> Result<Statement, SqlError> {
        if let Some(statement) = self.prepared.get(sql) {
            return Ok(statement.clone());
        }
        let statement = self.client()?.prepare(&numbered(sql))?;
        self.prepared.insert(sql.to_owned(), statement.clone());
        Ok(statement)
    }
}

impl Sql for PostgresConnection {
    fn engine(&self) -> Engine {
        Engine::Postgres
    }

    fn execute(&mut self, sql: &str, params: &[Value<'_>]) -> Result<u64, SqlError> {
        let params: Vec<&(dyn ToSql + Sync)> = params.iter().map(|p| p as _).collect();
        self.with_retry(|db| {
            let statement = db.statement(sql)?;
            Ok(db.client()?.execute(&statement, &params)?)
        })
    }

    fn query(&mut self, sql: &str, params: &[Value<'_>]) -> Result<Vec<Row>, SqlError> {
        let params: Vec<&(dyn ToSql + Sync)> = params.iter().map(|p| p as _).collect();
        let rows = self.with_retry(|db| {
            let statement = db.statement(sql)?;
            Ok(db.client()?.query(&statement, &params)?)
        })?;
        rows.iter()
            .map(|row| {
                (0..row.len())
                    .map(|i| row.try_get::<_, Value<'static>>(i))
                    .collect::<Result<Vec<_>, _>>()
                    .map(Row)
                    .map_err(SqlError::from)
            })
            .collect()
    }

    fn begin_write(&mut self, lock: WriteLock) -> Result<(), SqlError> {
        self.with_retry(|db| Ok(db.client()?.batch_execute("BEGIN")?))?;
        self.in_transaction = true;
        let key = lock as i64;
        let client = self.client()?;
        if let Err(e) = client.execute("SELECT pg_advisory_xact_lock($1)", &[&key]) {
            let _ = client.batch_execute("ROLLBACK");
            self.in_transaction = false;
            return Err(e.into());
        }
        Ok(())
    }

    fn commit(&mut self) -> Result<(), SqlError> {
        self.in_transaction = false;
        self.client()?.batch_execute("COMMIT")?;
        Ok(())
    }

    fn rollback(&mut self) -> Result<(), SqlError> {
        self.in_transaction = false;
        self.client()?.batch_execute("ROLLBACK")?;
        Ok(())
    }
}

/// Whether `e` says the connection is gone (closed, cut, or ended by the
/// server: a restart or an administrator's command), not that a statement
/// was wrong.
fn connection_lost(e: &postgres::Error) -> bool {
    let ended_by_server = e
        .code()
        .is_some_and(|code| code.code().starts_with("57P") || code.code().starts_with("08"));
    let io = std::error::Error::source(e).is_some_and(|source| source.is::<std::io::Error>());
    e.is_closed() || ended_by_server || io
}

/// `?1` → `$1`: our queries are written with SQLite's numbered parameters.
/// None of them has a `?` inside a string.
fn numbered(sql: &str) -> String {
    sql.replace('?', "$")
}

impl ToSql for Value<'_> {
    fn to_sql(
        &self,
        ty: &Type,
        out: &mut BytesMut,
    ) -> Result<IsNull, Box<dyn Error + Sync + Send>> {
        match self {
            Value::Null => Ok(IsNull::Yes),
            Value::Int(n) => match *ty {
                Type::INT4 => i32::try_from(*n)?.to_sql(ty, out),
                Type::INT2 => i16::try_from(*n)?.to_sql(ty, out),
                Type::BOOL => (*n != 0).to_sql(ty, out),
                _ => n.to_sql(ty, out),
            },
            Value::Text(text) => text.as_ref().to_sql(ty, out),
            Value::Bool(flag) => flag.to_sql(ty, out),
            Value::Bytes(bytes) => bytes.as_ref().to_sql(ty, out),
        }
    }

    fn accepts(_: &Type) -> bool {
        true
    }

    to_sql_checked!();
}

impl<'a> FromSql<'a> for Value<'static> {
    fn from_sql(ty: &Type, raw: &'a [u8]) -> Result<Value<'static>, Box<dyn Error + Sync + Send>> {
        Ok(match *ty {
            Type::INT8 => Value::Int(i64::from_sql(ty, raw)?),
            Type::INT4 => Value::Int(i32::from_sql(ty, raw)?.into()),
            Type::INT2 => Value::Int(i16::from_sql(ty, raw)?.into()),
            Type::BOOL => Value::Bool(bool::from_sql(ty, raw)?),
            Type::BYTEA => Value::Bytes(Vec::<u8>::from_sql(ty, raw)?.into()),
            _ if <&str as FromSql>::accepts(ty) => Value::Text(String::from_sql(ty, raw)?.into()),
            _ => return Err(format!("no Value for PostgreSQL type {ty}").into()),
        })
    }

    fn from_sql_null(_: &Type) -> Result<Value<'static>, Box<dyn Error + Sync + Send>> {
        Ok(Value::Null)
    }

    fn accepts(_: &Type) -> bool {
        true
    }
}
