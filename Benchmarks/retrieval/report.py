#!/usr/bin/env python3
"""The report of Benchmarks/retrieval/run.sh: one table per query set, goal checks, the choice
of the default hybrid fusion, the results JSON and the MRR-latency plot.

    python3 report.py --meta .bench/retrieval-data/meta.json --peers .bench/retrieval/peers.json
                      [--trove .bench/retrieval/trove.json --trove-dir .bench/retrieval/trove]
                      [--results-dir .bench/retrieval] [--k 10] --out .bench/retrieval-results.json
                      [--plot docs/retrieval-mrr-latency.png] [--command "..."]

Why: every engine reports its own quality, but the figures are comparable only if one piece
of code scores them all. MRR@10, recall@10 and nDCG@10 (binary gains) are recomputed from
every engine's ranked ids (<set>.<engine>.jsonl of peers.py, <set>.<run>.jsonl of `trove
bench retrieval`) against "relevant" in the query files, with Benchmarks/text/report.py's
check_results (which also checks: every query answered once, <= k distinct ids from the
corpus, scores not increasing); each engine's own figures are checked against them.

Goals (one run, one thread; Trove's runs against Tantivy with the trove_english analyzer):
    verbatim set, Trove bm25: QPS >= 1.0x Tantivy's, p99 <= 1.0x, MRR@10 >= Tantivy's - 0.005
    default hybrid: semantic MRR@10 >= max(Trove bm25, Trove dense) + 0.04, and on each
                    known-item set (verbatim, keywords) MRR@10 >= Trove bm25's - 0.01
The hybrid goals are checked on Trove's `hybrid` run (the engine's default fusion) when it
is there. The report also names the run it would choose as the default: among Trove's hybrid
runs (every run but bm25 and dense) that meet both hybrid goals, the one with the highest
mean MRR@10 over the three sets; if none meets them it says so and names the best by that
mean. Missing Trove figures show as n/a.
"""

import argparse
import datetime
import importlib.util
import json
import os
import platform
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "common"))
from report_common import fmt_ratio, num, ratio, save_figure, verdict, write_json_atomic  # noqa: E402

_spec = importlib.util.spec_from_file_location("text_report", os.path.join(HERE, "..", "text", "report.py"))
text_report = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(text_report)   # check_results, goal, load_json, read_contention, fmt, read_jsonl

SETS = ("verbatim", "keywords", "semantic")
KNOWN_ITEM = ("verbatim", "keywords")
PEER_OF = {"dense": "faiss-flat"}   # Trove's run -> the peer its ratios are against (else tantivy)


def label(row):
    return f"{row['engine']} {row['run']}"


def collect(meta, peers, trove, trove_dir, k, warnings):
    """Rows {engine, run, set, qps, p50_ms, p99_ms, own, check} for every engine/run/set."""
    ts_of, queries = {}, {}
    for line in open(meta["files"]["corpus"]["path"], encoding="utf-8"):
        if line.strip():
            d = json.loads(line)
            ts_of[d["id"]] = d["ts"]
    for s in SETS:
        queries[s] = text_report.read_jsonl(meta["files"][s]["path"])
    rows = []
    for r in (peers or {}).get("results", []):
        rows.append(dict(r, out=r.get("out")))
    for r in (trove or {}).get("results", []):
        rows.append(dict(r, engine="trove", out=os.path.join(trove_dir, f"{r['set']}.{r['run']}.jsonl")))
    if trove:
        if trove.get("docs") != meta["passages"]:
            warnings.append(f"trove: docs is {trove.get('docs')!r}, the corpus has {meta['passages']}")
    out = []
    for r in rows:
        s = r.get("set")
        if s not in queries:
            warnings.append(f"{label(r)}: unknown set {s!r}")
            continue
        if r.get("queries") not in (None, len(queries[s])):
            warnings.append(f"{label(r)} {s}: {r['queries']} queries, the set has {len(queries[s])}")
        c = text_report.check_results(r["out"], queries[s], ts_of, k, warnings, f"{label(r)} {s}") if r.get("out") else None
        if c is None:
            warnings.append(f"{label(r)} {s}: no ranked ids ({r.get('out')}); quality as reported")
        own = {key: r.get(key) for key in ("mrr10", "recall10", "ndcg10")}
        off = [f"{key} {v} (ids give {c[key]})" for key, v in own.items()
               if c and num(v) and num(c.get(key)) and abs(v - c[key]) > 0.0015]
        if off:
            warnings.append(f"{label(r)} {s}: reports " + ", ".join(off) + "; the tables use the ids' figures")
        q = {key: (c[key] if c and num(c.get(key)) else own[key]) for key in own}
        out.append({"engine": r["engine"], "run": r["run"], "set": s, "qps": r.get("qps"), "p50_ms": r.get("p50_ms"),
                    "p99_ms": r.get("p99_ms"), **q, "reported": own,
                    "problems": c["problems"] if c else None,
                    "relevant_rank": c.get("relevant_rank") if c else None,
                    "search_only": r.get("search_only")})
    return out


def find(rows, engine, run, s):
    return next((r for r in rows if r["engine"] == engine and r["run"] == run and r["set"] == s), None)


def hybrid_checks(rows, run):
    """The two hybrid goals for one Trove run: [(goal dict), ...]."""
    def mrr(r, s):
        x = find(rows, "trove", r, s)
        return x["mrr10"] if x and num(x.get("mrr10")) else None

    out = []
    h, b, d = mrr(run, "semantic"), mrr("bm25", "semantic"), mrr("dense", "semantic")
    base = max(x for x in (b, d) if x is not None) if (b is not None or d is not None) else None
    out.append({"goal": "semantic MRR@10", "trove": h, "baseline": base, "target": ">= max(bm25, dense) + 0.04",
                "met": None if h is None or base is None else h >= base + 0.04 - 1e-9})
    for s in KNOWN_ITEM:
        h, b = mrr(run, s), mrr("bm25", s)
        out.append({"goal": f"{s} (known-item) MRR@10", "trove": h, "baseline": b, "target": ">= bm25 - 0.01",
                    "met": None if h is None or b is None else h >= b - 0.01 - 1e-9})
    return out


def choose_default(rows):
    # Fusions only: bm25-phrases is the query-string run of the text side.
    runs = sorted({r["run"] for r in rows if r["engine"] == "trove" and r["run"] not in ("bm25", "bm25-phrases", "dense")})
    cands = []
    for run in runs:
        ms = [find(rows, "trove", run, s) for s in SETS]
        if not all(m and num(m.get("mrr10")) for m in ms):
            continue
        checks = hybrid_checks(rows, run)
        cands.append({"run": run, "mean_mrr10": round(sum(m["mrr10"] for m in ms) / len(SETS), 4),
                      "meets_goals": all(c["met"] for c in checks), "checks": checks})
    cands.sort(key=lambda c: -c["mean_mrr10"])
    meeting = [c for c in cands if c["meets_goals"]]
    return {"chosen": meeting[0]["run"] if meeting else None,
            "best_by_mean_mrr10": cands[0]["run"] if cands else None, "candidates": cands}


def goals_of(rows, default):
    fmt_goal = text_report.goal
    tv, tt = find(rows, "trove", "bm25", "verbatim") or {}, find(rows, "tantivy", "bm25", "verbatim") or {}
    goals = [fmt_goal("verbatim: bm25 QPS, one query at a time", tv.get("qps"), tt.get("qps"), ">=", 1.0, unit="queries/s"),
             fmt_goal("verbatim: bm25 p99 latency", tv.get("p99_ms"), tt.get("p99_ms"), "<=", 1.0, unit="ms"),
             fmt_goal("verbatim: bm25 MRR@10", tv.get("mrr10"), tt.get("mrr10"), None, 0.005, kind="diff")]
    # The hybrid goals hold the engine's own default (the `hybrid` run) to account; without
    # that run, the run this report would choose.
    run = "hybrid" if find(rows, "trove", "hybrid", "semantic") else default["chosen"] or default["best_by_mean_mrr10"]
    for c in (hybrid_checks(rows, run) if run else []):
        goals.append(dict(c, goal=f"default hybrid ({run}): {c['goal']}"))
    if not run:
        goals.append({"goal": "default hybrid: a Trove hybrid run meeting both hybrid goals", "met": None})
    return goals


def markdown(rows, default, k):
    fmt = text_report.fmt
    lines = []
    for s in SETS:
        srows = [r for r in rows if r["set"] == s]
        if not srows:
            continue
        lines += [f"### {s}\n", f"| engine / run | QPS | p50 ms | p99 ms | MRR@{k} | recall@{k} | nDCG@{k} "
                  f"| vs peer | QPS x | p99 x | MRR diff |", "|---|---|---|---|---|---|---|---|---|---|---|"]
        for r in srows:
            peer_name = PEER_OF.get(r["run"], "tantivy") if r["engine"] == "trove" else None
            p = (find(rows, peer_name, "dense" if peer_name == "faiss-flat" else "bm25", s) or {}) if peer_name else {}
            d = (r["mrr10"] - p["mrr10"]) if num(r.get("mrr10")) and num(p.get("mrr10")) else None
            star = " (default)" if r["engine"] == "trove" and r["run"] == default["chosen"] else ""
            lines.append(f"| {label(r)}{star} | {fmt(r.get('qps'))} | {fmt(r.get('p50_ms'), 3)} | {fmt(r.get('p99_ms'), 3)} "
                         f"| {fmt(r.get('mrr10'), 4)} | {fmt(r.get('recall10'), 4)} | {fmt(r.get('ndcg10'), 4)} "
                         f"| {peer_name or ''} | {fmt_ratio(ratio(r.get('qps'), p.get('qps'))) if p else ''} "
                         f"| {fmt_ratio(ratio(r.get('p99_ms'), p.get('p99_ms'))) if p else ''} "
                         f"| {'' if d is None else f'{d:+.4f}'} |")
        lines.append("")
    return "\n".join(lines)


def plot(rows, default, path, k):
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    import matplotlib.ticker  # noqa: F401  (matplotlib.ticker below)

    colors = {"tantivy": "tab:blue", "tantivy-default": "tab:cyan", "faiss-flat": "tab:green"}
    fig, axes = plt.subplots(1, len(SETS), figsize=(6.4 * len(SETS), 5.2), squeeze=False)
    for ax, s in zip(axes[0], SETS):
        pts = [x for x in rows if x["set"] == s and num(x.get("p50_ms")) and num(x.get("mrr10"))]
        if not pts:
            continue
        hybrids = []
        for r in pts:
            trove = r["engine"] == "trove"
            hybrid = trove and r["run"] not in ("bm25", "dense")
            color = ("tab:orange" if hybrid else "tab:red") if trove else colors.get(r["engine"], "tab:gray")
            marker = "*" if trove and r["run"] == default["chosen"] else ("s" if trove else "o")
            ax.plot([r["p50_ms"]], [r["mrr10"]], marker, color=color, markersize=11 if marker == "*" else 6)
            if hybrid:
                hybrids.append(r)
            else:
                ax.annotate(r["run"] if trove else r["engine"], (r["p50_ms"], r["mrr10"]), textcoords="offset points",
                            xytext=(5, -10 if trove else 4), fontsize=7, color=color)
        # the hybrid runs sit close together: their labels go in a column to the right, with leader lines
        xs = [r["p50_ms"] for r in pts]
        ys = [r["mrr10"] for r in pts]
        lo, hi = min(ys), max(ys)
        pad = 0.05 * (hi - lo or 1.0)
        ax.set_ylim(lo - pad, hi + pad)
        ax.set_xlim(min(xs) / 1.5, max(xs) * 6)
        hybrids.sort(key=lambda r: r["mrr10"])
        for j, r in enumerate(hybrids):
            ty = lo + (hi - lo) * (j + 0.5) / len(hybrids)
            ax.annotate(r["run"], (r["p50_ms"], r["mrr10"]), xytext=(max(xs) * 1.8, ty), fontsize=7,
                        color="tab:orange", va="center",
                        arrowprops={"arrowstyle": "-", "color": "tab:orange", "alpha": 0.4, "linewidth": 0.6})
        ax.set_xscale("log")
        ax.xaxis.set_major_formatter(matplotlib.ticker.FuncFormatter(lambda v, _p: f"{v:g}"))
        ax.xaxis.set_minor_formatter(matplotlib.ticker.NullFormatter())
        ax.set_xlabel("p50 latency, ms (one query at a time, 1 thread)")
        ax.set_ylabel(f"MRR@{k}")
        ax.set_title(f"{s} queries", fontsize=10)
        ax.grid(True, which="both", alpha=0.3)
    fig.suptitle("Retrieval quality vs latency: Trove (red bm25/dense, orange hybrid, star default), "
                 "Tantivy, FAISS flat", fontsize=10)
    save_figure(fig, path)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--meta", required=True)
    ap.add_argument("--peers", required=True)
    ap.add_argument("--trove")
    ap.add_argument("--trove-dir")
    ap.add_argument("--results-dir", help="busy.txt and contention.jsonl of run.sh")
    ap.add_argument("--k", type=int, default=10)
    ap.add_argument("--out", required=True)
    ap.add_argument("--plot")
    ap.add_argument("--command", default="")
    args = ap.parse_args()

    warnings = []
    with open(args.meta) as f:
        meta = json.load(f)
    peers = text_report.load_json(args.peers, warnings, "peers")
    if peers is None:
        warnings.append(f"no peer figures ({args.peers})")
    trove = text_report.load_json(args.trove, warnings, "trove") if args.trove else None
    if trove is None:
        warnings.append(f"no Trove figures ({args.trove or '--trove not given'})")
    rows = collect(meta, peers, trove, args.trove_dir or "", args.k, warnings)
    default = choose_default(rows)
    goals = goals_of(rows, default)
    busy, contention = text_report.read_contention(args.results_dir, warnings) if args.results_dir else ({}, {})

    print(f"## Retrieval: Trove vs Tantivy and FAISS ({meta['passages']:,} passages)\n")
    if args.command:
        print(f"Command: `{args.command}`\n")
    tv = ((peers or {}).get("tantivy") or {}).get("binding_version")
    fv = ((peers or {}).get("faiss") or {}).get("faiss_version")
    print(f"tantivy (Python binding) {tv or 'n/a'}, faiss-cpu {fv or 'n/a'}, 1 thread, {platform.machine()}, "
          f"{os.cpu_count()} cores; queries: " + ", ".join(f"{s} {meta['queries'][s]}" for s in SETS) + ".\n")
    print(markdown(rows, default, args.k))
    print("### Goals\n\n| goal | Trove | baseline | ratio | target | |\n|---|---|---|---|---|---|")
    for g in goals:
        base = g.get("tantivy", g.get("baseline"))
        digits = {"queries/s": 0, "ms": 3}.get(g.get("unit"), 4)
        print(f"| {g['goal']} | {text_report.fmt(g.get('trove'), digits)} | {text_report.fmt(base, digits)} "
              f"| {fmt_ratio(g.get('ratio')) if g.get('unit') in ('queries/s', 'ms') else ''} | {g.get('target', '')} | {verdict(g['met'])} |")
    if default["chosen"]:
        print(f"\nDefault hybrid: **{default['chosen']}** (highest mean MRR@{args.k} over the three sets among the "
              f"hybrid runs meeting both hybrid goals).")
    else:
        print("\nDefault hybrid: none of Trove's hybrid runs meets both hybrid goals"
              + (f"; best by mean MRR@{args.k}: {default['best_by_mean_mrr10']}." if default["best_by_mean_mrr10"] else "."))
    for c in default["candidates"]:
        print(f"- {c['run']}: mean MRR@{args.k} {c['mean_mrr10']}, goals {'met' if c['meets_goals'] else 'not met'}")
    known = [g["met"] for g in goals if g["met"] is not None]
    summary = {"checked": len(known), "met": sum(known), "not_measured": len(goals) - len(known),
               "failed": [g["goal"] for g in goals if g["met"] is False]}
    print(f"\nGoals: {summary['met']} of {summary['checked']} checked met"
          + (f", {summary['not_measured']} not measured" if summary["not_measured"] else "")
          + (". Failed: " + "; ".join(summary["failed"]) if summary["failed"] else "."))
    if args.plot:
        try:
            plot(rows, default, args.plot, args.k)
        except Exception as e:  # the figures matter more than the picture
            warnings.append(f"plot failed: {e}")
    if warnings:
        print("\nWarnings:")
        for w in warnings:
            print(f"- {w}")

    out = {"generated_at": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"),
           "command": args.command, "k": args.k, "threads": 1,
           "machine": {"arch": platform.machine(), "cores": os.cpu_count(), "platform": platform.platform()},
           "data": {key: meta.get(key) for key in ("params", "passages", "documents", "queries", "sets", "files")},
           "trove": {key: (trove or {}).get(key) for key in ("docs", "index_seconds", "embed_seconds")},
           "peers": {key: (peers or {}).get(key) for key in ("tantivy", "faiss")},
           "rows": rows, "goals": goals, "default_hybrid": default, "summary": summary,
           "cpu_busy_percent_before": busy, "contention": contention, "plot": args.plot, "warnings": warnings}
    write_json_atomic(args.out, out)


if __name__ == "__main__":
    main()
