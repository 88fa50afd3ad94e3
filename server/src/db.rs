//! The server's one SQLite file: its schema and how every connection to it
//! is opened. Accounts ([`crate::accounts`]) and the message log
//! ([`crate::history`]) each keep their own connections to it.

use std::path::Path;

use rusqlite::Connection;
use rusqlite_migration::{M, Migrations};

/// Schema history. Append new migrations; never edit a released one.
const MIGRATIONS: &[M<'static>] = &[
    M::up(
        "CREATE TABLE accounts (
            id            INTEGER PRIMARY KEY,
            login         TEXT NOT NULL UNIQUE COLLATE NOCASE,
            first_names   TEXT NOT NULL,
            last_names    TEXT NOT NULL,
            password_hash TEXT NOT NULL,
            age           INTEGER NOT NULL,
            gender        TEXT NOT NULL,
            created_at_ms INTEGER NOT NULL
        );",
    ),
    // Every room and private message. `id` is assigned by the server, not by
    // SQLite; AUTOINCREMENT keeps the highest one ever stored in
    // `sqlite_sequence`, so pruning never lets an id come back.
    M::up(
        "CREATE TABLE messages (
            id            INTEGER PRIMARY KEY AUTOINCREMENT,
            room          TEXT,             -- room key; NULL for a private message
            sender        TEXT NOT NULL,    -- login as registered
            recipient     TEXT,             -- private messages only
            sender_key    TEXT,             -- folded logins, private messages only
            recipient_key TEXT,
            text          TEXT NOT NULL,
            time_ms       INTEGER NOT NULL,
            pending       INTEGER NOT NULL DEFAULT 0  -- waits for its offline recipient
        );
        CREATE INDEX messages_by_room ON messages(room, id) WHERE room IS NOT NULL;
        CREATE INDEX messages_to ON messages(recipient_key, id) WHERE room IS NULL;
        CREATE INDEX messages_from ON messages(sender_key, id) WHERE room IS NULL;",
    ),
    // Shared files (see `crate::files`): content on disk under `files/`,
    // named by its SHA-256; a message shares one through `file_id`.
    M::up(
        "CREATE TABLE files (
            id            INTEGER PRIMARY KEY AUTOINCREMENT,
            sha256        TEXT NOT NULL,
            size          INTEGER NOT NULL,
            name          TEXT NOT NULL,    -- made safe; never a path
            mime          TEXT NOT NULL,
            owner         TEXT NOT NULL,    -- login as registered
            owner_key     TEXT NOT NULL,
            room          TEXT,             -- room key; NULL for a private file
            recipient_key TEXT,             -- private files only
            time_ms       INTEGER NOT NULL
        );
        CREATE INDEX files_by_room ON files(room) WHERE room IS NOT NULL;
        CREATE INDEX files_by_hash ON files(sha256);
        CREATE TABLE uploads (
            id         INTEGER PRIMARY KEY AUTOINCREMENT,
            owner      TEXT NOT NULL,
            owner_key  TEXT NOT NULL,
            name       TEXT NOT NULL,
            size       INTEGER NOT NULL,
            sha256     TEXT NOT NULL,
            room       TEXT,
            room_name  TEXT,
            recipient  TEXT,
            created_ms INTEGER NOT NULL
        );
        ALTER TABLE messages ADD COLUMN file_id INTEGER;",
    ),
    // Session tokens (see `crate::accounts`), kept only as their SHA-256;
    // and the server's own settings (the bcrypt cost it measured).
    M::up(
        "CREATE TABLE sessions (
            token_hash TEXT PRIMARY KEY,         -- SHA-256 of the token, hex
            login      TEXT NOT NULL COLLATE NOCASE,
            created_ms INTEGER NOT NULL,
            expires_ms INTEGER NOT NULL,
            revoked    TEXT                      -- NULL while it works
        ) WITHOUT ROWID;
        CREATE INDEX sessions_by_login ON sessions(login);
        CREATE INDEX sessions_by_expiry ON sessions(expires_ms);
        CREATE TABLE settings (
            key   TEXT PRIMARY KEY,
            value TEXT NOT NULL
        );",
    ),
    // Roles (see `crate::accounts::roles`) and the record of what staff
    // did, which the protocol can never delete.
    M::up(
        "ALTER TABLE accounts ADD COLUMN role TEXT NOT NULL DEFAULT 'student';
        CREATE TABLE audit (
            id      INTEGER PRIMARY KEY AUTOINCREMENT,
            time_ms INTEGER NOT NULL,
            actor   TEXT NOT NULL,     -- login as registered
            action  TEXT NOT NULL,     -- the request's name
            target  TEXT,              -- whom it was done to
            reason  TEXT,
            detail  TEXT               -- e.g. the role given
        );",
    ),
    // A ban's reason, while the account is banned.
    M::up("ALTER TABLE accounts ADD COLUMN banned TEXT;"),
    // Mutes, one-time passwords (`reset_password`), and messages a
    // moderator deleted (their text is then only in the audit record).
    M::up(
        "ALTER TABLE accounts ADD COLUMN muted_until INTEGER;
        ALTER TABLE accounts ADD COLUMN mute_reason TEXT;
        ALTER TABLE accounts ADD COLUMN must_change_password INTEGER NOT NULL DEFAULT 0;
        ALTER TABLE messages ADD COLUMN deleted_by TEXT;",
    ),
    // Replies (with a quote of what they answer), edits, reactions, and
    // the search index: FTS5 over the text, accents and case folded. New
    // messages are indexed by the log's writer when it has time (see
    // `history::index`), up to `search_state.indexed_up_to`; the triggers
    // keep what is indexed in step with edits and deletions. `detail='none'`
    // and no column sizes: a search asks for words and prefixes, never
    // phrases or a ranking. A message's reactions go with it.
    M::up(
        "ALTER TABLE messages ADD COLUMN reply_to INTEGER;
        ALTER TABLE messages ADD COLUMN reply_from TEXT;
        ALTER TABLE messages ADD COLUMN reply_quote TEXT;
        ALTER TABLE messages ADD COLUMN edited INTEGER NOT NULL DEFAULT 0;
        CREATE TABLE reactions (
            message INTEGER NOT NULL,
            login   TEXT NOT NULL,        -- as registered
            emoji   TEXT NOT NULL,
            time_ms INTEGER NOT NULL,
            PRIMARY KEY (message, login, emoji)
        ) WITHOUT ROWID;
        CREATE TRIGGER messages_reactions_gone AFTER DELETE ON messages BEGIN
            DELETE FROM reactions WHERE message = old.id;
        END;
        CREATE VIRTUAL TABLE messages_fts USING fts5(
            text, content='messages', content_rowid='id',
            tokenize='unicode61 remove_diacritics 2',
            detail='none', columnsize=0
        );
        -- One row while the index is kept (`--search-index on`).
        CREATE TABLE search_state (
            id            INTEGER PRIMARY KEY CHECK (id = 0),
            indexed_up_to INTEGER NOT NULL
        );
        INSERT INTO search_state VALUES (0, 0);
        CREATE TRIGGER messages_unindexed AFTER DELETE ON messages
        WHEN old.id <= (SELECT indexed_up_to FROM search_state) BEGIN
            INSERT INTO messages_fts(messages_fts, rowid, text) VALUES ('delete', old.id, old.text);
        END;
        CREATE TRIGGER messages_reindexed AFTER UPDATE OF text ON messages
        WHEN old.id <= (SELECT indexed_up_to FROM search_state) BEGIN
            INSERT INTO messages_fts(messages_fts, rowid, text) VALUES ('delete', old.id, old.text);
            INSERT INTO messages_fts(rowid, text) VALUES (new.id, new.text);
        END;",
    ),
];

/// Opens `path` (creating it and its directory if needed), sets it up for
/// concurrent readers and one writer, and brings the schema up to date.
pub(crate) fn connect(path: &Path) -> Result<Connection, DbError> {
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir).map_err(|e| {
            std::io::Error::new(e.kind(), format!("cannot create {}: {e}", dir.display()))
        })?;
    }
    let mut db = Connection::open(path)?;
    // WAL: readers never wait for the writer. NORMAL: a commit survives the
    // process being killed; only a power cut may lose the last moments.
    db.pragma_update(None, "journal_mode", "WAL")?;
    db.pragma_update(None, "synchronous", "NORMAL")?;
    db.busy_timeout(std::time::Duration::from_secs(5))?;
    Migrations::from_slice(MIGRATIONS).to_latest(&mut db)?;
    Ok(db)
}

/// Why the database could not be opened.
#[derive(Debug, thiserror::Error)]
pub enum DbError {
    #[error("database: {0}")]
    Database(#[from] rusqlite::Error),
    #[error("migrations: {0}")]
    Migration(#[from] rusqlite_migration::Error),
    #[error("database: {0}")]
    Sql(#[from] crate::sql::SqlError),
    #[error("{0}")]
    Postgres(#[from] crate::sql::PostgresError),
    #[error("{0}")]
    Io(#[from] std::io::Error),
}

/// Turns the search index on (the default: the writer indexes from the
/// first message on, if it was off) or off (`--search-index off`: a server
/// nobody searches saves the work). Blocking: call it before serving.
pub fn set_search_index(path: &Path, on: bool) -> Result<(), DbError> {
    let db = connect(path)?;
    let kept: bool = db
        .query_row("SELECT COUNT(*) FROM search_state", [], |row| {
            row.get::<_, i64>(0)
        })
        .map(|n| n > 0)?;
    match (on, kept) {
        (true, false) => db.execute_batch(
            "INSERT INTO messages_fts(messages_fts) VALUES ('delete-all');
             INSERT INTO search_state VALUES (0, 0);",
        )?,
        (false, true) => db.execute_batch(
            "DELETE FROM search_state;
             INSERT INTO messages_fts(messages_fts) VALUES ('delete-all');",
        )?,
        _ => {}
    }
    Ok(())
}
