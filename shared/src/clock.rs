//! Clock synchronisation with Cristian's algorithm.
//!
//! The client notes its own clock before sending a `time` request (`sent`) and
//! when the reply arrives (`received`); the reply carries the server's clock
//! (`server`). Assuming the reply was stamped half-way through the round trip,
//! server time ≈ local time + offset, where
//! `offset = server + rtt/2 − received` and `rtt = received − sent`.
//! The true offset lies within ±rtt/2 of the estimate whatever the asymmetry
//! of the two legs, so the sample with the smallest round trip is the most
//! precise one: [`ClockSync`] keeps that one.

use crate::protocol::TimestampMs;

/// How far a Cristian estimate can be from the truth: half the round trip,
/// rounded up.
pub fn error_bound(rtt_ms: TimestampMs) -> TimestampMs {
    (rtt_ms.max(0) + 1) / 2
}

/// One request/reply exchange, all in milliseconds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Sample {
    /// Local clock when the request left.
    pub sent: TimestampMs,
    /// Server clock written in the reply.
    pub server: TimestampMs,
    /// Local clock when the reply arrived.
    pub received: TimestampMs,
}

impl Sample {
    /// Round-trip time. A clock that jumped backwards counts as zero.
    pub fn rtt(&self) -> TimestampMs {
        (self.received - self.sent).max(0)
    }

    /// Estimated `server − local`, in milliseconds.
    pub fn offset(&self) -> TimestampMs {
        self.server + self.rtt() / 2 - self.received
    }
}

/// The best estimate so far of the server's clock.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ClockSync {
    best: Option<Sample>,
    samples: usize,
}

impl ClockSync {
    pub fn new() -> Self {
        Self::default()
    }

    /// Takes a sample into account; keeps it when its round trip is the
    /// smallest seen. Returns whether it became the best.
    pub fn add(&mut self, sample: Sample) -> bool {
        self.samples += 1;
        let better = self.best.is_none_or(|best| sample.rtt() < best.rtt());
        if better {
            self.best = Some(sample);
        }
        better
    }

    /// Forgets every sample (after a reconnection the path may have changed).
    pub fn reset(&mut self) {
        *self = Self::default();
    }

    pub fn is_synced(&self) -> bool {
        self.best.is_some()
    }

    pub fn samples(&self) -> usize {
        self.samples
    }

    /// Estimated `server − local` in milliseconds (0 before any sample).
    pub fn offset_ms(&self) -> TimestampMs {
        self.best.map_or(0, |s| s.offset())
    }

    /// Round trip of the best sample.
    pub fn rtt_ms(&self) -> Option<TimestampMs> {
        self.best.map(|s| s.rtt())
    }

    /// How far the true offset can be from [`Self::offset_ms`]: ±rtt/2.
    pub fn error_bound_ms(&self) -> Option<TimestampMs> {
        self.best.map(|s| error_bound(s.rtt()))
    }

    /// The server's clock now, given the local clock now.
    pub fn server_time(&self, local_now: TimestampMs) -> TimestampMs {
        local_now + self.offset_ms()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A fake network: the server clock runs `true_offset` ahead of the local
    /// one; the request takes `up` ms and the reply `down` ms.
    fn exchange(local_start: i64, true_offset: i64, up: i64, down: i64) -> Sample {
        let server = local_start + up + true_offset;
        Sample {
            sent: local_start,
            server,
            received: local_start + up + down,
        }
    }

    #[test]
    fn symmetric_delay_gives_the_exact_offset() {
        let s = exchange(1_000, 5_000, 20, 20);
        assert_eq!(s.rtt(), 40);
        assert_eq!(s.offset(), 5_000);
    }

    #[test]
    fn asymmetric_delay_stays_within_half_the_round_trip() {
        // 90 ms up, 10 ms down: the estimate is off by 40 ms, inside ±50.
        let s = exchange(1_000, -3_000, 90, 10);
        let mut sync = ClockSync::new();
        sync.add(s);
        let error = (sync.offset_ms() - -3_000).abs();
        assert_eq!(error, 40);
        assert_eq!(sync.error_bound_ms(), Some(50));
        assert!(error <= 50);
    }

    #[test]
    fn the_smallest_round_trip_wins() {
        let mut sync = ClockSync::new();
        assert!(!sync.is_synced());
        assert_eq!(sync.server_time(100), 100);
        assert!(sync.add(exchange(0, 700, 100, 300)));
        assert!(sync.add(exchange(1_000, 700, 4, 6)));
        assert!(!sync.add(exchange(2_000, 700, 50, 50)));
        assert_eq!(sync.samples(), 3);
        assert_eq!(sync.rtt_ms(), Some(10));
        // 4 ms up, 6 ms down: 1 ms off the true 700, inside ±5.
        assert_eq!(sync.offset_ms(), 699);
        assert_eq!(sync.server_time(10_000), 10_699);
        sync.reset();
        assert!(!sync.is_synced());
    }

    #[test]
    fn a_clock_that_jumps_back_does_not_give_a_negative_round_trip() {
        let s = Sample {
            sent: 1_000,
            server: 50_000,
            received: 990,
        };
        assert_eq!(s.rtt(), 0);
        assert_eq!(s.offset(), 49_010);
    }
}
