#!/usr/bin/env python3
"""Make the real-embedding vector sets (issue 18) from the retrieval benchmark's vectors.

    python3 make_real.py --source .bench/retrieval-data --out-dir .bench/vector-data
                         [--set 20k|200k|1m|both] [--seed 1] [--cos-lo 0.75] [--cos-hi 0.95] [--force]

Source: the retrieval benchmark's TroveEmbed vectors (all-MiniLM-L6-v2, 384-d, unit rows;
Benchmarks/retrieval/run.sh makes them): corpus.fvecs (20,000 Debian documentation
passages) and queries-<set>.fvecs (verbatim, keywords, semantic: the semantic set's texts are
man pages' NAME lines and documents' headings).

Each set goes to <out-dir>/real384-<size>/:

  base.fvecs     n x 384 float32: rows 0..19,999 are the real passages, the others
                 perturbed copies. A copy is  y = normalise(x_s + sigma * g)  with s a real
                 row drawn uniformly, g ~ N(0, I_384) and, per copy, a target cosine
                 c ~ U(cos_lo, cos_hi) and sigma = sqrt((1/c^2 - 1) / d): in 384 dimensions
                 |g|^2 ~ d and x.g ~ 0, so cos(y, x_s) ~ 1/sqrt(1 + sigma^2 d) = c (the
                 printed distribution is what came out, measured). Noise is isotropic.
  sources.npy    int32 (n,): the real row each base row copies (itself for real rows).
  queries.fvecs  every real query vector, the sets concatenated in the order verbatim,
                 keywords, semantic (meta.json "query_sets" gives each one's row range).
  truth.ivecs    exact top-100 base ids per query (faiss IndexFlatIP over the whole base).
  meta.json      shapes, seed, noise parameters, the cosine distribution, copies per
                 source, sha256 of every file made and of the source files, near ties.

Copies are made in chunks of 20,000 rows, chunk j from the random stream (seed, 1, j), so
the 1M set's first 200,000 rows are the 200k set. A set whose meta.json has the same
parameters (and the same source sha256s) and whose files have the right sizes is reused.
Prints the meta.json path of each set on stdout, one per line.
"""

import argparse
import hashlib
import json
import math
import os
import sys
import time

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import vecio  # noqa: E402

FORMAT_VERSION = 1
TRUTH_K = 100
CHUNK = 20_000
SIZES = {"20k": 20_000, "200k": 200_000, "1m": 1_000_000}
QUERY_SETS = ("verbatim", "keywords", "semantic")


def log(msg):
    print(f"make_real: {msg}", file=sys.stderr, flush=True)


def sha256(path):
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 22), b""):
            h.update(block)
    return h.hexdigest()


def nlist_for(n):
    """The IVF list count both engines use: round(4 * sqrt(n))."""
    return max(1, int(round(4 * math.sqrt(n))))


def stats(a):
    a = np.asarray(a, dtype=np.float64)
    if a.size == 0:  # the 20k set: real rows only, no copies
        return None
    q = np.percentile(a, [0, 1, 5, 25, 50, 75, 95, 99, 100])
    return {"min": round(q[0], 4), "p1": round(q[1], 4), "p5": round(q[2], 4), "p25": round(q[3], 4),
            "p50": round(q[4], 4), "p75": round(q[5], 4), "p95": round(q[6], 4), "p99": round(q[7], 4),
            "max": round(q[8], 4), "mean": round(float(a.mean()), 4)}


def load_source(src):
    meta_path = os.path.join(src, "meta.json")
    with open(meta_path) as f:
        smeta = json.load(f)
    files = {"corpus": os.path.join(src, "corpus.fvecs")}
    for s in QUERY_SETS:
        files[s] = os.path.join(src, f"queries-{s}.fvecs")
    for name, path in files.items():
        if not os.path.exists(path):
            sys.exit(f"make_real: {path} is missing: run the retrieval benchmark's data and embed steps "
                     f"(Benchmarks/vector/run-real.sh does that, or Benchmarks/retrieval/run.sh)")
    xb = vecio.read_vectors(files["corpus"])
    want = smeta.get("passages")
    if want is not None and xb.shape[0] != want:
        sys.exit(f"make_real: {files['corpus']} has {xb.shape[0]} rows, meta.json says {want} passages")
    qs, sets = [], []
    start = 0
    for s in QUERY_SETS:
        q = vecio.read_vectors(files[s])
        if q.shape[1] != xb.shape[1]:
            sys.exit(f"make_real: {files[s]} has dimension {q.shape[1]}, corpus {xb.shape[1]}")
        wq = (smeta.get("queries") or {}).get(s)
        if wq is not None and q.shape[0] != wq:
            sys.exit(f"make_real: {files[s]} has {q.shape[0]} rows, meta.json says {wq} queries")
        qs.append(q)
        sets.append({"name": s, "start": start, "count": int(q.shape[0]),
                     "file": os.path.relpath(files[s]), "jsonl": os.path.relpath(os.path.join(src, f"queries-{s}.jsonl"))})
        start += q.shape[0]
    xq = np.ascontiguousarray(np.concatenate(qs), dtype=np.float32)
    for what, a in (("corpus", xb), ("queries", xq)):
        norms = np.linalg.norm(a, axis=1)
        if np.abs(norms - 1).max() > 1e-3:
            log(f"warning: {what} rows are not unit length (norms {norms.min():.4f}..{norms.max():.4f})")
    hashes = {name: sha256(path) for name, path in files.items()}
    return xb, xq, sets, hashes, smeta


def make_base(xb, n, seed, lo, hi):
    """(base, sources, cosines of the copies to their sources)."""
    n_real, d = xb.shape
    base = np.empty((n, d), dtype=np.float32)
    base[:n_real] = xb
    sources = np.empty(n, dtype=np.int32)
    sources[:n_real] = np.arange(n_real, dtype=np.int32)
    cos = np.empty(n - n_real, dtype=np.float32)
    row = n_real
    chunk = 0
    while row < n:
        m = min(CHUNK, n - row)
        rng = np.random.default_rng([seed, 1, chunk])
        s = rng.integers(0, n_real, m)
        c = rng.uniform(lo, hi, m)
        sigma = np.sqrt((1.0 / c ** 2 - 1.0) / d).astype(np.float32)
        y = rng.standard_normal((m, d), dtype=np.float32)
        y *= sigma[:, None]
        y += xb[s]
        y /= np.linalg.norm(y, axis=1, keepdims=True)
        base[row:row + m] = y
        sources[row:row + m] = s
        cos[row - n_real:row - n_real + m] = np.einsum("ij,ij->i", y, xb[s])
        row += m
        chunk += 1
    return base, sources, cos


def is_complete(folder, params):
    try:
        with open(os.path.join(folder, "meta.json")) as f:
            meta = json.load(f)
    except (OSError, json.JSONDecodeError):
        return False
    if meta.get("params") != params:
        return False
    for name, info in (meta.get("files") or {}).items():
        path = os.path.join(folder, info["file"])
        if not os.path.exists(path) or os.path.getsize(path) != info["bytes"]:
            return False
    return True


def make_set(name, n, args, xb, xq, sets, hashes, smeta):
    folder = os.path.join(args.out_dir, f"real384-{name}")
    n_real, d = xb.shape
    params = {"version": FORMAT_VERSION, "n": n, "d": d, "n_real": n_real, "queries": int(xq.shape[0]),
              "seed": args.seed, "cos_lo": args.cos_lo, "cos_hi": args.cos_hi, "chunk": CHUNK,
              "truth_k": TRUTH_K, "source_sha256": hashes}
    if not args.force and is_complete(folder, params):
        log(f"{name}: reusing {folder}")
        return os.path.join(folder, "meta.json")
    if n < n_real:
        sys.exit(f"make_real: set {name} ({n}) is smaller than the real rows ({n_real})")
    os.makedirs(folder, exist_ok=True)
    for f in ("meta.json", "base.fvecs", "queries.fvecs", "truth.ivecs", "sources.npy"):
        if os.path.exists(os.path.join(folder, f)):
            os.remove(os.path.join(folder, f))
    import faiss

    t0 = time.perf_counter()
    base, sources, cos = make_base(xb, n, args.seed, args.cos_lo, args.cos_hi)
    t_gen = time.perf_counter() - t0
    cs = stats(cos)
    log(f"{name}: {n_real:,} real rows + {n - n_real:,} copies in {t_gen:.1f} s" + ("" if cs is None else
        f"; cosine of a copy to its source: min {cs['min']}, p5 {cs['p5']}, p25 {cs['p25']}, p50 {cs['p50']}, "
        f"p75 {cs['p75']}, p95 {cs['p95']}, max {cs['max']}"))
    edges = np.round(np.arange(0.70, 1.0001, 0.025), 3)
    hist, _ = np.histogram(cos, bins=edges)
    below = int((cos < edges[0]).sum())
    for a, b, h in zip(edges[:-1], edges[1:], hist):
        log(f"  cos [{a:.3f}, {b:.3f}): {h:9,d} {'#' * int(60 * h / max(1, hist.max()))}")
    if below:
        log(f"  cos < {edges[0]}: {below:,}")
    per_source = np.bincount(sources[n_real:], minlength=n_real)
    dup_real = n_real - len(np.unique(xb, axis=0))

    t0 = time.perf_counter()
    vecio.write_xvecs(os.path.join(folder, "base.fvecs"), base, np.float32)
    vecio.write_xvecs(os.path.join(folder, "queries.fvecs"), xq, np.float32)
    np.save(os.path.join(folder, "sources.npy"), sources)
    t_write = time.perf_counter() - t0

    t0 = time.perf_counter()
    index = faiss.IndexFlatIP(d)
    index.add(base)
    D, I = index.search(xq, TRUTH_K)
    del index
    t_truth = time.perf_counter() - t0
    if (I < 0).any():
        sys.exit("make_real: the exact search returned fewer than 100 ids for some query")
    vecio.write_xvecs(os.path.join(folder, "truth.ivecs"), I.astype(np.int32), np.int32)
    gap = D[:, 9] - D[:, 10]
    near_ties = int((gap < 1e-5).sum())
    top10_real = float((I[:, :10] < n_real).mean())
    top10_same_source = float(np.mean([len(set(sources[row[:10]])) for row in I]))
    log(f"{name}: exact top-{TRUTH_K} of {len(xq):,} queries in {t_truth:.1f} s (faiss IndexFlatIP, "
        f"{faiss.omp_get_max_threads()} threads); queries whose 10th and 11th scores differ by < 1e-5: {near_ties}; "
        f"share of real rows in the true top-10: {top10_real:.3f}; distinct sources per top-10: {top10_same_source:.2f}")

    files = {}
    for key, fname in (("base", "base.fvecs"), ("queries", "queries.fvecs"), ("truth", "truth.ivecs"),
                       ("sources", "sources.npy")):
        path = os.path.join(folder, fname)
        files[key] = {"file": fname, "bytes": os.path.getsize(path), "sha256": sha256(path)}
    per_set_score = {s["name"]: stats(D[s["start"]:s["start"] + s["count"], 0]) for s in sets}
    meta = {
        "params": params, "name": f"real384-{name}", "metric": "ip", "n": n, "d": d, "nq": int(xq.shape[0]),
        "nlist": nlist_for(n), "base": os.path.abspath(os.path.join(folder, "base.fvecs")),
        "queries": os.path.abspath(os.path.join(folder, "queries.fvecs")),
        "truth": os.path.abspath(os.path.join(folder, "truth.ivecs")),
        "sources": os.path.abspath(os.path.join(folder, "sources.npy")),
        "source": {"dir": os.path.relpath(args.source), "model": "all-MiniLM-L6-v2 (TroveEmbed), 384-d, unit rows",
                   "passages": n_real, "documents": smeta.get("documents"), "retrieval_seed": smeta.get("seed")},
        "query_sets": sets,
        "noise": {"kind": "isotropic Gaussian, renormalised",
                  "rule": "y = normalise(x_s + sigma*g), g ~ N(0, I_d), c ~ U(cos_lo, cos_hi), sigma = sqrt((1/c^2 - 1)/d)",
                  "cos_lo": args.cos_lo, "cos_hi": args.cos_hi,
                  "sigma_range": [round(math.sqrt((1 / args.cos_hi ** 2 - 1) / d), 5),
                                  round(math.sqrt((1 / args.cos_lo ** 2 - 1) / d), 5)],
                  "copy_to_source_cosine": cs,
                  "copy_to_source_cosine_histogram": {"edges": edges.tolist(), "counts": hist.tolist(), "below": below}},
        "copies_per_source": {"min": int(per_source.min()), "median": float(np.median(per_source)),
                              "max": int(per_source.max()), "mean": round(float(per_source.mean()), 2)},
        "duplicate_real_rows": int(dup_real),
        "truth_stats": {"k": TRUTH_K, "near_ties_10_11": near_ties, "top10_share_real_rows": round(top10_real, 4),
                        "top10_distinct_sources_mean": round(top10_same_source, 3),
                        "top1_score_by_set": per_set_score,
                        "score_10th": stats(D[:, 9]), "gap_10th_11th": stats(gap)},
        "prefix_note": "rows are made in chunks from seeded streams: the first 200,000 rows of real384-1m are real384-200k",
        "files": files,
        "seconds": {"generate": round(t_gen, 2), "write": round(t_write, 2), "truth": round(t_truth, 2)},
    }
    with open(os.path.join(folder, "meta.json.tmp"), "w") as f:
        json.dump(meta, f, indent=2)
    os.replace(os.path.join(folder, "meta.json.tmp"), os.path.join(folder, "meta.json"))
    log(f"{name}: wrote {folder} ({files['base']['bytes'] / 1e6:,.0f} MB base)")
    return os.path.join(folder, "meta.json")


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--source", default=".bench/retrieval-data")
    ap.add_argument("--out-dir", default=".bench/vector-data")
    ap.add_argument("--set", choices=["20k", "200k", "1m", "both"], default="200k")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--cos-lo", type=float, default=0.75)
    ap.add_argument("--cos-hi", type=float, default=0.95)
    ap.add_argument("--force", action="store_true")
    args = ap.parse_args()
    if not 0 < args.cos_lo <= args.cos_hi < 1:
        sys.exit("make_real: need 0 < --cos-lo <= --cos-hi < 1")
    xb, xq, sets, hashes, smeta = load_source(args.source)
    log(f"source: {xb.shape[0]:,} x {xb.shape[1]} passages, {xq.shape[0]:,} queries "
        "(" + ", ".join(f"{s['name']} {s['count']}" for s in sets) + ")")
    names = ["200k", "1m"] if args.set == "both" else [args.set]
    for name in names:
        print(make_set(name, SIZES[name], args, xb, xq, sets, hashes, smeta), flush=True)


if __name__ == "__main__":
    main()
