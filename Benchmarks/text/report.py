#!/usr/bin/env python3
"""The report of Benchmarks/text/run.sh: ratios, goal checks, result checks, results JSON.

    python3 report.py --meta .bench/text-data/full/meta.json --results-dir .bench/text/full
                      --threads 1 [--k 10] --out .bench/text-results.json [--command "..."]
                      [--tantivy-only]

Reads from --results-dir:
    tantivy.json                 tantivy_peer.py's figures (plain and time-range queries)
    tantivy-plain.jsonl, tantivy-time.jsonl     its ranked ids per query
    trove-plain.json             `trove bench text ... --queries queries.jsonl --json` stdout
    trove-time.json              the same with queries-time.jsonl
    trove-plain.jsonl, trove-time.jsonl         their --out files
    trove-plain.du, trove-time.du               bytes of Trove's --index-dir after each run
    busy.txt, contention.jsonl   CPU other processes used before / during each run
prints a Markdown table on stdout and writes everything to --out. Missing Trove figures
show as n/a.

Goals (issue 4), Trove against Tantivy, same corpus, same analyzer settings, same threads:
    indexing docs/s                                   >= 1.0x
    index size: Trove's inverted-index and column sections
      against Tantivy's index (which stores only the id)   <= 1.2x
    bytes on disk with the documents kept: Trove's whole
      folder against Tantivy storing every field           <= 1.2x
    query QPS, top-10, one query at a time            >= 1.0x
    query p99 latency                                 <= 1.0x
    text + time-range query QPS                       >= 1.0x
    MRR@10 on the known-item queries                  >= Tantivy's - 0.01
MRR@10, recall@10 and nDCG@10 are computed here, the same way for both engines, from the
ranked ids in the --out files and "relevant" in the query files; each engine's own figures
are checked against them. Also checked: every query answered once, no more than k ids, no
duplicate ids, every id in the corpus, scores not increasing, and for time-range queries
every returned passage's ts inside [from, to).
"""

import argparse
import datetime
import json
import math
import os
import platform
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "common"))
from report_common import fmt_ratio, load_json, num, parse_json_output, ratio, read_contention_log, verdict, write_json_atomic  # noqa: E402

TROVE_KEYS = ("docs", "index_seconds", "docs_per_sec", "mb_per_sec", "index_bytes", "queries", "qps",
              "p50_ms", "p99_ms", "mrr10", "recall10", "ndcg10")


# ---------------------------------------------------------------------------
# small utilities
# ---------------------------------------------------------------------------


def fmt(x, digits=0):
    if not num(x):
        return "n/a"
    return f"{x:,.{digits}f}"


def read_jsonl(path):
    with open(path, encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]


# ---------------------------------------------------------------------------
# checking ranked results
# ---------------------------------------------------------------------------

def check_results(path, queries, ts_of, k, warnings, what):
    """Quality recomputed from an --out file, plus its problems; None if the file is missing."""
    if not os.path.exists(path):
        return None
    by_qid = {}
    problems = []
    try:
        rows = read_jsonl(path)
    except (OSError, ValueError) as e:
        warnings.append(f"{what}: cannot read {path}: {e}")
        return None
    for i, r in enumerate(rows, 1):
        try:
            qid = str(r["qid"])
            ids = [str(x) for x in r["ids"]]
            scores = [float(s) for s in r.get("scores", [])]
        except (KeyError, TypeError, ValueError) as e:
            problems.append(f"line {i}: {e}")
            continue
        if qid in by_qid:
            problems.append(f"line {i}: qid {qid} appears twice")
        by_qid[qid] = (ids, scores)
    missing = [q["qid"] for q in queries if q["qid"] not in by_qid]
    unknown = [qid for qid in by_qid if qid not in {q["qid"] for q in queries}]
    too_many = dup = not_in_corpus = bad_order = out_of_window = short = 0
    n_rel = 0
    mrr = rec = ndcg = 0.0
    found_at = []
    for q in queries:
        ids, scores = by_qid.get(q["qid"], ([], []))
        if len(ids) > k:
            too_many += 1
        if len(ids) < k:
            short += 1
        if len(set(ids)) != len(ids):
            dup += 1
        not_in_corpus += sum(1 for i in ids if i not in ts_of)
        if scores and any(b > a + 1e-6 * max(1.0, abs(a)) for a, b in zip(scores, scores[1:])):
            bad_order += 1
        if "from" in q or "to" in q:
            lo = q.get("from")
            hi = q.get("to")
            for i in ids:
                t = ts_of.get(i)
                if t is None:
                    continue
                if (lo is not None and t < lo) or (hi is not None and t >= hi):
                    out_of_window += 1
        rel = set(q.get("relevant") or [])
        if not rel:
            continue
        n_rel += 1
        top = ids[:k]
        rank = next((r for r, i in enumerate(top, 1) if i in rel), None)
        found_at.append(rank)
        if rank:
            mrr += 1.0 / rank
        rec += len(rel & set(top)) / len(rel)
        dcg = sum(1.0 / math.log2(r + 1) for r, i in enumerate(top, 1) if i in rel)
        idcg = sum(1.0 / math.log2(r + 1) for r in range(1, min(len(rel), k) + 1))
        ndcg += dcg / idcg
    if missing:
        problems.append(f"{len(missing)} queries missing (first: {missing[:3]})")
    if unknown:
        problems.append(f"{len(unknown)} unknown qids (first: {unknown[:3]})")
    if too_many:
        problems.append(f"{too_many} queries with more than {k} ids")
    if dup:
        problems.append(f"{dup} queries with duplicate ids")
    if not_in_corpus:
        problems.append(f"{not_in_corpus} ids not in the corpus")
    if bad_order:
        problems.append(f"{bad_order} queries whose scores increase down the list")
    if out_of_window:
        problems.append(f"{out_of_window} returned passages outside their query's time window")
    if problems:
        warnings.append(f"{what}: {path}: " + "; ".join(problems))
    hist = {"1": 0, "2-3": 0, "4-10": 0, "not in top-10": 0}
    for r in found_at:
        key = "not in top-10" if r is None else "1" if r == 1 else "2-3" if r <= 3 else "4-10"
        hist[key] += 1
    return {
        "file": path, "queries_answered": len(by_qid), "missing": len(missing),
        "mrr10": round(mrr / n_rel, 4) if n_rel else None,
        "recall10": round(rec / n_rel, 4) if n_rel else None,
        "ndcg10": round(ndcg / n_rel, 4) if n_rel else None,
        "relevant_rank": hist, "queries_with_fewer_than_k": short,
        "problems": problems, "out_of_window": out_of_window,
        "_by_qid": by_qid,
    }


def agreement(a, b, k):
    """Mean overlap of the two engines' top-k id sets and how their scores compare on shared ids."""
    if not a or not b:
        return None
    overlaps, rel_diffs, top1_same = [], [], 0
    common = [q for q in a["_by_qid"] if q in b["_by_qid"]]
    for qid in common:
        ia, sa = a["_by_qid"][qid]
        ib, sb = b["_by_qid"][qid]
        ia, ib = ia[:k], ib[:k]
        if ia or ib:
            overlaps.append(len(set(ia) & set(ib)) / max(len(ia), len(ib)))
        if ia and ib and ia[0] == ib[0]:
            top1_same += 1
        smap = dict(zip(ib, sb))
        for i, s in zip(ia, sa):
            if i in smap and smap[i] > 0:
                rel_diffs.append(abs(s / smap[i] - 1.0))
    rel_diffs.sort()
    return {
        "queries": len(common),
        "mean_topk_overlap": round(sum(overlaps) / len(overlaps), 4) if overlaps else None,
        "same_top1": round(top1_same / len(common), 4) if common else None,
        "score_rel_diff_median": round(rel_diffs[len(rel_diffs) // 2], 5) if rel_diffs else None,
        "score_rel_diff_p90": round(rel_diffs[int(0.9 * (len(rel_diffs) - 1))], 5) if rel_diffs else None,
    }


# ---------------------------------------------------------------------------
# analysis
# ---------------------------------------------------------------------------

def validate_trove(obj, kind, meta, threads, nq, warnings):
    what = f"trove {kind}"
    if obj is None:
        return
    for key in TROVE_KEYS:
        if not num(obj.get(key)):
            warnings.append(f"{what}: JSON has no numeric {key!r}")
    want = {"docs": meta["passages"], "queries": nq, "threads": threads, "analyzer": "english"}
    for key, value in want.items():
        if key in obj and obj[key] != value:
            warnings.append(f"{what}: {key} is {obj[key]!r}, expected {value!r}")
        elif key not in obj:
            warnings.append(f"{what}: JSON has no {key!r}")


def goal(name, trove, tantivy, op, limit, kind="ratio", unit=""):
    """A goal row: kind "ratio" compares trove/tantivy with limit; "diff" checks trove >= tantivy - limit."""
    r = ratio(trove, tantivy)
    met = None
    if kind == "ratio" and r is not None:
        met = r >= limit if op == ">=" else r <= limit
        target = f"{op} {limit}x"
    elif kind == "diff":
        target = f">= Tantivy - {limit}"
        if num(trove) and num(tantivy):
            met = trove >= tantivy - limit - 1e-9
    else:
        target = f"{op} {limit}x"
    return {"goal": name, "trove": trove, "tantivy": tantivy, "ratio": None if r is None else round(r, 4),
            "target": target, "met": met, "unit": unit}


def read_contention(results_dir, warnings):
    busy, contention = {}, {}
    path = os.path.join(results_dir, "busy.txt")
    if os.path.exists(path):
        with open(path) as f:
            for line in f:
                parts = line.split()
                if len(parts) == 2 and parts[1].isdigit():
                    busy[parts[0]] = int(parts[1])
                    if int(parts[1]) >= 20:
                        warnings.append(f"other processes used {parts[1]}% of the CPU just before {parts[0]} ran: "
                                        f"its figures may be low; run again on a quiet machine")
    for e in read_contention_log(os.path.join(results_dir, "contention.jsonl"), warnings):
        contention[e.get("label")] = e
    return busy, contention


def analyse(meta, results_dir, threads, k, tantivy_only, warnings):
    d = results_dir
    corpus_path = meta["files"]["corpus"]["path"]
    ts_of = {}
    with open(corpus_path, encoding="utf-8") as f:
        for line in f:
            if line.strip():
                doc = json.loads(line)
                ts_of[str(doc["id"])] = doc["ts"]
    qplain = read_jsonl(meta["files"]["queries"]["path"])
    qtime = read_jsonl(meta["files"]["queries_time"]["path"])

    tan = load_json(os.path.join(d, "tantivy.json"), warnings, "tantivy")
    if tan is None:
        warnings.append(f"no Tantivy figures ({os.path.join(d, 'tantivy.json')})")
    trove = {}
    for kind, nq in (("plain", len(qplain)), ("time", len(qtime))):
        obj = None if tantivy_only else load_json(os.path.join(d, f"trove-{kind}.json"), warnings, f"trove {kind}")
        if obj is None and not tantivy_only:
            warnings.append(f"no Trove {kind} figures ({os.path.join(d, f'trove-{kind}.json')})")
        validate_trove(obj, kind, meta, threads, nq, warnings)
        trove[kind] = obj
    du = {}
    for kind in () if tantivy_only else ("plain", "time"):
        p = os.path.join(d, f"trove-{kind}.du")
        if os.path.exists(p):
            try:
                with open(p) as f:
                    du[kind] = int(f.read().strip())
            except ValueError:
                pass

    checks = {}
    for engine, kind, queries in (("tantivy", "plain", qplain), ("tantivy", "time", qtime),
                                  ("trove", "plain", qplain), ("trove", "time", qtime)):
        if engine == "trove" and tantivy_only:
            checks[f"{engine}-{kind}"] = None
            continue
        checks[f"{engine}-{kind}"] = check_results(os.path.join(d, f"{engine}-{kind}.jsonl"), queries, ts_of, k,
                                                   warnings, f"{engine} {kind} --out")
    # each engine's own quality figures against the recomputed ones
    for engine, kind in (("tantivy", "plain"), ("tantivy", "time"), ("trove", "plain"), ("trove", "time")):
        c = checks[f"{engine}-{kind}"]
        if engine == "tantivy":
            own = (tan or {}).get("plain" if kind == "plain" else "time_range") or {}
        else:
            own = trove[kind] or {}
        if c is None:
            if engine == "trove" and own:
                warnings.append(f"trove {kind}: no --out file, so its quality figures are taken as reported")
            continue
        for key in ("mrr10", "recall10", "ndcg10"):
            if num(own.get(key)) and num(c.get(key)) and abs(own[key] - c[key]) > 0.0015:
                warnings.append(f"{engine} {kind}: reports {key} {own[key]} but its --out ids give {c[key]}")

    tp, tt = trove["plain"] or {}, trove["time"] or {}
    tanp = (tan or {}).get("plain") or {}
    tant = (tan or {}).get("time_range") or {}

    def q(c, key, fallback):
        c = checks.get(c)
        return c[key] if c and num(c.get(key)) else fallback

    # Two like-for-like size comparisons. Trove always keeps the documents (it is the
    # database), so its folder is compared with Tantivy storing every field; its index
    # sections alone (dictionary, postings, positions, norms, ts column) with Tantivy's
    # default index, which stores only the id.
    trove_folder = du.get("plain") or tp.get("total_bytes")
    stored_all = ((tan or {}).get("stored_all") or {}).get("index_bytes")
    goals = [
        goal("indexing docs/s", tp.get("docs_per_sec"), (tan or {}).get("docs_per_sec"), ">=", 1.0, unit="docs/s"),
        goal("index size", tp.get("index_bytes"), (tan or {}).get("index_bytes"), "<=", 1.2, unit="bytes"),
        goal("bytes on disk, documents kept", trove_folder, stored_all, "<=", 1.2, unit="bytes"),
        goal("query QPS, top-10, one at a time", tp.get("qps"), tanp.get("qps"), ">=", 1.0, unit="queries/s"),
        goal("query p99 latency", tp.get("p99_ms"), tanp.get("p99_ms"), "<=", 1.0, unit="ms"),
        goal("text + time-range QPS", tt.get("qps"), tant.get("qps"), ">=", 1.0, unit="queries/s"),
        goal("MRR@10, known-item queries", q("trove-plain", "mrr10", tp.get("mrr10")),
             q("tantivy-plain", "mrr10", tanp.get("mrr10")), None, 0.01, kind="diff"),
    ]
    correctness = []
    for kind in ("plain", "time"):
        c = checks.get(f"trove-{kind}")
        if c is None:
            correctness.append({"check": f"trove {kind} --out: every query answered, <= k distinct ids from the corpus, "
                                         f"scores not increasing" + (", ts inside the window" if kind == "time" else ""),
                                "met": None})
        else:
            correctness.append({"check": f"trove {kind} --out: every query answered, <= k distinct ids from the corpus, "
                                         f"scores not increasing" + (", ts inside the window" if kind == "time" else ""),
                                "met": not c["problems"], "problems": c["problems"]})
    if du.get("plain") and num(tp.get("total_bytes")) and abs(du["plain"] - tp["total_bytes"]) > 0.05 * du["plain"] + 65536:
        warnings.append(f"trove plain: reports total_bytes {tp['total_bytes']:,} but its --index-dir holds "
                        f"{du['plain']:,} bytes (the table uses the latter)")
    # MB/s from one definition for both: UTF-8 bytes of the text field / 1e6 / index_seconds
    mbps = {"trove": ratio(meta["text_bytes"] / 1e6, tp.get("index_seconds")),
            "tantivy": ratio(meta["text_bytes"] / 1e6, (tan or {}).get("index_seconds"))}
    if num(tp.get("mb_per_sec")) and num(mbps["trove"]) and abs(tp["mb_per_sec"] / mbps["trove"] - 1) > 0.05:
        warnings.append(f"trove plain: reports {tp['mb_per_sec']} MB/s; text bytes / index_seconds gives "
                        f"{mbps['trove']:.3f} (the table uses the latter for both engines)")
    busy, contention = read_contention(d, warnings)
    return {
        "trove": trove, "tantivy": tan, "trove_index_dir_bytes": du, "goals": goals, "correctness": correctness,
        "checks": {key: ({kk: vv for kk, vv in v.items() if not kk.startswith("_")} if v else None)
                   for key, v in checks.items()},
        "agreement": {"plain": agreement(checks.get("trove-plain"), checks.get("tantivy-plain"), k),
                      "time": agreement(checks.get("trove-time"), checks.get("tantivy-time"), k)},
        "mb_per_sec": mbps, "cpu_busy_percent_before": busy, "contention": contention,
    }


# ---------------------------------------------------------------------------
# output
# ---------------------------------------------------------------------------

def markdown(a, meta, threads, k):
    tan = a["tantivy"] or {}
    tp, tt = a["trove"]["plain"] or {}, a["trove"]["time"] or {}
    tanp, tant = tan.get("plain") or {}, tan.get("time_range") or {}
    g = {x["goal"]: x for x in a["goals"]}
    ch = a["checks"]
    lines = []
    if a.get("contention"):
        seen = ", ".join(f"{label} {e.get('others_cpu_percent', 'n/a')}%" for label, e in a["contention"].items())
        lines += [f"CPU used by other processes during each run: {seen}.", ""]
    lines.append("| measure | Trove | Tantivy | Trove / Tantivy | goal | result |")
    lines.append("|---|---:|---:|---:|---|---|")

    def row(label, t, s, r, target="", met=None, digits=0, show_verdict=False):
        lines.append(f"| {label} | {fmt(t, digits)} | {fmt(s, digits)} | {fmt_ratio(r)} | {target} "
                     f"| {verdict(met) if show_verdict else ''} |")

    x = g["indexing docs/s"]
    row(f"indexing, docs/s ({threads} thread{'s' if threads > 1 else ''})", x["trove"], x["tantivy"], x["ratio"],
        ">= 1.0x", x["met"], show_verdict=True)
    row("indexing, MB/s of text", a["mb_per_sec"]["trove"], a["mb_per_sec"]["tantivy"],
        ratio(a["mb_per_sec"]["trove"], a["mb_per_sec"]["tantivy"]), digits=1)
    row("indexing, seconds", tp.get("index_seconds"), tan.get("index_seconds"),
        ratio(tp.get("index_seconds"), tan.get("index_seconds")), digits=2)
    tc, sc = tp.get("index_cpu_seconds"), tan.get("cpu_seconds")

    def cpu_cell(cpu, wall):
        if not num(cpu):
            return "n/a"
        return f"{cpu:,.2f}" + (f" ({cpu / wall:.2f} cores)" if num(wall) and wall > 0 else "")
    lines.append(f"| indexing, CPU seconds of the process | {cpu_cell(tc, tp.get('index_seconds'))} "
                 f"| {cpu_cell(sc, tan.get('index_seconds'))} | {fmt_ratio(ratio(tc, sc))} | | |")
    x = g["index size"]
    row("index size, MB (Trove: text sections; Tantivy: index storing the id)", x["trove"] / 1e6 if num(x["trove"]) else None,
        x["tantivy"] / 1e6 if num(x["tantivy"]) else None, x["ratio"], "<= 1.2x", x["met"], digits=1,
        show_verdict=True)
    x = g["bytes on disk, documents kept"]
    row("bytes on disk with documents, MB (Trove: whole folder; Tantivy: every field stored)",
        x["trove"] / 1e6 if num(x["trove"]) else None, x["tantivy"] / 1e6 if num(x["tantivy"]) else None,
        x["ratio"], "<= 1.2x", x["met"], digits=1, show_verdict=True)
    x = g["query QPS, top-10, one at a time"]
    row(f"query QPS, top-{k}, one at a time", x["trove"], x["tantivy"], x["ratio"], ">= 1.0x", x["met"],
        show_verdict=True)
    row("query p50, ms", tp.get("p50_ms"), tanp.get("p50_ms"), ratio(tp.get("p50_ms"), tanp.get("p50_ms")), digits=3)
    x = g["query p99 latency"]
    row("query p99, ms", x["trove"], x["tantivy"], x["ratio"], "<= 1.0x", x["met"], digits=3, show_verdict=True)
    so = tanp.get("search_only") or {}
    row("  Tantivy engine only (parsed beforehand, no id fetch): QPS", tp.get("qps"), so.get("qps"),
        ratio(tp.get("qps"), so.get("qps")), "reference")
    row("  Tantivy engine only: p99, ms", tp.get("p99_ms"), so.get("p99_ms"),
        ratio(tp.get("p99_ms"), so.get("p99_ms")), "reference", digits=3)
    x = g["text + time-range QPS"]
    row("text + time-range QPS", x["trove"], x["tantivy"], x["ratio"], ">= 1.0x", x["met"], show_verdict=True)
    row("text + time-range p50, ms", tt.get("p50_ms"), tant.get("p50_ms"), ratio(tt.get("p50_ms"), tant.get("p50_ms")),
        digits=3)
    row("text + time-range p99, ms", tt.get("p99_ms"), tant.get("p99_ms"), ratio(tt.get("p99_ms"), tant.get("p99_ms")),
        digits=3)
    sot = tant.get("search_only") or {}
    row("  Tantivy engine only: time-range QPS", tt.get("qps"), sot.get("qps"), ratio(tt.get("qps"), sot.get("qps")),
        "reference")

    def qrow(label, key, kind, target="", met=None, show=False):
        t = (ch.get(f"trove-{kind}") or {}).get(key)
        if t is None:
            t = (tp if kind == "plain" else tt).get(key)
        s = (ch.get(f"tantivy-{kind}") or {}).get(key)
        if s is None:
            s = (tanp if kind == "plain" else tant).get(key)
        diff = f"{t - s:+.4f}" if num(t) and num(s) else "n/a"
        lines.append(f"| {label} | {fmt(t, 4)} | {fmt(s, 4)} | {diff} | {target} | {verdict(met) if show else ''} |")

    x = g["MRR@10, known-item queries"]
    qrow(f"MRR@{k}, known-item queries", "mrr10", "plain", ">= Tantivy - 0.01", x["met"], True)
    qrow(f"recall@{k}", "recall10", "plain")
    qrow(f"nDCG@{k}", "ndcg10", "plain")
    qrow(f"MRR@{k}, with the time range", "mrr10", "time")
    qrow(f"recall@{k}, with the time range", "recall10", "time")
    qrow(f"nDCG@{k}, with the time range", "ndcg10", "time")
    for c in a["correctness"]:
        lines.append(f"| {c['check']} | | | | all | {verdict(c['met'])} |")
    lines.append("")
    ag = a["agreement"].get("plain")
    if ag:
        lines.append(f"Agreement on the plain queries: mean top-{k} overlap {fmt(ag['mean_topk_overlap'], 3)}, "
                     f"same top hit {fmt(ag['same_top1'], 3)}; on ids both return, Trove's BM25 score differs "
                     f"from Tantivy's by a median {fmt(100 * ag['score_rel_diff_median'], 2) if num(ag['score_rel_diff_median']) else 'n/a'}% "
                     f"(90th percentile {fmt(100 * ag['score_rel_diff_p90'], 2) if num(ag['score_rel_diff_p90']) else 'n/a'}%).")
        lines.append("")
    return "\n".join(lines)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--meta", required=True)
    ap.add_argument("--results-dir", required=True)
    ap.add_argument("--threads", type=int, required=True)
    ap.add_argument("--k", type=int, default=10)
    ap.add_argument("--out", required=True)
    ap.add_argument("--command", default="")
    ap.add_argument("--tantivy-only", action="store_true")
    args = ap.parse_args()

    with open(args.meta) as f:
        meta = json.load(f)
    warnings = []
    a = analyse(meta, args.results_dir, args.threads, args.k, args.tantivy_only, warnings)
    tan = a["tantivy"] or {}
    an = tan.get("analyzer") or {}

    print(f"## Full-text search: Trove vs Tantivy ({meta['set']} corpus)\n")
    if args.command:
        print(f"Command: `{args.command}`\n")
    print(f"Corpus: {meta['passages']:,} English passages from Debian's man pages and /usr/share/doc "
          f"({meta['text_bytes'] / 1e6:.1f} MB of text, {meta['words']['mean']:.0f} words on average), "
          f"{meta['queries']:,} known-item queries (a unique 6-10 word span of one passage), the same queries "
          f"with a time window of {100 * meta['time_window_fraction']['min']:.0f}-"
          f"{100 * meta['time_window_fraction']['max']:.0f}% of the two years. "
          f"Tantivy {tan.get('binding_version') or 'n/a'} (Python binding), analyzer "
          f"{an.get('chain', 'n/a')} ({an.get('stopwords', 'n/a')} stopwords, Trove's list); Trove `english`. "
          f"{args.threads} thread(s) for both; top-{args.k} BM25 over the text field; "
          f"{platform.machine()}, {os.cpu_count()} cores.\n")
    print(markdown(a, meta, args.threads, args.k))

    rows = a["goals"] + a["correctness"]
    known = [r["met"] for r in rows if r["met"] is not None]
    summary = {"checked": len(known), "met": sum(1 for m in known if m),
               "failed": [r.get("goal") or r.get("check") for r in rows if r["met"] is False],
               "not_measured": sum(1 for r in rows if r["met"] is None)}
    print(f"Goals: {summary['met']} of {summary['checked']} checked met"
          + (f", {summary['not_measured']} not measured" if summary["not_measured"] else "")
          + (". Failed: " + "; ".join(summary["failed"]) if summary["failed"] else "."))
    if warnings:
        print("\nWarnings:")
        for w in warnings:
            print(f"- {w}")

    out = {
        "generated_at": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"),
        "command": args.command, "set": meta["set"], "threads": args.threads, "k": args.k,
        "machine": {"arch": platform.machine(), "cores": os.cpu_count(), "platform": platform.platform()},
        "corpus": {key: meta.get(key) for key in ("passages", "queries", "text_bytes", "title_bytes", "words",
                                                  "sources", "ts", "time_window_fraction", "files", "params",
                                                  "debian_packages")},
        "summary": summary, "warnings": warnings, **a,
    }
    write_json_atomic(args.out, out)


if __name__ == "__main__":
    main()
