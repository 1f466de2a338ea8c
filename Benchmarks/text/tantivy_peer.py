#!/usr/bin/env python3
"""The Tantivy side of the full-text benchmark: the measurements `trove bench text` makes.

    python3 tantivy_peer.py --corpus CORPUS.jsonl --queries Q.jsonl [--queries-time QT.jsonl]
                            --work-dir DIR [--k 10] [--threads 1] [--heap-mb 1024]
                            [--stopwords Sources/TroveText/Analysis/Stopwords.swift]
                            [--repeats 3] [--no-stored-variant] > tantivy.json

prints one JSON object on stdout (progress goes to stderr); writes DIR/tantivy-plain.jsonl
and DIR/tantivy-time.jsonl, one {"qid","ids","scores"} line per query, like trove's --out.

Schema: id (text, "raw" tokenizer, stored, indexed without freqs), title and text (text,
analyzer "trove_english", positions indexed, not stored), ts (i64, indexed + fast).
Analyzer "trove_english": SimpleTokenizer (runs of alphanumeric chars) -> RemoveLong(40)
-> LowerCaser -> AsciiFolding -> StopWordFilter(the `english` stopword list of Trove, read
from --stopwords, a copy built in otherwise) -> Stemmer(English, Snowball/Porter2).
(Tantivy's built-in "en_stem" is the same chain without folding and without stopwords.)

Indexing: the corpus lines are read into memory first; the clock runs over
writer.add_json(line) for every line and one commit(), with
index.writer(heap_size=--heap-mb, num_threads=--threads). Then wait_merging_threads()
(timed apart) and garbage_collect_files(). Sizes are the sum of the index folder's file
sizes after the commit and after merges finished. docs/s = docs / index_seconds; MB/s =
UTF-8 bytes of the text field / 1e6 / index_seconds. cpu_seconds is the process's user +
system time over the same interval (add_json parses JSON on the calling thread while the
indexing thread builds postings, so it can exceed the wall time).
A second index with every field stored (the documents kept, as a database does) is built
the same way for its size only, unless --no-stored-variant.

Queries, one at a time, top-k by BM25 (k1 1.2, b 0.75) over the text field: the query text,
syntax characters escaped, through index.parse_query(text, ["text"]) (terms ORed, analysed
with the field's analyzer); time-range queries: BooleanQuery(Must: that query, Must:
ConstScore(RangeQuery(ts, from <= ts < to, fast field), 0)) so the scores are the text
scores. searcher.search(q, k, count=False) (count=True would turn off block-max WAND), then
the stored id of each hit. Each query's latency covers parse + search + reading the ids.
A first pass over all queries warms up; the next --repeats passes are timed (QPS = queries /
wall time of a pass, best pass; p50/p99 over every timed query). "search_only" repeats
the timing with queries parsed beforehand and no id fetch.
Quality against "relevant": MRR@10, recall@10, nDCG@10 (binary gains), mean over queries.
"""

import argparse
import json
import math
import os
import re
import resource
import shutil
import sys
import time

import tantivy
from tantivy import Filter, FieldType, Index, Occur, Query, SchemaBuilder, TextAnalyzerBuilder, Tokenizer

# Trove's `english` list (Sources/TroveText/Analysis/Stopwords.swift), used when that file
# cannot be read.
BUILTIN_STOPWORDS = """a an and are as at be but by for if in into is it no not of on or such that the
their then there these they this to was will with i me my we our you your he him his she her its
them what which who whom been being have has had do does did so than too very can from were would
should could also about all any each""".split()

SYNTAX = set('+-&|!(){}[]^"~*?:\\/<>=\'')


def log(msg):
    print(f"tantivy_peer: {msg}", file=sys.stderr, flush=True)


def read_stopwords(path):
    """(words, source) from the Swift file's string literals, else the built-in copy."""
    if path and os.path.exists(path):
        with open(path, encoding="utf-8") as f:
            src = f.read()
        m = re.search(r"Set<String>\s*=\s*\[(.*?)\]", src, re.S)
        if m:
            words = re.findall(r'"([^"\\]+)"', m.group(1))
            if words:
                return sorted(set(words)), os.path.abspath(path)
        log(f"no stopword set literal in {path}; using the built-in copy")
    return sorted(set(BUILTIN_STOPWORDS)), "built-in copy of Trove's list"


def escape_query(text):
    """The text as plain ORed terms: syntax characters become spaces, operators lowercase."""
    text = "".join(" " if c in SYNTAX else c for c in text)
    words = [w.lower() if w in ("AND", "OR", "NOT", "IN", "TO") else w for w in text.split()]
    return " ".join(words)


def dir_bytes(path):
    total = 0
    for dirpath, _dirs, files in os.walk(path):
        for f in files:
            try:
                total += os.path.getsize(os.path.join(dirpath, f))
            except OSError:
                pass
    return total


def cpu_seconds():
    ru = resource.getrusage(resource.RUSAGE_SELF)
    return ru.ru_utime + ru.ru_stime


def percentile(values, p):
    """Linear-interpolated percentile (numpy's default), values need not be sorted."""
    v = sorted(values)
    if not v:
        return None
    x = (len(v) - 1) * p / 100.0
    lo = math.floor(x)
    hi = min(lo + 1, len(v) - 1)
    return v[lo] + (v[hi] - v[lo]) * (x - lo)


def make_analyzer(stopwords):
    return (TextAnalyzerBuilder(Tokenizer.simple())
            .filter(Filter.remove_long(40))
            .filter(Filter.lowercase())
            .filter(Filter.ascii_fold())
            .filter(Filter.custom_stopword(stopwords))
            .filter(Filter.stemmer("english"))
            .build())


def make_schema(store_all):
    sb = SchemaBuilder()
    sb.add_text_field("id", stored=True, tokenizer_name="raw", index_option="basic")
    sb.add_text_field("title", stored=store_all, tokenizer_name="trove_english", index_option="position")
    sb.add_text_field("text", stored=store_all, tokenizer_name="trove_english", index_option="position")
    sb.add_integer_field("ts", stored=store_all, indexed=True, fast=True)
    return sb.build()


def build_index(lines, path, schema, analyzer, threads, heap_bytes):
    """Index every line; returns (index, figures)."""
    shutil.rmtree(path, ignore_errors=True)
    os.makedirs(path)
    index = Index(schema, path=path, reuse=False)
    index.register_tokenizer("trove_english", analyzer)
    writer = index.writer(heap_size=heap_bytes, num_threads=threads)
    c0, t0 = cpu_seconds(), time.perf_counter()
    for line in lines:
        writer.add_json(line)
    writer.commit()
    t1, c1 = time.perf_counter(), cpu_seconds()
    index.reload()
    segments_after_commit = index.searcher().num_segments
    bytes_after_commit = dir_bytes(path)
    t2 = time.perf_counter()
    writer.wait_merging_threads()
    merge_wait = time.perf_counter() - t2
    gc = index.writer(heap_size=max(15_000_000, 50_000_000), num_threads=1)
    gc.garbage_collect_files()
    del gc
    index = Index.open(path)
    index.register_tokenizer("trove_english", analyzer)
    index.reload()
    searcher = index.searcher()
    return index, {
        "index_seconds": round(t1 - t0, 4),
        "cpu_seconds": round(c1 - c0, 3),
        "segments_after_commit": segments_after_commit,
        "index_bytes_after_commit": bytes_after_commit,
        "merge_wait_seconds": round(merge_wait, 3),
        "segments": searcher.num_segments,
        "index_bytes": dir_bytes(path),
        "num_docs": searcher.num_docs,
    }


def read_queries(path):
    out = []
    with open(path, encoding="utf-8") as f:
        for lineno, line in enumerate(f, 1):
            line = line.strip()
            if not line:
                continue
            try:
                q = json.loads(line)
                q["qid"] = str(q["qid"])
                q["text"] = str(q["text"])
            except (ValueError, KeyError, TypeError) as e:
                raise SystemExit(f"tantivy_peer: {path}:{lineno}: bad query line: {e}")
            out.append(q)
    return out


def quality(results, queries, k):
    """(mrr, recall, ndcg) at k over the queries that have "relevant", or Nones."""
    n = 0
    mrr = rec = ndcg = 0.0
    for q, (ids, _scores) in zip(queries, results):
        rel = set(q.get("relevant") or [])
        if not rel:
            continue
        n += 1
        top = ids[:k]
        for rank, i in enumerate(top, 1):
            if i in rel:
                mrr += 1.0 / rank
                break
        rec += len(rel & set(top)) / len(rel)
        dcg = sum(1.0 / math.log2(rank + 1) for rank, i in enumerate(top, 1) if i in rel)
        idcg = sum(1.0 / math.log2(r + 1) for r in range(1, min(len(rel), k) + 1))
        ndcg += dcg / idcg
    if n == 0:
        return None, None, None
    return round(mrr / n, 4), round(rec / n, 4), round(ndcg / n, 4)


def run_queries(index, queries, k, repeats, out_path):
    schema = index.schema
    searcher = index.searcher()

    def build(q):
        textq = index.parse_query(escape_query(q["text"]), ["text"])
        if "from" in q or "to" in q:
            rq = Query.range_query(schema, "ts", FieldType.Integer,
                                   lower_bound=int(q["from"]) if q.get("from") is not None else None,
                                   upper_bound=int(q["to"]) if q.get("to") is not None else None,
                                   include_lower=True, include_upper=q.get("to") is None)
            return Query.boolean_query([(Occur.Must, textq), (Occur.Must, Query.const_score_query(rq, 0.0))])
        return textq

    def one(q):
        res = searcher.search(build(q), k, count=False)
        return [searcher.doc(addr)["id"][0] for _s, addr in res.hits], [s for s, _a in res.hits]

    results = [one(q) for q in queries]           # warm-up pass, and the results
    lat = []
    best_wall = math.inf
    for _ in range(repeats):
        t_pass = time.perf_counter()
        for q in queries:
            t0 = time.perf_counter_ns()
            one(q)
            lat.append((time.perf_counter_ns() - t0) / 1e6)
        best_wall = min(best_wall, time.perf_counter() - t_pass)
    # the engine alone: queries parsed beforehand, no id fetch
    parsed = [build(q) for q in queries]
    for pq in parsed[: min(50, len(parsed))]:
        searcher.search(pq, k, count=False)
    lat_s = []
    t_pass = time.perf_counter()
    for pq in parsed:
        t0 = time.perf_counter_ns()
        searcher.search(pq, k, count=False)
        lat_s.append((time.perf_counter_ns() - t0) / 1e6)
    wall_s = time.perf_counter() - t_pass

    with open(out_path + ".tmp", "w", encoding="utf-8") as f:
        for q, (ids, scores) in zip(queries, results):
            f.write(json.dumps({"qid": q["qid"], "ids": ids, "scores": [round(s, 6) for s in scores]}) + "\n")
    os.replace(out_path + ".tmp", out_path)
    mrr, rec, ndcg = quality(results, queries, k)
    nq = len(queries)
    return {
        "queries": nq, "k": k, "repeats": repeats,
        "qps": round(nq / best_wall, 2),
        "p50_ms": round(percentile(lat, 50), 4), "p99_ms": round(percentile(lat, 99), 4),
        "mean_ms": round(sum(lat) / len(lat), 4), "max_ms": round(max(lat), 4),
        "mrr10": mrr, "recall10": rec, "ndcg10": ndcg,
        "empty_results": sum(1 for ids, _ in results if not ids),
        "search_only": {"qps": round(nq / wall_s, 2), "p50_ms": round(percentile(lat_s, 50), 4),
                        "p99_ms": round(percentile(lat_s, 99), 4)},
        "out": os.path.abspath(out_path),
    }


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--corpus", required=True)
    ap.add_argument("--queries", required=True)
    ap.add_argument("--queries-time")
    ap.add_argument("--work-dir", required=True, help="index folders and --out files go here")
    ap.add_argument("--k", type=int, default=10)
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--heap-mb", type=int, default=1024, help="writer memory budget (default 1024)")
    ap.add_argument("--stopwords", help="Trove's Stopwords.swift, to use the same list")
    ap.add_argument("--repeats", type=int, default=3, help="timed passes over the queries (default 3)")
    ap.add_argument("--no-stored-variant", action="store_true")
    ap.add_argument("--keep-index", action="store_true", help="leave the index folders (default: delete)")
    args = ap.parse_args()
    if args.threads < 1 or args.k < 1 or args.repeats < 1:
        raise SystemExit("tantivy_peer: --threads, --k and --repeats must be >= 1")
    os.makedirs(args.work_dir, exist_ok=True)

    stopwords, sw_source = read_stopwords(args.stopwords)
    analyzer = make_analyzer(stopwords)
    sample = analyzer.analyze("The Runners were running quickly to the café, generously")
    log(f"analyzer trove_english: {len(stopwords)} stopwords ({sw_source}); sample -> {sample}")

    with open(args.corpus, encoding="utf-8") as f:
        lines = [line for line in f.read().splitlines() if line.strip()]
    text_bytes = 0
    for line in lines:
        text_bytes += len(json.loads(line).get("text", "").encode("utf-8"))
    n = len(lines)
    heap = args.heap_mb * 1_000_000
    log(f"indexing {n:,} docs ({text_bytes / 1e6:.1f} MB of text), {args.threads} thread(s), heap {args.heap_mb} MB")
    idx_dir = os.path.join(args.work_dir, "tantivy-index")
    index, fig = build_index(lines, idx_dir, make_schema(False), analyzer, args.threads, heap)
    if fig["num_docs"] != n:
        raise SystemExit(f"tantivy_peer: index holds {fig['num_docs']} docs, corpus has {n}")
    log(f"indexed in {fig['index_seconds']:.2f} s ({n / fig['index_seconds']:,.0f} docs/s, "
        f"cpu {fig['cpu_seconds']:.2f} s), {fig['segments_after_commit']} segment(s) after commit, "
        f"{fig['index_bytes'] / 1e6:.1f} MB")

    out = {
        "engine": "tantivy", "tantivy_version": tantivy.__version__ if hasattr(tantivy, "__version__") else None,
        "binding_version": _binding_version(), "python": sys.version.split()[0],
        "analyzer": {"name": "trove_english",
                     "chain": "simple tokenizer, remove_long(40), lowercase, ascii_fold, stopwords, stemmer(english)",
                     "stopwords": len(stopwords), "stopwords_source": sw_source, "stemmer": "english (Snowball Porter2)",
                     "sample": sample},
        "threads": args.threads, "heap_mb": args.heap_mb, "k": args.k,
        "docs": n, "text_bytes": text_bytes,
        "docs_per_sec": round(n / fig["index_seconds"], 1),
        "mb_per_sec": round(text_bytes / 1e6 / fig["index_seconds"], 3),
        **fig,
    }
    log(f"querying: {args.queries}")
    plain = run_queries(index, read_queries(args.queries), args.k, args.repeats,
                        os.path.join(args.work_dir, "tantivy-plain.jsonl"))
    out.update({key: plain[key] for key in ("queries", "qps", "p50_ms", "p99_ms", "mrr10", "recall10", "ndcg10")})
    out["plain"] = plain
    log(f"plain: {plain['qps']:,.0f} QPS, p50 {plain['p50_ms']:.3f} ms, p99 {plain['p99_ms']:.3f} ms, "
        f"MRR@10 {plain['mrr10']}")
    if args.queries_time:
        log(f"querying with time ranges: {args.queries_time}")
        timed = run_queries(index, read_queries(args.queries_time), args.k, args.repeats,
                            os.path.join(args.work_dir, "tantivy-time.jsonl"))
        out["time_range"] = timed
        log(f"time range: {timed['qps']:,.0f} QPS, p50 {timed['p50_ms']:.3f} ms, p99 {timed['p99_ms']:.3f} ms, "
            f"MRR@10 {timed['mrr10']}")
    del index
    if not args.keep_index:
        shutil.rmtree(idx_dir, ignore_errors=True)

    if not args.no_stored_variant:
        log("indexing again with every field stored (size of a document-keeping index)")
        sdir = os.path.join(args.work_dir, "tantivy-index-stored")
        sindex, sfig = build_index(lines, sdir, make_schema(True), analyzer, args.threads, heap)
        sfig["docs_per_sec"] = round(n / sfig["index_seconds"], 1)
        out["stored_all"] = sfig
        log(f"stored variant: {sfig['index_bytes'] / 1e6:.1f} MB, {sfig['docs_per_sec']:,.0f} docs/s")
        del sindex
        if not args.keep_index:
            shutil.rmtree(sdir, ignore_errors=True)
    print(json.dumps(out))


def _binding_version():
    try:
        from importlib.metadata import version
        return version("tantivy")
    except Exception:
        return None


if __name__ == "__main__":
    main()
