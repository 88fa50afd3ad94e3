//! What a connection may still send: a token bucket per kind of request.
//! The rates come from the configuration on every check; a connection keeps
//! only one number per bucket (see [`TokenBucket`]).

use std::time::{Duration, Instant};

use tertulia_shared::{ErrorBody, ErrorCode};

use crate::config::Config;
use crate::throttle::TokenBucket;

/// The requests with an allowance of their own, refused past it.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Limited {
    Messages,
    Privates,
    RoomChanges,
}

/// One connection's buckets, on a clock that starts with the connection.
#[derive(Debug)]
pub(crate) struct Allowance {
    zero: Instant,
    messages: TokenBucket,
    privates: TokenBucket,
    room_changes: TokenBucket,
    /// Every request: past it the connection is read more slowly.
    requests: TokenBucket,
    /// File bytes, up and down: past it, the same.
    file_bytes: TokenBucket,
}

impl Allowance {
    /// Every bucket full.
    pub fn new() -> Allowance {
        Allowance {
            zero: Instant::now(),
            messages: TokenBucket::default(),
            privates: TokenBucket::default(),
            room_changes: TokenBucket::default(),
            requests: TokenBucket::default(),
            file_bytes: TokenBucket::default(),
        }
    }

    /// Takes one `kind` token, or refuses with `rate_limited` (and when to
    /// try again).
    pub fn take(&mut self, kind: Limited, config: &Config) -> Result<(), ErrorBody> {
        let now = self.zero.elapsed();
        let (bucket, rate, what) = match kind {
            Limited::Messages => (&mut self.messages, config.message_rate, "messages"),
            Limited::Privates => (&mut self.privates, config.private_rate, "private messages"),
            Limited::RoomChanges => (&mut self.room_changes, config.room_rate, "room changes"),
        };
        bucket.take(rate, now).map_err(|wait| {
            ErrorBody::new(
                ErrorCode::RateLimited,
                format!("Too many {what} too fast; wait a moment and try again."),
            )
            .retry_after(wait)
        })
    }

    /// Charges a request that was read (or the file bytes it moved, when it
    /// moved some): how long to stop reading, past the allowance.
    pub fn charge_read(&mut self, file_bytes: Option<usize>, config: &Config) -> Option<Duration> {
        let now = self.zero.elapsed();
        match file_bytes {
            Some(bytes) => self
                .file_bytes
                .charge_many(config.file_rate, bytes as f64, now),
            None => self.requests.charge(config.request_rate, now),
        }
    }
}
