#!/usr/bin/env python3
"""Reads tertulia-bench JSON lines (several targets) and prints, per scenario
and figure, each target's value and the ratio Tertulia / target, as Markdown.

A throughput figure is marked "(generator-bound)" when the load generator
used at least 90% of the cores it was given (BENCH_CORES, default 1) over
the run: then the generator, not the server, set the pace."""
import json, os, sys, re
from collections import OrderedDict

FIGURES = [  # (field, label, better)
    ("deliveries_per_s", "deliveries/s", "higher"),
    ("p50_ms", "p50 latency ms", "lower"),
    ("p99_ms", "p99 latency ms", "lower"),
    ("max_ms", "max latency ms", "lower"),
    ("lost", "lost", "lower"),
    ("out_of_order", "out of order", "lower"),
    ("rss_per_conn_kib", "server memory growth KiB/connection", "lower"),
    ("rss_total_per_conn_kib", "server total memory KiB/connection", "lower"),
    ("setup_s", "connect+login+join s", "lower"),
    ("logins_per_s", "logins/s", "higher"),
    ("slowest_login_ms", "slowest login ms", "lower"),
    ("server_cpu_s", "server CPU s", "lower"),
    ("bench_cpu_s", "generator CPU s", "lower"),
]
USEFUL = {
    "fan-out": {"deliveries_per_s", "p50_ms", "p99_ms", "lost", "out_of_order", "server_cpu_s", "bench_cpu_s"},
    "paced": {"p50_ms", "p99_ms", "max_ms", "lost", "out_of_order", "server_cpu_s"},
    "idle": {"rss_per_conn_kib", "rss_total_per_conn_kib", "setup_s", "server_cpu_s"},
    "many-rooms": {"deliveries_per_s", "p99_ms", "lost", "out_of_order", "server_cpu_s", "bench_cpu_s"},
    "login-storm": {"logins_per_s", "slowest_login_ms", "server_cpu_s"},
    "join-storm": {"setup_s", "logins_per_s", "server_cpu_s", "bench_cpu_s"},
    "file-transfer": {"p50_ms", "p99_ms", "max_ms", "lost", "server_cpu_s", "bench_cpu_s"},
    "quiet-lab": {"server_cpu_s"},
}
BENCH_CORES = float(os.environ.get("BENCH_CORES", "1"))


def generator_bound(row):
    """The generator was (nearly) saturated while measuring throughput."""
    rate, count, cpu = row.get("deliveries_per_s"), row.get("deliveries"), row.get("bench_cpu_s")
    if not rate or not count or cpu is None:
        return False
    seconds = count / rate
    return seconds > 0 and cpu / seconds >= 0.9 * BENCH_CORES

rows = [json.loads(l) for l in open(sys.argv[1]) if l.startswith("{")]
targets = list(OrderedDict.fromkeys(r["target"] for r in rows))
# The k-th run of a scenario on one target matches the k-th on every other
# (a failed run keeps its place even though its parameters are not known).
groups, seen, params = OrderedDict(), {}, {}
for r in rows:
    k = seen[(r["target"], r["scenario"])] = seen.get((r["target"], r["scenario"]), -1) + 1
    key = (r["scenario"], k)
    if not r.get("error"):
        params.setdefault(key, re.sub(r" \(.*\)$", "", r["params"]))
    groups.setdefault(key, {})[r["target"]] = r

def fmt(v):
    if v is None: return "-"
    if isinstance(v, str): return v
    if isinstance(v, float):
        return f"{v:,.0f}" if abs(v) >= 100 else f"{v:.2f}"
    return f"{v:,}"


def shown(row, field):
    if row.get("error"):
        return "FAILED"
    value = fmt(row.get(field))
    if field == "deliveries_per_s" and generator_bound(row):
        value += " (generator-bound)"
    return value

others = [t for t in targets if t != "tertulia"]
print("| scenario | figure | " + " | ".join(targets) + " | " + " | ".join(f"tertulia / {t}" for t in others) + " |")
print("|" + "---|" * (2 + len(targets) + len(others)))
failures = [(r["target"], r["scenario"], r["error"]) for r in rows if r.get("error")]
for (scenario, k), by_target in groups.items():
    label_params = params.get((scenario, k), "?")
    for field, label, better in FIGURES:
        if field not in USEFUL.get(scenario, set()): continue
        values = ["FAILED" if by_target.get(t, {}).get("error") else by_target.get(t, {}).get(field) for t in targets]
        if all(v is None for v in values): continue
        values = [shown(by_target.get(t, {}), field) for t in targets]
        mine = by_target.get("tertulia", {}).get(field)
        ratios = []
        for t in others:
            theirs = by_target.get(t, {}).get(field)
            failed = by_target.get(t, {}).get("error") or by_target.get("tertulia", {}).get("error")
            if failed or mine is None or theirs in (None, 0) or field in ("lost", "out_of_order"):
                ratios.append("-")
            else:
                ratios.append(f"{mine / theirs:.2f}")
        print(f"| {scenario}: {label_params} | {label} ({better} is better) | " + " | ".join(values) + " | " + " | ".join(ratios) + " |")

for target, scenario, error in failures:
    print(f"\n{target} could not complete {scenario}: {error}")
