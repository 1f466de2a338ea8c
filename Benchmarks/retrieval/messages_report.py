#!/usr/bin/env python3
"""The table of run-messages.sh: Trove and Tantivy per run, ratios, agreement, the goal.

    python3 messages_report.py OUT_DIR     (reads trove.json, peer.json, trove/, peers/, busy.txt)

Agreement: the share of queries whose 10 ids are identical in both engines. The engines differ
by design on a word that splits into several tokens: Trove's match mode ORs its tokens (with a
proximity bonus), Tantivy's parser makes a phrase of them, so they match different sets; the last column counts only the queries without such a word.
"""

import json
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "text"))
sys.path.insert(0, HERE)
from make_sets import is_multi_token  # noqa: E402


def rows(path):
    with open(path) as f:
        return {r["run"]: r for r in json.load(f)["results"]}


def ids(path):
    with open(path) as f:
        return {d["qid"]: d["ids"] for d in map(json.loads, f)}


def main():
    out = sys.argv[1]
    trove, peer = rows(os.path.join(out, "trove.json")), rows(os.path.join(out, "peer.json"))
    with open(os.path.join(out, "trove.json")) as f:
        n = json.load(f)["messages"]
    print(f"{n:,} messages, {next(iter(trove.values()))['queries']:,} raw queries with a 7-30 day window, one thread\n")
    with open(os.path.join(out, "queries.jsonl")) as f:
        plain = {q["qid"] for q in map(json.loads, f) if not any(is_multi_token(w) for w in q["text"].split())}
    print("| run | Trove QPS | p50 ms | p99 ms | Tantivy QPS | p50 ms | p99 ms | QPS ratio | p99 ratio | same top 10 | same, no splitting word |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    for run, t in trove.items():
        p = peer.get(run)
        if not p:
            continue
        a, b = ids(os.path.join(out, "trove", f"{run}.jsonl")), ids(os.path.join(out, "peers", f"{run}.tantivy.jsonl"))
        same = sum(a[q] == b.get(q) for q in a) / max(1, len(a))
        same_plain = sum(a[q] == b.get(q) for q in a if q in plain) / max(1, len(plain & a.keys()))
        print(f"| {run} | {t['qps']:,.0f} | {t['p50_ms']:.3f} | {t['p99_ms']:.3f} | {p['qps']:,.0f} | {p['p50_ms']:.3f} | "
              f"{p['p99_ms']:.3f} | {t['qps'] / p['qps']:.2f}x | {t['p99_ms'] / p['p99_ms']:.2f}x | {same:.0%} | {same_plain:.0%} |")
    worst = max(trove[r]["p99_ms"] for r in ("tenant-newest", "all-newest") if r in trove)
    print(f"\nGoal (issue 17): newest first, p99 < 10 ms: {worst:.3f} ms, {'met' if worst < 10 else 'NOT met'}")
    busy = os.path.join(out, "busy.txt")
    if os.path.exists(busy):
        with open(busy) as f:
            print("Other processes' CPU before each engine: " + ", ".join(" ".join(l.split()) + "%" for l in f if l.strip()))


if __name__ == "__main__":
    main()
