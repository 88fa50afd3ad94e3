//! PostgreSQL's schema: the same tables as SQLite's (`crate::db`), in
//! PostgreSQL's types.

/// The schema, in the same steps as SQLite's (`crate::db`) where the
/// tables exist on both. Append; never edit a released step. Logins are
/// `citext`, so `login = ?1` ignores case as SQLite's `COLLATE NOCASE` does.
pub(super) const MIGRATIONS: &[&str] = &[
    // Accounts, their tokens, the server's settings, roles, bans, mutes and
    // the record of what staff did.
    "CREATE EXTENSION IF NOT EXISTS citext;
    CREATE TABLE accounts (
        id                   BIGSERIAL PRIMARY KEY,
        login                CITEXT NOT NULL UNIQUE,
        first_names          TEXT NOT NULL,
        last_names           TEXT NOT NULL,
        password_hash        TEXT NOT NULL,
        age                  BIGINT NOT NULL,
        gender               TEXT NOT NULL,
        created_at_ms        BIGINT NOT NULL,
        role                 TEXT NOT NULL DEFAULT 'student',
        banned               TEXT,
        muted_until          BIGINT,
        mute_reason          TEXT,
        must_change_password BOOLEAN NOT NULL DEFAULT FALSE
    );
    CREATE TABLE sessions (
        token_hash TEXT PRIMARY KEY,
        login      CITEXT NOT NULL,
        created_ms BIGINT NOT NULL,
        expires_ms BIGINT NOT NULL,
        revoked    TEXT
    );
    CREATE INDEX sessions_by_login ON sessions(login);
    CREATE INDEX sessions_by_expiry ON sessions(expires_ms);
    CREATE TABLE settings (
        key   TEXT PRIMARY KEY,
        value TEXT NOT NULL
    );
    CREATE TABLE audit (
        id      BIGSERIAL PRIMARY KEY,
        time_ms BIGINT NOT NULL,
        actor   TEXT NOT NULL,
        action  TEXT NOT NULL,
        target  TEXT,
        reason  TEXT,
        detail  TEXT
    );",
    // The message log (ids given by the server; the highest ever stored is
    // kept in `log_state`, as SQLite's AUTOINCREMENT keeps it), reactions,
    // the shared files' rows and uploads under way, and the search index:
    // the text folded (lower case, no accents) and cut into words, kept by
    // PostgreSQL at each commit.
    "CREATE EXTENSION IF NOT EXISTS unaccent;
    CREATE TABLE messages (
        id            BIGINT PRIMARY KEY,
        room          TEXT,
        sender        TEXT NOT NULL,
        recipient     TEXT,
        sender_key    TEXT,
        recipient_key TEXT,
        text          TEXT NOT NULL,
        time_ms       BIGINT NOT NULL,
        pending       BOOLEAN NOT NULL DEFAULT FALSE,
        file_id       BIGINT,
        deleted_by    TEXT,
        reply_to      BIGINT,
        reply_from    TEXT,
        reply_quote   TEXT,
        edited        BOOLEAN NOT NULL DEFAULT FALSE
    );
    CREATE INDEX messages_by_room ON messages(room, id) WHERE room IS NOT NULL;
    CREATE INDEX messages_to ON messages(recipient_key, id) WHERE room IS NULL;
    CREATE INDEX messages_from ON messages(sender_key, id) WHERE room IS NULL;
    CREATE INDEX messages_by_time ON messages(time_ms);
    CREATE TABLE log_state (
        id         INTEGER PRIMARY KEY CHECK (id = 0),
        highest_id BIGINT NOT NULL
    );
    INSERT INTO log_state VALUES (0, 0);
    CREATE TABLE reactions (
        message BIGINT NOT NULL REFERENCES messages(id) ON DELETE CASCADE,
        login   TEXT NOT NULL,
        emoji   TEXT NOT NULL,
        time_ms BIGINT NOT NULL,
        PRIMARY KEY (message, login, emoji)
    );
    CREATE TABLE files (
        id            BIGSERIAL PRIMARY KEY,
        sha256        TEXT NOT NULL,
        size          BIGINT NOT NULL,
        name          TEXT NOT NULL,
        mime          TEXT NOT NULL,
        owner         TEXT NOT NULL,
        owner_key     TEXT NOT NULL,
        room          TEXT,
        recipient_key TEXT,
        time_ms       BIGINT NOT NULL
    );
    CREATE INDEX files_by_room ON files(room) WHERE room IS NOT NULL;
    CREATE INDEX files_by_hash ON files(sha256);
    CREATE TABLE uploads (
        id         BIGSERIAL PRIMARY KEY,
        owner      TEXT NOT NULL,
        owner_key  TEXT NOT NULL,
        name       TEXT NOT NULL,
        size       BIGINT NOT NULL,
        sha256     TEXT NOT NULL,
        room       TEXT,
        room_name  TEXT,
        recipient  TEXT,
        created_ms BIGINT NOT NULL
    );
    -- unaccent() is not IMMUTABLE (its dictionary could change), so an
    -- index cannot use it directly; the dictionary is named here.
    CREATE FUNCTION tertulia_fold(TEXT) RETURNS TEXT
        LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT
        AS $$ SELECT lower(public.unaccent('public.unaccent'::regdictionary, $1)) $$;
    CREATE INDEX messages_words ON messages
        USING gin (to_tsvector('simple', tertulia_fold(text)));",
    // Shared files' bytes, so that every node serves every file; kept
    // uncompressed so that a chunk is read without the whole content.
    "CREATE TABLE file_contents (
        sha256 TEXT PRIMARY KEY,
        data   BYTEA NOT NULL
    );
    ALTER TABLE file_contents ALTER COLUMN data SET STORAGE EXTERNAL;",
    // The words of each message kept beside it: a search that reads the
    // newest messages (common words) checks each one's words instead of
    // folding and cutting its text again (365 ms → under 1 ms on 100,000
    // messages), and the planner has statistics to choose by.
    "ALTER TABLE messages ADD COLUMN words TSVECTOR
        GENERATED ALWAYS AS (to_tsvector('simple', tertulia_fold(text))) STORED;
    DROP INDEX messages_words;
    CREATE INDEX messages_words ON messages USING gin (words);",
    // Several nodes (docs/SCALING.md): message ids from one sequence, and
    // each room's last id and stamp, the row its messages lock in turn so
    // that id order, commit order and stamp order agree in a room.
    "CREATE SEQUENCE message_ids;
    CREATE TABLE room_seq (
        room         TEXT PRIMARY KEY,
        last_id      BIGINT NOT NULL,
        last_time_ms BIGINT NOT NULL
    );",
    // The rooms every node serves: a name (or a name that looks like it)
    // has one winner, and each room names the node its creator is on, so
    // that a node that dies takes its people's rooms with it. Each node
    // says it is alive in `nodes`, by PostgreSQL's clock.
    "CREATE TABLE rooms (
        key         TEXT PRIMARY KEY,
        skeleton    TEXT NOT NULL UNIQUE,
        name        TEXT NOT NULL,
        creator_key TEXT NOT NULL,
        creator     TEXT NOT NULL,
        node        TEXT NOT NULL
    );
    CREATE INDEX rooms_by_creator ON rooms(creator_key);
    CREATE TABLE nodes (
        node TEXT PRIMARY KEY,
        seen TIMESTAMPTZ NOT NULL
    );",
];
