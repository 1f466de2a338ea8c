#!/usr/bin/env python3
"""The FAISS side of the vector benchmark: the same measurements `trove bench vector` makes.

    python3 faiss_peer.py run --base FILE --queries FILE --truth FILE --metric ip|l2
                              [--k 10] [--nlist N] [--nprobe 1,2,...,128] [--threads 2]
                              [--repeats 3] [--target-recall 0.95] > faiss.json
    python3 faiss_peer.py sgemm --d D [--threads T] [--m 1000] [--n 100000]

`run` prints one JSON object on stdout (progress goes to stderr):

  flat   IndexFlatIP / IndexFlatL2: batch QPS of all queries in one search() call
         (best of --repeats), the GFLOP/s that implies (2*nq*n*d flops), single-query
         latency p50/p99 over every query searched one at a time, recall@k.
  ivf    IndexIVFFlat with nlist lists (default round(4*sqrt(n)), the same as Trove),
         trained on the base (FAISS samples at most 256*nlist points itself); train and
         add times; per nprobe: batch QPS (best of --repeats), recall@k, single-query
         p50/p99. `at_target` is the smallest nprobe whose recall@k >= --target-recall.
  sgemm  the machine's sgemm peak as numpy measures it (numpy's BLAS is OpenBLAS):
         float32 (1000 x d) @ (d x 100000), in a subprocess with OPENBLAS_NUM_THREADS
         and OMP_NUM_THREADS set, for 1 thread and for --threads threads.

recall@k = mean over queries of |returned top-k ids & true top-k ids| / k.

`sgemm` prints {"d":..,"threads":..,"gflops":..,"seconds":..} for one thread count; `run`
calls it in subprocesses so the thread count is set before OpenBLAS starts.
"""

import argparse
import json
import math
import os
import platform
import subprocess
import sys
import time

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import vecio  # noqa: E402


def log(msg):
    print(f"faiss_peer: {msg}", file=sys.stderr, flush=True)


def percentile(values, p):
    return float(np.percentile(np.asarray(values, dtype=np.float64), p))


def recall_at_k(ids, truth, k):
    """mean |ids[i,:k] & truth[i,:k]| / k."""
    hits = 0
    for row, t in zip(ids[:, :k], truth[:, :k]):
        hits += len(np.intersect1d(row[row >= 0], t, assume_unique=False))
    return hits / (k * len(ids))


def time_batch(index, xq, k, repeats):
    """Best wall time of `repeats` searches of the whole batch, after one warm-up."""
    index.search(xq[: min(len(xq), 16)], k)
    best = math.inf
    out = None
    for _ in range(repeats):
        t0 = time.perf_counter()
        D, I = index.search(xq, k)
        dt = time.perf_counter() - t0
        if dt < best:
            best, out = dt, (D, I)
    return best, out


def time_single(index, xq, k):
    """Latency in ms of each query searched alone (search() on a 1-row array)."""
    rows = [np.ascontiguousarray(xq[i:i + 1]) for i in range(len(xq))]
    for r in rows[:10]:
        index.search(r, k)
    lat = np.empty(len(rows))
    for i, r in enumerate(rows):
        t0 = time.perf_counter()
        index.search(r, k)
        lat[i] = time.perf_counter() - t0
    return lat * 1000.0


def sgemm_subprocess(d, threads, m=1000, n=100_000):
    env = dict(os.environ, OPENBLAS_NUM_THREADS=str(threads), OMP_NUM_THREADS=str(threads),
               MKL_NUM_THREADS=str(threads))
    cmd = [sys.executable, os.path.abspath(__file__), "sgemm", "--d", str(d),
           "--threads", str(threads), "--m", str(m), "--n", str(n)]
    try:
        out = subprocess.run(cmd, env=env, check=True, capture_output=True, text=True, timeout=600)
        return json.loads(out.stdout)
    except (subprocess.SubprocessError, json.JSONDecodeError) as e:
        log(f"sgemm measurement with {threads} thread(s) failed: {e}")
        return None


def cmd_sgemm(args):
    rng = np.random.default_rng(0)
    a = rng.standard_normal((args.m, args.d), dtype=np.float32)
    b = rng.standard_normal((args.d, args.n), dtype=np.float32)
    c = np.empty((args.m, args.n), dtype=np.float32)
    np.matmul(a, b, out=c)  # warm-up: thread pool, page faults of c
    best = math.inf
    for _ in range(args.repeats):
        t0 = time.perf_counter()
        np.matmul(a, b, out=c)
        best = min(best, time.perf_counter() - t0)
    flops = 2.0 * args.m * args.n * args.d
    print(json.dumps({"m": args.m, "n": args.n, "d": args.d, "threads": args.threads,
                      "seconds": round(best, 6), "gflops": round(flops / best / 1e9, 2)}))


def cmd_run(args):
    import faiss

    faiss.omp_set_num_threads(args.threads)
    k = args.k
    t0 = time.perf_counter()
    xb = vecio.read_vectors(args.base)
    xq = vecio.read_vectors(args.queries)
    truth = vecio.read_ids(args.truth)
    n, d = xb.shape
    nq = len(xq)
    if xq.shape[1] != d:
        sys.exit(f"faiss_peer: queries have dimension {xq.shape[1]}, base has {d}")
    if truth.shape[0] != nq or truth.shape[1] < k:
        sys.exit(f"faiss_peer: truth is {truth.shape}, need ({nq}, >= {k})")
    log(f"loaded {n:,} x {d} base, {nq} queries in {time.perf_counter() - t0:.1f} s; "
        f"faiss {faiss.__version__}, {args.threads} thread(s)")
    ip = args.metric == "ip"
    metric = faiss.METRIC_INNER_PRODUCT if ip else faiss.METRIC_L2
    nlist = args.nlist or max(1, int(round(4 * math.sqrt(n))))
    nprobes = [int(p) for p in args.nprobe.split(",") if p.strip()]

    result = {
        "engine": "faiss", "faiss_version": faiss.__version__, "numpy_version": np.__version__,
        "python": platform.python_version(), "threads": args.threads, "metric": args.metric,
        "n": n, "d": d, "queries": nq, "k": k, "base": args.base,
    }

    # --- flat -----------------------------------------------------------------------
    flat = faiss.IndexFlatIP(d) if ip else faiss.IndexFlatL2(d)
    t0 = time.perf_counter()
    flat.add(xb)
    build = time.perf_counter() - t0
    log(f"flat: {type(flat).__name__}, batch of {nq} x {args.repeats}")
    best, (_, I) = time_batch(flat, xq, k, args.repeats)
    flat_recall = recall_at_k(I, truth, k)
    log(f"flat: batch {nq / best:,.0f} QPS, recall@{k} {flat_recall:.4f}; single queries...")
    lat = time_single(flat, xq, k)
    result["flat"] = {
        "index": type(flat).__name__, "build_seconds": round(build, 4),
        "batch_seconds": round(best, 6), "batch_qps": round(nq / best, 2),
        "batch_gflops": round(2.0 * nq * n * d / best / 1e9, 2),
        "single_p50_ms": round(percentile(lat, 50), 4), "single_p99_ms": round(percentile(lat, 99), 4),
        "single_mean_ms": round(float(lat.mean()), 4), "recall": round(flat_recall, 4),
    }
    log(f"flat: single p50 {result['flat']['single_p50_ms']:.3f} ms, p99 {result['flat']['single_p99_ms']:.3f} ms")
    del flat

    # --- IVF ------------------------------------------------------------------------
    quantizer = faiss.IndexFlatIP(d) if ip else faiss.IndexFlatL2(d)
    ivf = faiss.IndexIVFFlat(quantizer, d, nlist, metric)
    log(f"ivf: IndexIVFFlat nlist={nlist}, training on {n:,} rows "
        f"(faiss samples at most {256 * nlist:,}), {ivf.cp.niter} k-means iterations")
    t0 = time.perf_counter()
    ivf.train(xb)
    train = time.perf_counter() - t0
    t0 = time.perf_counter()
    ivf.add(xb)
    add = time.perf_counter() - t0
    log(f"ivf: train {train:.2f} s, add {add:.2f} s")
    sizes = np.array([ivf.invlists.list_size(i) for i in range(nlist)])
    rows = []
    for p in nprobes:
        ivf.nprobe = p
        best, (_, I) = time_batch(ivf, xq, k, args.repeats)
        rec = recall_at_k(I, truth, k)
        row = {"nprobe": p, "batch_seconds": round(best, 6), "batch_qps": round(nq / best, 2),
               "recall": round(rec, 4)}
        if not args.no_single:
            lat = time_single(ivf, xq, k)
            row["single_p50_ms"] = round(percentile(lat, 50), 4)
            row["single_p99_ms"] = round(percentile(lat, 99), 4)
        rows.append(row)
        log(f"ivf: nprobe {p:4d}: recall@{k} {rec:.4f}, batch {nq / best:10,.0f} QPS"
            + (f", single p50 {row['single_p50_ms']:.3f} ms" if "single_p50_ms" in row else ""))
    at = next((r for r in rows if r["recall"] >= args.target_recall), None)
    result["ivf"] = {
        "index": "IndexIVFFlat", "nlist": nlist, "train_points": min(n, 256 * nlist),
        "kmeans_iterations": int(ivf.cp.niter), "train_seconds": round(train, 4),
        "add_seconds": round(add, 4), "list_size_min": int(sizes.min()),
        "list_size_max": int(sizes.max()), "list_size_mean": round(float(sizes.mean()), 1),
        "target_recall": args.target_recall, "at_target": at, "results": rows,
    }
    del ivf, quantizer, xb

    # --- sgemm peak -------------------------------------------------------------------
    if not args.no_sgemm:
        counts = sorted({1, args.threads})
        peaks = {}
        for t in counts:
            r = sgemm_subprocess(d, t)
            if r:
                peaks[str(t)] = r
                log(f"sgemm peak (numpy/OpenBLAS) 1000x{d} @ {d}x100000, {t} thread(s): {r['gflops']} GFLOP/s")
        result["sgemm"] = {"shape": f"1000x{d} @ {d}x100000", "by_threads": peaks,
                           "gflops_1_thread": peaks.get("1", {}).get("gflops"),
                           "gflops_threads": peaks.get(str(args.threads), {}).get("gflops")}
    print(json.dumps(result, indent=2))


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = ap.add_subparsers(dest="cmd", required=True)
    r = sub.add_parser("run")
    r.add_argument("--base", required=True)
    r.add_argument("--queries", required=True)
    r.add_argument("--truth", required=True)
    r.add_argument("--metric", choices=["ip", "l2"], required=True)
    r.add_argument("--k", type=int, default=10)
    r.add_argument("--nlist", type=int, default=0, help="default round(4*sqrt(n))")
    r.add_argument("--nprobe", default="1,2,4,8,16,32,64,128")
    r.add_argument("--threads", type=int, default=2)
    r.add_argument("--repeats", type=int, default=3)
    r.add_argument("--target-recall", type=float, default=0.95)
    r.add_argument("--no-single", action="store_true", help="skip IVF single-query latency")
    r.add_argument("--no-sgemm", action="store_true", help="skip the sgemm peak measurement")
    s = sub.add_parser("sgemm")
    s.add_argument("--d", type=int, required=True)
    s.add_argument("--threads", type=int, default=1)
    s.add_argument("--m", type=int, default=1000)
    s.add_argument("--n", type=int, default=100_000)
    s.add_argument("--repeats", type=int, default=5)
    args = ap.parse_args()
    if args.cmd == "run":
        if args.threads < 1:
            sys.exit("faiss_peer: --threads must be >= 1")
        cmd_run(args)
    else:
        cmd_sgemm(args)


if __name__ == "__main__":
    main()
