#!/usr/bin/env python3
"""The peers of the retrieval benchmark: Tantivy (BM25) and FAISS (exact dense search) on the
files make_sets.py wrote and the vectors `trove bench retrieval` embedded.

    python3 peers.py --corpus DATA/corpus.jsonl --vectors DATA/corpus.fvecs
                     --set verbatim=DATA/queries-verbatim.jsonl --set keywords=... --set semantic=...
                     --work-dir .bench/retrieval/peers [--k 10] [--repeats 3]
                     [--stopwords Sources/TroveText/Analysis/Stopwords.swift]
                     [--no-default-tokenizer] [--no-tantivy] [--no-faiss] > peers.json

Why: Trove's figures mean something only beside other engines' on the same passages, the
same queries and the same machine, in the same run. Prints one JSON object on stdout
(progress on stderr) and writes, per set, <work-dir>/<set>.<engine>.jsonl with one
{"qid","ids","scores"} line per query, best first (the format of Trove's out files), so
report.py scores every engine with the same code.

tantivy          Tantivy with the "trove_english" analyzer of Benchmarks/text/tantivy_peer.py
                 (simple tokenizer, remove_long(40), lowercase, ascii_fold, Trove's stopwords,
                 Porter2 stemmer); its index building, schema and query timing are reused
                 from there. Queries are the RAW query text through index.parse_query(text,
                 ["text"]) with Tantivy's syntax characters backslash-escaped and the operator
                 words AND/OR/NOT/IN/TO lowercased: terms are ORed (BM25 k1 1.2, b 0.75), and a
                 word the analyzer splits into several tokens (`foo.zip`, `open(2)`) becomes
                 a phrase, as in Trove's match mode.
tantivy-default  the same with Tantivy's "default" analyzer (simple tokenizer, remove_long(40),
                 lowercase: no stemming, no stopwords), unless --no-default-tokenizer.
faiss-flat       faiss.IndexFlatIP over corpus.fvecs (row i = corpus line i; the vectors are
                 L2-normalised, so inner product = cosine), the query vectors from
                 <set file without .jsonl>.fvecs, one query at a time, faiss.omp_set_num_threads(1).

Timing as Trove's: a warm-up pass over the set, then --repeats timed passes, one query at a
time on one thread; QPS = queries / wall time of the best pass, p50/p99 over every timed
query. Tantivy's latency covers parse + search + reading the 10 stored ids (its
"search_only" figures leave out parsing and ids); FAISS's covers index.search on a 1-row
array and mapping rows to ids.
"""

import argparse
import json
import math
import os
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "text"))
sys.path.insert(0, os.path.join(HERE, "..", "vector"))

OPERATORS = {"AND", "OR", "NOT", "IN", "TO"}
ESCAPED = set('+-&|!(){}[]^"~*?:\\/<>=\'`')   # tantivy_peer's SYNTAX and the backquote


def log(msg):
    print(f"peers: {msg}", file=sys.stderr, flush=True)


def escape_raw(text):
    """The raw query for Tantivy's parser: syntax characters backslash-escaped, operator
    words lowercased (the analyzer lowercases anyway); nothing else changes."""
    out = "".join("\\" + c if c in ESCAPED else c for c in text)
    return " ".join(w.lower() if w in OPERATORS else w for w in out.split())


def parse_sets(specs):
    sets = []
    for spec in specs:
        name, sep, path = spec.partition("=")
        if not sep or not name or not path:
            raise SystemExit(f"peers: --set wants NAME=PATH, got {spec!r}")
        if not os.path.exists(path):
            raise SystemExit(f"peers: {path} does not exist")
        sets.append((name, path))
    return sets


def write_out(path, qids, results):
    with open(path + ".tmp", "w", encoding="utf-8") as f:
        for qid, (ids, scores) in zip(qids, results):
            f.write(json.dumps({"qid": qid, "ids": ids, "scores": [round(float(s), 6) for s in scores]}) + "\n")
    os.replace(path + ".tmp", path)


# ---------------------------------------------------------------------------
# Tantivy
# ---------------------------------------------------------------------------

def run_tantivy(args, lines, sets, results):
    import tantivy
    import tantivy_peer as tp

    tp.escape_query = escape_raw   # run_queries() passes each query text through this
    stopwords, sw_source = tp.read_stopwords(args.stopwords)
    variants = [("tantivy", tp.make_analyzer(stopwords),
                 f"trove_english: simple, remove_long(40), lowercase, ascii_fold, {len(stopwords)} stopwords "
                 f"({sw_source}), stemmer(english)")]
    if not args.no_default_tokenizer:
        default = (tantivy.TextAnalyzerBuilder(tantivy.Tokenizer.simple())
                   .filter(tantivy.Filter.remove_long(40)).filter(tantivy.Filter.lowercase()).build())
        variants.append(("tantivy-default", default, "default: simple, remove_long(40), lowercase"))
    info = {"binding_version": tp._binding_version(), "variants": {}}
    for engine, analyzer, desc in variants:
        log(f"{engine}: indexing {len(lines):,} passages, 1 thread ({desc})")
        idx_dir = os.path.join(args.work_dir, f"{engine}-index")
        # build_index registers the analyzer under the schema's tokenizer name "trove_english"
        index, fig = tp.build_index(lines, idx_dir, tp.make_schema(False), analyzer, 1, 1_000_000_000)
        if fig["num_docs"] != len(lines):
            raise SystemExit(f"peers: {engine} index holds {fig['num_docs']} docs, corpus has {len(lines)}")
        info["variants"][engine] = {"analyzer": desc, **fig}
        for name, path in sets:
            queries = tp.read_queries(path)
            bad = []
            for q in queries:
                try:
                    index.parse_query(escape_raw(q["text"]), ["text"])
                except ValueError as e:
                    bad.append(f"{q['qid']} {q['text']!r}: {e}")
            if bad:
                raise SystemExit(f"peers: Tantivy cannot parse {len(bad)} escaped queries: {bad[:3]}")
            r = tp.run_queries(index, queries, args.k, args.repeats, os.path.join(args.work_dir, f"{name}.{engine}.jsonl"))
            row = {"engine": engine, "run": "bm25", "set": name, **r}
            results.append(row)
            log(f"{engine} {name}: {r['qps']:,.0f} QPS, p50 {r['p50_ms']:.3f} ms, p99 {r['p99_ms']:.3f} ms, "
                f"MRR@10 {r['mrr10']}, recall@10 {r['recall10']}")
        del index
        if not args.keep_index:
            import shutil
            shutil.rmtree(idx_dir, ignore_errors=True)
    return info


# ---------------------------------------------------------------------------
# FAISS
# ---------------------------------------------------------------------------

def timed_passes(fn, items, repeats):
    """[fn(x)] of a warm-up pass, the per-call latencies (ms) of `repeats` timed passes and
    the best pass's wall time."""
    out = [fn(x) for x in items]
    lat, best = [], math.inf
    for _ in range(repeats):
        t_pass = time.perf_counter()
        for x in items:
            t0 = time.perf_counter_ns()
            fn(x)
            lat.append((time.perf_counter_ns() - t0) / 1e6)
        best = min(best, time.perf_counter() - t_pass)
    return out, lat, best


def run_faiss(args, ids, sets, results):
    import faiss
    import numpy as np
    import tantivy_peer as tp
    import vecio

    faiss.omp_set_num_threads(1)
    xb = vecio.read_vectors(args.vectors)
    if len(xb) != len(ids):
        raise SystemExit(f"peers: {args.vectors} has {len(xb)} rows, the corpus {len(ids)} passages")
    norms = np.linalg.norm(xb, axis=1)
    t0 = time.perf_counter()
    index = faiss.IndexFlatIP(xb.shape[1])
    index.add(xb)
    info = {"faiss_version": faiss.__version__, "d": int(xb.shape[1]), "add_seconds": round(time.perf_counter() - t0, 4),
            "norm_min": round(float(norms.min()), 4), "norm_max": round(float(norms.max()), 4)}
    log(f"faiss-flat: {len(xb):,} x {xb.shape[1]} vectors (norms {info['norm_min']}..{info['norm_max']})")
    for name, path in sets:
        queries = tp.read_queries(path)
        qpath = os.path.splitext(path)[0] + ".fvecs"
        xq = vecio.read_vectors(qpath)
        if xq.shape != (len(queries), xb.shape[1]):
            raise SystemExit(f"peers: {qpath} is {xq.shape}, want ({len(queries)}, {xb.shape[1]})")
        rows = [np.ascontiguousarray(xq[i:i + 1]) for i in range(len(xq))]

        def one(row):
            D, I = index.search(row, args.k)
            return [ids[j] for j in I[0] if j >= 0], [float(s) for s, j in zip(D[0], I[0]) if j >= 0]

        res, lat, best = timed_passes(one, rows, args.repeats)
        write_out(os.path.join(args.work_dir, f"{name}.faiss-flat.jsonl"), [q["qid"] for q in queries], res)
        mrr, rec, ndcg = tp.quality(res, queries, args.k)
        row = {"engine": "faiss-flat", "run": "dense", "set": name, "queries": len(queries), "k": args.k,
               "repeats": args.repeats, "qps": round(len(queries) / best, 2),
               "p50_ms": round(tp.percentile(lat, 50), 4), "p99_ms": round(tp.percentile(lat, 99), 4),
               "mean_ms": round(sum(lat) / len(lat), 4), "mrr10": mrr, "recall10": rec, "ndcg10": ndcg,
               "out": os.path.abspath(os.path.join(args.work_dir, f"{name}.faiss-flat.jsonl"))}
        results.append(row)
        log(f"faiss-flat {name}: {row['qps']:,.0f} QPS, p50 {row['p50_ms']:.3f} ms, p99 {row['p99_ms']:.3f} ms, "
            f"MRR@10 {mrr}, recall@10 {rec}")
    return info


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--corpus", required=True)
    ap.add_argument("--vectors", help="corpus.fvecs (needed unless --no-faiss)")
    ap.add_argument("--set", action="append", default=[], metavar="NAME=PATH", help="a query set (repeatable)")
    ap.add_argument("--work-dir", required=True)
    ap.add_argument("--k", type=int, default=10)
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--stopwords", help="Trove's Stopwords.swift (the same list as Trove's english analyzer)")
    ap.add_argument("--no-default-tokenizer", action="store_true", help="skip the tantivy-default run")
    ap.add_argument("--no-tantivy", action="store_true")
    ap.add_argument("--no-faiss", action="store_true")
    ap.add_argument("--keep-index", action="store_true")
    args = ap.parse_args()
    if args.k < 1 or args.repeats < 1:
        raise SystemExit("peers: --k and --repeats must be >= 1")
    sets = parse_sets(args.set)
    if not sets:
        raise SystemExit("peers: no --set given")
    if not args.no_faiss and not (args.vectors and os.path.exists(args.vectors)):
        raise SystemExit(f"peers: --vectors {args.vectors} does not exist (trove bench retrieval writes it; or --no-faiss)")
    os.makedirs(args.work_dir, exist_ok=True)
    with open(args.corpus, encoding="utf-8") as f:
        lines = [line for line in f.read().splitlines() if line.strip()]
    ids = [json.loads(line)["id"] for line in lines]

    out = {"k": args.k, "repeats": args.repeats, "threads": 1, "docs": len(lines), "python": sys.version.split()[0],
           "sets": {name: os.path.abspath(path) for name, path in sets}, "results": []}
    if not args.no_tantivy:
        out["tantivy"] = run_tantivy(args, lines, sets, out["results"])
    if not args.no_faiss:
        out["faiss"] = run_faiss(args, ids, sets, out["results"])
    print(json.dumps(out))


if __name__ == "__main__":
    main()
