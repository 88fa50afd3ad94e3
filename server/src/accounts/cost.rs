//! The bcrypt cost this server uses unless `--bcrypt-cost` says otherwise.
//!
//! OWASP's Password Storage Cheat Sheet asks for a bcrypt work factor of at
//! least 10, as high as the server can afford. What it can afford is set by a
//! class logging in at once: every check is one core busy for its whole
//! length, so a check of 50–100 ms lets two cores take 200 people in 5–10 s.
//! The cost is measured once, on the first start with a database, and kept
//! in it: later starts (and the hashes already made) do not move with the
//! machine's load that day.

use std::path::Path;
use std::time::{Duration, Instant};

use super::AccountError;
use crate::sql::Sql;
use crate::sql_params;

/// Never below OWASP's minimum, whatever the machine.
pub const MIN_COST: u32 = 10;
/// The longest one check may take at the chosen cost.
pub const MAX_CHECK: Duration = Duration::from_millis(100);
/// Never above what a person would wait for at all.
const MAX_COST: u32 = 16;

/// The cost kept in the database at `path`, measured and kept there on
/// the first start. Blocking (it hashes and reads the disk).
pub fn calibrated_cost(path: &Path) -> Result<u32, AccountError> {
    calibrated_cost_in(&mut crate::db::connect(path)?)
}

/// The same on any database: with several nodes, the first to start
/// measures and the others take its cost.
pub fn calibrated_cost_in(db: &mut dyn Sql) -> Result<u32, AccountError> {
    if let Some(cost) = kept_cost(db)? {
        return Ok(cost);
    }
    let at_min = (0..2)
        .map(|_| time_one_check(MIN_COST))
        .collect::<Result<Vec<_>, _>>()?
        .into_iter()
        .min()
        .unwrap_or(MAX_CHECK);
    let cost = cost_for(at_min);
    tracing::info!(
        "bcrypt cost {cost} chosen for this machine: one check took {at_min:?} at cost {MIN_COST}, \
         about {:?} at cost {cost} (kept in the database; --bcrypt-cost overrides it)",
        at_min * 2u32.pow(cost - MIN_COST)
    );
    // Another node may have kept its cost meanwhile: the first one kept wins.
    db.execute(
        "INSERT INTO settings (key, value) VALUES ('bcrypt_cost', ?1)
         ON CONFLICT (key) DO NOTHING",
        sql_params![cost.to_string()],
    )?;
    Ok(kept_cost(db)?.unwrap_or(cost))
}

fn kept_cost(db: &mut dyn Sql) -> Result<Option<u32>, AccountError> {
    let kept = db.query_opt("SELECT value FROM settings WHERE key = 'bcrypt_cost'", &[])?;
    let value: Option<String> = kept.map(|row| row.get(0)).transpose()?;
    Ok(value.and_then(|value| value.parse().ok()))
}

fn time_one_check(cost: u32) -> Result<Duration, AccountError> {
    let started = Instant::now();
    bcrypt::hash("how long does one check take", cost)?;
    Ok(started.elapsed())
}

/// The highest cost whose check takes at most [`MAX_CHECK`], given one
/// check at [`MIN_COST`] takes `at_min` (each step doubles it); never
/// below [`MIN_COST`].
fn cost_for(at_min: Duration) -> u32 {
    let mut cost = MIN_COST;
    let mut check = at_min;
    while cost < MAX_COST && check * 2 <= MAX_CHECK {
        cost += 1;
        check *= 2;
    }
    cost
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_check_lands_between_50_and_100_ms_and_never_below_10() {
        let ms = Duration::from_millis;
        // This machine: ~60 ms at cost 10.
        assert_eq!(cost_for(ms(60)), 10);
        // A faster one: 15 ms → 30 → 60 ms at cost 12.
        assert_eq!(cost_for(ms(15)), 12);
        assert_eq!(cost_for(ms(50)), 11);
        // A slow one stays at the minimum.
        assert_eq!(cost_for(ms(400)), MIN_COST);
        // A very fast one is capped.
        assert_eq!(cost_for(Duration::from_micros(1)), MAX_COST);
        for at_min in [3, 7, 12, 25, 26, 49, 51, 99, 100] {
            let cost = cost_for(ms(at_min));
            let check = ms(at_min) * 2u32.pow(cost - MIN_COST);
            assert!(
                check <= MAX_CHECK && check * 2 > MAX_CHECK,
                "{at_min} ms → {cost}"
            );
        }
    }

    #[test]
    fn the_cost_is_measured_once_and_kept() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("a.db");
        let first = calibrated_cost(&path).unwrap();
        assert!(first >= MIN_COST);
        let db = crate::db::connect(&path).unwrap();
        db.execute(
            "UPDATE settings SET value = '13' WHERE key = 'bcrypt_cost'",
            [],
        )
        .unwrap();
        // Not measured again: what the database says holds.
        assert_eq!(calibrated_cost(&path).unwrap(), 13);
    }
}
