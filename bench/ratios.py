#!/usr/bin/env python3
"""Reads tertulia-bench JSON lines (several targets) and prints, per scenario
and figure, each target's value and the ratio Tertulia / target, as Markdown."""
import json, sys, re
from collections import OrderedDict

FIGURES = [  # (field, label, better)
    ("deliveries_per_s", "deliveries/s", "higher"),
    ("p50_ms", "p50 latency ms", "lower"),
    ("p99_ms", "p99 latency ms", "lower"),
    ("max_ms", "max latency ms", "lower"),
    ("lost", "lost", "lower"),
    ("out_of_order", "out of order", "lower"),
    ("rss_per_conn_kib", "server KiB/connection", "lower"),
    ("setup_s", "connect+login+join s", "lower"),
    ("logins_per_s", "logins/s", "higher"),
    ("slowest_login_ms", "slowest login ms", "lower"),
    ("server_cpu_s", "server CPU s", "lower"),
    ("bench_cpu_s", "generator CPU s", "lower"),
]
USEFUL = {
    "fan-out": {"deliveries_per_s", "p50_ms", "p99_ms", "lost", "out_of_order", "server_cpu_s", "bench_cpu_s"},
    "paced": {"p50_ms", "p99_ms", "max_ms", "lost", "out_of_order", "server_cpu_s"},
    "idle": {"rss_per_conn_kib", "setup_s", "lost", "server_cpu_s"},
    "many-rooms": {"deliveries_per_s", "p99_ms", "lost", "out_of_order", "server_cpu_s", "bench_cpu_s"},
    "login-storm": {"logins_per_s", "slowest_login_ms", "server_cpu_s"},
}

rows = [json.loads(l) for l in open(sys.argv[1]) if l.startswith("{")]
targets = list(OrderedDict.fromkeys(r["target"] for r in rows))
groups = OrderedDict()
for r in rows:
    key = (r["scenario"], re.sub(r" \(.*\)$", "", r["params"]))
    groups.setdefault(key, {})[r["target"]] = r

def fmt(v):
    if v is None: return "-"
    if isinstance(v, float):
        return f"{v:,.0f}" if abs(v) >= 100 else f"{v:.2f}"
    return f"{v:,}"

others = [t for t in targets if t != "tertulia"]
print("| scenario | figure | " + " | ".join(targets) + " | " + " | ".join(f"tertulia / {t}" for t in others) + " |")
print("|" + "---|" * (2 + len(targets) + len(others)))
for (scenario, params), by_target in groups.items():
    for field, label, better in FIGURES:
        if field not in USEFUL.get(scenario, set()): continue
        values = [by_target.get(t, {}).get(field) for t in targets]
        if all(v is None for v in values): continue
        mine = by_target.get("tertulia", {}).get(field)
        ratios = []
        for t in others:
            theirs = by_target.get(t, {}).get(field)
            if mine is None or theirs in (None, 0) or field in ("lost", "out_of_order"):
                ratios.append("-")
            else:
                ratios.append(f"{mine / theirs:.2f}")
        print(f"| {scenario}: {params} | {label} ({better} is better) | " + " | ".join(fmt(v) for v in values) + " | " + " | ".join(ratios) + " |")
