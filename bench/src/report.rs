//! One line of results, and the figures drawn from what the receivers saw.

use std::time::Duration;

use serde::Serialize;

use crate::measure::Received;

/// One line of results.
#[derive(Debug, Default, Serialize)]
pub struct Report {
    pub scenario: String,
    pub target: String,
    pub params: String,
    pub clients: usize,
    pub deliveries: u64,
    pub deliveries_per_s: f64,
    pub lost: u64,
    pub out_of_order: u64,
    pub p50_ms: f64,
    pub p90_ms: f64,
    pub p99_ms: f64,
    pub max_ms: f64,
    pub setup_s: f64,
    /// Server memory growth while the clients connected, per client.
    pub rss_per_conn_kib: Option<f64>,
    /// Server resident memory with every client connected, per client
    /// (fair to servers that preallocate their connection tables).
    pub rss_total_per_conn_kib: Option<f64>,
    pub logins_per_s: Option<f64>,
    pub slowest_login_ms: Option<f64>,
    pub server_cpu_s: Option<f64>,
    pub bench_cpu_s: Option<f64>,
    /// Why the scenario could not complete, if it could not.
    pub error: Option<String>,
}

impl Report {
    pub(crate) fn new(scenario: &str, params: String, clients: usize, setup: Duration) -> Report {
        Report {
            scenario: scenario.to_owned(),
            params,
            clients,
            setup_s: setup.as_secs_f64(),
            ..Report::default()
        }
    }
}

fn ms(us: u64) -> f64 {
    us as f64 / 1000.0
}

/// Deliveries, losses, order and latency from what the receivers saw, the
/// clock having started at `t0`.
pub(crate) fn summarize(report: &mut Report, received: &Received, wanted: u64, t0: u64) {
    report.deliveries = received.count;
    report.lost = wanted.saturating_sub(received.count);
    report.out_of_order = received.out_of_order;
    let seconds = received.last_at_us.saturating_sub(t0) as f64 / 1e6;
    report.deliveries_per_s = received.count as f64 / seconds.max(1e-6);
    let h = &received.latency;
    if h.is_empty() {
        return;
    }
    report.p50_ms = ms(h.value_at_quantile(0.50));
    report.p90_ms = ms(h.value_at_quantile(0.90));
    report.p99_ms = ms(h.value_at_quantile(0.99));
    report.max_ms = ms(h.max());
}

fn opt(value: Option<f64>, digits: usize) -> String {
    value.map_or("-".into(), |v| format!("{v:.digits$}"))
}

/// The table's first line (stderr).
pub(crate) fn header() -> String {
    format!(
        "{:<12} {:<10} {:>13} {:>6} {:>5} {:>8} {:>8} {:>8} {:>8} {:>13} {:>9} {:>8} {:>8}  {}",
        "scenario",
        "target",
        "deliveries/s",
        "lost",
        "ooo",
        "p50 ms",
        "p90 ms",
        "p99 ms",
        "max ms",
        "KiB/conn",
        "logins/s",
        "srv cpu",
        "gen cpu",
        "params"
    )
}

/// One report as a line of the table.
pub(crate) fn row(r: &Report) -> String {
    format!(
        "{:<12} {:<10} {:>13.0} {:>6} {:>5} {:>8.2} {:>8.2} {:>8.2} {:>8.2} {:>13} {:>9} {:>8} {:>8}  {} (setup {:.1}s{})",
        r.scenario,
        r.target,
        r.deliveries_per_s,
        r.lost,
        r.out_of_order,
        r.p50_ms,
        r.p90_ms,
        r.p99_ms,
        r.max_ms,
        match (r.rss_per_conn_kib, r.rss_total_per_conn_kib) {
            (Some(growth), Some(total)) => format!("{growth:.2}/{total:.2}"),
            _ => "-".into(),
        },
        opt(r.logins_per_s, 1),
        opt(r.server_cpu_s, 2),
        opt(r.bench_cpu_s, 2),
        r.params,
        r.setup_s,
        r.slowest_login_ms
            .map_or(String::new(), |ms| format!(", slowest login {ms:.0} ms")),
    )
}
