#!/usr/bin/env python3
"""Make the vector benchmark's datasets (seeded, reproducible) and their exact ground truth.

    python3 make_data.py --out-dir .bench/vector-data [--quick] [--seed 1] [--force]

Two datasets of clustered Gaussian vectors (issue 3, "Benchmark"):

  emb384    sentence-embedding-like: 100,000 x 384, rows L2-normalised, metric ip.
            base/queries as .fvecs, ground truth as .ivecs.
  gauss128  1,000,000 x 128, not normalised, metric l2.
            base/queries as .npy float32, ground truth as .npy int32.

How a row is drawn: `clusters` centres are made as super-centre + t * N(0, I), with the
super-centres N(0, I) (so clusters overlap and are related, like topics); each cluster
has its own spread s_c, log-uniform in [spread_lo, spread_hi], and its own weight
(lognormal, so the inverted lists are unbalanced as with real data). A row is
centre_c + s_c * N(0, I) for a cluster c drawn by weight, then L2-normalised for emb384.
Queries are drawn the same way, independently of the base (never copies of base rows).

Ground truth: the exact top-100 ids of each query, computed with faiss IndexFlatIP /
IndexFlatL2 over the whole base (0-based row numbers of the base file).

--quick makes small versions (20,000 x 384 and 100,000 x 128) for a smoke run.

Each dataset goes to <out-dir>/<name>/ with base, queries, truth and meta.json; a dataset
whose meta.json matches the parameters and whose files have the right sizes is reused.
A manifest <out-dir>/<set>.json (set = full or quick) lists the datasets for run.sh.
"""

import argparse
import json
import math
import os
import sys
import time

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import vecio  # noqa: E402

FORMAT_VERSION = 1
QUERIES = 1000
TRUTH_K = 100
CHUNK = 50_000

PRESETS = {
    "full": [
        dict(name="emb384-100k", n=100_000, d=384, clusters=1000, supers=50, t=0.7,
             spread_lo=1.0, spread_hi=3.0, normalize=True, metric="ip", fmt="fvecs"),
        dict(name="gauss128-1m", n=1_000_000, d=128, clusters=10_000, supers=100, t=0.7,
             spread_lo=1.0, spread_hi=3.0, normalize=False, metric="l2", fmt="npy"),
    ],
    "quick": [
        dict(name="emb384-20k", n=20_000, d=384, clusters=200, supers=20, t=0.7,
             spread_lo=1.0, spread_hi=3.0, normalize=True, metric="ip", fmt="fvecs"),
        dict(name="gauss128-100k", n=100_000, d=128, clusters=1000, supers=30, t=0.7,
             spread_lo=1.0, spread_hi=3.0, normalize=False, metric="l2", fmt="npy"),
    ],
}


def log(msg):
    print(f"make_data: {msg}", file=sys.stderr, flush=True)


def nlist_for(n):
    """The IVF list count both engines use: round(4 * sqrt(n))."""
    return max(1, int(round(4 * math.sqrt(n))))


class Generator:
    def __init__(self, p, seed):
        self.p = p
        self.seed = seed
        rng = np.random.default_rng([seed, 0])
        d, k = p["d"], p["clusters"]
        supers = rng.standard_normal((p["supers"], d), dtype=np.float32)
        self.centres = (supers[rng.integers(0, p["supers"], k)]
                        + np.float32(p["t"]) * rng.standard_normal((k, d), dtype=np.float32))
        lo, hi = math.log(p["spread_lo"]), math.log(p["spread_hi"])
        self.spread = np.exp(rng.uniform(lo, hi, k)).astype(np.float32)
        w = rng.lognormal(0.0, 0.5, k)
        self.weights = w / w.sum()

    def draw(self, m, stream, chunk):
        """m rows from the random stream (stream, chunk): deterministic per chunk."""
        rng = np.random.default_rng([self.seed, stream, chunk])
        c = rng.choice(len(self.weights), size=m, p=self.weights)
        x = rng.standard_normal((m, self.p["d"]), dtype=np.float32)
        x *= self.spread[c, None]
        x += self.centres[c]
        if self.p["normalize"]:
            x /= np.linalg.norm(x, axis=1, keepdims=True)
        return np.ascontiguousarray(x, dtype=np.float32)


def file_names(p):
    if p["fmt"] == "fvecs":
        return {"base": "base.fvecs", "queries": "queries.fvecs", "truth": "truth.ivecs"}
    return {"base": "base.npy", "queries": "queries.npy", "truth": "truth.npy"}


def expected_bytes(p, kind):
    n = {"base": p["n"], "queries": QUERIES, "truth": QUERIES}[kind]
    d = TRUTH_K if kind == "truth" else p["d"]
    if p["fmt"] == "fvecs":
        return n * (d + 1) * 4
    return None  # .npy has a header; checked by loading the shape instead


def is_complete(folder, p, meta_wanted):
    meta_path = os.path.join(folder, "meta.json")
    if not os.path.exists(meta_path):
        return False
    try:
        with open(meta_path) as f:
            meta = json.load(f)
    except (OSError, json.JSONDecodeError):
        return False
    if meta.get("params") != meta_wanted["params"] or meta.get("complete") is not True:
        return False
    for kind, name in file_names(p).items():
        path = os.path.join(folder, name)
        if not os.path.exists(path):
            return False
        want = expected_bytes(p, kind)
        if want is not None and os.path.getsize(path) != want:
            return False
        if want is None:
            a = np.load(path, mmap_mode="r")
            rows = p["n"] if kind == "base" else QUERIES
            cols = TRUTH_K if kind == "truth" else p["d"]
            if a.shape != (rows, cols):
                return False
    return True


def make_dataset(out_dir, p, seed, force):
    import faiss  # only needed when something is made

    folder = os.path.join(out_dir, p["name"])
    names = file_names(p)
    paths = {k: os.path.join(folder, v) for k, v in names.items()}
    params = dict(p, seed=seed, queries=QUERIES, truth_k=TRUTH_K, format_version=FORMAT_VERSION)
    meta = {
        "name": p["name"], "n": p["n"], "d": p["d"], "nq": QUERIES, "truth_k": TRUTH_K,
        "metric": p["metric"], "normalized": p["normalize"], "nlist": nlist_for(p["n"]),
        "format": p["fmt"], "files": names, "params": params,
    }
    if not force and is_complete(folder, p, meta):
        log(f"{p['name']}: reusing {folder}")
        return dict(meta, dir=folder, **{k: paths[k] for k in paths})

    os.makedirs(folder, exist_ok=True)
    meta_path = os.path.join(folder, "meta.json")
    if os.path.exists(meta_path):
        os.remove(meta_path)
    gen = Generator(p, seed)
    n, d = p["n"], p["d"]
    t0 = time.time()
    log(f"{p['name']}: drawing {n:,} x {d} base rows ({n * d * 4 / 2**20:.0f} MiB) -> {paths['base']}")
    index = faiss.IndexFlatIP(d) if p["metric"] == "ip" else faiss.IndexFlatL2(d)
    if p["fmt"] == "fvecs":
        writer = vecio.XvecsWriter(paths["base"] + ".tmp", d, np.float32)
        for ci, start in enumerate(range(0, n, CHUNK)):
            x = gen.draw(min(CHUNK, n - start), 1, ci)
            writer.write(x)
            index.add(x)
        writer.close()
    else:
        arr = np.lib.format.open_memmap(paths["base"] + ".tmp", mode="w+", dtype=np.float32, shape=(n, d))
        for ci, start in enumerate(range(0, n, CHUNK)):
            x = gen.draw(min(CHUNK, n - start), 1, ci)
            arr[start:start + len(x)] = x
            index.add(x)
        arr.flush()
        del arr
    q = gen.draw(QUERIES, 2, 0)
    log(f"{p['name']}: exact top-{TRUTH_K} of {QUERIES} queries with faiss "
        f"{type(index).__name__} ({time.time() - t0:.1f} s so far)")
    _, ids = index.search(q, TRUTH_K)
    ids = ids.astype(np.int32)
    if (ids < 0).any():
        raise RuntimeError("faiss returned -1 ids in the ground truth")
    if p["fmt"] == "fvecs":
        vecio.write_xvecs(paths["queries"] + ".tmp", q, np.float32)
        vecio.write_xvecs(paths["truth"] + ".tmp", ids, np.int32)
    else:
        with open(paths["queries"] + ".tmp", "wb") as f:
            np.save(f, q)
        with open(paths["truth"] + ".tmp", "wb") as f:
            np.save(f, ids)
    for k in ("base", "queries", "truth"):
        os.replace(paths[k] + ".tmp", paths[k])
    meta["complete"] = True
    meta["seconds"] = round(time.time() - t0, 2)
    with open(meta_path + ".tmp", "w") as f:
        json.dump(meta, f, indent=2)
    os.replace(meta_path + ".tmp", meta_path)
    log(f"{p['name']}: done in {meta['seconds']} s")
    return dict(meta, dir=folder, **{k: paths[k] for k in paths})


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--out-dir", required=True)
    ap.add_argument("--quick", action="store_true", help="small datasets for a smoke run")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--force", action="store_true", help="remake even when the files are there")
    args = ap.parse_args()

    set_name = "quick" if args.quick else "full"
    args.out_dir = os.path.abspath(args.out_dir)
    os.makedirs(args.out_dir, exist_ok=True)
    datasets = [make_dataset(args.out_dir, p, args.seed, args.force) for p in PRESETS[set_name]]
    manifest = {"set": set_name, "seed": args.seed, "datasets": [
        {k: ds[k] for k in ("name", "n", "d", "nq", "truth_k", "metric", "normalized",
                            "nlist", "format", "dir", "base", "queries", "truth")}
        for ds in datasets]}
    path = os.path.join(args.out_dir, f"{set_name}.json")
    with open(path + ".tmp", "w") as f:
        json.dump(manifest, f, indent=2)
    os.replace(path + ".tmp", path)
    log(f"manifest: {path}")
    print(path)


if __name__ == "__main__":
    main()
