#!/usr/bin/env python3
"""Tantivy on the message set of the retrieval benchmark (make_messages.py), timed as
`trove bench message-search` is.

    python3 messages_peer.py --messages DATA/messages.jsonl --queries DATA/queries.jsonl
                             --work-dir .bench/retrieval-messages/peers [--repeats 3]
                             [--stopwords Sources/TroveText/Analysis/Stopwords.swift] > peer.json

One index of every message: id and owner (raw, indexed), text (the "trove_english" analyzer
of Benchmarks/text/tantivy_peer.py, positions), ts (i64, indexed + fast). Each query is the
raw text through index.parse_query with the syntax characters escaped (peers.escape_raw, so
a splitting word is a phrase, terms are ORed), AND a constant-score range on ts [from, to),
AND for the tenant runs a term query on the owner (a query of stopwords only, which
Tantivy's parser refuses, counts as an empty answer, timed like the others). Four runs, as Trove's: tenant-newest,
tenant-best, all-newest, all-best; newest = search(order_by_field="ts", order=Desc), best
= BM25. Latency covers query building, search and reading the 10 stored ids, one query at a
time on one thread: a warm-up pass, then --repeats timed passes (QPS of the best pass).
Writes <work-dir>/<run>.tantivy.jsonl ({"qid","ids","scores"}; the ts for newest runs) and
prints one JSON object.
"""

import argparse
import json
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "text"))
sys.path.insert(0, HERE)
from peers import escape_raw, log, timed_passes, write_out  # noqa: E402

RUNS = [("tenant-newest", True, True), ("tenant-best", True, False), ("all-newest", False, True), ("all-best", False, False)]


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--messages", required=True)
    ap.add_argument("--queries", required=True)
    ap.add_argument("--work-dir", required=True)
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--stopwords")
    args = ap.parse_args()
    import tantivy
    from tantivy import FieldType, Occur, Query, SchemaBuilder
    import tantivy_peer as tp

    os.makedirs(args.work_dir, exist_ok=True)
    with open(args.messages, encoding="utf-8") as f:
        lines = [line for line in f.read().splitlines() if line.strip()]
    queries = tp.read_queries(args.queries)
    stopwords, _ = tp.read_stopwords(args.stopwords)
    sb = SchemaBuilder()
    sb.add_text_field("id", stored=True, tokenizer_name="raw", index_option="basic")
    sb.add_text_field("owner", stored=False, tokenizer_name="raw", index_option="basic")
    sb.add_text_field("text", stored=False, tokenizer_name="trove_english", index_option="position")
    sb.add_integer_field("ts", stored=False, indexed=True, fast=True)
    schema = sb.build()
    log(f"tantivy: indexing {len(lines):,} messages, 1 thread")
    index, fig = tp.build_index(lines, os.path.join(args.work_dir, "tantivy-index"), schema, tp.make_analyzer(stopwords), 1, 1_000_000_000)
    searcher = index.searcher()

    def build(q, tenant):
        parts = [(Occur.Must, index.parse_query(escape_raw(q["text"]), ["text"])),
                 (Occur.Must, Query.const_score_query(Query.range_query(schema, "ts", FieldType.Integer, lower_bound=int(q["from"]),
                                                                        upper_bound=int(q["to"]), include_lower=True, include_upper=False), 0.0))]
        if tenant:
            parts.append((Occur.Must, Query.const_score_query(Query.term_query(schema, "owner", q["owner"]), 0.0)))
        return Query.boolean_query(parts)

    out = {"engine": "tantivy", "binding_version": tp._binding_version(), "messages": len(lines), **fig, "results": []}
    for name, tenant, newest in RUNS:
        def one(q):
            try:
                query = build(q, tenant)
            except ValueError:  # only stopwords: Tantivy refuses ("Only excluding terms given")
                return [], []
            res = (searcher.search(query, 10, count=False, order_by_field="ts", order=tantivy.Order.Desc) if newest
                   else searcher.search(query, 10, count=False))
            return [searcher.doc(addr)["id"][0] for _k, addr in res.hits], [k for k, _a in res.hits]

        answers, lat, best = timed_passes(one, queries, args.repeats)
        write_out(os.path.join(args.work_dir, f"{name}.tantivy.jsonl"), [q["qid"] for q in queries], answers)
        row = {"run": name, "queries": len(queries), "qps": round(len(queries) / best, 2),
               "p50_ms": round(tp.percentile(lat, 50), 4), "p99_ms": round(tp.percentile(lat, 99), 4), "max_ms": round(max(lat), 4),
               "mean_hits": round(sum(len(a[0]) for a in answers) / len(answers), 3), "empty": sum(1 for a in answers if not a[0])}
        out["results"].append(row)
        log(f"tantivy {name}: {row['qps']:,.0f} QPS, p50 {row['p50_ms']:.3f} ms, p99 {row['p99_ms']:.3f} ms")
    print(json.dumps(out))


if __name__ == "__main__":
    main()
