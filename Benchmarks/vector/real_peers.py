#!/usr/bin/env python3
"""The peers of the real-embedding vector benchmark (issue 18), one peer per process.

    python3 real_peers.py --peer PEER --base B --queries Q --truth T [--meta META]
                          [--k 10] [--threads 2] [--repeats 3]
                          [--nlist N] [--nprobe 1,2,4,8,16,32,64,128]
                          [--pq-m 48] [--k-factor 1,2,4,8,16] [--pq-nprobe LIST]
                          [--m 16] [--ef-construction 200] [--ef 10,20,40,80,160,320]
                          > PEER.json

PEER is one of
  faiss-flat    IndexFlatIP (exact)
  faiss-ivf     IndexIVFFlat(IndexFlatIP, nlist), FAISS's defaults: spherical k-means for
                IP, 10 iterations, at most 256*nlist training points; nprobe sweep
  faiss-ivfpq   index_factory("OPQ{m}_{d},IVF{nlist},PQ{m}") wrapped in IndexRefineFlat
                (exact re-ranking of k*k_factor candidates); grid nprobe x k_factor
  hnswlib       hnswlib.Index('ip'), init_index(M=16, ef_construction=200) (its documented
                defaults; random_seed 100), ef sweep
  usearch       usearch.index.Index(ndim, metric='ip') with every other argument at its
                default (connectivity 16, expansion_add 128, expansion_search 64, dtype
                chosen by the library: bf16 on AVX2 machines); expansion_search sweep
  usearch-f32   the same with dtype='f32' (the vectors stored as Trove stores them)

Measurements, the same for every peer:
  build          with --threads threads (faiss.omp_set_num_threads, num_threads=, threads=)
  batch QPS      all queries in one call with --threads threads, best of --repeats after a
                 warm-up on 16 queries
  single p50/p99 every query searched alone on ONE thread (omp_set_num_threads(1),
                 num_threads=1, threads=1), after 10 warm-up queries; percentiles by
                 nearest rank, sorted[floor(n*p)], as `trove bench vector` computes them
  recall@k       mean |returned top-k & true top-k| / k, also per query set (--meta)
  call overhead  the p50 of the same single-query call on an index of 16 rows: the Python
                 and wrapper cost inside each single-query latency (Trove's is timed
                 inside the binary, without any such cost)

Prints one JSON object: {"engine", "peer", "label", "version", "threads", "n", "d",
"queries", "k", "params", "train_seconds", "add_seconds", "build_seconds", "memory",
"call_overhead_p50_ms", "knob", "results": [{"nprobe"|"ef"|"k_factor", "recall",
"recall_by_set", "batch_qps", "batch_seconds", "single_p50_ms", "single_p99_ms",
"single_mean_ms"}]}; progress goes to stderr.
"""

import argparse
import importlib.metadata
import json
import math
import os
import platform
import sys
import time

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import vecio  # noqa: E402

PEERS = ("faiss-flat", "faiss-ivf", "faiss-ivfpq", "hnswlib", "usearch", "usearch-f32")


def log(msg):
    print(f"real_peers: {msg}", file=sys.stderr, flush=True)


def ints(text):
    return [int(x) for x in text.split(",") if x.strip()]


def pct(sorted_ms, p):
    """Nearest rank, as Trove: sorted[min(n-1, floor(n*p))]."""
    return float(sorted_ms[min(len(sorted_ms) - 1, int(math.floor(len(sorted_ms) * p)))])


def version(pkg):
    try:
        return importlib.metadata.version(pkg)
    except importlib.metadata.PackageNotFoundError:
        return None


class Bench:
    def __init__(self, args):
        t0 = time.perf_counter()
        self.args = args
        self.k = args.k
        self.xb = vecio.read_vectors(args.base)
        self.xq = vecio.read_vectors(args.queries)
        self.truth = vecio.read_ids(args.truth)[:, :args.k].astype(np.int64)
        self.n, self.d = self.xb.shape
        self.nq = len(self.xq)
        if self.xq.shape[1] != self.d or self.truth.shape != (self.nq, args.k):
            sys.exit(f"real_peers: shapes do not fit: base {self.xb.shape}, queries {self.xq.shape}, "
                     f"truth {self.truth.shape} (need k >= {args.k})")
        self.sets = []
        if args.meta:
            with open(args.meta) as f:
                self.sets = json.load(f).get("query_sets") or []
        self.nlist = args.nlist or max(1, int(round(4 * math.sqrt(self.n))))
        log(f"{args.peer}: loaded {self.n:,} x {self.d} base, {self.nq:,} queries in "
            f"{time.perf_counter() - t0:.1f} s; {args.threads} thread(s) for build and batch, 1 for single queries")

    # -- measures ---------------------------------------------------------------------
    def recall(self, ids):
        ids = np.asarray(ids, dtype=np.int64)[:, :self.k]
        hits = np.array([len(np.intersect1d(row[row >= 0], t)) for row, t in zip(ids, self.truth)])
        by_set = {s["name"]: round(float(hits[s["start"]:s["start"] + s["count"]].mean() / self.k), 4)
                  for s in self.sets}
        return round(float(hits.mean() / self.k), 5), by_set

    def batch(self, search):
        """search(xq) -> ids (nq, k); best of repeats after a warm-up."""
        search(self.xq[:16])
        best, ids = math.inf, None
        for _ in range(self.args.repeats):
            t0 = time.perf_counter()
            out = search(self.xq)
            dt = time.perf_counter() - t0
            if dt < best:
                best, ids = dt, out
        return best, ids

    def single(self, search1, rows=None):
        """search1(one query) timed per query; sorted latencies in ms."""
        rows = self.single_rows if rows is None else rows
        for r in rows[:10]:
            search1(r)
        lat = np.empty(len(rows))
        for i, r in enumerate(rows):
            t0 = time.perf_counter()
            search1(r)
            lat[i] = time.perf_counter() - t0
        return np.sort(lat * 1000.0)

    def row(self, knobs, batch_search, single_search, set_single_threads, set_batch_threads, extra=None):
        set_batch_threads()
        secs, ids = self.batch(batch_search)
        rec, by_set = self.recall(ids)
        set_single_threads()
        lat = self.single(single_search)
        set_batch_threads()
        r = dict(knobs)
        r.update({"recall": rec, "recall_by_set": by_set, "batch_seconds": round(secs, 6),
                  "batch_qps": round(self.nq / secs, 2), "single_p50_ms": round(pct(lat, 0.50), 4),
                  "single_p99_ms": round(pct(lat, 0.99), 4), "single_mean_ms": round(float(lat.mean()), 4)})
        if extra:
            r.update(extra(secs))
        log(f"  {' '.join(f'{k} {v}' for k, v in knobs.items())}: recall@{self.k} {rec:.4f}, batch "
            f"{r['batch_qps']:,.0f} QPS, single p50 {r['single_p50_ms']:.3f} ms, p99 {r['single_p99_ms']:.3f} ms")
        return r

    def header(self, engine, label, ver, knob, params):
        return {"engine": engine, "peer": self.args.peer, "label": label, "version": ver,
                "numpy_version": np.__version__, "python": platform.python_version(),
                "threads": self.args.threads, "single_threads": 1, "metric": "ip", "n": self.n, "d": self.d,
                "queries": self.nq, "k": self.k, "base": self.args.base, "knob": knob, "params": params,
                "single_queries": len(self.single_rows), "percentiles": "nearest rank, sorted[floor(n*p)]"}

    @property
    def single_rows(self):
        if not hasattr(self, "_rows"):
            self._rows = [np.ascontiguousarray(self.xq[i:i + 1]) for i in range(self.nq)]
        return self._rows


# ---------------------------------------------------------------------------------------
# FAISS
# ---------------------------------------------------------------------------------------

def faiss_threads(faiss, t):
    return lambda: faiss.omp_set_num_threads(t)


def faiss_overhead(faiss, b, make):
    """p50 of one single-query search on a 16-row index of the same kind."""
    tiny = make(b.xb[:4096])
    faiss.omp_set_num_threads(1)
    lat = b.single(lambda r: tiny.search(r, b.k), rows=b.single_rows[:200])
    faiss.omp_set_num_threads(b.args.threads)
    return round(pct(lat, 0.5), 4)


def run_faiss_flat(b):
    import faiss
    T = b.args.threads
    faiss.omp_set_num_threads(T)
    out = b.header("faiss", "FAISS IndexFlatIP", faiss.__version__, None, {"index": "IndexFlatIP"})
    index = faiss.IndexFlatIP(b.d)
    t0 = time.perf_counter()
    index.add(b.xb)
    out.update({"train_seconds": 0.0, "add_seconds": round(time.perf_counter() - t0, 4)})
    out["build_seconds"] = out["add_seconds"]
    out["memory"] = {"bytes_per_vector": 4 * b.d, "float32_bytes_per_vector": 4 * b.d}
    flops = 2.0 * b.nq * b.n * b.d
    out["results"] = [b.row({"nprobe": None}, lambda x: index.search(x, b.k)[1], lambda r: index.search(r, b.k),
                            faiss_threads(faiss, 1), faiss_threads(faiss, T),
                            extra=lambda s: {"batch_gflops": round(flops / s / 1e9, 2)})]

    def tiny(x):
        i = faiss.IndexFlatIP(b.d)
        i.add(x[:16])
        return i
    out["call_overhead_p50_ms"] = faiss_overhead(faiss, b, tiny)
    return out


def run_faiss_ivf(b):
    import faiss
    T = b.args.threads
    faiss.omp_set_num_threads(T)
    quantizer = faiss.IndexFlatIP(b.d)
    index = faiss.IndexIVFFlat(quantizer, b.d, b.nlist, faiss.METRIC_INNER_PRODUCT)
    params = {"index": "IndexIVFFlat", "nlist": b.nlist, "spherical": bool(index.cp.spherical),
              "kmeans_iterations": int(index.cp.niter), "train_points": min(b.n, index.cp.max_points_per_centroid * b.nlist)}
    out = b.header("faiss", "FAISS IndexIVFFlat", faiss.__version__, "nprobe", params)
    out["nlist"] = b.nlist
    log(f"faiss-ivf: IndexIVFFlat nlist {b.nlist}, spherical {params['spherical']}, {params['kmeans_iterations']} "
        f"k-means iterations on {params['train_points']:,} points")
    t0 = time.perf_counter()
    index.train(b.xb)
    train = time.perf_counter() - t0
    t0 = time.perf_counter()
    index.add(b.xb)
    add = time.perf_counter() - t0
    log(f"faiss-ivf: train {train:.2f} s, add {add:.2f} s")
    sizes = np.array([index.invlists.list_size(i) for i in range(b.nlist)])
    out.update({"train_seconds": round(train, 4), "add_seconds": round(add, 4), "build_seconds": round(train + add, 4),
                "list_size": {"min": int(sizes.min()), "max": int(sizes.max()), "mean": round(float(sizes.mean()), 1)},
                "memory": {"bytes_per_vector": 4 * b.d + 8, "float32_bytes_per_vector": 4 * b.d}})
    rows = []
    for p in ints(b.args.nprobe):
        index.nprobe = p
        rows.append(b.row({"nprobe": p}, lambda x: index.search(x, b.k)[1], lambda r: index.search(r, b.k),
                          faiss_threads(faiss, 1), faiss_threads(faiss, T)))
    out["results"] = rows
    index.nprobe = 16

    def tiny(x):
        q = faiss.IndexFlatIP(b.d)
        i = faiss.IndexIVFFlat(q, b.d, 16, faiss.METRIC_INNER_PRODUCT)
        i.train(x)
        i.add(x[:16])
        i.nprobe = 16
        return i
    out["call_overhead_p50_ms"] = faiss_overhead(faiss, b, tiny)
    return out


def run_faiss_ivfpq(b):
    import faiss
    T = b.args.threads
    faiss.omp_set_num_threads(T)
    m = b.args.pq_m
    if b.d % m:
        sys.exit(f"real_peers: --pq-m {m} does not divide d = {b.d}")
    key = f"OPQ{m}_{b.d},IVF{b.nlist},PQ{m}"
    base = faiss.index_factory(b.d, key, faiss.METRIC_INNER_PRODUCT)
    ivf = faiss.extract_index_ivf(base)
    params = {"index": f"IndexRefineFlat(index_factory('{key}'))", "factory": key, "nlist": b.nlist, "pq_m": m,
              "pq_bits": 8, "spherical": bool(ivf.cp.spherical), "kmeans_iterations": int(ivf.cp.niter),
              "by_residual": bool(ivf.by_residual)}
    out = b.header("faiss", f"FAISS OPQ{m}+IVF-PQ{m}+refine", faiss.__version__, "nprobe", params)
    out["nlist"] = b.nlist
    log(f"faiss-ivfpq: {params['index']}: training")
    t0 = time.perf_counter()
    base.train(b.xb)
    train = time.perf_counter() - t0
    index = faiss.IndexRefineFlat(base)
    t0 = time.perf_counter()
    index.add(b.xb)
    add = time.perf_counter() - t0
    log(f"faiss-ivfpq: train {train:.2f} s, add {add:.2f} s")
    code = int(ivf.code_size)
    out.update({"train_seconds": round(train, 4), "add_seconds": round(add, 4), "build_seconds": round(train + add, 4),
                "memory": {"code_bytes_per_vector": code, "list_id_bytes_per_vector": 8,
                           "refine_bytes_per_vector": 4 * b.d, "float32_bytes_per_vector": 4 * b.d,
                           "codes_vs_float32": round(4 * b.d / code, 2),
                           "note": "codes exclude the inverted lists' 8-byte ids and the refine index's float32 rows"}})
    rows = []
    nprobes = ints(b.args.pq_nprobe or b.args.nprobe)
    for kf in ints(b.args.k_factor):
        index.k_factor = float(kf)
        for p in nprobes:
            ivf.nprobe = p
            rows.append(b.row({"nprobe": p, "k_factor": kf}, lambda x: index.search(x, b.k)[1],
                              lambda r: index.search(r, b.k), faiss_threads(faiss, 1), faiss_threads(faiss, T)))
    out["results"] = rows
    out["call_overhead_p50_ms"] = None  # a 16-row OPQ/PQ index cannot be trained; see faiss-ivf's
    return out


# ---------------------------------------------------------------------------------------
# hnswlib and usearch
# ---------------------------------------------------------------------------------------

def run_hnswlib(b):
    import hnswlib
    T = b.args.threads
    M, efc = b.args.m, b.args.ef_construction
    params = {"space": "ip", "M": M, "ef_construction": efc, "random_seed": 100,
              "defaults": "init_index(max_elements, M=16, ef_construction=200, random_seed=100); ef=10"}
    out = b.header("hnswlib", f"hnswlib M={M} efC={efc}", version("hnswlib"), "ef", params)
    out["m"], out["ef_construction"] = M, efc
    index = hnswlib.Index(space="ip", dim=b.d)
    index.init_index(max_elements=b.n, M=M, ef_construction=efc, random_seed=100)
    log(f"hnswlib: building (M {M}, ef_construction {efc}, {T} threads)")
    t0 = time.perf_counter()
    index.add_items(b.xb, np.arange(b.n), num_threads=T)
    build = time.perf_counter() - t0
    log(f"hnswlib: built in {build:.2f} s")
    out.update({"train_seconds": 0.0, "add_seconds": round(build, 4), "build_seconds": round(build, 4),
                "memory": {"bytes_per_vector_level0": 4 * b.d + 4 + 4 * 2 * M + 8, "float32_bytes_per_vector": 4 * b.d}})
    rows = []
    for ef in ints(b.args.ef):
        index.set_ef(ef)
        rows.append(b.row({"ef": ef}, lambda x: index.knn_query(x, k=b.k, num_threads=T)[0],
                          lambda r: index.knn_query(r, k=b.k, num_threads=1), lambda: None, lambda: None))
    out["results"] = rows
    tiny = hnswlib.Index(space="ip", dim=b.d)
    tiny.init_index(max_elements=16, M=M, ef_construction=efc, random_seed=100)
    tiny.add_items(b.xb[:16], np.arange(16), num_threads=1)
    tiny.set_ef(64)
    out["call_overhead_p50_ms"] = round(pct(b.single(lambda r: tiny.knn_query(r, k=b.k, num_threads=1),
                                                     rows=b.single_rows[:200]), 0.5), 4)
    return out


def run_usearch(b, f32):
    import usearch
    from usearch.index import Index
    T = b.args.threads
    kw = {"dtype": "f32"} if f32 else {}
    index = Index(ndim=b.d, metric="ip", **kw)
    params = {"metric": "ip", "dtype": str(index.dtype), "connectivity": int(index.connectivity),
              "expansion_add": int(index.expansion_add), "expansion_search_default": int(index.expansion_search),
              "hardware_acceleration": str(getattr(index, "hardware_acceleration", "")),
              "arguments": "Index(ndim, metric='ip'" + (", dtype='f32')" if f32 else ") (all else default)")}
    label = "usearch f32" if f32 else f"usearch (defaults, {str(index.dtype).split('.')[-1].lower()})"
    out = b.header("usearch", label, usearch.__version__, "ef", params)
    out["m"], out["ef_construction"] = params["connectivity"], params["expansion_add"]
    log(f"usearch: building ({params['arguments']}: dtype {params['dtype']}, connectivity {params['connectivity']}, "
        f"expansion_add {params['expansion_add']}, {T} threads, {params['hardware_acceleration']})")
    keys = np.arange(b.n, dtype=np.uint64)
    t0 = time.perf_counter()
    index.add(keys, b.xb, threads=T)
    build = time.perf_counter() - t0
    log(f"usearch: built in {build:.2f} s, {index.memory_usage / b.n:.0f} bytes per vector")
    out.update({"train_seconds": 0.0, "add_seconds": round(build, 4), "build_seconds": round(build, 4),
                "memory": {"bytes_per_vector_total": round(index.memory_usage / b.n, 1),
                           "float32_bytes_per_vector": 4 * b.d}})

    def batch(x):
        m = index.search(x, b.k, threads=T)
        ids = np.asarray(m.keys, dtype=np.int64).reshape(len(x), -1)
        counts = np.asarray(m.counts).reshape(-1)
        for i, c in enumerate(counts):  # slots past counts hold no match
            ids[i, c:] = -1
        return ids
    rows = []
    for ef in ints(b.args.ef):
        index.expansion_search = ef
        rows.append(b.row({"ef": ef}, batch, lambda r: index.search(r[0], b.k, threads=1), lambda: None, lambda: None))
    out["results"] = rows
    tiny = Index(ndim=b.d, metric="ip", **kw)
    tiny.add(np.arange(16, dtype=np.uint64), b.xb[:16], threads=1)
    out["call_overhead_p50_ms"] = round(pct(b.single(lambda r: tiny.search(r[0], b.k, threads=1),
                                                     rows=b.single_rows[:200]), 0.5), 4)
    return out


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--peer", choices=PEERS, required=True)
    ap.add_argument("--base", required=True)
    ap.add_argument("--queries", required=True)
    ap.add_argument("--truth", required=True)
    ap.add_argument("--meta", help="make_real.py's meta.json, for recall per query set")
    ap.add_argument("--k", type=int, default=10)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--nlist", type=int, default=0, help="default round(4*sqrt(n))")
    ap.add_argument("--nprobe", default="1,2,4,8,16,32,64,128")
    ap.add_argument("--pq-m", type=int, default=48)
    ap.add_argument("--k-factor", default="1,2,4,8,16")
    ap.add_argument("--pq-nprobe", default="", help="nprobe list for faiss-ivfpq (default --nprobe)")
    ap.add_argument("--m", type=int, default=16)
    ap.add_argument("--ef-construction", type=int, default=200)
    ap.add_argument("--ef", default="10,20,40,80,160,320")
    args = ap.parse_args()
    if args.threads < 1 or args.k < 1 or args.repeats < 1:
        sys.exit("real_peers: --threads, --k and --repeats must be >= 1")
    b = Bench(args)
    t0 = time.perf_counter()
    run = {"faiss-flat": run_faiss_flat, "faiss-ivf": run_faiss_ivf, "faiss-ivfpq": run_faiss_ivfpq,
           "hnswlib": run_hnswlib, "usearch": lambda x: run_usearch(x, False),
           "usearch-f32": lambda x: run_usearch(x, True)}[args.peer]
    out = run(b)
    out["wall_seconds"] = round(time.perf_counter() - t0, 2)
    print(json.dumps(out, indent=2))


if __name__ == "__main__":
    main()
