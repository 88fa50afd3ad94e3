//! The log's queries, each cut into pages that fit the protocol's line.

use tertulia_shared::{
    ChatMessage, ErrorBody, ErrorCode, FileInfo, MessageId, PrivateMessage, Quote, TimestampMs,
};

use super::{QUEUE_CAPACITY, Resume};
use crate::page;
use crate::sql::{Engine, Row, Sql, SqlError};
use crate::sql_params;

/// Rows read for one page at most (a page of short messages stops here
/// before it reaches the byte budget).
const PAGE_ROWS: usize = 200;
/// One more than a page, to know whether more follow.
const ROWS_READ: i64 = PAGE_ROWS as i64 + 1;

/// Which part of a history to read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Page {
    /// The newest messages.
    Latest,
    /// The newest messages older than this id (scrolling back).
    Before(MessageId),
    /// The oldest messages newer than this id (catching up).
    After(MessageId),
}

impl Page {
    /// The page a request's `before_id` / `after_id` ask for.
    pub fn asked(
        before_id: Option<MessageId>,
        after_id: Option<MessageId>,
    ) -> Result<Page, ErrorBody> {
        match (before_id, after_id) {
            (None, None) => Ok(Page::Latest),
            (Some(before), None) => Ok(Page::Before(before)),
            (None, Some(after)) => Ok(Page::After(after)),
            (Some(_), Some(_)) => Err(ErrorBody::new(
                ErrorCode::Malformed,
                "Give before_id or after_id, not both.",
            )),
        }
    }

    /// The id range and order a page reads: `(low, high, newest_first)`,
    /// both bounds exclusive.
    fn bounds(self) -> (i64, i64, bool) {
        let id = |id: MessageId| i64::try_from(id).unwrap_or(i64::MAX);
        match self {
            Page::Latest => (0, i64::MAX, true),
            Page::Before(before) => (0, id(before), true),
            Page::After(after) => (id(after), i64::MAX, false),
        }
    }
}

/// Where ids and stamps resume. Ids skip [`QUEUE_CAPACITY`] past the
/// highest one stored: ids given out but not yet stored when the server
/// was killed were seen by clients and must never name another message.
pub(super) fn resume(db: &mut dyn Sql) -> Result<Resume, SqlError> {
    // The highest id ever stored, even if pruned since: SQLite keeps it
    // for AUTOINCREMENT, PostgreSQL in `log_state` (see `writer`).
    let highest = match db.engine() {
        Engine::Sqlite => db.query_opt(
            "SELECT seq FROM sqlite_sequence WHERE name = 'messages'",
            &[],
        )?,
        Engine::Postgres => db.query_opt("SELECT highest_id FROM log_state", &[])?,
    };
    let highest: Option<i64> = highest.map(|row| row.get(0)).transpose()?;
    let last_stamp_ms: Option<i64> = db
        .query_opt("SELECT time_ms FROM messages ORDER BY id DESC LIMIT 1", &[])?
        .map(|row| row.get(0))
        .transpose()?;
    let highest = highest.map_or(0, |s| u64::try_from(s).unwrap_or(0));
    let gap = if highest == 0 {
        0
    } else {
        QUEUE_CAPACITY as u64
    };
    Ok(Resume {
        next_id: highest + gap + 1,
        last_stamp_ms: last_stamp_ms.unwrap_or(0),
    })
}

fn order(newest_first: bool) -> &'static str {
    if newest_first { "DESC" } else { "ASC" }
}

pub(super) fn id_of(value: i64) -> MessageId {
    u64::try_from(value).unwrap_or(0)
}

/// Fills a page from rows read in the page's order; `more` when rows remain.
fn fill<T: serde::Serialize>(rows: Vec<T>, newest_first: bool) -> (Vec<T>, bool) {
    let read = rows.len();
    let (mut page, cut) = page::fill(rows.into_iter().map(|row| ((), row)));
    let more = cut.is_some() || read > PAGE_ROWS;
    page.truncate(PAGE_ROWS);
    if newest_first {
        page.reverse();
    }
    (page, more)
}

pub(super) fn room_page(
    db: &mut dyn Sql,
    room_key: &str,
    room_name: &str,
    page: Page,
    first_id: MessageId,
) -> Result<(Vec<ChatMessage>, bool), SqlError> {
    let (low, high, newest_first) = page.bounds();
    let low = low.max(i64::try_from(first_id).unwrap_or(i64::MAX) - 1);
    let sql = format!(
        "SELECT m.id, m.sender, m.text, m.time_ms, {FILE_COLUMNS} FROM messages m {WITH_FILE}
         WHERE m.room = ?1 AND m.id > ?2 AND m.id < ?3 ORDER BY m.id {} LIMIT ?4",
        order(newest_first)
    );
    let mut rows = db
        .query(&sql, sql_params![room_key, low, high, ROWS_READ])?
        .iter()
        .map(|row| chat_message(row, room_name))
        .collect::<Result<Vec<_>, _>>()?;
    super::reactions::attach_reactions(db, &mut rows, |m| m.id, |m| &mut m.reactions)?;
    Ok(fill(rows, newest_first))
}

/// The shared file's columns, read after a message's own from `first` on
/// (NULL when the message shares none, or the file is no longer kept),
/// then whether it was deleted (see [`deleted`]), what it answers
/// ([`quote`]) and whether it was edited.
const FILE_COLUMNS: &str = "f.id, f.name, f.size, f.mime, f.sha256, m.deleted_by IS NOT NULL, \
                            m.reply_to, m.reply_from, m.reply_quote, m.edited";
const WITH_FILE: &str = "LEFT JOIN files f ON f.id = m.file_id";

fn file_info(row: &Row, first: usize) -> Result<Option<FileInfo>, SqlError> {
    let Some(id) = row.get::<Option<i64>>(first)? else {
        return Ok(None);
    };
    Ok(Some(FileInfo {
        id: id_of(id),
        name: row.get(first + 1)?,
        size: u64::try_from(row.get::<i64>(first + 2)?).unwrap_or(0),
        mime: row.get(first + 3)?,
        sha256: row.get(first + 4)?,
    }))
}

/// Whether the message was deleted: the column after the file's.
fn deleted(row: &Row, first: usize) -> Result<bool, SqlError> {
    row.get(first + 5)
}

/// The message it answers, quoted: the three columns after `deleted`.
fn quote(row: &Row, first: usize) -> Result<Option<Box<Quote>>, SqlError> {
    let Some(id) = row.get::<Option<i64>>(first + 6)? else {
        return Ok(None);
    };
    Ok(Some(Box::new(Quote {
        id: id_of(id),
        from: row.get::<Option<String>>(first + 7)?.unwrap_or_default(),
        text: row.get::<Option<String>>(first + 8)?.unwrap_or_default(),
    })))
}

fn edited(row: &Row, first: usize) -> Result<bool, SqlError> {
    row.get(first + 9)
}

fn chat_message(row: &Row, room_name: &str) -> Result<ChatMessage, SqlError> {
    Ok(ChatMessage {
        reactions: Vec::new(),
        id: id_of(row.get(0)?),
        room: room_name.to_owned(),
        from: row.get(1)?,
        text: row.get(2)?,
        time_ms: row.get(3)?,
        file: file_info(row, 4)?,
        deleted: deleted(row, 4)?,
        reply_to: quote(row, 4)?,
        edited: edited(row, 4)?,
    })
}

fn private_message(row: &Row) -> Result<PrivateMessage, SqlError> {
    Ok(PrivateMessage {
        reactions: Vec::new(),
        id: id_of(row.get(0)?),
        from: row.get(1)?,
        to: row.get(2)?,
        text: row.get(3)?,
        time_ms: row.get(4)?,
        file: file_info(row, 5)?,
        deleted: deleted(row, 5)?,
        reply_to: quote(row, 5)?,
        edited: edited(row, 5)?,
    })
}

pub(super) fn private_page(
    db: &mut dyn Sql,
    login_key: &str,
    page: Page,
) -> Result<(Vec<PrivateMessage>, bool), SqlError> {
    let (low, high, newest_first) = page.bounds();
    // Two index ranges (received, sent) merged by the union.
    let sql = format!(
        "SELECT m.id, m.sender, m.recipient, m.text, m.time_ms, {FILE_COLUMNS}
         FROM messages m {WITH_FILE}
         WHERE m.room IS NULL AND m.recipient_key = ?1 AND m.id > ?2 AND m.id < ?3
         UNION ALL
         SELECT m.id, m.sender, m.recipient, m.text, m.time_ms, {FILE_COLUMNS}
         FROM messages m {WITH_FILE}
         WHERE m.room IS NULL AND m.sender_key = ?1 AND m.recipient_key <> ?1
           AND m.id > ?2 AND m.id < ?3
         ORDER BY 1 {} LIMIT ?4",
        order(newest_first)
    );
    let mut rows = db
        .query(&sql, sql_params![login_key, low, high, ROWS_READ])?
        .iter()
        .map(private_message)
        .collect::<Result<Vec<_>, _>>()?;
    super::reactions::attach_reactions(db, &mut rows, |m| m.id, |m| &mut m.reactions)?;
    Ok(fill(rows, newest_first))
}

pub(super) fn queued_privates(
    db: &mut dyn Sql,
    login_key: &str,
    up_to: MessageId,
) -> Result<Vec<PrivateMessage>, SqlError> {
    let sql = format!(
        "SELECT m.id, m.sender, m.recipient, m.text, m.time_ms, {FILE_COLUMNS}
         FROM messages m {WITH_FILE}
         WHERE m.room IS NULL AND m.recipient_key = ?1 AND m.pending AND m.id <= ?2
         ORDER BY m.id"
    );
    let mut rows = db
        .query(&sql, sql_params![login_key, up_to])?
        .iter()
        .map(private_message)
        .collect::<Result<Vec<_>, _>>()?;
    super::reactions::attach_reactions(db, &mut rows, |m| m.id, |m| &mut m.reactions)?;
    Ok(rows)
}

pub(super) fn recent(
    db: &mut dyn Sql,
    room_key: &str,
    room_name: &str,
    count: usize,
) -> Result<(Vec<ChatMessage>, bool), SqlError> {
    let sql = format!(
        "SELECT m.id, m.sender, m.text, m.time_ms, {FILE_COLUMNS} FROM messages m {WITH_FILE}
         WHERE m.room = ?1 ORDER BY m.id DESC LIMIT ?2"
    );
    let read = i64::try_from(count).unwrap_or(i64::MAX - 1) + 1;
    let mut rows = db
        .query(&sql, sql_params![room_key, read])?
        .iter()
        .map(|row| chat_message(row, room_name))
        .collect::<Result<Vec<_>, _>>()?;
    let more = rows.len() > count;
    rows.truncate(count);
    rows.reverse();
    super::reactions::attach_reactions(db, &mut rows, |m| m.id, |m| &mut m.reactions)?;
    Ok((rows, more))
}

/// A stored message, as `delete_message`, `edit_message`, `react` and
/// replies find it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Found {
    /// The room's key; `None` for a private message.
    pub room_key: Option<String>,
    pub from: String,
    /// A private message's recipient.
    pub to: Option<String>,
    pub text: String,
    pub deleted: bool,
    /// It shares a file (its text is the file's name).
    pub file: bool,
}

impl Found {
    /// Whether `login` (folded) is one of a private message's two people.
    pub fn between(&self, login_key: &str) -> bool {
        use tertulia_shared::validate::fold;
        fold(&self.from) == login_key || self.to.as_deref().is_some_and(|to| fold(to) == login_key)
    }
}

pub(super) fn find(db: &mut dyn Sql, id: MessageId) -> Result<Option<Found>, SqlError> {
    let found = db.query_opt(
        "SELECT room, sender, recipient, text, deleted_by IS NOT NULL, file_id IS NOT NULL
         FROM messages WHERE id = ?1",
        sql_params![id],
    )?;
    let Some(row) = found else { return Ok(None) };
    Ok(Some(Found {
        room_key: row.get(0)?,
        from: row.get(1)?,
        to: row.get(2)?,
        text: row.get(3)?,
        deleted: row.get(4)?,
        file: row.get(5)?,
    }))
}

pub(super) fn span(
    db: &mut dyn Sql,
    room_key: &str,
    room_name: &str,
    (from_ms, to_ms): (TimestampMs, TimestampMs),
    first_id: MessageId,
    limit: usize,
) -> Result<Vec<ChatMessage>, SqlError> {
    let sql = format!(
        "SELECT m.id, m.sender, m.text, m.time_ms, {FILE_COLUMNS} FROM messages m {WITH_FILE}
         WHERE m.room = ?1 AND m.id >= ?2 AND m.time_ms >= ?3 AND m.time_ms < ?4
         ORDER BY m.id LIMIT ?5"
    );
    let limit = i64::try_from(limit).unwrap_or(i64::MAX);
    db.query(&sql, sql_params![room_key, first_id, from_ms, to_ms, limit])?
        .iter()
        .map(|row| chat_message(row, room_name))
        .collect()
}
