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
}

/// A classic token bucket: starts full, each request takes one token.
#[derive(Debug, Clone)]
pub struct TokenBucket {
    rate: Rate,
    tokens: f64,
    updated: Instant,
}

impl TokenBucket {
    pub fn new(rate: Rate, now: Instant) -> TokenBucket {
        TokenBucket {
            rate,
            tokens: f64::from(rate.burst.max(1)),
            updated: now,
        }
    }

    fn refill(&mut self, now: Instant) {
        let elapsed = now.saturating_duration_since(self.updated).as_secs_f64();
        self.updated = now;
        let burst = f64::from(self.rate.burst.max(1));
        self.tokens = (self.tokens + elapsed * self.rate.per_second).min(burst);
    }

    /// Takes a token, or says how long until one is available.
    pub fn take(&mut self, now: Instant) -> Result<(), Duration> {
        if self.rate.is_unlimited() {
            return Ok(());
        }
        self.refill(now);
        if self.tokens >= 1.0 {
            self.tokens -= 1.0;
            Ok(())
        } else {
            let missing = 1.0 - self.tokens;
            Err(Duration::from_secs_f64(missing / self.rate.per_second))
        }
    }
}

impl TokenBucket {
    /// Charges one token even when none is left (the request was already
    /// read): returns how long the caller should pause so the balance is
    /// back to zero, for slowing a connection down instead of refusing.
    pub fn charge(&mut self, now: Instant) -> Option<Duration> {
        self.charge_many(1.0, now)
    }

    /// The same for `tokens` at once (bytes of a file chunk).
    pub fn charge_many(&mut self, tokens: f64, now: Instant) -> Option<Duration> {
        if self.rate.is_unlimited() {
            return None;
        }
        self.refill(now);
        self.tokens -= tokens;
        (self.tokens < 0.0).then(|| Duration::from_secs_f64(-self.tokens / self.rate.per_second))
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
        let start = Instant::now();
        let mut bucket = TokenBucket::new(Rate::new(5.0, 20), start);
        for _ in 0..20 {
            assert_eq!(bucket.take(start), Ok(()));
        }
        let wait = bucket.take(start).unwrap_err();
        assert!(wait > Duration::from_millis(150) && wait <= Duration::from_millis(200));
        let later = start + Duration::from_millis(200);
        assert_eq!(bucket.take(later), Ok(()));
        assert!(bucket.take(later).is_err());
        // A long pause refills the bucket up to the burst, no further.
        let much_later = later + Duration::from_secs(3600);
        for _ in 0..20 {
            assert_eq!(bucket.take(much_later), Ok(()));
        }
        assert!(bucket.take(much_later).is_err());
    }

    #[test]
    fn charging_past_empty_asks_for_a_pause_that_pays_the_debt() {
        let start = Instant::now();
        let mut bucket = TokenBucket::new(Rate::new(100.0, 2), start);
        assert_eq!(bucket.charge(start), None);
        assert_eq!(bucket.charge(start), None);
        let pause = bucket.charge(start).unwrap();
        assert!((pause.as_secs_f64() - 0.01).abs() < 1e-6, "{pause:?}");
        let after = start + pause;
        let again = bucket.charge(after).unwrap();
        assert!((again.as_secs_f64() - 0.01).abs() < 1e-6, "{again:?}");
    }

    #[test]
    fn an_unlimited_bucket_never_refuses() {
        let now = Instant::now();
        let mut bucket = TokenBucket::new(Rate::UNLIMITED, now);
        assert!((0..100_000).all(|_| bucket.take(now).is_ok()));
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
