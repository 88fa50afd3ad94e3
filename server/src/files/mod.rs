//! Shared files: uploads in progress, stored content and who may read it.
//!
//! Content lives under `files/` beside the database, or in PostgreSQL
//! (see `contents`), named by its SHA-256 (the same file sent twice is
//! stored once); the name people gave it is only ever shown, never used as
//! a path. An upload writes to
//! `files/partial/<upload id>` until the last byte arrives, then its hash is
//! checked and the content moves into place. Rows in the `files` table say
//! who shared what where; a room's files go with the room (the message log's
//! writer deletes their rows, [`FileStore::sweep`] the content nobody
//! references any more). Every method blocks: call them from a blocking
//! thread (`tokio::task::spawn_blocking`).

mod contents;
mod keep;
mod store;
pub(crate) mod work;

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use tertulia_shared::{ErrorBody, ErrorCode, FileInfo};

use crate::sql::Sql;

pub use store::Target;

/// The limits the server was started with.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FileLimits {
    /// Largest file accepted, in bytes (`--max-file-mb`).
    pub max_file_bytes: u64,
    /// Total content kept, in bytes (`--files-quota-mb`): past it the
    /// oldest files go.
    pub quota_bytes: u64,
}

impl Default for FileLimits {
    fn default() -> Self {
        FileLimits {
            max_file_bytes: tertulia_shared::files::MAX_FILE_MB * 1024 * 1024,
            quota_bytes: 2048 * 1024 * 1024,
        }
    }
}

/// A file offered for sharing.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Offer {
    pub name: String,
    pub size: u64,
    pub sha256: String,
    pub target: Target,
}

/// What an offer (or a chunk) led to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Progress {
    /// Bytes are still wanted: send from `received` on.
    Uploading { upload: u64, received: u64 },
    /// The content is stored: share it.
    Complete { file: FileInfo, target: Target },
}

/// Why a file request failed.
#[derive(Debug, thiserror::Error)]
pub enum FileError {
    #[error("The file is larger than the server accepts ({max_mb} MB at most).")]
    TooLarge { max_mb: u64 },
    #[error("There is no such file (or it is not shared with you, or no longer kept).")]
    NoSuchFile,
    #[error("There is no such upload in progress; offer the file again.")]
    NoSuchUpload,
    #[error("Expected the chunk at byte {expected}.")]
    WrongOffset { expected: u64 },
    #[error("The file has {size} bytes; there is nothing to read past them.")]
    PastTheEnd { size: u64 },
    #[error("The file's content does not match its SHA-256; offer it again.")]
    HashMismatch,
    #[error("The chunk would go past the file's size.")]
    TooLong,
    #[error("{0}")]
    Io(#[from] std::io::Error),
    #[error("database: {0}")]
    Database(#[from] crate::sql::SqlError),
}

impl From<FileError> for ErrorBody {
    fn from(error: FileError) -> ErrorBody {
        let code = match &error {
            FileError::TooLarge { .. } => ErrorCode::FileTooLarge,
            FileError::NoSuchFile => ErrorCode::NoSuchFile,
            FileError::NoSuchUpload => ErrorCode::NoSuchUpload,
            FileError::WrongOffset { .. } | FileError::PastTheEnd { .. } | FileError::TooLong => {
                ErrorCode::WrongOffset
            }
            FileError::HashMismatch => ErrorCode::HashMismatch,
            FileError::Io(e) => {
                tracing::error!("file storage: {e}");
                return ErrorBody::new(
                    ErrorCode::Internal,
                    "The server could not store or read the file; try again.",
                );
            }
            FileError::Database(e) => {
                tracing::error!("file storage database: {e}");
                return ErrorBody::new(
                    ErrorCode::Internal,
                    "The server could not store or read the file; try again.",
                );
            }
        };
        ErrorBody::new(code, error.to_string())
    }
}

/// Shared handle to the file store (cheap to clone).
#[derive(Debug, Clone)]
pub struct FileStore {
    inner: Arc<Inner>,
}

#[derive(Debug)]
struct Inner {
    /// This node's folder: `partial/` holds the uploads in progress, and
    /// with [`Contents::Disk`] the contents are here too.
    dir: PathBuf,
    contents: contents::Contents,
    /// Held while an upload's length is checked and a chunk appended.
    writing: Mutex<()>,
    db: Mutex<Box<dyn Sql>>,
}

impl FileStore {
    /// Opens the store beside the database at `db_path` (`files/` in the
    /// same directory) and removes what a crash may have left behind.
    pub fn open(db_path: &Path) -> Result<FileStore, crate::db::DbError> {
        let db = crate::db::connect(db_path)?;
        let dir = db_path
            .parent()
            .filter(|d| !d.as_os_str().is_empty())
            .unwrap_or(Path::new("."))
            .join("files");
        Self::start(Box::new(db), contents::Contents::Disk(dir.clone()), dir)
    }

    /// Opens the store of a PostgreSQL database (`postgres://…`): contents
    /// in the database, uploads in progress in this node's `dir`.
    /// Blocking.
    pub fn open_postgres(address: &str, dir: &Path) -> Result<FileStore, crate::db::DbError> {
        let db = crate::sql::connect_postgres(address)?;
        Self::start(Box::new(db), contents::Contents::Database, dir.to_owned())
    }

    fn start(
        mut db: Box<dyn Sql>,
        contents: contents::Contents,
        dir: PathBuf,
    ) -> Result<FileStore, crate::db::DbError> {
        // Completions a stop interrupted are uploads again (see `store`).
        db.execute(
            "UPDATE uploads SET created_ms = ?1 WHERE created_ms = ?2",
            crate::sql_params![crate::now_ms(), store::CLAIMED],
        )?;
        std::fs::create_dir_all(dir.join("partial"))?;
        let store = FileStore {
            inner: Arc::new(Inner {
                dir,
                contents,
                writing: Mutex::new(()),
                db: Mutex::new(db),
            }),
        };
        if let Err(e) = store.sweep() {
            tracing::warn!("cleaning up stored files: {e}");
        }
        Ok(store)
    }

    fn db(&self) -> std::sync::MutexGuard<'_, Box<dyn Sql>> {
        self.inner.db.lock().unwrap_or_else(|p| p.into_inner())
    }

    fn dir(&self) -> &Path {
        &self.inner.dir
    }

    fn partial_path(&self, upload: u64) -> PathBuf {
        self.inner.dir.join("partial").join(upload.to_string())
    }
}

#[cfg(test)]
mod tests;
