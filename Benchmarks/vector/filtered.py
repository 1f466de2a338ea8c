#!/usr/bin/env python3
"""Filtered single-query latency (issue 18, item 2): Trove against FAISS in the same run.

    .bench/venv-vector/bin/python Benchmarks/vector/filtered.py --set .bench/vector-data/real384-200k \\
        [--every 1,10,100] [--window 10,100] [--nprobe 64] [--rounds 3] [--trove .build/release/trove]

Two kinds of filter. `--every N` keeps the rows whose number is a multiple of N, like a
tenant holding 1/N of the collection: FAISS gets them as an IDSelectorBatch, Trove as
`trove bench vector --allow-every N`. `--window N` keeps the last n/N rows (rounded up),
like a time window over rows added in time order: FAISS gets an IDSelectorRange, Trove
`--allow-window N`. Both go to SearchParameters (flat) and SearchParametersIVF (IVFFlat,
spherical k-means, nlist from meta.json). Every engine searches one query at a time on
one thread; recall@10 is against the exact filtered top 10. `--every 1` is no filter.

Single-query times on a shared virtual machine move by a fifth or more from one process
to the next, so each cell is measured `--rounds` times, FAISS then Trove, one right after
the other; the table gives each engine's median p50 and p99 and the median of the
per-round p50 ratios. Prints a Markdown table.
"""

import argparse
import json
import os
import subprocess
import sys
import time

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import vecio  # noqa: E402


def single(search, xq):
    lat = np.empty(len(xq))
    ids = []
    for i in range(len(xq)):
        t0 = time.perf_counter()
        _, I = search(xq[i:i + 1])
        lat[i] = time.perf_counter() - t0
        ids.append(I[0])
    return np.percentile(lat, 50) * 1e3, np.percentile(lat, 99) * 1e3, ids


def recall(ids, truth, k):
    return float(np.mean([len(set(a[:k]) & set(b[:k])) / k for a, b in zip(ids, truth)]))


def trove(binary, folder, kind, every, index, nprobe, k):
    args = [binary, "bench", "vector", "--base", os.path.join(folder, "base.fvecs"), "--queries",
            os.path.join(folder, "queries.fvecs"), "--k", str(k), "--metric", "ip", "--index", index,
            "--threads", "1", f"--allow-{kind}", str(every), "--json"]
    if index == "ivf":
        args += ["--nlist", str(json.load(open(os.path.join(folder, "meta.json")))["nlist"]), "--nprobe", str(nprobe)]
    out = subprocess.run(args, check=True, capture_output=True, text=True).stdout
    r = json.loads([line for line in out.splitlines() if line.startswith("{")][-1])["results"][0]
    return r["single_p50_ms"], r["single_p99_ms"], r["recall"]


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--set", required=True)
    ap.add_argument("--every", default="10,100")
    ap.add_argument("--window", default="", help="time-window filters: the last 1/N of the rows, comma-separated N")
    ap.add_argument("--nprobe", type=int, default=64)
    ap.add_argument("--k", type=int, default=10)
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--trove", default=".build/release/trove")
    args = ap.parse_args()
    import faiss
    faiss.omp_set_num_threads(1)
    xb = vecio.read_vectors(os.path.join(args.set, "base.fvecs"))
    xq = vecio.read_vectors(os.path.join(args.set, "queries.fvecs"))
    n, d = xb.shape
    nlist = json.load(open(os.path.join(args.set, "meta.json")))["nlist"]
    flat = faiss.IndexFlatIP(d)
    flat.add(xb)
    faiss.omp_set_num_threads(2)
    ivf = faiss.IndexIVFFlat(faiss.IndexFlatIP(d), d, nlist, faiss.METRIC_INNER_PRODUCT)
    ivf.train(xb)
    ivf.add(xb)
    faiss.omp_set_num_threads(1)
    print(f"{n:,} x {d}, {len(xq):,} queries, top-{args.k}, 1 thread, faiss {faiss.__version__}\n")
    print(f"{args.rounds} round(s) per cell; medians.\n")
    print("| filter | index | FAISS p50 / p99 ms | Trove p50 / p99 ms | p50 ratio (per-round ratios) | FAISS recall | Trove recall |")
    print("|---|---|---:|---:|---:|---:|---:|")
    filters = [("every", int(x)) for x in args.every.split(",") if x] + [("window", int(x)) for x in args.window.split(",") if x]
    for kind, every in filters:
        if kind == "every" and every == 1:
            allowed = np.arange(0, n, dtype=np.int64)
            sel = None
            label = f"none ({n:,})"
        elif kind == "every":
            allowed = np.arange(0, n, every, dtype=np.int64)
            sel = faiss.IDSelectorBatch(allowed)
            label = f"1 row in {every} ({len(allowed):,})"
        else:
            low = n - -(-n // every)
            allowed = np.arange(low, n, dtype=np.int64)
            sel = faiss.IDSelectorRange(low, n)
            label = f"last 1/{every} of rows ({len(allowed):,})"

        sub = faiss.IndexFlatIP(d)
        sub.add(xb[allowed])
        truth = [allowed[row] for row in sub.search(xq, args.k)[1]]
        fp = faiss.SearchParameters(sel=sel) if sel is not None else None
        ip = faiss.SearchParametersIVF(sel=sel, nprobe=args.nprobe) if sel is not None else faiss.SearchParametersIVF(nprobe=args.nprobe)
        for name, search, index in (("flat", lambda x: flat.search(x, args.k, params=fp), "flat"),
                                    (f"IVF nprobe {args.nprobe}", lambda x: ivf.search(x, args.k, params=ip), "ivf")):
            rounds = []
            for _ in range(max(1, args.rounds)):
                p50, p99, ids = single(search, xq)
                t50, t99, trec = trove(args.trove, args.set, kind, every, index, args.nprobe, args.k)
                rounds.append((p50, p99, t50, t99))
            med = [float(np.median([r[i] for r in rounds])) for i in range(4)]
            ratios = [r[2] / r[0] for r in rounds]
            print(f"| {label} | {name} | {med[0]:.3f} / {med[1]:.3f} | {med[2]:.3f} / {med[3]:.3f} | "
                  f"{float(np.median(ratios)):.2f}x ({', '.join(f'{x:.2f}' for x in ratios)}) | "
                  f"{recall(ids, truth, args.k):.4f} | {trec:.4f} |", flush=True)


if __name__ == "__main__":
    main()
