#!/usr/bin/env python3
"""The report of Benchmarks/mixed/run.sh: a Markdown table of each query type's latency with
and without concurrent ingest, the p99 ratio against the goal, the load and ingest rates.

    python3 report.py --results Benchmarks/mixed/results/latest.json
                      [--contention contention.jsonl] [--command "..."] [--update]

--results is `trove bench mixed --json` output. --update adds a "report" member to it (goal
checks, verdict, command, machine, other processes' CPU use). Goal (issue 5): for each query
type (text + time, vector, hybrid), p99 with concurrent ingest <= 2x p99 without.
"""

import argparse
import datetime
import json
import os
import platform
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "common"))
from report_common import fmt_ratio, num, parse_json_output, ratio, read_contention_log, verdict  # noqa: E402

KINDS = (("text", "text + time"), ("vector", "vector"), ("hybrid", "hybrid"))
GOAL = 2.0


def fmt(x, digits=0):
    return f"{x:,.{digits}f}" if num(x) else "n/a"


def read_contention(path, warnings):
    return read_contention_log(path, warnings, effect="the latencies may be disturbed")


def analyse(r, warnings):
    phases = r.get("phases") or {}
    quiet, ingest = phases.get("quiet") or {}, phases.get("ingest") or {}
    goals = []
    for key, label in KINDS:
        q, i = quiet.get(key) or {}, ingest.get(key) or {}
        rr = ratio(i.get("p99_ms"), q.get("p99_ms"))
        goals.append({"goal": f"{label}: p99 under ingest <= {GOAL:g}x p99 quiet", "type": key,
                      "quiet_p99_ms": q.get("p99_ms"), "ingest_p99_ms": i.get("p99_ms"),
                      "ratio": None if rr is None else round(rr, 4), "met": None if rr is None else rr <= GOAL})
        for phase, figures in (("quiet", q), ("ingest", i)):
            if not figures.get("count"):
                warnings.append(f"no {label} queries were timed in the {phase} phase")
            elif num(figures.get("hits_per_query")) and figures["hits_per_query"] == 0:
                warnings.append(f"{label} queries returned no hits in the {phase} phase")
    target, held = r.get("ingest_target_per_sec"), r.get("ingest_achieved_per_sec")
    held_ratio = ratio(held, target)
    if held_ratio is not None and held_ratio < 0.98:
        warnings.append(f"the ingest task held {fmt(held, 1)}/s of the {fmt(target)}/s target "
                        f"({r.get('ingest_skipped_slots', 'n/a')} 50 ms slots dropped): the phase was lighter than asked")
    known = [g["met"] for g in goals if g["met"] is not None]
    overall = None if len(known) < len(goals) else all(known)
    return goals, held_ratio, overall


def markdown(r, goals, held_ratio, overall):
    phases = r.get("phases") or {}
    quiet, ingest = phases.get("quiet") or {}, phases.get("ingest") or {}
    lines = ["| query type | quiet p50 ms | quiet p99 ms | ingest p50 ms | ingest p99 ms | p99 ratio | goal (<= 2x) met? |",
             "|---|---:|---:|---:|---:|---:|---|"]
    for (key, label), g in zip(KINDS, goals):
        q, i = quiet.get(key) or {}, ingest.get(key) or {}
        lines.append(f"| {label} | {fmt(q.get('p50_ms'), 3)} | {fmt(q.get('p99_ms'), 3)} | {fmt(i.get('p50_ms'), 3)} "
                     f"| {fmt(i.get('p99_ms'), 3)} | {fmt_ratio(g['ratio'])} | {verdict(g['met'])} |")
    lines.append("")
    lines.append("| phase | queries | text QPS | vector QPS | hybrid QPS | text p95 ms | vector p95 ms | hybrid p95 ms |")
    lines.append("|---|---:|---:|---:|---:|---:|---:|---:|")
    for name, p in (("quiet", quiet), ("ingest", ingest)):
        cells = [fmt((p.get(k) or {}).get("qps"), 1) for k, _ in KINDS] + [fmt((p.get(k) or {}).get("p95_ms"), 3) for k, _ in KINDS]
        lines.append(f"| {name} | {fmt(p.get('queries'))} | " + " | ".join(cells) + " |")
    lines.append("")
    lines.append(f"Load: {fmt(r.get('messages'))} messages in {fmt(r.get('load_seconds'), 1)} s = "
                 f"**{fmt(r.get('load_docs_per_sec'))} docs/s** (log synced every 200 ms during the load); "
                 f"{r.get('settle', 'n/a')} {fmt(r.get('settle_seconds'), 1)} s; "
                 f"{fmt((r.get('folder_bytes') or 0) / 1e9, 2) if num(r.get('folder_bytes')) else 'n/a'} GB on disk, "
                 f"{fmt(r.get('segments'))} segment(s).")
    lines.append(f"Ingest: target {fmt(r.get('ingest_target_per_sec'))}/s, held **{fmt(r.get('ingest_achieved_per_sec'), 1)}/s** "
                 f"({fmt_ratio(held_ratio)} of target; {fmt(r.get('ingest_docs'))} messages in {fmt(r.get('ingest_batches'))} "
                 f"one-user puts, put p50 {fmt(r.get('ingest_put_p50_ms'), 2)} ms, p99 {fmt(r.get('ingest_put_p99_ms'), 2)} ms, "
                 f"{fmt(r.get('ingest_skipped_slots'))} slots dropped).")
    lines.append("")
    met = sum(1 for g in goals if g["met"])
    lines.append(f"**Verdict: {verdict(overall)}** — {met} of {len(goals)} query types keep p99 under ingest "
                 f"within {GOAL:g}x of quiet.")
    return "\n".join(lines)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--results", required=True)
    ap.add_argument("--contention")
    ap.add_argument("--command", default="")
    ap.add_argument("--update", action="store_true")
    args = ap.parse_args()

    with open(args.results) as f:
        r = parse_json_output(f.read())
    r.pop("report", None)
    warnings = []
    goals, held_ratio, overall = analyse(r, warnings)
    contention = read_contention(args.contention, warnings)

    print(f"## Mixed workload: queries with and without concurrent ingest\n")
    if args.command:
        print(f"Command: `{args.command}`\n")
    print(f"{fmt(r.get('messages'))} chat messages, {r.get('dim', 'n/a')}-d cosine embeddings (IVF), "
          f"{fmt(r.get('users'))} tenants; {r.get('query_tasks', 'n/a')} query tasks at {('%s queries/s in all, on a fixed schedule, each timed from when it was due' % fmt(r.get('query_rate'))) if r.get('query_rate') else 'full speed (back to back)'}, {r.get('phase_seconds', 'n/a')} s per phase; "
          f"text + time = 1-3 words and a 7-30 day window, vector = top 10 of a noisy topic vector, hybrid = both "
          f"(RRF), every query for one random tenant. {platform.machine()}, {os.cpu_count()} cores.\n")
    if contention:
        seen = ", ".join(f"{e.get('label')} {e.get('others_cpu_percent', 'n/a')}%" for e in contention)
        print(f"CPU used by other processes during the run: {seen}.\n")
    print(markdown(r, goals, held_ratio, overall))
    if warnings:
        print("\nWarnings:")
        for w in warnings:
            print(f"- {w}")

    if args.update:
        r["report"] = {
            "generated_at": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"),
            "command": args.command,
            "machine": {"arch": platform.machine(), "cores": os.cpu_count(), "platform": platform.platform()},
            "goals": goals, "verdict": verdict(overall), "ingest_held_fraction": held_ratio,
            "contention": contention, "warnings": warnings,
        }
        with open(args.results + ".tmp", "w") as f:
            json.dump(r, f, indent=2)
        os.replace(args.results + ".tmp", args.results)


if __name__ == "__main__":
    main()
