//! The file store's operations, each one blocking and self-contained.

use std::fs::{File, OpenOptions};
use std::io::Write;
use std::path::Path;

use tertulia_shared::FileInfo;
use tertulia_shared::files::{CHUNK_BYTES, is_sha256_hex, mime_from_name, safe_file_name};
use tertulia_shared::validate::fold;

use super::{FileError, FileLimits, FileStore, Offer, Progress};
use crate::sql_params;

/// Where a file is shared.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Target {
    /// Everyone in a room (its key and its name as shown).
    Room { key: String, name: String },
    /// One person (their login as registered).
    Private { to: String },
}

impl Target {
    fn columns(&self) -> (Option<&str>, Option<&str>, Option<String>) {
        match self {
            Target::Room { key, name } => (Some(key), Some(name), None),
            Target::Private { to } => (None, None, Some(to.clone())),
        }
    }

    fn from_columns(room: Option<String>, room_name: Option<String>, to: Option<String>) -> Self {
        match (room, to) {
            (Some(key), _) => Target::Room {
                name: room_name.unwrap_or_else(|| key.clone()),
                key,
            },
            (None, to) => Target::Private {
                to: to.unwrap_or_default(),
            },
        }
    }
}

/// `uploads.created_ms` of an upload being completed (hash check and
/// sharing under way): no more chunks, and no second completion.
pub(super) const CLAIMED: i64 = i64::MAX;

pub(super) fn sql(value: u64) -> i64 {
    i64::try_from(value).unwrap_or(i64::MAX)
}

pub(super) fn unsigned(value: i64) -> u64 {
    u64::try_from(value).unwrap_or(0)
}

pub(super) fn now_ms() -> i64 {
    let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH);
    now.map_or(0, |d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX))
}

/// What reading a file needs: its hash and size, its room (`None`: a
/// private file), its owner and its recipient.
/// An upload in progress, as stored.
struct Upload {
    name: String,
    size: u64,
    sha256: String,
    target: Target,
}

impl FileStore {
    /// Offers a file: shares it at once if its content is already here (or
    /// empty), resumes an upload of the same content to the same place,
    /// or starts a new upload.
    pub fn offer(
        &self,
        owner: &str,
        offer: Offer,
        limits: FileLimits,
    ) -> Result<Progress, FileError> {
        if offer.size > limits.max_file_bytes {
            return Err(FileError::TooLarge {
                max_mb: limits.max_file_bytes / (1024 * 1024),
            });
        }
        if !is_sha256_hex(&offer.sha256) {
            return Err(FileError::HashMismatch);
        }
        let upload = Upload {
            name: safe_file_name(&offer.name),
            size: offer.size,
            sha256: offer.sha256,
            target: offer.target,
        };
        if offer.size == 0 && upload.sha256 != tertulia_shared::files::sha256_hex(b"") {
            return Err(FileError::HashMismatch);
        }
        if let Some(file) = self.share(owner, &upload, None, limits)? {
            return Ok(Progress::Complete {
                file,
                target: upload.target,
            });
        }
        let (room, room_name, to) = upload.target.columns();
        let mut db = self.db();
        let existing: Option<i64> = db
            .query_opt(
                "SELECT id FROM uploads WHERE owner_key = ?1 AND sha256 = ?2 AND size = ?3
                   AND room IS NOT DISTINCT FROM ?4 AND recipient IS NOT DISTINCT FROM ?5
                   AND created_ms <> ?6",
                sql_params![
                    fold(owner),
                    &upload.sha256,
                    sql(upload.size),
                    room,
                    to.as_deref(),
                    CLAIMED
                ],
            )?
            .map(|row| row.get(0))
            .transpose()?;
        if let Some(id) = existing {
            drop(db);
            let id = unsigned(id);
            let path = self.partial_path(id);
            let received = std::fs::metadata(&path).map_or(0, |m| m.len());
            if received > upload.size {
                // Cannot be this content: start again.
                File::create(&path)?;
                return Ok(Progress::Uploading {
                    upload: id,
                    received: 0,
                });
            }
            if received == upload.size {
                // Every byte arrived, but the connection went before the end.
                return self.complete(owner, id, upload, limits);
            }
            return Ok(Progress::Uploading {
                upload: id,
                received,
            });
        }
        let inserted = db.query_opt(
            "INSERT INTO uploads (owner, owner_key, name, size, sha256, room, room_name,
                                  recipient, created_ms)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9) RETURNING id",
            sql_params![
                owner,
                fold(owner),
                &upload.name,
                sql(upload.size),
                &upload.sha256,
                room,
                room_name,
                to.as_deref(),
                now_ms()
            ],
        )?;
        let id = unsigned(inserted.map_or(Ok(0), |row| row.get(0))?);
        drop(db);
        std::fs::File::create(self.partial_path(id))?;
        Ok(Progress::Uploading {
            upload: id,
            received: 0,
        })
    }

    fn upload(&self, owner: &str, id: u64) -> Result<Upload, FileError> {
        let row = self
            .db()
            .query_opt(
                "SELECT name, size, sha256, room, room_name, recipient FROM uploads
                 WHERE id = ?1 AND owner_key = ?2 AND created_ms <> ?3",
                sql_params![sql(id), fold(owner), CLAIMED],
            )?
            .ok_or(FileError::NoSuchUpload)?;
        Ok(Upload {
            name: row.get(0)?,
            size: unsigned(row.get(1)?),
            sha256: row.get(2)?,
            target: Target::from_columns(row.get(3)?, row.get(4)?, row.get(5)?),
        })
    }

    /// Appends a chunk at `offset` (which must be where the upload stands);
    /// with the last byte, checks the hash and shares the file.
    pub fn write_chunk(
        &self,
        owner: &str,
        id: u64,
        offset: u64,
        bytes: &[u8],
        limits: FileLimits,
    ) -> Result<Progress, FileError> {
        let upload = self.upload(owner, id)?;
        let path = self.partial_path(id);
        let received = {
            // Two connections of the same user (one being replaced) may
            // write to one upload: the check and the write go together.
            let _writing = self.inner.writing.lock().unwrap_or_else(|p| p.into_inner());
            let mut partial = OpenOptions::new().append(true).create(true).open(&path)?;
            let received = partial.metadata()?.len();
            if offset != received {
                return Err(FileError::WrongOffset { expected: received });
            }
            let received = received + bytes.len() as u64;
            if received > upload.size {
                return Err(FileError::TooLong);
            }
            partial.write_all(bytes)?;
            received
        };
        if received < upload.size {
            return Ok(Progress::Uploading {
                upload: id,
                received,
            });
        }
        self.complete(owner, id, upload, limits)
    }

    /// Every byte is here: checks the hash and shares the file. Claims the
    /// upload first, so it completes once even if two connections try.
    fn complete(
        &self,
        owner: &str,
        id: u64,
        upload: Upload,
        limits: FileLimits,
    ) -> Result<Progress, FileError> {
        let claimed = self.db().execute(
            "UPDATE uploads SET created_ms = ?2 WHERE id = ?1 AND created_ms <> ?2",
            sql_params![sql(id), CLAIMED],
        )?;
        if claimed == 0 {
            return Err(FileError::NoSuchUpload);
        }
        let path = self.partial_path(id);
        let sha256 = hash_file(&path)?;
        if sha256 != upload.sha256 {
            self.forget_upload(id)?;
            return Err(FileError::HashMismatch);
        }
        match self.share(owner, &upload, Some(&path), limits)? {
            Some(file) => Ok(Progress::Complete {
                file,
                target: upload.target,
            }),
            None => Err(FileError::NoSuchUpload),
        }
    }

    /// Keeps `bytes` the server made (a room export) as a private file of
    /// `owner`, for them to download like any file.
    pub fn keep_made(
        &self,
        owner: &str,
        name: &str,
        bytes: &[u8],
        limits: FileLimits,
    ) -> Result<FileInfo, FileError> {
        let upload = Upload {
            name: safe_file_name(name),
            size: bytes.len() as u64,
            sha256: tertulia_shared::files::sha256_hex(bytes),
            target: Target::Private {
                to: owner.to_owned(),
            },
        };
        let partial = self
            .dir()
            .join("partial")
            .join(format!("made-{}", upload.sha256));
        std::fs::write(&partial, bytes)?;
        let kept = self.share(owner, &upload, Some(&partial), limits);
        let _ = std::fs::remove_file(&partial);
        kept?.ok_or(FileError::NoSuchUpload)
    }

    /// Gives up an upload in progress.
    pub fn cancel(&self, owner: &str, id: u64) -> Result<(), FileError> {
        self.upload(owner, id)?;
        self.forget_upload(id)
    }

    fn forget_upload(&self, id: u64) -> Result<(), FileError> {
        self.db()
            .execute("DELETE FROM uploads WHERE id = ?1", sql_params![sql(id)])?;
        match std::fs::remove_file(self.partial_path(id)) {
            Err(e) if e.kind() != std::io::ErrorKind::NotFound => Err(e.into()),
            _ => Ok(()),
        }
    }

    /// Records a file: its content moves into place from `partial` (the
    /// upload is then over), or must already be there (`None` if not).
    /// Under the database lock, so [`FileStore::sweep`] never sees content
    /// without its row. Then keeps the total under the quota.
    fn share(
        &self,
        owner: &str,
        upload: &Upload,
        partial: Option<&Path>,
        limits: FileLimits,
    ) -> Result<Option<FileInfo>, FileError> {
        let (room, _, to) = upload.target.columns();
        let mime = mime_from_name(&upload.name);
        let contents = &self.inner.contents;
        let mut db = self.db();
        match partial {
            Some(partial) => contents.install(db.as_mut(), &upload.sha256, partial)?,
            None if contents.has(db.as_mut(), &upload.sha256, upload.size)? => {}
            None => return Ok(None),
        }
        if partial.is_some() {
            db.execute(
                "DELETE FROM uploads WHERE owner_key = ?1 AND sha256 = ?2 AND size = ?3
                   AND room IS NOT DISTINCT FROM ?4 AND recipient IS NOT DISTINCT FROM ?5",
                sql_params![
                    fold(owner),
                    &upload.sha256,
                    sql(upload.size),
                    room,
                    to.as_deref()
                ],
            )?;
        }
        let inserted = db.query_opt(
            "INSERT INTO files (sha256, size, name, mime, owner, owner_key, room,
                                recipient_key, time_ms)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9) RETURNING id",
            sql_params![
                &upload.sha256,
                sql(upload.size),
                &upload.name,
                mime,
                owner,
                fold(owner),
                room,
                to.as_deref().map(fold),
                now_ms()
            ],
        )?;
        let id = unsigned(inserted.map_or(Ok(0), |row| row.get(0))?);
        drop(db);
        self.keep_under_quota(id, limits.quota_bytes)?;
        Ok(Some(FileInfo {
            id,
            name: upload.name.clone(),
            size: upload.size,
            mime: mime.to_owned(),
            sha256: upload.sha256.clone(),
        }))
    }

    /// Reads the chunk of file `id` at `offset`, if `login` may read it:
    /// anyone logged in for a room's file, only its two people for a
    /// private one. Returns the bytes and whether they end the file.
    pub fn read_chunk(
        &self,
        login: &str,
        id: u64,
        offset: u64,
    ) -> Result<(Vec<u8>, bool), FileError> {
        let mut db = self.db();
        let row = db.query_opt(
            "SELECT sha256, size, room, owner_key, recipient_key FROM files WHERE id = ?1",
            sql_params![sql(id)],
        )?;
        let Some(row) = row else {
            return Err(FileError::NoSuchFile);
        };
        let (sha256, size, room, owner, recipient): (
            String,
            i64,
            Option<String>,
            String,
            Option<String>,
        ) = (
            row.get(0)?,
            row.get(1)?,
            row.get(2)?,
            row.get(3)?,
            row.get(4)?,
        );
        let reader = fold(login);
        if room.is_none() && owner != reader && recipient.as_deref() != Some(reader.as_str()) {
            return Err(FileError::NoSuchFile);
        }
        let size = unsigned(size);
        if offset > size {
            return Err(FileError::PastTheEnd { size });
        }
        let wanted = (size - offset).min(CHUNK_BYTES as u64) as usize;
        drop(db);
        let bytes = self
            .inner
            .contents
            .read(&self.inner.db, &sha256, offset, wanted)?
            .ok_or(FileError::NoSuchFile)?;
        Ok((bytes, offset + wanted as u64 >= size))
    }
}

fn hash_file(path: &Path) -> Result<String, std::io::Error> {
    tertulia_shared::files::sha256_of(File::open(path)?).map(|(_, sha256)| sha256)
}
