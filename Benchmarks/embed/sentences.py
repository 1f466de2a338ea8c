#!/usr/bin/env python3
"""Real English sentences for the embedding benchmark and the encoder fixtures: the prose
passages the text benchmark extracts from Debian's man pages and /usr/share/doc (its
make_corpus.py, sharing its cache under .bench/text-data/), cut into sentences.

    python3 Benchmarks/embed/sentences.py --count 10000 --out .bench/embed/sentences.txt
"""
import argparse
import os
import random
import re
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, os.path.join(ROOT, "Benchmarks", "text"))
import make_corpus  # noqa: E402

CACHE = os.path.join(ROOT, ".bench", "text-data", f"passages-v{make_corpus.VERSION}.jsonl.gz")
SPLIT = re.compile(r"(?<=[.!?])\s+(?=[\"'(A-Z])")


def sentences(limit, seed):
    """Up to `limit` distinct sentences of 4 to 80 words, a seeded sample in file order."""
    seen = set()
    found = []
    for row in make_corpus.extract_candidates(CACHE):
        for s in SPLIT.split(" ".join(row["text"].split())):
            words = s.split()
            if not 4 <= len(words) <= 80 or sum(c.isalpha() for c in s) < len(s) // 2:
                continue
            if s not in seen:
                seen.add(s)
                found.append(s)
    rng = random.Random(seed)
    picked = sorted(rng.sample(range(len(found)), min(limit, len(found))))
    return [found[i] for i in picked]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--count", type=int, default=10000)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--out", required=True)
    a = ap.parse_args()
    rows = sentences(a.count, a.seed)
    if len(rows) < a.count:
        sys.exit(f"only {len(rows)} sentences found, {a.count} wanted")
    os.makedirs(os.path.dirname(os.path.abspath(a.out)), exist_ok=True)
    with open(a.out, "w", encoding="utf-8") as f:
        for s in rows:
            f.write(s + "\n")
    print(f"{len(rows)} sentences in {a.out}", file=sys.stderr)


if __name__ == "__main__":
    main()
