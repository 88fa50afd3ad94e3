//! What every receiver records, and readings from /proc.

use std::sync::OnceLock;
use std::time::Instant;

use hdrhistogram::Histogram;

/// Microseconds since the bench started: the clock in every message.
pub fn now_us() -> u64 {
    static START: OnceLock<Instant> = OnceLock::new();
    START.get_or_init(Instant::now).elapsed().as_micros() as u64
}

/// `BM <sender> <seq> <sent_us> xxxx…`, padded to `size` bytes.
pub fn payload(sender: u32, seq: u64, size: usize) -> String {
    let mut text = format!("BM {sender} {seq} {} ", now_us());
    while text.len() < size {
        text.push('x');
    }
    text
}

/// `(sender, seq, sent_us)` from a line carrying a payload.
pub fn parse(line: &str) -> Option<(u32, u64, u64)> {
    let start = line.find("BM ")?;
    let mut fields = line[start + 3..].split(' ');
    Some((
        fields.next()?.parse().ok()?,
        fields.next()?.parse().ok()?,
        fields.next()?.parse().ok()?,
    ))
}

/// 1 µs to 10 min, 3 significant digits.
#[allow(clippy::expect_used)] // constant arguments within the crate's documented bounds
pub fn histogram() -> Histogram<u64> {
    Histogram::new_with_bounds(1, 600_000_000, 3).expect("valid histogram bounds")
}

/// What one receiver saw.
#[derive(Debug)]
pub struct Received {
    pub count: u64,
    pub out_of_order: u64,
    pub latency: Histogram<u64>,
    pub last_at_us: u64,
    pub closed_early: bool,
}

impl Received {
    pub fn new() -> Received {
        Received {
            count: 0,
            out_of_order: 0,
            latency: histogram(),
            last_at_us: 0,
            closed_early: false,
        }
    }

    pub fn merge(&mut self, other: &Received) {
        self.count += other.count;
        self.out_of_order += other.out_of_order;
        let _ = self.latency.add(&other.latency);
        self.last_at_us = self.last_at_us.max(other.last_at_us);
        self.closed_early |= other.closed_early;
    }
}

/// User + system CPU seconds of a process (`self` or a PID).
pub fn cpu_seconds(pid: &str) -> Option<f64> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    // Fields after the command name, which is in parentheses and may hold spaces.
    let rest = &stat[stat.rfind(')')? + 2..];
    let fields: Vec<&str> = rest.split(' ').collect();
    let utime: f64 = fields.get(11)?.parse().ok()?;
    let stime: f64 = fields.get(12)?.parse().ok()?;
    Some((utime + stime) / 100.0)
}

/// Resident memory of a process, KiB.
pub fn rss_kib(pid: &str) -> Option<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))?
        .trim()
        .trim_end_matches("kB")
        .trim()
        .parse()
        .ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn payloads_parse_back_from_both_protocols() {
        let text = payload(7, 42, 64);
        assert_eq!(text.len(), 64);
        let json = format!(r#"{{"type":"event","event":{{"type":"message","text":"{text}"}}}}"#);
        let irc = format!(":b7!b7@localhost PRIVMSG #room :{text}\r\n");
        for line in [json, irc] {
            let (sender, seq, _) = parse(&line).unwrap();
            assert_eq!((sender, seq), (7, 42));
        }
        assert!(parse("PING :x").is_none());
    }

    #[test]
    fn this_process_has_cpu_and_memory_readings() {
        assert!(cpu_seconds("self").is_some());
        assert!(rss_kib("self").unwrap() > 0);
    }
}
