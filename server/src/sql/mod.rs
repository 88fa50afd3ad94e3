//! One way to run a statement on SQLite (one node) or PostgreSQL (several
//! nodes, docs/SCALING.md): each query is written once, with `?1`-style
//! parameters, and runs on either engine.
//!
//! Both drivers block, so a connection is used only from a blocking thread
//! (`spawn_blocking`), never from a tokio worker.

use std::borrow::Cow;
use std::fmt;

mod postgres;
mod postgres_schema;
mod sqlite;

pub use self::postgres::{
    PostgresError, connect_postgres, connect_postgres_committing_durably,
    connect_postgres_committing_later, connect_postgres_planning_each_query,
};

/// A parameter (borrowing what it can: a message's text is not copied to
/// be stored) or a column value (owned).
#[derive(Debug, Clone, PartialEq)]
pub enum Value<'a> {
    Null,
    Int(i64),
    Text(Cow<'a, str>),
    Bool(bool),
    Bytes(Cow<'a, [u8]>),
}

/// One row of a query's answer.
#[derive(Debug, Clone, PartialEq)]
pub struct Row(Vec<Value<'static>>);

/// Why a statement failed.
#[derive(Debug, thiserror::Error)]
pub enum SqlError {
    #[error("SQLite: {0}")]
    Sqlite(#[from] rusqlite::Error),
    #[error("PostgreSQL: {0}")]
    Postgres(#[from] ::postgres::Error),
    #[error("column {column} is {found}, not {wanted}")]
    Type {
        column: usize,
        found: &'static str,
        wanted: &'static str,
    },
    #[error("a query's answer has no column {0}")]
    NoColumn(usize),
    #[error("the connection is closed")]
    Closed,
    #[error("a row that must exist is missing: {0}")]
    Missing(&'static str),
    #[error("background task failed: {0}")]
    Join(#[from] tokio::task::JoinError),
}

impl SqlError {
    /// A unique constraint refused the row (a taken login, a room name
    /// created twice at once).
    pub fn is_unique_violation(&self) -> bool {
        match self {
            SqlError::Sqlite(rusqlite::Error::SqliteFailure(e, _)) => {
                e.code == rusqlite::ErrorCode::ConstraintViolation
            }
            SqlError::Postgres(e) => {
                e.code() == Some(&::postgres::error::SqlState::UNIQUE_VIOLATION)
            }
            _ => false,
        }
    }
}

/// Which engine a connection talks to, for the few places they differ.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Engine {
    Sqlite,
    Postgres,
}

/// A connection to either engine.
pub trait Sql: Send + fmt::Debug {
    fn engine(&self) -> Engine;
    /// Runs a statement; answers how many rows it changed.
    fn execute(&mut self, sql: &str, params: &[Value<'_>]) -> Result<u64, SqlError>;
    /// Runs a query; answers its rows.
    fn query(&mut self, sql: &str, params: &[Value<'_>]) -> Result<Vec<Row>, SqlError>;
    /// Starts a transaction that writes: SQLite takes its write lock at
    /// once (`BEGIN IMMEDIATE`); PostgreSQL takes an advisory lock that
    /// every writing transaction of the same `lock` takes, so a check and
    /// the write it allows cannot be interleaved by another node.
    fn begin_write(&mut self, lock: WriteLock) -> Result<(), SqlError>;
    fn commit(&mut self) -> Result<(), SqlError>;
    fn rollback(&mut self) -> Result<(), SqlError>;

    /// The first row of a query, if any.
    fn query_opt(&mut self, sql: &str, params: &[Value<'_>]) -> Result<Option<Row>, SqlError> {
        Ok(self.query(sql, params)?.into_iter().next())
    }
}

/// What a writing transaction serialises against (PostgreSQL's advisory
/// lock keys; SQLite has one write lock for everything).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WriteLock {
    /// Accounts, roles, tokens, settings.
    Accounts = 1,
    /// Reactions (toggled by whoever reacts, beside the log's writer).
    Reactions = 2,
    /// The message log's writer (and its search indexer).
    Log = 3,
}

/// Runs `work` in a writing transaction: committed if it succeeds, rolled
/// back if it fails.
pub fn write_transaction<T, E: From<SqlError>>(
    db: &mut dyn Sql,
    lock: WriteLock,
    work: impl FnOnce(&mut dyn Sql) -> Result<T, E>,
) -> Result<T, E> {
    db.begin_write(lock)?;
    match work(db) {
        Ok(done) => {
            db.commit()?;
            Ok(done)
        }
        Err(e) => {
            if let Err(undo) = db.rollback() {
                tracing::warn!("rolling back a failed transaction: {undo}");
            }
            Err(e)
        }
    }
}

impl Row {
    /// Column `column`, converted.
    pub fn get<T: FromValue>(&self, column: usize) -> Result<T, SqlError> {
        let value = self.0.get(column).ok_or(SqlError::NoColumn(column))?;
        T::from_value(value).ok_or(SqlError::Type {
            column,
            found: value.kind(),
            wanted: T::KIND,
        })
    }
}

impl Value<'_> {
    fn kind(&self) -> &'static str {
        match self {
            Value::Null => "null",
            Value::Int(_) => "an integer",
            Value::Text(_) => "text",
            Value::Bool(_) => "a boolean",
            Value::Bytes(_) => "bytes",
        }
    }
}

/// A Rust type a column converts to.
pub trait FromValue: Sized {
    const KIND: &'static str;
    fn from_value(value: &Value<'_>) -> Option<Self>;
}

impl FromValue for i64 {
    const KIND: &'static str = "an integer";
    fn from_value(value: &Value<'_>) -> Option<Self> {
        match value {
            Value::Int(n) => Some(*n),
            _ => None,
        }
    }
}

impl FromValue for String {
    const KIND: &'static str = "text";
    fn from_value(value: &Value<'_>) -> Option<Self> {
        match value {
            Value::Text(text) => Some(text.clone().into_owned()),
            _ => None,
        }
    }
}

/// SQLite keeps booleans as 0 and 1.
impl FromValue for bool {
    const KIND: &'static str = "a boolean";
    fn from_value(value: &Value<'_>) -> Option<Self> {
        match value {
            Value::Bool(flag) => Some(*flag),
            Value::Int(n) => Some(*n != 0),
            _ => None,
        }
    }
}

impl FromValue for Vec<u8> {
    const KIND: &'static str = "bytes";
    fn from_value(value: &Value<'_>) -> Option<Self> {
        match value {
            Value::Bytes(bytes) => Some(bytes.clone().into_owned()),
            _ => None,
        }
    }
}

impl<T: FromValue> FromValue for Option<T> {
    const KIND: &'static str = T::KIND;
    fn from_value(value: &Value<'_>) -> Option<Self> {
        match value {
            Value::Null => Some(None),
            other => T::from_value(other).map(Some),
        }
    }
}

impl From<i64> for Value<'_> {
    fn from(n: i64) -> Self {
        Value::Int(n)
    }
}

impl From<u32> for Value<'_> {
    fn from(n: u32) -> Self {
        Value::Int(i64::from(n))
    }
}

/// Message ids and sizes: the engines keep signed 64-bit integers.
impl From<u64> for Value<'_> {
    fn from(n: u64) -> Self {
        Value::Int(i64::try_from(n).unwrap_or(i64::MAX))
    }
}

impl From<bool> for Value<'_> {
    fn from(flag: bool) -> Self {
        Value::Bool(flag)
    }
}

impl<'a> From<&'a str> for Value<'a> {
    fn from(text: &'a str) -> Self {
        Value::Text(Cow::Borrowed(text))
    }
}

impl From<String> for Value<'_> {
    fn from(text: String) -> Self {
        Value::Text(Cow::Owned(text))
    }
}

impl<'a> From<&'a String> for Value<'a> {
    fn from(text: &'a String) -> Self {
        Value::Text(Cow::Borrowed(text))
    }
}

impl<'a> From<&'a [u8]> for Value<'a> {
    fn from(bytes: &'a [u8]) -> Self {
        Value::Bytes(Cow::Borrowed(bytes))
    }
}

impl<'a, T: Into<Value<'a>>> From<Option<T>> for Value<'a> {
    fn from(value: Option<T>) -> Self {
        value.map_or(Value::Null, Into::into)
    }
}

/// `sql_params![a, b]`: the parameters of a statement, `?1` first.
#[macro_export]
macro_rules! sql_params {
    ($($value:expr),* $(,)?) => {
        &[$($crate::sql::Value::from($value)),*][..]
    };
}

#[cfg(test)]
pub(crate) mod tests;
