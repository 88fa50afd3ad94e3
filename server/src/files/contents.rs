//! Where shared files' bytes are kept: beside the SQLite database (one
//! node), or in PostgreSQL, so that every node serves every file
//! (docs/SCALING.md). Either way a content is named by its SHA-256 and kept
//! once, however many times it is shared. Uploads in progress are always
//! written to the node's own `partial/` folder.

use std::fs::File;
use std::io::{Read, Seek, SeekFrom};
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use super::FileError;
use crate::sql::Sql;
use crate::sql_params;

#[derive(Debug)]
pub(super) enum Contents {
    /// Files named by their SHA-256 in this folder.
    Disk(PathBuf),
    /// Rows of `file_contents`, through the store's connection.
    Database,
}

impl Contents {
    /// Keeps `partial` (a finished upload, already checked) as `sha256`'s
    /// content; `partial` is gone afterwards.
    pub fn install(&self, db: &mut dyn Sql, sha256: &str, partial: &Path) -> Result<(), FileError> {
        match self {
            Contents::Disk(dir) => std::fs::rename(partial, dir.join(sha256))?,
            Contents::Database => {
                let bytes = std::fs::read(partial)?;
                db.execute(
                    "INSERT INTO file_contents (sha256, data) VALUES (?1, ?2)
                     ON CONFLICT (sha256) DO NOTHING",
                    sql_params![sha256, bytes.as_slice()],
                )?;
                std::fs::remove_file(partial)?;
            }
        }
        Ok(())
    }

    /// Whether `sha256`'s content of `size` bytes is kept (an empty one
    /// always is: it is made on the spot).
    pub fn has(&self, db: &mut dyn Sql, sha256: &str, size: u64) -> Result<bool, FileError> {
        match self {
            Contents::Disk(dir) => {
                let path = dir.join(sha256);
                if size == 0 && !path.exists() {
                    drop(File::create(&path)?);
                }
                Ok(std::fs::metadata(path).is_ok_and(|m| m.len() == size))
            }
            Contents::Database => {
                if size == 0 {
                    db.execute(
                        "INSERT INTO file_contents (sha256, data) VALUES (?1, ?2)
                         ON CONFLICT (sha256) DO NOTHING",
                        sql_params![sha256, &[][..]],
                    )?;
                }
                let kept = db.query_opt(
                    "SELECT octet_length(data) FROM file_contents WHERE sha256 = ?1",
                    sql_params![sha256],
                )?;
                let length: Option<i64> = kept.map(|row| row.get(0)).transpose()?;
                Ok(length.and_then(|n| u64::try_from(n).ok()) == Some(size))
            }
        }
    }

    /// `wanted` bytes of `sha256`'s content from `offset`; `None` when it is
    /// no longer kept. Takes the database lock only to read from it, so
    /// downloads from disk run side by side.
    pub fn read(
        &self,
        db: &Mutex<Box<dyn Sql>>,
        sha256: &str,
        offset: u64,
        wanted: usize,
    ) -> Result<Option<Vec<u8>>, FileError> {
        match self {
            Contents::Disk(dir) => {
                let mut content = match File::open(dir.join(sha256)) {
                    Ok(file) => file,
                    Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
                    Err(e) => return Err(e.into()),
                };
                content.seek(SeekFrom::Start(offset))?;
                let mut bytes = vec![0; wanted];
                content.read_exact(&mut bytes)?;
                Ok(Some(bytes))
            }
            Contents::Database => {
                // Stored uncompressed (see the schema), so PostgreSQL reads
                // only the slices it needs.
                let mut db = db.lock().unwrap_or_else(|p| p.into_inner());
                let row = db.query_opt(
                    "SELECT substring(data FROM ?2 FOR ?3) FROM file_contents WHERE sha256 = ?1",
                    sql_params![
                        sha256,
                        i64::try_from(offset).unwrap_or(i64::MAX).saturating_add(1),
                        i64::try_from(wanted).unwrap_or(i64::MAX)
                    ],
                )?;
                let Some(row) = row else { return Ok(None) };
                let bytes: Vec<u8> = row.get(0)?;
                if bytes.len() != wanted {
                    return Err(FileError::Io(std::io::Error::new(
                        std::io::ErrorKind::UnexpectedEof,
                        format!("content {sha256} is shorter than its file"),
                    )));
                }
                Ok(Some(bytes))
            }
        }
    }

    /// Removes every content whose SHA-256 is not in `kept`.
    pub fn sweep(
        &self,
        db: &mut dyn Sql,
        kept: &std::collections::HashSet<String>,
    ) -> Result<(), FileError> {
        match self {
            Contents::Disk(dir) => {
                for entry in std::fs::read_dir(dir)?.flatten() {
                    let name = entry.file_name().to_string_lossy().into_owned();
                    if entry.path().is_file() && !kept.contains(&name) {
                        std::fs::remove_file(entry.path())?;
                    }
                }
            }
            Contents::Database => {
                db.execute(
                    "DELETE FROM file_contents c
                     WHERE NOT EXISTS (SELECT 1 FROM files f WHERE f.sha256 = c.sha256)",
                    &[],
                )?;
            }
        }
        Ok(())
    }
}
