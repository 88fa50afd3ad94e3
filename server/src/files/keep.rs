//! What the store keeps: the quota (oldest files go first) and the sweep
//! that removes content nobody refers to any more.

use super::store::{now_ms, sql, unsigned};
use super::{FileError, FileStore};
use crate::sql_params;

impl FileStore {
    /// Forgets the oldest files (never `keep`) while the content kept
    /// exceeds the quota.
    pub(super) fn keep_under_quota(&self, keep: u64, quota: u64) -> Result<(), FileError> {
        loop {
            let mut db = self.db();
            // Each content counts once, however often it is shared.
            let total: i64 = db
                .query_opt(
                    "SELECT CAST(COALESCE(SUM(size), 0) AS BIGINT) FROM
                       (SELECT MAX(size) AS size FROM files GROUP BY sha256) AS kept",
                    &[],
                )?
                .map_or(Ok(0), |row| row.get(0))?;
            if unsigned(total) <= quota {
                return Ok(());
            }
            let oldest: Option<i64> = db
                .query_opt(
                    "SELECT id FROM files WHERE id <> ?1 ORDER BY id LIMIT 1",
                    sql_params![sql(keep)],
                )?
                .map(|row| row.get(0))
                .transpose()?;
            let Some(oldest) = oldest else {
                return Ok(());
            };
            db.execute("DELETE FROM files WHERE id = ?1", sql_params![oldest])?;
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
        let mut db = self.db();
        db.execute(
            "DELETE FROM uploads WHERE created_ms < ?1",
            sql_params![week_ago],
        )?;
        let kept: std::collections::HashSet<String> = db
            .query("SELECT DISTINCT sha256 FROM files", &[])?
            .iter()
            .map(|row| row.get(0))
            .collect::<Result<_, _>>()?;
        let uploads: std::collections::HashSet<String> = db
            .query("SELECT id FROM uploads", &[])?
            .iter()
            .map(|row| row.get::<i64>(0).map(|id| id.to_string()))
            .collect::<Result<_, _>>()?;
        self.inner.contents.sweep(db.as_mut(), &kept)?;
        // What `keep_made` writes is named `made-…`: gone once kept.
        for entry in std::fs::read_dir(self.dir().join("partial"))?.flatten() {
            let name = entry.file_name().to_string_lossy().into_owned();
            if entry.path().is_file() && !uploads.contains(&name) {
                std::fs::remove_file(entry.path())?;
            }
        }
        drop(db);
        Ok(())
    }
}
