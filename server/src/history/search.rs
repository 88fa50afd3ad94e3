//! Searching the stored log, newest first: on SQLite the FTS5 index the
//! writer keeps (see `index.rs`); on PostgreSQL the `words` of each
//! message (its text folded: lower case, no accents) and their GIN index,
//! kept by PostgreSQL itself.

use tertulia_shared::{MessageId, SearchHit};

use super::read::id_of;
use crate::sql::{Engine, Sql, SqlError};
use crate::sql_params;

/// The words of a search, each a prefix (`fisi` finds `física`), all of
/// them required.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Words(Vec<String>);

/// The words of `query`; `None` when no word is left (only punctuation).
pub fn match_query(query: &str) -> Option<Words> {
    let words: Vec<String> = query
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .take(16)
        .map(str::to_owned)
        .collect();
    (!words.is_empty()).then_some(Words(words))
}

impl Words {
    /// As an FTS5 query: each word a quoted prefix.
    fn fts5(&self) -> String {
        let quoted: Vec<String> = self.0.iter().map(|w| format!("\"{w}\"*")).collect();
        quoted.join(" ")
    }

    /// As a PostgreSQL `tsquery`: each word a prefix, all required (the
    /// words are letters and digits only, so nothing needs quoting).
    fn tsquery(&self) -> String {
        let prefixes: Vec<String> = self.0.iter().map(|w| format!("{w}:*")).collect();
        prefixes.join(" & ")
    }
}

/// A page of search hits, each with its room's key (`None`: a private
/// message), and whether older hits exist.
pub type Hits = (Vec<(Option<String>, SearchHit)>, bool);

/// Where a search looks.
#[derive(Debug, Clone)]
pub enum Scope {
    /// One room (its key), from its first id on.
    Room {
        room_key: String,
        first_id: MessageId,
    },
    /// Every room, and the private messages of this (folded) login.
    Everywhere { login_key: String },
}

/// One page of hits, newest first, before `before_id`: each with its room
/// key (to be named by the caller) or its private people.
pub(super) fn search(
    db: &mut dyn Sql,
    words: &Words,
    scope: &Scope,
    before_id: Option<MessageId>,
    limit: usize,
) -> Result<Hits, SqlError> {
    let before = before_id.map_or(i64::MAX, super::writer::sql_id);
    let limit = i64::try_from(limit + 1).unwrap_or(i64::MAX);
    let (filter, key, low) = match scope {
        Scope::Room { room_key, first_id } => (
            "m.room = ?3",
            room_key.as_str(),
            super::writer::sql_id(*first_id),
        ),
        Scope::Everywhere { login_key } => (
            "(m.room IS NOT NULL OR m.sender_key = ?3 OR m.recipient_key = ?3)",
            login_key.as_str(),
            0,
        ),
    };
    let rows = match db.engine() {
        // CROSS JOIN: the index is read once, newest first, and each hit's
        // message looked up; the other way round SQLite may look the words
        // up again for every message of a room (seconds per search).
        Engine::Sqlite => db.query(
            &format!(
                "SELECT m.id, m.room, m.sender, m.recipient, m.text, m.time_ms
                 FROM messages_fts f CROSS JOIN messages m ON m.id = f.rowid
                 WHERE messages_fts MATCH ?1 AND f.rowid < ?2 AND f.rowid >= ?4 AND {filter}
                   AND m.deleted_by IS NULL
                 ORDER BY f.rowid DESC LIMIT ?5"
            ),
            sql_params![words.fts5(), before, key, low, limit],
        )?,
        Engine::Postgres => db.query(
            &format!(
                "SELECT m.id, m.room, m.sender, m.recipient, m.text, m.time_ms
                 FROM messages m
                 WHERE m.words @@ to_tsquery('simple', tertulia_fold(?1))
                   AND m.id < ?2 AND m.id >= ?4 AND {filter} AND m.deleted_by IS NULL
                 ORDER BY m.id DESC LIMIT ?5"
            ),
            sql_params![words.tsquery(), before, key, low, limit],
        )?,
    };
    let mut hits = rows
        .iter()
        .map(|row| {
            let room: Option<String> = row.get(1)?;
            Ok((
                room.clone(),
                SearchHit {
                    id: id_of(row.get(0)?),
                    room,
                    from: row.get(2)?,
                    to: row.get(3)?,
                    text: row.get(4)?,
                    time_ms: row.get(5)?,
                },
            ))
        })
        .collect::<Result<Vec<_>, SqlError>>()?;
    let more = hits.len() > usize::try_from(limit - 1).unwrap_or(0);
    hits.truncate(usize::try_from(limit - 1).unwrap_or(0));
    Ok((hits, more))
}
