//! [`Sql`] on a SQLite connection (rusqlite), statements cached.

use rusqlite::types::{ToSqlOutput, ValueRef};
use rusqlite::{Connection, params_from_iter};

use super::{Engine, Row, Sql, SqlError, Value, WriteLock};

impl Sql for Connection {
    fn engine(&self) -> Engine {
        Engine::Sqlite
    }

    fn execute(&mut self, sql: &str, params: &[Value<'_>]) -> Result<u64, SqlError> {
        let changed = self
            .prepare_cached(sql)?
            .execute(params_from_iter(params))?;
        Ok(u64::try_from(changed).unwrap_or(u64::MAX))
    }

    fn query(&mut self, sql: &str, params: &[Value<'_>]) -> Result<Vec<Row>, SqlError> {
        let mut statement = self.prepare_cached(sql)?;
        let columns = statement.column_count();
        let rows = statement.query_map(params_from_iter(params), |row| {
            (0..columns)
                .map(|i| row.get_ref(i).map(value_of))
                .collect::<Result<Vec<_>, _>>()
                .map(Row)
        })?;
        Ok(rows.collect::<Result<Vec<_>, _>>()?)
    }

    fn begin_write(&mut self, _lock: WriteLock) -> Result<(), SqlError> {
        self.execute_batch("BEGIN IMMEDIATE")?;
        Ok(())
    }

    fn commit(&mut self) -> Result<(), SqlError> {
        self.execute_batch("COMMIT")?;
        Ok(())
    }

    fn rollback(&mut self) -> Result<(), SqlError> {
        self.execute_batch("ROLLBACK")?;
        Ok(())
    }
}

fn value_of(column: ValueRef<'_>) -> Value<'static> {
    match column {
        ValueRef::Null => Value::Null,
        ValueRef::Integer(n) => Value::Int(n),
        // No column of ours holds a float; keep it readable if one does.
        ValueRef::Real(x) => Value::Text(x.to_string().into()),
        ValueRef::Text(bytes) => Value::Text(String::from_utf8_lossy(bytes).into_owned().into()),
        ValueRef::Blob(bytes) => Value::Bytes(bytes.to_vec().into()),
    }
}

impl rusqlite::ToSql for Value<'_> {
    fn to_sql(&self) -> rusqlite::Result<ToSqlOutput<'_>> {
        Ok(match self {
            Value::Null => ToSqlOutput::Borrowed(ValueRef::Null),
            Value::Int(n) => ToSqlOutput::Borrowed(ValueRef::Integer(*n)),
            Value::Text(text) => ToSqlOutput::Borrowed(ValueRef::Text(text.as_bytes())),
            Value::Bool(flag) => ToSqlOutput::Borrowed(ValueRef::Integer(i64::from(*flag))),
            Value::Bytes(bytes) => ToSqlOutput::Borrowed(ValueRef::Blob(bytes)),
        })
    }
}
