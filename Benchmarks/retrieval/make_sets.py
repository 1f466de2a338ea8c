#!/usr/bin/env python3
"""The corpus and the three query sets of the retrieval benchmark (Benchmarks/retrieval).

    python3 make_sets.py --out-dir .bench/retrieval-data [--seed 1] [--passages 20000]
                         [--cache-dir .bench/text-data] [--verbatim 500] [--keywords 300]
                         [--semantic 300] [--force]

Why: the full-text benchmark (Benchmarks/text) asks only clean alphabetic spans, which says
nothing about the strings people paste into a search box (`open(2)).`, `foo.zip`,
`bpo-45526`) nor about queries that share few words with the answer. This script makes one
public corpus and three query sets so that BM25 (Trove, Tantivy), dense vectors (Trove,
FAISS) and Trove's hybrid fusions can be compared on the same passages in one run.

The passages are the text benchmark's: make_corpus.py's candidate extraction from Debian's
man pages and /usr/share/doc (cached as <cache-dir>/passages-v7.jsonl.gz and shared with
Benchmarks/text) and its seeded sampling, so --passages 20000 --seed 1 is the text bench's
quick corpus (same ids, same ts). Written to --out-dir (progress on stderr, the path of
meta.json on stdout; a second call with the same parameters reuses the files):

corpus.jsonl             {"id","text","title","ts","doc"}; doc = the source file (relative
                         to /usr/share), so the passages of one document can be grouped
queries-verbatim.jsonl   known-item {"qid","text","relevant":[id]}: 6-12 whitespace-separated
                         words of one line of a passage, copied with their punctuation; at
                         least 60% of them hold a word that splits into several alphanumeric
                         tokens (`foo.zip.`, `_KERNEL_SUBSYSTEM=`; English contractions do not
                         count). The span's lowercase alphanumeric token sequence occurs in
                         exactly one passage (inverted index while choosing, then the full
                         scan of make_corpus.verify_queries).
queries-keywords.jsonl   known-item: 3-5 distinct lowercase content words of one passage (letters
                         only, >= 4 letters, not a function word, in 2..1% of passages),
                         shuffled, such that no other passage holds all of them (checked again
                         by a full scan).
queries-semantic.jsonl   one query per document, from its heading: for a man page the
                         description of its NAME line (read from the source file; the passage
                         extractor skips NAME; >= 2 words, one of them not a function
                         word, help2man's "manual page for" dropped), for other documents (not change logs or NEWS) the first
                         section heading (numbering dropped) of >= 3
                         words with >= 2 non-generic content words, no version number or
                         year and nothing code-like ("name - description" headings keep the
                         description).
                         relevant = every corpus passage of that document. Texts that several
                         documents share, and texts equal to a passage title, are dropped;
                         gcloud's generated pages are capped at 20% of the set.
meta.json                counts, sha256 of each file, seed, parameters, per-set statistics

Deterministic for a seed and a set of installed packages. When a file changes, the vectors
`trove bench retrieval` embedded from it (corpus.fvecs, queries-<set>.fvecs) are deleted so
they are made again.
"""

import argparse
import json
import os
import random
import re
import string
import sys
import time
from collections import Counter, defaultdict

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.abspath(os.path.join(HERE, "..", ".."))
sys.path.insert(0, os.path.join(HERE, "..", "text"))
import make_corpus as mc  # noqa: E402
from headings import doc_key, semantic_queries  # noqa: E402

VERSION = 1                    # bump when the query rules change
SETS = ("verbatim", "keywords", "semantic")
MULTI_SHARE = 0.60             # wanted share of verbatim queries with a multi-token word
CONTRACTION = re.compile(r"[A-Za-z]+'[A-Za-z]{1,2}")


def log(msg):
    print(f"make_sets: {msg}", file=sys.stderr, flush=True)


def is_multi_token(word):
    """A whitespace word whose punctuation splits it into several tokens (not a contraction)."""
    core = word.strip(string.punctuation)
    return len(mc.tokens(word)) >= 2 and not CONTRACTION.fullmatch(core)


class TokenIndex:
    """Each passage's token string and token set, document frequencies and short postings."""

    def __init__(self, corpus, max_postings=2000):
        self.strings = [" " + " ".join(mc.tokens(d["text"])) + " " for d in corpus]
        self.sets = [set(s.split()) for s in self.strings]
        self.df = Counter(w for s in self.sets for w in s)
        self.postings = defaultdict(list)
        for i, s in enumerate(self.sets):
            for w in s:
                if self.df[w] <= max_postings:
                    self.postings[w].append(i)
        self.common = {w for w, c in self.df.items() if c >= 0.05 * len(corpus)}

    def content(self, toks):
        return [t for t in toks if len(t) >= 3 and t not in mc.FUNCTION_WORDS and t not in self.common]

    def phrase_hits(self, toks):
        needle = " " + " ".join(toks) + " "
        rare = min(toks, key=lambda w: self.df[w])
        cands = self.postings.get(rare) if self.df[rare] <= 2000 else range(len(self.strings))
        return [j for j in (cands or []) if needle in self.strings[j]]

    def all_words_hits(self, words):
        cands = set(self.postings.get(words[0], ()))
        for w in words[1:]:
            cands &= set(self.postings.get(w, ()))
        return sorted(cands)


# ---------------------------------------------------------------------------
# verbatim spans
# ---------------------------------------------------------------------------

def verbatim_queries(corpus, index, nq, seed, stats):
    rng = random.Random(f"trove-retrieval-verbatim-{seed}")
    order = list(range(len(corpus)))
    rng.shuffle(order)
    out, multi = [], 0
    for pi in order:
        if len(out) == nq:
            break
        words, line_end = [], []                 # line_end[i]: end of word i's line
        for line in corpus[pi]["text"].split("\n"):
            w = line.split()
            words += w
            line_end += [len(words)] * len(w)
        flags = [is_multi_token(w) for w in words]
        want_multi = multi < MULTI_SHARE * (len(out) + 1)
        length = rng.randint(6, 12)
        starts = [s for s in range(len(words)) if s + length <= line_end[s]
                  and (not want_multi or any(flags[s:s + length]))]
        found = None
        for _attempt in range(30):
            if not starts:
                stats["verbatim: no span of that kind"] += 1
                break
            s = rng.choice(starts)
            span = words[s:s + length]
            toks = mc.tokens(" ".join(span))
            if len(index.content(toks)) < 3:
                stats["verbatim: too few content words"] += 1
                continue
            hits = index.phrase_hits(toks)
            if hits != [pi]:
                stats["verbatim: span not unique" if len(hits) > 1 else "verbatim: span not found"] += 1
                continue
            found = span
            break
        if found is None:
            continue
        multi += any(is_multi_token(w) for w in found)
        out.append({"qid": f"v{len(out) + 1:05d}", "text": " ".join(found), "relevant": [corpus[pi]["id"]]})
    return out


# ---------------------------------------------------------------------------
# keyword sets
# ---------------------------------------------------------------------------

def keyword_queries(corpus, index, nq, seed, stats):
    rng = random.Random(f"trove-retrieval-keywords-{seed}")
    max_df = max(2, int(0.01 * len(corpus)))
    order = list(range(len(corpus)))
    rng.shuffle(order)
    out = []
    for pi in order:
        if len(out) == nq:
            break
        pool = sorted(w for w in index.sets[pi] if w.isalpha() and len(w) >= 4 and w not in mc.FUNCTION_WORDS
                      and 2 <= index.df[w] <= max_df)
        if len(pool) < 3:
            stats["keywords: fewer than 3 distinctive words"] += 1
            continue
        found = None
        for _attempt in range(20):
            words = rng.sample(pool, min(len(pool), rng.randint(3, 5)))
            if index.all_words_hits(words) == [pi]:
                found = words
                break
            stats["keywords: words shared by another passage"] += 1
        if found is not None:
            out.append({"qid": f"k{len(out) + 1:05d}", "text": " ".join(found), "relevant": [corpus[pi]["id"]]})
    return out


def verify_keywords(index, corpus, queries):
    ids = [d["id"] for d in corpus]
    for q in queries:
        words = set(q["text"].split())
        where = [ids[i] for i, s in enumerate(index.sets) if words <= s]
        if where != q["relevant"]:
            raise SystemExit(f"make_sets: check failed: {q['qid']} {q['text']!r} is in {where[:5]}")


# ---------------------------------------------------------------------------
# output
# ---------------------------------------------------------------------------

def set_stats(queries, corpus, extra=None):
    words = sorted(len(q["text"].split()) for q in queries)
    rel = sorted(len(q["relevant"]) for q in queries)
    s = {"queries": len(queries),
         "words": {"min": words[0], "median": words[len(words) // 2], "max": words[-1]} if words else None,
         "relevant": {"min": rel[0], "median": rel[len(rel) // 2], "max": rel[-1], "total": sum(rel)} if rel else None}
    s.update(extra or {})
    return s


def reuse(out_dir, params):
    path = os.path.join(out_dir, "meta.json")
    try:
        with open(path) as f:
            meta = json.load(f)
        if meta.get("params") == params and all(
                os.path.getsize(v["path"]) == v["bytes"] for v in meta["files"].values()):
            return path
    except (OSError, ValueError, KeyError, TypeError):
        pass
    return None


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--out-dir", required=True)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--passages", type=int, default=20_000)
    ap.add_argument("--cache-dir", default=os.path.join(ROOT, ".bench", "text-data"),
                    help="where make_corpus.py caches the candidate passages (shared with Benchmarks/text)")
    ap.add_argument("--verbatim", type=int, default=500)
    ap.add_argument("--keywords", type=int, default=300)
    ap.add_argument("--semantic", type=int, default=300)
    ap.add_argument("--force", action="store_true", help="remake the files even if they exist")
    args = ap.parse_args()
    params = {"version": VERSION, "candidates_version": mc.VERSION, "passages": args.passages, "seed": args.seed,
              "verbatim": args.verbatim, "keywords": args.keywords, "semantic": args.semantic}
    out = args.out_dir
    if not args.force:
        meta_path = reuse(out, params)
        if meta_path:
            log(f"reusing {out} (same parameters)")
            print(os.path.abspath(meta_path))
            return

    t0 = time.time()
    cands = mc.extract_candidates(os.path.join(args.cache_dir, f"passages-v{mc.VERSION}.jsonl.gz"))
    picked = mc.sample(cands, args.passages, args.seed)
    rng = random.Random(f"trove-text-ts-{args.seed}")  # make_corpus's timestamps: the text bench's ids and ts
    corpus = [{"id": f"p{i:06d}", "text": c["text"], "title": c["title"], "ts": mc.T0 + rng.randrange(mc.SPAN),
               "doc": doc_key(c["source"])} for i, c in enumerate(picked)]
    log(f"corpus: {len(corpus):,} passages from {len({d['doc'] for d in corpus}):,} documents; indexing tokens")
    index = TokenIndex(corpus)
    stats = Counter()
    sets = {}
    sets["verbatim"] = verbatim_queries(corpus, index, args.verbatim, args.seed, stats)
    mc.verify_queries(corpus, sets["verbatim"], [])
    log(f"verbatim: {len(sets['verbatim'])} spans, each in exactly one passage (full scan)")
    sets["keywords"] = keyword_queries(corpus, index, args.keywords, args.seed, stats)
    verify_keywords(index, corpus, sets["keywords"])
    log(f"keywords: {len(sets['keywords'])} word sets, each held by exactly one passage (full scan)")
    sets["semantic"] = semantic_queries(corpus, picked, args.semantic, args.seed, stats)
    log(f"semantic: {len(sets['semantic'])} headings")
    for name, want in (("verbatim", args.verbatim), ("keywords", args.keywords), ("semantic", args.semantic)):
        if len(sets[name]) < want:
            raise SystemExit(f"make_sets: only {len(sets[name])} {name} queries, {want} wanted ({dict(stats)})")

    old = {}
    try:
        with open(os.path.join(out, "meta.json")) as f:
            old = {k: v["sha256"] for k, v in json.load(f)["files"].items()}
    except (OSError, ValueError, KeyError, TypeError):
        pass
    os.makedirs(out, exist_ok=True)
    paths = {"corpus": os.path.join(out, "corpus.jsonl")}
    paths.update({s: os.path.join(out, f"queries-{s}.jsonl") for s in SETS})
    mc.write_jsonl(paths["corpus"], corpus)
    for s in SETS:
        mc.write_jsonl(paths[s], sets[s])
    files = {k: {"path": os.path.abspath(p), "bytes": os.path.getsize(p), "sha256": mc.sha256(p)}
             for k, p in paths.items()}
    for k, p in paths.items():
        vec = os.path.splitext(p)[0] + ".fvecs"
        if os.path.exists(vec) and old.get(k) != files[k]["sha256"]:
            os.remove(vec)
            log(f"removed {vec}: made from an earlier {os.path.basename(p)}")

    v = sets["verbatim"]
    meta = {
        "params": params, "seed": args.seed, "passages": len(corpus),
        "documents": len({d["doc"] for d in corpus}),
        "same_as": f"Benchmarks/text quick corpus (seed {args.seed})" if args.passages == mc.QUICK_PASSAGES else None,
        "queries": {s: len(sets[s]) for s in SETS},
        "sets": {
            "verbatim": set_stats(v, corpus, {
                "with_multi_token_word": sum(any(is_multi_token(w) for w in q["text"].split()) for q in v),
                "with_punctuation": sum(any(c in string.punctuation for c in q["text"]) for q in v)}),
            "keywords": set_stats(sets["keywords"], corpus),
            "semantic": set_stats(sets["semantic"], corpus, {
                "from": dict(Counter("man:gcloud" if q["doc"].startswith("man/") and "gcloud" in q["doc"]
                                     else q["doc"].split("/")[0] for q in sets["semantic"]))}),
        },
        "skipped": dict(sorted(stats.items())),
        "candidates": len(cands),
        "debian_packages": mc.debian_packages(),
        "files": files,
        "seconds": round(time.time() - t0, 1),
    }
    with open(os.path.join(out, "meta.json.tmp"), "w") as f:
        json.dump(meta, f, indent=2)
    os.replace(os.path.join(out, "meta.json.tmp"), os.path.join(out, "meta.json"))
    log(f"wrote {out}: {len(corpus):,} passages, queries {meta['queries']}, in {meta['seconds']} s")
    print(os.path.abspath(os.path.join(out, "meta.json")))


if __name__ == "__main__":
    main()
