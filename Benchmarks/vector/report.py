#!/usr/bin/env python3
"""The report of Benchmarks/vector/run.sh: ratios, goal checks, results JSON and the plot.

    python3 report.py --manifest .bench/vector-data/full.json --results-dir .bench/vector/full
                      --threads 2 [--k 10] --out .bench/vector-results.json
                      --plot docs/vector-recall-qps.png [--command "..."] [--faiss-only]

Reads, for each dataset of the manifest, <results-dir>/<dataset>/:
    faiss.json                  faiss_peer.py's figures
    trove-flat.json             `trove bench vector --index flat ... --json` stdout
    trove-ivf.json              the same with --index ivf
    trove-ivf-sq8.json          the same with --index ivf-sq8
    trove-<index>.jsonl         their --out files (one line per query: query, ids, scores)
prints one Markdown table per dataset on stdout, writes everything to --out and saves the
recall-QPS plot (one panel per dataset) to --plot. Missing Trove figures show as n/a.

Goals (issue 3):
    flat batch QPS, 1,000 queries in one call, top-10     Trove >= 1.0x FAISS IndexFlat
    flat single-query p50 latency                         Trove <= 1.0x FAISS
    IVF QPS at recall@10 >= 0.95, each at its own
      smallest sufficient nprobe                          Trove >= 1.0x FAISS IndexIVFFlat
    IVF training time                                     Trove <= 1.5x FAISS
    batch flat GFLOP/s as a fraction of the sgemm peak    printed, no threshold
and a correctness check: recall@10 of Trove's flat --out ids against the exact ground
truth is 1.0 (a returned id whose exact score ties the 10th true score counts as a hit).
"""

import argparse
import datetime
import json
import math
import os
import platform
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "common"))
from report_common import fmt_ratio, load_json, num, parse_json_output, ratio, read_contention_log, save_figure, verdict, write_json_atomic  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

TARGET_RECALL = 0.95
INDEXES = ("flat", "ivf", "ivf-sq8")


# ---------------------------------------------------------------------------
# small utilities
# ---------------------------------------------------------------------------


def fmt(x, digits=0, unit=""):
    if not num(x):
        return "n/a"
    if digits == 0:
        return f"{x:,.0f}{unit}"
    return f"{x:,.{digits}f}{unit}"


def smallest_at(rows, target):
    """The row with the smallest nprobe whose recall >= target, else None."""
    ok = [r for r in rows if num(r.get("recall")) and r["recall"] >= target and r.get("nprobe") is not None]
    return min(ok, key=lambda r: r["nprobe"]) if ok else None


# ---------------------------------------------------------------------------
# checking Trove's --out ids against the ground truth
# ---------------------------------------------------------------------------

def read_out_file(path, nq, warnings, what):
    """(ids list per query, scores list per query) from a --out JSONL file, or None."""
    if not os.path.exists(path):
        return None
    ids = [None] * nq
    scores = [None] * nq
    problems = []
    with open(path) as f:
        for lineno, line in enumerate(f, 1):
            line = line.strip()
            if not line:
                continue
            try:
                obj = json.loads(line)
                q = int(obj["query"])
                row_ids = [int(i) for i in obj["ids"]]
                row_scores = [float(s) for s in obj.get("scores", [])]
            except (ValueError, KeyError, TypeError) as e:
                problems.append(f"line {lineno}: {e}")
                continue
            if not 0 <= q < nq:
                problems.append(f"line {lineno}: query {q} out of range 0..{nq - 1}")
                continue
            if ids[q] is not None:
                problems.append(f"line {lineno}: query {q} appears twice")
            ids[q] = row_ids
            scores[q] = row_scores
    missing = [q for q in range(nq) if ids[q] is None]
    if missing:
        problems.append(f"{len(missing)} queries missing (first: {missing[:5]})")
    if problems:
        warnings.append(f"{what}: {path}: " + "; ".join(problems[:5]))
    return ids, scores


def check_out(path, dataset, truth, base, queries, k, warnings, what):
    """Recall@k of --out ids, plain and tie-aware, plus which score convention they use."""
    import numpy as np

    nq = len(queries)
    got = read_out_file(path, nq, warnings, what)
    if got is None:
        return None
    ids, scores = got
    metric = dataset["metric"]
    n = base.shape[0]
    hits = hits_ties = 0
    short = dup = out_of_range = 0
    diffs = {"ip": [], "l2_squared": [], "l2": [], "neg_l2_squared": [], "neg_l2": []}
    for q in range(nq):
        row = ids[q] or []
        if len(row) < k:
            short += 1
        row = row[:k]
        if len(set(row)) != len(row):
            dup += 1
        valid = [i for i in row if 0 <= i < n]
        out_of_range += len(row) - len(valid)
        t = truth[q, :k]
        tset = set(int(i) for i in t)
        x = queries[q].astype(np.float64)

        def exact(idx):
            v = np.asarray(base[np.asarray(idx, dtype=np.int64)], dtype=np.float64)
            if metric == "l2":
                return ((v - x) ** 2).sum(axis=1)
            return v @ x

        kth = exact([int(t[-1])])[0]
        tol = 1e-4 * max(1.0, abs(kth))
        vs = exact(valid) if valid else np.zeros(0)
        for i, s in zip(valid, vs):
            if i in tset:
                hits += 1
                hits_ties += 1
            elif (metric == "l2" and s <= kth + tol) or (metric != "l2" and s >= kth - tol):
                hits_ties += 1
        sc = scores[q] or []
        if len(sc) >= len(valid) and valid:
            sc = np.asarray(sc[:len(valid)], dtype=np.float64)
            if metric == "l2":
                diffs["l2_squared"].append(np.abs(sc - vs).max())
                diffs["l2"].append(np.abs(sc - np.sqrt(np.maximum(vs, 0))).max())
                diffs["neg_l2_squared"].append(np.abs(sc + vs).max())
                diffs["neg_l2"].append(np.abs(sc + np.sqrt(np.maximum(vs, 0))).max())
            else:
                diffs["ip"].append(np.abs(sc - vs).max())
    total = k * nq
    conv = {name: max(v) for name, v in diffs.items() if v}
    best = min(conv, key=conv.get) if conv else None
    res = {
        "file": path, "queries": nq,
        "recall": round(hits / total, 4), "recall_tie_aware": round(hits_ties / total, 4),
        "queries_with_fewer_than_k": short, "queries_with_duplicate_ids": dup,
        "ids_out_of_range": out_of_range,
        "score_convention": best, "score_max_abs_error": None if best is None else float(f"{conv[best]:.3g}"),
    }
    if short or dup or out_of_range:
        warnings.append(f"{what}: {short} queries with < {k} ids, {dup} with duplicate ids, "
                        f"{out_of_range} ids out of range 0..{n - 1}")
    return res


# ---------------------------------------------------------------------------
# one dataset
# ---------------------------------------------------------------------------

def trove_rows(obj):
    if not obj or not isinstance(obj.get("results"), list):
        return []
    return [r for r in obj["results"] if isinstance(r, dict)]


def validate_trove(obj, index, ds, threads, k, warnings):
    what = f"{ds['name']} trove {index}"
    if obj is None:
        return
    want = {"index": index, "n": ds["n"], "d": ds["d"], "queries": ds["nq"], "k": k, "threads": threads}
    if index != "flat":
        want["nlist"] = ds["nlist"]
    metric = obj.get("metric")
    if metric is not None and metric != ds["metric"] and not (metric == "cosine" and ds["metric"] == "ip"):
        warnings.append(f"{what}: metric is {metric!r}, the dataset's is {ds['metric']!r}")
    for key, value in want.items():
        if key not in obj:
            warnings.append(f"{what}: JSON has no {key!r}")
        elif obj[key] != value:
            warnings.append(f"{what}: {key} is {obj[key]!r}, expected {value!r}")
    rows = trove_rows(obj)
    if not rows:
        warnings.append(f"{what}: JSON has no \"results\" list")
    for r in rows:
        for key in ("batch_qps", "single_p50_ms", "single_p99_ms", "recall"):
            if not num(r.get(key)):
                warnings.append(f"{what}: result {r.get('nprobe')!r} has no numeric {key!r}")
    if index == "flat" and rows and rows[0].get("nprobe") is not None:
        warnings.append(f"{what}: flat result has nprobe {rows[0]['nprobe']!r}, expected null")
    if index == "flat" and rows and not num(rows[0].get("batch_gflops")):
        warnings.append(f"{what}: flat result has no numeric \"batch_gflops\"")


def goal(name, trove, faiss, r, op, limit, unit="", note=""):
    met = None
    if r is not None:
        met = r >= limit if op == ">=" else r <= limit
    return {"goal": name, "trove": trove, "faiss": faiss, "ratio": None if r is None else round(r, 4),
            "target": f"{op} {limit}x", "met": met, "unit": unit, "note": note}


def analyse(ds, results_dir, threads, k, faiss_only, warnings):
    import numpy as np
    import vecio

    d = os.path.join(results_dir, ds["name"])
    faiss = load_json(os.path.join(d, "faiss.json"), warnings, f"{ds['name']} faiss")
    if faiss is None:
        warnings.append(f"{ds['name']}: no FAISS figures ({os.path.join(d, 'faiss.json')})")
    trove = {}
    for index in INDEXES:
        path = os.path.join(d, f"trove-{index}.json")
        obj = None if faiss_only else load_json(path, warnings, f"{ds['name']} trove {index}")
        if obj is None and not faiss_only:
            warnings.append(f"{ds['name']}: no Trove {index} figures ({path})")
        validate_trove(obj, index, ds, threads, k, warnings)
        trove[index] = obj

    busy = {}
    busy_path = os.path.join(d, "busy.txt")
    if os.path.exists(busy_path):
        with open(busy_path) as f:
            for line in f:
                parts = line.split()
                if len(parts) == 2 and parts[1].isdigit():
                    busy[parts[0]] = int(parts[1])
                    if int(parts[1]) >= 20:
                        warnings.append(f"{ds['name']}: other processes used {parts[1]}% of the CPU just before "
                                        f"{parts[0]} ran: its figures may be low; run again on a quiet machine")

    contention = {e.get("label"): e for e in read_contention_log(os.path.join(d, "contention.jsonl"), warnings, prefix=f"{ds['name']}: ")}

    ff = (faiss or {}).get("flat") or {}
    fi = (faiss or {}).get("ivf") or {}
    f_rows = fi.get("results") or []
    t_flat = (trove_rows(trove["flat"]) or [{}])[0]
    t_ivf = trove_rows(trove["ivf"])
    t_sq8 = trove_rows(trove["ivf-sq8"])
    sg = (faiss or {}).get("sgemm") or {}
    numpy_peak = sg.get("gflops_threads")
    trove_peak = (trove["flat"] or {}).get("sgemm_gflops_peak")

    goals = []
    goals.append(goal("flat batch QPS", t_flat.get("batch_qps"), ff.get("batch_qps"),
                      ratio(t_flat.get("batch_qps"), ff.get("batch_qps")), ">=", 1.0, "queries/s"))
    goals.append(goal("flat single-query p50 latency", t_flat.get("single_p50_ms"), ff.get("single_p50_ms"),
                      ratio(t_flat.get("single_p50_ms"), ff.get("single_p50_ms")), "<=", 1.0, "ms"))
    f_at = smallest_at(f_rows, TARGET_RECALL)
    t_at = smallest_at(t_ivf, TARGET_RECALL)
    note = ""
    if t_ivf and t_at is None:
        note = f"Trove IVF never reached recall {TARGET_RECALL}"
    if f_rows and f_at is None:
        note = f"FAISS IVF never reached recall {TARGET_RECALL}"
    r_ivf = ratio((t_at or {}).get("batch_qps"), (f_at or {}).get("batch_qps"))
    g = goal(f"IVF QPS at recall@{k} >= {TARGET_RECALL}", (t_at or {}).get("batch_qps"),
             (f_at or {}).get("batch_qps"), r_ivf, ">=", 1.0, "queries/s", note)
    if t_ivf and t_at is None:
        g["met"] = False
    g["trove_nprobe"], g["trove_recall"] = (t_at or {}).get("nprobe"), (t_at or {}).get("recall")
    g["faiss_nprobe"], g["faiss_recall"] = (f_at or {}).get("nprobe"), (f_at or {}).get("recall")
    goals.append(g)
    t_train = (trove["ivf"] or {}).get("train_seconds")
    goals.append(goal("IVF training time", t_train, fi.get("train_seconds"),
                      ratio(t_train, fi.get("train_seconds")), "<=", 1.5, "s"))

    # --out checks against the ground truth (flat must be exact)
    checks = {}
    base = queries = truth = None
    if not faiss_only and any(os.path.exists(os.path.join(d, f"trove-{i}.jsonl")) for i in INDEXES):
        base = vecio.read_vectors(ds["base"], mmap=True)
        queries = vecio.read_vectors(ds["queries"])
        truth = vecio.read_ids(ds["truth"])
        for index in INDEXES:
            res = check_out(os.path.join(d, f"trove-{index}.jsonl"), ds, truth, base, queries, k,
                            warnings, f"{ds['name']} trove {index} --out")
            if res is None:
                continue
            rows = trove_rows(trove[index])
            last = max(rows, key=lambda r: r.get("nprobe") or 0) if rows else {}
            res["nprobe"] = last.get("nprobe")
            res["reported_recall"] = last.get("recall")
            if num(last.get("recall")) and abs(last["recall"] - res["recall"]) > 0.0005:
                warnings.append(f"{ds['name']} trove {index}: reported recall {last['recall']} at nprobe "
                                f"{last.get('nprobe')} but its --out ids give {res['recall']}")
            checks[index] = res
    out_flat = checks.get("flat")
    flat_exact = None if out_flat is None else out_flat["recall_tie_aware"] >= 0.9999
    correctness = {"check": f"flat recall@{k} of --out ids (tie-aware) == 1.0",
                   "value": None if out_flat is None else out_flat["recall_tie_aware"],
                   "plain_recall": None if out_flat is None else out_flat["recall"], "met": flat_exact}

    sq8_at = smallest_at(t_sq8, TARGET_RECALL)
    sq8 = {"at_target": sq8_at, "best_recall": max((r["recall"] for r in t_sq8 if num(r.get("recall"))), default=None),
           "ratio_vs_faiss_ivfflat": ratio((sq8_at or {}).get("batch_qps"), (f_at or {}).get("batch_qps"))}
    gflops = {
        "trove_batch_gflops": t_flat.get("batch_gflops"), "faiss_batch_gflops": ff.get("batch_gflops"),
        "sgemm_peak_numpy_threads": numpy_peak, "sgemm_peak_numpy_1_thread": sg.get("gflops_1_thread"),
        "sgemm_peak_trove": trove_peak,
        "trove_fraction_of_numpy_peak": ratio(t_flat.get("batch_gflops"), numpy_peak),
        "trove_fraction_of_trove_peak": ratio(t_flat.get("batch_gflops"), trove_peak),
        "faiss_fraction_of_numpy_peak": ratio(ff.get("batch_gflops"), numpy_peak),
    }
    if num(numpy_peak) and num(sg.get("gflops_1_thread")) and threads > 1 and numpy_peak < 1.2 * sg["gflops_1_thread"]:
        warnings.append(f"{ds['name']}: the {threads}-thread sgemm peak ({numpy_peak}) is hardly above the "
                        f"1-thread one ({sg['gflops_1_thread']}): was the machine busy?")
    return {"dataset": ds, "cpu_busy_percent_before": busy, "contention": contention, "faiss": faiss, "trove": trove, "goals": goals,
            "correctness": correctness,
            "out_checks": checks, "sq8": sq8, "gflops": gflops}


# ---------------------------------------------------------------------------
# output
# ---------------------------------------------------------------------------

def markdown(a, threads, k):
    ds = a["dataset"]
    lines = [f"### {ds['name']}: {ds['n']:,} x {ds['d']}, metric {ds['metric']}, "
             f"{ds['nq']:,} queries, top-{k}, {threads} thread(s), nlist {ds['nlist']:,}", ""]
    if a.get("contention"):
        seen = ", ".join(f"{label} {e.get('others_cpu_percent', 'n/a')}%" for label, e in a["contention"].items())
        lines += [f"CPU used by other processes during each run: {seen}.", ""]
    lines.append("| measure | Trove | FAISS | Trove / FAISS | goal | result |")
    lines.append("|---|---:|---:|---:|---|---|")
    g = {x["goal"]: x for x in a["goals"]}
    gb = g["flat batch QPS"]
    lines.append(f"| flat batch QPS ({ds['nq']:,} queries, one call) | {fmt(gb['trove'])} | {fmt(gb['faiss'])} "
                 f"| {fmt_ratio(gb['ratio'])} | >= 1.0x | {verdict(gb['met'])} |")
    gl = g["flat single-query p50 latency"]
    lines.append(f"| flat single-query p50 (ms) | {fmt(gl['trove'], 3)} | {fmt(gl['faiss'], 3)} "
                 f"| {fmt_ratio(gl['ratio'])} | <= 1.0x | {verdict(gl['met'])} |")
    tf = (trove_rows(a["trove"]["flat"]) or [{}])[0]
    ff = (a["faiss"] or {}).get("flat") or {}
    lines.append(f"| flat single-query p99 (ms) | {fmt(tf.get('single_p99_ms'), 3)} | {fmt(ff.get('single_p99_ms'), 3)} "
                 f"| {fmt_ratio(ratio(tf.get('single_p99_ms'), ff.get('single_p99_ms')))} | | |")
    gi = [x for x in a["goals"] if x["goal"].startswith("IVF QPS")][0]

    def at(qps, nprobe, rec):
        return "n/a" if not num(qps) else f"{fmt(qps)} (nprobe {nprobe}, recall {rec:.3f})"
    t_cell = at(gi["trove"], gi["trove_nprobe"], gi["trove_recall"] or 0)
    if gi["met"] is False and gi["trove"] is None:
        t_cell = "recall not reached"
    lines.append(f"| IVF QPS at recall@{k} >= {TARGET_RECALL} | {t_cell} "
                 f"| {at(gi['faiss'], gi['faiss_nprobe'], gi['faiss_recall'] or 0)} "
                 f"| {fmt_ratio(gi['ratio'])} | >= 1.0x | {verdict(gi['met'])} |")
    gt = g["IVF training time"]
    fi = (a["faiss"] or {}).get("ivf") or {}
    ti = a["trove"]["ivf"] or {}
    lines.append(f"| IVF train time (s) | {fmt(gt['trove'], 2)} | {fmt(gt['faiss'], 2)} "
                 f"| {fmt_ratio(gt['ratio'])} | <= 1.5x | {verdict(gt['met'])} |")
    f_build = (fi.get("train_seconds") + fi.get("add_seconds")) if num(fi.get("train_seconds")) and num(fi.get("add_seconds")) else None
    lines.append(f"| IVF build time, training included (s) | {fmt(ti.get('build_seconds'), 2)} | {fmt(f_build, 2)} "
                 f"| {fmt_ratio(ratio(ti.get('build_seconds'), f_build))} | | |")
    s = a["sq8"]["at_target"]
    sq8_cell = "n/a"
    if s:
        sq8_cell = at(s.get("batch_qps"), s.get("nprobe"), s.get("recall"))
    elif a["trove"]["ivf-sq8"] is not None:
        sq8_cell = f"recall not reached (best {fmt(a['sq8']['best_recall'], 3)})"
    lines.append(f"| IVF-SQ8 QPS at recall@{k} >= {TARGET_RECALL} (FAISS: IVFFlat) | {sq8_cell} "
                 f"| {at(gi['faiss'], gi['faiss_nprobe'], gi['faiss_recall'] or 0)} "
                 f"| {fmt_ratio(a['sq8']['ratio_vs_faiss_ivfflat'])} | | |")
    gf = a["gflops"]

    def frac(x):
        return "n/a" if x is None else f"{100 * x:.0f}%"
    lines.append(f"| flat batch GFLOP/s | {fmt(gf['trove_batch_gflops'], 1)} | {fmt(gf['faiss_batch_gflops'], 1)} "
                 f"| {fmt_ratio(ratio(gf['trove_batch_gflops'], gf['faiss_batch_gflops']))} | printed | |")
    lines.append(f"| sgemm peak GFLOP/s, {threads} thread(s) (numpy/OpenBLAS; Trove's own) "
                 f"| {fmt(gf['sgemm_peak_trove'], 1)} | {fmt(gf['sgemm_peak_numpy_threads'], 1)} | | | |")
    lines.append(f"| flat batch as a fraction of the numpy sgemm peak | {frac(gf['trove_fraction_of_numpy_peak'])} "
                 f"| {frac(gf['faiss_fraction_of_numpy_peak'])} | | printed | |")
    c = a["correctness"]
    oc = a["out_checks"].get("flat") or {}
    conv = ""
    if oc.get("score_convention"):
        conv = f" (scores: {oc['score_convention']}, max error {oc['score_max_abs_error']:.2g})"
    lines.append(f"| flat recall@{k} of --out ids (tie-aware; plain) "
                 f"| {fmt(c['value'], 4)}; {fmt(c['plain_recall'], 4)}{conv} | {fmt(ff.get('recall'), 4)} | | = 1.0 "
                 f"| {verdict(c['met'])} |")
    lines.append("")
    lines.append(f"nprobe sweep (batch QPS of {ds['nq']:,} queries, recall@{k}):")
    lines.append("")
    lines.append("| nprobe | FAISS IVFFlat recall | FAISS QPS | Trove IVF recall | Trove QPS | Trove / FAISS "
                 "| Trove IVF-SQ8 recall | SQ8 QPS |")
    lines.append("|---:|---:|---:|---:|---:|---:|---:|---:|")
    fmap = {r["nprobe"]: r for r in fi.get("results") or []}
    tmap = {r.get("nprobe"): r for r in trove_rows(a["trove"]["ivf"])}
    smap = {r.get("nprobe"): r for r in trove_rows(a["trove"]["ivf-sq8"])}
    for p in sorted(set(fmap) | {x for x in tmap if x is not None} | {x for x in smap if x is not None}):
        f, t, s2 = fmap.get(p, {}), tmap.get(p, {}), smap.get(p, {})
        lines.append(f"| {p} | {fmt(f.get('recall'), 3)} | {fmt(f.get('batch_qps'))} | {fmt(t.get('recall'), 3)} "
                     f"| {fmt(t.get('batch_qps'))} | {fmt_ratio(ratio(t.get('batch_qps'), f.get('batch_qps')))} "
                     f"| {fmt(s2.get('recall'), 3)} | {fmt(s2.get('batch_qps'))} |")
    lines.append("")
    return "\n".join(lines)


def plot(analyses, path, threads, k):
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, axes = plt.subplots(1, len(analyses), figsize=(6.4 * len(analyses), 4.8), squeeze=False)
    for ax, a in zip(axes[0], analyses):
        ds = a["dataset"]

        def curve(rows, label, style, color, annotate):
            rows = sorted([r for r in rows if num(r.get("recall")) and num(r.get("batch_qps"))],
                          key=lambda r: r.get("nprobe") or 0)
            if not rows:
                return
            xs = [r["recall"] for r in rows]
            ys = [r["batch_qps"] for r in rows]
            ax.plot(xs, ys, style, color=color, label=label, markersize=5)
            if annotate:
                for r in rows:
                    ax.annotate(str(r["nprobe"]), (r["recall"], r["batch_qps"]), textcoords="offset points",
                                xytext=(4, 3), fontsize=7, color=color)

        fi = ((a["faiss"] or {}).get("ivf") or {}).get("results") or []
        curve(fi, "FAISS IndexIVFFlat", "o-", "tab:blue", True)
        curve(trove_rows(a["trove"]["ivf"]), "Trove IVF", "s-", "tab:red", True)
        curve(trove_rows(a["trove"]["ivf-sq8"]), "Trove IVF-SQ8", "^--", "tab:orange", False)
        ff = (a["faiss"] or {}).get("flat") or {}
        tf = (trove_rows(a["trove"]["flat"]) or [{}])[0]
        if num(ff.get("batch_qps")):
            ax.plot([ff.get("recall", 1.0)], [ff["batch_qps"]], "D", color="tab:blue", markersize=8,
                    markerfacecolor="none", label="FAISS flat")
        if num(tf.get("batch_qps")):
            rec = tf.get("recall") if num(tf.get("recall")) else 1.0
            ax.plot([rec], [tf["batch_qps"]], "*", color="tab:red", markersize=12, label="Trove flat")
        ax.axvline(TARGET_RECALL, color="grey", linestyle=":", linewidth=1)
        ax.set_yscale("log")
        ax.set_xlabel(f"recall@{k}")
        ax.set_ylabel(f"queries per second (batch of {ds['nq']:,})")
        ax.set_title(f"{ds['name']}: {ds['n']:,} x {ds['d']}, {ds['metric']}, nlist {ds['nlist']:,}, "
                     f"{threads} thread(s)", fontsize=10)
        ax.grid(True, which="both", alpha=0.3)
        ax.legend(fontsize=8, loc="lower left")
    fig.suptitle("Recall vs QPS: Trove and FAISS (labels: nprobe)", fontsize=11)
    save_figure(fig, path)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--manifest", required=True)
    ap.add_argument("--results-dir", required=True)
    ap.add_argument("--threads", type=int, required=True)
    ap.add_argument("--k", type=int, default=10)
    ap.add_argument("--out", required=True)
    ap.add_argument("--plot")
    ap.add_argument("--command", default="")
    ap.add_argument("--faiss-only", action="store_true")
    args = ap.parse_args()

    with open(args.manifest) as f:
        manifest = json.load(f)
    warnings = []
    analyses = [analyse(ds, args.results_dir, args.threads, args.k, args.faiss_only, warnings)
                for ds in manifest["datasets"]]

    print(f"## Vector search: Trove vs FAISS ({manifest['set']} datasets)\n")
    if args.command:
        print(f"Command: `{args.command}`\n")
    fv = next((a["faiss"].get("faiss_version") for a in analyses if a["faiss"]), None)
    print(f"faiss-cpu {fv or 'n/a'}, {args.threads} thread(s) for both engines, "
          f"{platform.machine()}, {os.cpu_count()} cores.\n")
    for a in analyses:
        print(markdown(a, args.threads, args.k))

    all_goals = [g for a in analyses for g in a["goals"]] + [a["correctness"] for a in analyses]
    known = [g["met"] for g in all_goals if g["met"] is not None]
    summary = {"checked": len(known), "met": sum(1 for m in known if m),
               "failed": [f"{a['dataset']['name']}: {g['goal']}" for a in analyses for g in a["goals"] if g["met"] is False]
               + [f"{a['dataset']['name']}: {a['correctness']['check']}" for a in analyses if a["correctness"]["met"] is False],
               "not_measured": sum(1 for g in all_goals if g["met"] is None)}
    print(f"Goals: {summary['met']} of {summary['checked']} checked met"
          + (f", {summary['not_measured']} not measured" if summary["not_measured"] else "")
          + (". Failed: " + "; ".join(summary["failed"]) if summary["failed"] else "."))
    if warnings:
        print("\nWarnings:")
        for w in warnings:
            print(f"- {w}")

    if args.plot:
        try:
            plot(analyses, args.plot, args.threads, args.k)
        except Exception as e:  # the figures matter more than the picture
            warnings.append(f"plot failed: {e}")
            print(f"\nreport.py: warning: plot failed: {e}", file=sys.stderr)

    out = {
        "generated_at": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"),
        "command": args.command, "set": manifest["set"], "threads": args.threads, "k": args.k,
        "target_recall": TARGET_RECALL, "machine": {"arch": platform.machine(), "cores": os.cpu_count(),
                                                    "platform": platform.platform()},
        "faiss_version": fv, "plot": args.plot, "summary": summary, "warnings": warnings,
        "datasets": analyses,
    }
    write_json_atomic(args.out, out)


if __name__ == "__main__":
    main()
