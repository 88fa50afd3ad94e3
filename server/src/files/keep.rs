//! What the store keeps: the quota (oldest files go first) and the sweep
//! that removes content nobody refers to any more.

use rusqlite::OptionalExtension;

use super::store::{now_ms, sql, unsigned};
use super::{FileError, FileStore};

impl FileStore {
    /// Forgets the oldest files (never `keep`) while the content kept
    /// exceeds the quota.
    pub(super) fn keep_under_quota(&self, keep: u64, quota: u64) -> Result<(), FileError> {
        loop {
            let db = self.db();
            let total: i64 = db.query_row(
                "SELECT COALESCE(SUM(size), 0) FROM
                   (SELECT size FROM files GROUP BY sha256)",
                [],
                |row| row.get(0),
            )?;
            if unsigned(total) <= quota {
                return Ok(());
            }
            let oldest: Option<i64> = db
                .query_row(
                    "SELECT id FROM files WHERE id <> ?1 ORDER BY id LIMIT 1",
                    [sql(keep)],
                    |row| row.get(0),
                )
                .optional()?;
            let Some(oldest) = oldest else {
                return Ok(());
            };
            db.execute("DELETE FROM files WHERE id = ?1", [oldest])?;
            drop(db);
            tracing::info!("file {oldest} forgotten: the files quota is full");
            self.sweep()?;
        }
    }

    /// Removes content no file refers to any more, partial uploads nobody
    /// is uploading, and uploads abandoned for a week. Under the database
    /// lock: content is renamed into place and recorded under it too.
    pub fn sweep(&self) -> Result<(), FileError> {
        let week_ago = now_ms() - 7 * 24 * 3600 * 1000;
        let db = self.db();
        db.execute("DELETE FROM uploads WHERE created_ms < ?1", [week_ago])?;
        let kept: std::collections::HashSet<String> = db
            .prepare("SELECT DISTINCT sha256 FROM files")?
            .query_map([], |row| row.get(0))?
            .collect::<Result<_, _>>()?;
        let uploads: std::collections::HashSet<String> = db
            .prepare("SELECT id FROM uploads")?
            .query_map([], |row| row.get::<_, i64>(0).map(|id| id.to_string()))?
            .collect::<Result<_, _>>()?;
        let dir = self.dir();
        for (folder, keep) in [(dir.to_path_buf(), &kept), (dir.join("partial"), &uploads)] {
            for entry in std::fs::read_dir(folder)?.flatten() {
                let name = entry.file_name().to_string_lossy().into_owned();
                if entry.path().is_file() && !keep.contains(&name) {
                    std::fs::remove_file(entry.path())?;
                }
            }
        }
        drop(db);
        Ok(())
    }
}
