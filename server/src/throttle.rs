//! Rate limits: a token bucket per connection and kind of request, and the
//! backoff that slows down password guessing.
//!
//! Both take the current time as an argument, so their rules are unit-tested
//! without sleeping.

use std::collections::HashMap;
use std::hash::Hash;
use std::net::IpAddr;
use std::time::{Duration, Instant};

/// How many requests of one kind may come in a burst, and how fast the
/// allowance refills. A rate of zero means "no limit".
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Rate {
    /// Tokens added per second.
    pub per_second: f64,
    /// Most tokens held at once: the longest burst allowed.
    pub burst: u32,
}

impl Rate {
    pub const UNLIMITED: Rate = Rate {
        per_second: 0.0,
        burst: 0,
    };

    pub const fn new(per_second: f64, burst: u32) -> Rate {
        Rate { per_second, burst }
    }

    fn is_unlimited(&self) -> bool {
        self.per_second <= 0.0
    }

    /// What one token is worth in time, in nanoseconds.
    fn interval(&self) -> f64 {
        1e9 / self.per_second
    }

    /// What `tokens` tokens are worth in time, in nanoseconds.
    fn time_for(&self, tokens: u32) -> u64 {
        (self.interval() * f64::from(tokens)) as u64
    }
}

/// A token bucket kept as one number (the "generic cell rate algorithm"):
/// the time at which it will be full again. It starts full; each request
/// takes a token, one `interval` of that time. The rate is passed in on
/// every call instead of being kept, so ten thousand idle connections do
/// not each hold copies of the configuration. Times are durations since a
/// zero the caller picks and keeps (a connection's start).
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct TokenBucket {
    /// Nanoseconds since the caller's zero at which the bucket is full;
    /// at or before "now" it is.
    full_at: u64,
}

fn nanos(since_zero: Duration) -> u64 {
    u64::try_from(since_zero.as_nanos()).unwrap_or(u64::MAX)
}

impl TokenBucket {
    /// Takes a token, or says how long until one is available.
    pub fn take(&mut self, rate: Rate, now: Duration) -> Result<(), Duration> {
        if rate.is_unlimited() {
            return Ok(());
        }
        let now = nanos(now);
        let owed = self.full_at.max(now) - now;
        // A token is left while what is owed is under a full bucket's worth
        // minus one token.
        let slack = rate.time_for(rate.burst.max(1) - 1);
        if owed > slack {
            return Err(Duration::from_nanos(owed - slack));
        }
        self.full_at = self.full_at.max(now) + rate.time_for(1);
        Ok(())
    }

    /// Charges one token even when none is left (the request was already
    /// read): returns how long the caller should pause so the balance is
    /// back to zero, for slowing a connection down instead of refusing.
    pub fn charge(&mut self, rate: Rate, now: Duration) -> Option<Duration> {
        self.charge_many(rate, 1.0, now)
    }

    /// The same for `tokens` at once (bytes of a file chunk).
    pub fn charge_many(&mut self, rate: Rate, tokens: f64, now: Duration) -> Option<Duration> {
        if rate.is_unlimited() {
            return None;
        }
        let now = nanos(now);
        let cost = (rate.interval() * tokens) as u64;
        self.full_at = self.full_at.max(now).saturating_add(cost);
        let owed = self.full_at - now;
        let capacity = rate.time_for(rate.burst.max(1));
        (owed > capacity).then(|| Duration::from_nanos(owed - capacity))
    }
}

/// How failed logins slow down the next attempts.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Backoff {
    /// Failures allowed before any waiting.
    pub free_failures: u32,
    /// The first wait; each further failure doubles it…
    pub first_wait: Duration,
    /// …up to this.
    pub max_wait: Duration,
    /// A key with no failure for this long starts again from zero.
    pub forget_after: Duration,
}

#[derive(Debug, Clone, Copy)]
struct Failures {
    count: u32,
    last: Instant,
    blocked_until: Instant,
}

/// Failed attempts per key (an account at an address, or an address),
/// bounded in memory: past `max_keys` entries, forgotten ones are dropped.
#[derive(Debug)]
pub struct FailureLog<K> {
    rule: Backoff,
    entries: HashMap<K, Failures>,
    max_keys: usize,
}

impl<K: Eq + Hash> FailureLog<K> {
    pub fn new(rule: Backoff, max_keys: usize) -> FailureLog<K> {
        FailureLog {
            rule,
            entries: HashMap::new(),
            max_keys,
        }
    }

    /// `Err(wait)` while `key` must wait before its next attempt is checked.
    pub fn check(&self, key: &K, now: Instant) -> Result<(), Duration> {
        match self.entries.get(key) {
            Some(f) if f.blocked_until > now => Err(f.blocked_until - now),
            _ => Ok(()),
        }
    }

    /// Records a failure; returns how long the key must now wait (zero
    /// while it still has free failures).
    pub fn fail(&mut self, key: K, now: Instant) -> Duration {
        if self.entries.len() >= self.max_keys {
            let forget = self.rule.forget_after;
            self.entries
                .retain(|_, f| now.saturating_duration_since(f.last) < forget);
        }
        let rule = self.rule;
        let entry = self.entries.entry(key).or_insert(Failures {
            count: 0,
            last: now,
            blocked_until: now,
        });
        if now.saturating_duration_since(entry.last) >= rule.forget_after {
            entry.count = 0;
        }
        entry.count = entry.count.saturating_add(1);
        entry.last = now;
        let over = entry.count.saturating_sub(rule.free_failures);
        let wait = if over == 0 {
            Duration::ZERO
        } else {
            let doublings = (over - 1).min(20);
            rule.first_wait
                .saturating_mul(1 << doublings)
                .min(rule.max_wait)
        };
        entry.blocked_until = now + wait;
        wait
    }

    /// A success wipes the key's record.
    pub fn succeed(&mut self, key: &K) {
        self.entries.remove(key);
    }
}

/// Failed logins remembered per account at an address and per address.
/// Keyed by the pair rather than by the account alone, so that someone
/// guessing from one machine cannot lock the owner out from another.
#[derive(Debug)]
pub struct LoginThrottle {
    accounts: FailureLog<(String, IpAddr)>,
    addresses: FailureLog<IpAddr>,
}

/// Keys remembered per log before forgotten ones are dropped.
const MAX_REMEMBERED: usize = 100_000;

impl LoginThrottle {
    pub fn new(account: Backoff, address: Backoff) -> LoginThrottle {
        LoginThrottle {
            accounts: FailureLog::new(account, MAX_REMEMBERED),
            addresses: FailureLog::new(address, MAX_REMEMBERED),
        }
    }

    /// `Err(wait)` while attempts for `account` from `address` must wait.
    pub fn check(&self, account: &str, address: IpAddr, now: Instant) -> Result<(), Duration> {
        let by_account = self.accounts.check(&(account.to_owned(), address), now);
        let by_address = self.addresses.check(&address, now);
        match (by_account, by_address) {
            (Ok(()), Ok(())) => Ok(()),
            (Err(a), Err(b)) => Err(a.max(b)),
            (Err(wait), _) | (_, Err(wait)) => Err(wait),
        }
    }

    /// Records a failed login; returns how long the next attempt must wait.
    pub fn fail(&mut self, account: &str, address: IpAddr, now: Instant) -> Duration {
        let a = self.accounts.fail((account.to_owned(), address), now);
        let b = self.addresses.fail(address, now);
        a.max(b)
    }

    /// A success clears the account's record at that address. The address's
    /// own record is left to decay: logging into one's own account must not
    /// reset a count of guesses at others.
    pub fn succeed(&mut self, account: &str, address: IpAddr) {
        self.accounts.succeed(&(account.to_owned(), address));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_bucket_allows_its_burst_then_its_rate() {
        let rate = Rate::new(5.0, 20);
        let start = Duration::from_secs(7);
        let mut bucket = TokenBucket::default();
        for _ in 0..20 {
            assert_eq!(bucket.take(rate, start), Ok(()));
        }
        let wait = bucket.take(rate, start).unwrap_err();
        assert_eq!(wait, Duration::from_millis(200));
        // Just before the wait is over, still refused.
        let early = start + Duration::from_millis(199);
        assert_eq!(bucket.take(rate, early), Err(Duration::from_millis(1)));
        let later = start + Duration::from_millis(200);
        assert_eq!(bucket.take(rate, later), Ok(()));
        assert!(bucket.take(rate, later).is_err());
        // A long pause refills the bucket up to the burst, no further.
        let much_later = later + Duration::from_secs(3600);
        for _ in 0..20 {
            assert_eq!(bucket.take(rate, much_later), Ok(()));
        }
        assert!(bucket.take(rate, much_later).is_err());
    }

    #[test]
    fn a_bucket_refills_at_its_rate_between_requests() {
        let rate = Rate::new(10.0, 3);
        let mut bucket = TokenBucket::default();
        for _ in 0..3 {
            assert_eq!(bucket.take(rate, Duration::ZERO), Ok(()));
        }
        // 250 ms at 10 per second gives back two tokens (and half of one).
        let later = Duration::from_millis(250);
        assert_eq!(bucket.take(rate, later), Ok(()));
        assert_eq!(bucket.take(rate, later), Ok(()));
        assert_eq!(bucket.take(rate, later), Err(Duration::from_millis(50)));
    }

    #[test]
    fn charging_past_empty_asks_for_a_pause_that_pays_the_debt() {
        let rate = Rate::new(100.0, 2);
        let start = Duration::ZERO;
        let mut bucket = TokenBucket::default();
        assert_eq!(bucket.charge(rate, start), None);
        assert_eq!(bucket.charge(rate, start), None);
        let pause = bucket.charge(rate, start).unwrap();
        assert_eq!(pause, Duration::from_millis(10));
        let after = start + pause;
        let again = bucket.charge(rate, after).unwrap();
        assert_eq!(again, Duration::from_millis(10));
        // Many tokens at once (a file chunk's bytes): the debt is theirs.
        let big = bucket.charge_many(rate, 50.0, after).unwrap();
        assert_eq!(big, Duration::from_millis(510));
    }

    #[test]
    fn an_unlimited_bucket_never_refuses() {
        let now = Duration::from_secs(1);
        let mut bucket = TokenBucket::default();
        assert!((0..100_000).all(|_| bucket.take(Rate::UNLIMITED, now).is_ok()));
        assert_eq!(bucket.charge_many(Rate::UNLIMITED, 1e9, now), None);
    }

    fn rule() -> Backoff {
        Backoff {
            free_failures: 3,
            first_wait: Duration::from_secs(1),
            max_wait: Duration::from_secs(60),
            forget_after: Duration::from_secs(900),
        }
    }

    #[test]
    fn failures_past_the_free_ones_wait_twice_as_long_each_time() {
        let now = Instant::now();
        let mut log = FailureLog::new(rule(), 100);
        let waits: Vec<u64> = (0..10).map(|_| log.fail("ana", now).as_secs()).collect();
        assert_eq!(waits, [0, 0, 0, 1, 2, 4, 8, 16, 32, 60]);
        assert!(log.check(&"ana", now).is_err());
        assert!(log.check(&"luis", now).is_ok());
        assert!(log.check(&"ana", now + Duration::from_secs(61)).is_ok());
        log.succeed(&"ana");
        assert!(log.check(&"ana", now).is_ok());
    }

    #[test]
    fn old_failures_are_forgotten_and_memory_stays_bounded() {
        let now = Instant::now();
        let mut log = FailureLog::new(rule(), 10);
        for _ in 0..3 {
            log.fail(0, now);
        }
        let later = now + Duration::from_secs(1000);
        assert_eq!(log.fail(0, later), Duration::ZERO, "counting starts over");
        for key in 1..100 {
            log.fail(key, later + Duration::from_secs(1000 * key));
        }
        assert!(log.entries.len() <= 10, "{}", log.entries.len());
    }
}
