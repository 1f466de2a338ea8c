#!/usr/bin/env python3
"""The report of Benchmarks/vector/run-real.sh (issue 18): tables, ratios, goals, plots.

    python3 real_report.py --set META=DIR [--set META=DIR ...] --threads 2 [--k 10]
                           --out .bench/vector-real-results.json
                           [--plot-latency docs/vector-real-recall-latency.png]
                           [--plot-qps docs/vector-real-recall-qps.png] [--command "..."] [--peers-only]

META is make_real.py's meta.json of a set, DIR the folder run-real.sh wrote for it:
    peer-<peer>.json         real_peers.py's output (faiss-flat, faiss-ivf, faiss-ivfpq,
                             hnswlib, usearch, usearch-f32)
    trove-<index>.json       `trove bench vector --index <index> --threads T --json` stdout
    trove-<index>-t1.json    the same with --threads 1: its single-query p50/p99 are the
                             ones reported (every engine's single queries run on 1 thread)
    trove-<index>.jsonl      the T-thread run's --out ids (flat: checked against the truth)
    trove-<index>.unsupported  the binary rejected that index kind: noted, not a failure
    busy.txt, contention.jsonl, times.tsv   other processes' CPU use, wall time per step

Goals (issue 18):
    Trove IVF recall@10 >= FAISS IndexIVFFlat's at nprobe 16, 32 and 64 (same nlist)
    single-query p50 <= FAISS's: flat, and IVF at nprobe 64
    Trove HNSW: recall@10 >= 0.95 at some ef; there, p50 <= hnswlib's p50 at the same
      recall (hnswlib's curve interpolated, log latency linear in recall); build time
      <= 1.5x hnswlib's (same M, ef_construction and threads)
p99 is printed beside every p50, with its ratio. "At equal recall" compares every curve at
recall 0.90, 0.95 and 0.99 the same way.
"""

import argparse
import datetime
import json
import os
import platform
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "common"))
sys.path.insert(0, HERE)
from report_common import num, ratio, read_contention_log, write_json_atomic  # noqa: E402
from real_common import *  # noqa: E402,F401,F403
from real_plots import plot_latency, plot_qps  # noqa: E402
from real_tables import markdown  # noqa: E402

def merge_trove(obj, t1, threads, warnings, what):
    """Trove's rows: batch QPS, recall and build from the T-thread run, single-query
    latencies from the 1-thread run (same knob)."""
    if obj is None:
        return None
    rows = [r for r in obj.get("results") or [] if isinstance(r, dict)]
    singles = {}
    if t1 is not None:
        for r in t1.get("results") or []:
            singles[(knob_of(r), r.get("rerank"))] = r
    elif threads > 1:
        warnings.append(f"{what}: no 1-thread run; single-query figures are at {threads} threads")
    merged = []
    for r in rows:
        m = dict(r)
        m["single_p50_ms_threads"], m["single_p99_ms_threads"] = r.get("single_p50_ms"), r.get("single_p99_ms")
        s = singles.get((knob_of(r), r.get("rerank")))
        if s is not None:
            m["single_p50_ms"], m["single_p99_ms"] = s.get("single_p50_ms"), s.get("single_p99_ms")
            m["recall_1_thread"], m["batch_qps_1_thread"] = s.get("recall"), s.get("batch_qps")
            if num(s.get("recall")) and num(r.get("recall")) and abs(s["recall"] - r["recall"]) > 0.002:
                warnings.append(f"{what}: recall differs between the {threads}-thread and 1-thread runs at "
                                f"{knob_of(r)}: {r['recall']} vs {s['recall']}")
        elif t1 is not None:
            warnings.append(f"{what}: the 1-thread run has no result for {knob_of(r)}")
            m["single_p50_ms"] = m["single_p99_ms"] = None
        elif threads > 1:
            m["single_p50_ms"] = m["single_p99_ms"] = None
        merged.append(m)
    out = dict(obj)
    out["results"] = merged
    if t1 is not None:
        out["build_seconds_1_thread"], out["train_seconds_1_thread"] = t1.get("build_seconds"), t1.get("train_seconds")
    return out


def validate_trove(obj, index, meta, threads, k, warnings, what):
    want = {"n": meta["n"], "d": meta["d"], "queries": meta["nq"], "k": k, "threads": threads}
    if index in ("ivf", "ivf-sq8", "ivf-pq"):
        want["nlist"] = meta["nlist"]
    for key, value in want.items():
        if key in obj and obj[key] != value:
            warnings.append(f"{what}: {key} is {obj[key]!r}, expected {value!r}")
        elif key not in obj:
            warnings.append(f"{what}: JSON has no {key!r}")


def goal(name, trove, peer, r, op, limit, note=""):
    met = None if r is None else (r >= limit if op == ">=" else r <= limit)
    return {"goal": name, "trove": trove, "peer": peer, "ratio": None if r is None else round(r, 4),
            "target": f"{op} {limit}", "met": met, "note": note}


def ivfpq_goals(curves, tpq, fpq):
    """IVF-PQ + OPQ goals: memory <= 1/8 of the float32 rows, recall >= 0.95 after
    re-ranking, and batch QPS >= FAISS's OPQ+IVF-PQ+refine at the same recall (the best
    curve of each, over rerank / k_factor)."""
    if tpq is None and fpq is None:
        return []
    out = []
    mem = None
    if tpq and num(tpq.get("index_bytes")) and num(tpq.get("float_bytes")):
        mem = tpq["index_bytes"] / tpq["float_bytes"]
    g = goal("IVF-PQ index memory <= 1/8 of the float32 vectors", (tpq or {}).get("index_bytes"), (tpq or {}).get("float_bytes"),
             mem, "<=", 0.125, "bytes held in memory over float32 rows; re-ranking reads the rows from the mapped file")
    g["unit"] = "memory fraction"
    out.append(g)
    tp = [c for c in curves if c["family"] == "trove-ivf-pq"]
    fp = [c for c in curves if c["family"] == "faiss-ivfpq"]
    best_t = max((p["recall"] for c in tp for p in c["points"]), default=None)
    best_f = max((p["recall"] for c in fp for p in c["points"]), default=None)
    out.append(goal("IVF-PQ recall@10 >= 0.95 after re-ranking", best_t, best_f, best_t, ">=", 0.95))
    for t in (0.90, 0.95):
        def best(cs):
            vals = [at_recall(c["points"], t, "qps")[0] for c in cs]
            vals = [v for v in vals if v is not None]
            return max(vals) if vals else None
        bt, bf = best(tp), best(fp)
        out.append(goal(f"IVF-PQ batch QPS >= FAISS OPQ+IVF-PQ+refine's at recall {t:.2f}", bt, bf, ratio(bt, bf), ">=", 1.0,
                        "best curve of each (rerank / k_factor), log-linear between sweep points"))
    return out


def read_times(path):
    rows = []
    if os.path.exists(path):
        with open(path) as f:
            for line in f:
                parts = line.rstrip("\n").split("\t")
                if len(parts) >= 2 and parts[1].isdigit():
                    rows.append({"step": parts[0], "seconds": int(parts[1]),
                                 "status": int(parts[2]) if len(parts) > 2 and parts[2].lstrip("-").isdigit() else None})
    return rows


def analyse(meta_path, d, threads, k, peers_only, warnings):
    with open(meta_path) as f:
        meta = json.load(f)
    name = meta["name"]
    peers = {}
    for p in PEER_ORDER:
        obj = load(os.path.join(d, f"peer-{p}.json"), warnings, f"{name} {p}")
        if obj is not None:
            peers[p] = obj
            for key, want in (("n", meta["n"]), ("queries", meta["nq"]), ("k", k), ("threads", threads)):
                if obj.get(key) != want:
                    warnings.append(f"{name} {p}: {key} is {obj.get(key)!r}, expected {want!r}")
        else:
            warnings.append(f"{name}: no figures from peer {p}")
    trove, unsupported = {}, {}
    if not peers_only:
        for idx in TROVE_ORDER:
            what = f"{name} trove {idx}"
            up = os.path.join(d, f"trove-{idx}.unsupported")
            if os.path.exists(up):
                with open(up) as f:
                    unsupported[idx] = f.read().strip() or "rejected by the binary"
                continue
            obj = load(os.path.join(d, f"trove-{idx}.json"), warnings, what)
            t1 = load(os.path.join(d, f"trove-{idx}-t1.json"), warnings, what + " (1 thread)")
            if obj is None:
                if idx in ("flat", "ivf", "hnsw"):
                    warnings.append(f"{name}: no Trove {idx} figures")
                continue
            validate_trove(obj, idx, meta, threads, k, warnings, what)
            if t1 is not None:
                validate_trove(t1, idx, meta, 1, k, warnings, what + " (1 thread)")
            trove[idx] = merge_trove(obj, t1, threads, warnings, what)

    busy = {}
    if os.path.exists(os.path.join(d, "busy.txt")):
        with open(os.path.join(d, "busy.txt")) as f:
            for line in f:
                parts = line.split()
                if len(parts) == 2 and parts[1].isdigit():
                    busy[parts[0]] = int(parts[1])
    contention = read_contention_log(os.path.join(d, "contention.jsonl"), warnings, prefix=f"{name}: ")

    # curves
    curves = []
    for p, obj in peers.items():
        knob = obj.get("knob")
        if p == "faiss-ivfpq":
            by_kf = {}
            for r in obj.get("results") or []:
                by_kf.setdefault(r.get("k_factor"), []).append(r)
            for kf, rows in sorted(by_kf.items()):
                curves.append({"id": f"{p}-kf{kf}", "engine": "faiss", "label": f"{obj['label']} k_factor {kf}",
                               "knob": "nprobe", "trove": False, "family": p, "points": points(rows, "nprobe")})
        else:
            curves.append({"id": p, "engine": obj.get("engine"), "label": obj.get("label", p), "knob": knob,
                           "trove": False, "family": p, "points": points(obj.get("results"), knob)})
    for idx, obj in trove.items():
        knob = None if idx == "flat" else ("ef" if idx == "hnsw" else "nprobe")
        if idx == "ivf-pq":
            by_rerank = {}
            for r in obj.get("results") or []:
                by_rerank.setdefault(r.get("rerank"), []).append(r)
            for rr, rows in sorted(by_rerank.items(), key=lambda kv: kv[0] or 0):
                curves.append({"id": f"trove-ivf-pq-r{rr}", "engine": "trove", "label": f"Trove IVF-PQ rerank {rr}", "knob": "nprobe",
                               "trove": True, "family": "trove-ivf-pq", "points": points(rows, "nprobe")})
            continue
        curves.append({"id": f"trove-{idx}", "engine": "trove", "label": TROVE_LABEL.get(idx, idx), "knob": knob,
                       "trove": True, "family": f"trove-{idx}", "points": points(obj.get("results"), knob)})

    # goals
    goals = []
    fflat = ((peers.get("faiss-flat") or {}).get("results") or [{}])[0]
    tflat = ((trove.get("flat") or {}).get("results") or [{}])[0]
    fivf = {r["nprobe"]: r for r in (peers.get("faiss-ivf") or {}).get("results") or []}
    tivf = {r.get("nprobe"): r for r in (trove.get("ivf") or {}).get("results") or []}
    nlist_note = ""
    if trove.get("ivf") and peers.get("faiss-ivf") and trove["ivf"].get("nlist") != peers["faiss-ivf"].get("nlist"):
        nlist_note = f"nlist differs: Trove {trove['ivf'].get('nlist')}, FAISS {peers['faiss-ivf'].get('nlist')}"
        warnings.append(f"{name}: {nlist_note}")
    for p in (16, 32, 64):
        t, f = tivf.get(p, {}).get("recall"), fivf.get(p, {}).get("recall")
        g = goal(f"IVF recall@{k} at nprobe {p} >= FAISS IVFFlat's", t, f,
                 None if not (num(t) and num(f)) else t - f, ">=", 0.0, nlist_note)
        g["unit"] = "recall difference"
        goals.append(g)
    goals.append(goal("flat single-query p50 <= FAISS IndexFlatIP's", tflat.get("single_p50_ms"), fflat.get("single_p50_ms"),
                      ratio(tflat.get("single_p50_ms"), fflat.get("single_p50_ms")), "<=", 1.0))
    goals.append(goal("IVF nprobe 64 single-query p50 <= FAISS IVFFlat's", tivf.get(64, {}).get("single_p50_ms"),
                      fivf.get(64, {}).get("single_p50_ms"),
                      ratio(tivf.get(64, {}).get("single_p50_ms"), fivf.get(64, {}).get("single_p50_ms")), "<=", 1.0))
    hn = peers.get("hnswlib")
    th = trove.get("hnsw")
    hn_pts = points((hn or {}).get("results"), "ef")
    th_pts = points((th or {}).get("results"), "ef")
    h_note = ""
    if "hnsw" in unsupported:
        h_note = f"this binary has no --index hnsw ({unsupported['hnsw']})"
    first = first_at(th_pts, HNSW_TARGET)
    g = goal(f"HNSW recall@{k} >= {HNSW_TARGET} at some ef", None if not th_pts else max(p["recall"] for p in th_pts),
             None if not hn_pts else max(p["recall"] for p in hn_pts), None, ">=", HNSW_TARGET, h_note)
    g["met"] = None if not th_pts else first is not None
    g["trove_ef"] = (first or {}).get("knob")
    goals.append(g)
    if first is not None and hn_pts:
        hp50, exact = at_recall(hn_pts, first["recall"], "p50")
        note = f"Trove ef {first['knob']}, recall {first['recall']:.4f}; hnswlib interpolated at that recall"
        if hp50 is None:
            note += " (hnswlib never reaches it: met)"
        elif not exact:
            note += " (hnswlib's first point is already above it)"
        g2 = goal("HNSW p50 <= hnswlib's at the same recall", first["p50"], hp50, ratio(first["p50"], hp50), "<=", 1.0, note)
        if hp50 is None:
            g2["met"] = True
        hp99, _ = at_recall(hn_pts, first["recall"], "p99")
        g2["trove_p99"], g2["peer_p99"], g2["p99_ratio"] = first["p99"], hp99, ratio(first["p99"], hp99)
    else:
        g2 = goal("HNSW p50 <= hnswlib's at the same recall", None, None, None, "<=", 1.0,
                  h_note or ("Trove HNSW never reaches the recall" if th_pts else ""))
        if th_pts and first is None:
            g2["met"] = False
    goals.append(g2)
    goals.append(goal("HNSW build time <= 1.5x hnswlib's", (th or {}).get("build_seconds"), (hn or {}).get("build_seconds"),
                      ratio((th or {}).get("build_seconds"), (hn or {}).get("build_seconds")), "<=", 1.5, h_note))

    goals += ivfpq_goals(curves, trove.get("ivf-pq"), peers.get("faiss-ivfpq"))

    # equal-recall comparison of every curve
    equal = []
    for c in curves:
        if c["knob"] is None and len(c["points"]) <= 1:
            continue
        row = {"id": c["id"], "label": c["label"], "trove": c["trove"]}
        for t in TARGETS:
            for key in ("p50", "p99", "qps"):
                v, exact = at_recall(c["points"], t, key)
                row[f"{key}@{t}"] = None if v is None else round(v, 4)
                row[f"{key}@{t}_exact"] = exact
        equal.append(row)

    # Trove flat --out check against the truth
    out_check = None
    flat_out = os.path.join(d, "trove-flat.jsonl")
    if not peers_only and os.path.exists(flat_out):
        try:
            import report as vreport
            import vecio
            base = vecio.read_vectors(meta["base"])
            queries = vecio.read_vectors(meta["queries"])
            truth = vecio.read_ids(meta["truth"])
            out_check = vreport.check_out(flat_out, {"metric": "ip"}, truth, base, queries, k, warnings,
                                          f"{name} trove flat --out")
            del base
        except Exception as e:  # the check is a bonus; never lose the tables over it
            warnings.append(f"{name}: checking {flat_out} failed: {e}")

    return {"name": name, "meta_path": meta_path, "dir": d, "meta": meta, "peers": peers, "trove": trove,
            "unsupported": unsupported, "curves": curves, "goals": goals, "equal_recall": equal,
            "flat_out_check": out_check, "busy_percent_before": busy, "contention": contention,
            "times": read_times(os.path.join(d, "times.tsv"))}


# ---------------------------------------------------------------------------------------
# Markdown
# ---------------------------------------------------------------------------------------



def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--set", action="append", required=True, metavar="META=DIR")
    ap.add_argument("--threads", type=int, required=True)
    ap.add_argument("--k", type=int, default=10)
    ap.add_argument("--out", required=True)
    ap.add_argument("--plot-latency")
    ap.add_argument("--plot-qps")
    ap.add_argument("--command", default="")
    ap.add_argument("--peers-only", action="store_true")
    args = ap.parse_args()

    warnings = []
    analyses = []
    for spec in args.set:
        meta_path, _, d = spec.partition("=")
        analyses.append(analyse(meta_path, d, args.threads, args.k, args.peers_only, warnings))

    versions = {}
    for a in analyses:
        for p, obj in a["peers"].items():
            versions[obj.get("engine")] = obj.get("version")
    print("## Vector search on real embeddings: Trove vs FAISS, hnswlib, usearch\n")
    if args.command:
        print(f"Command: `{args.command}`\n")
    print(", ".join(f"{e} {v}" for e, v in versions.items() if e) + f"; {platform.machine()}, {os.cpu_count()} cores.\n")
    for a in analyses:
        print(markdown(a, args.threads, args.k))
    setup = read_times(os.path.join(os.path.dirname(analyses[0]["dir"].rstrip("/")), "times-setup.tsv")) if analyses else []
    if setup:
        print("Setup steps: " + ", ".join(f"{t['step']} {t['seconds']} s" for t in setup) + ".\n")

    goals = [g | {"set": a["name"]} for a in analyses for g in a["goals"]]
    known = [g for g in goals if g["met"] is not None]
    summary = {"checked": len(known), "met": sum(1 for g in known if g["met"]),
               "failed": [f"{g['set']}: {g['goal']}" for g in known if not g["met"]],
               "not_measured": [f"{g['set']}: {g['goal']}" for g in goals if g["met"] is None]}
    print(f"Goals: {summary['met']} of {summary['checked']} checked met"
          + (f", {len(summary['not_measured'])} not measured" if summary["not_measured"] else "")
          + (". Failed: " + "; ".join(summary["failed"]) if summary["failed"] else "."))
    if warnings:
        print("\nWarnings:")
        for w in warnings:
            print(f"- {w}")

    for fn, path in ((plot_latency, args.plot_latency), (plot_qps, args.plot_qps)):
        if path:
            try:
                fn(analyses, path, args.threads)
            except Exception as e:  # the figures matter more than the picture
                warnings.append(f"plot {path} failed: {e}")
                print(f"real_report.py: warning: plot {path} failed: {e}", file=sys.stderr)

    out = {
        "generated_at": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"),
        "command": args.command, "threads": args.threads, "single_query_threads": 1, "k": args.k,
        "machine": {"arch": platform.machine(), "cores": os.cpu_count(), "platform": platform.platform()},
        "versions": versions, "plots": {"latency": args.plot_latency, "qps": args.plot_qps},
        "summary": summary, "warnings": warnings, "setup_times": setup,
        "sets": [{k2: v for k2, v in a.items() if k2 != "meta"} | {"meta": {k3: v3 for k3, v3 in a["meta"].items() if k3 != "files"}}
                 for a in analyses],
    }
    write_json_atomic(args.out, out)


if __name__ == "__main__":
    main()
