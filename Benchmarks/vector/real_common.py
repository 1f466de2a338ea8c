"""Shared pieces of the real-embedding vector report (real_report.py, real_tables.py,
real_plots.py): the engines' order and labels, the recall targets, and reading sweep
points off a result's curve."""

import math
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "common"))
from report_common import load_json as load, num, parse_json_output  # noqa: E402

PEER_ORDER = ("faiss-flat", "faiss-ivf", "faiss-ivfpq", "hnswlib", "usearch", "usearch-f32")
TROVE_ORDER = ("flat", "ivf", "hnsw", "ivf-pq", "ivf-sq8")
TROVE_LABEL = {"flat": "Trove flat", "ivf": "Trove IVF", "hnsw": "Trove HNSW", "ivf-pq": "Trove IVF-PQ",
               "ivf-sq8": "Trove IVF-SQ8"}
TARGETS = (0.90, 0.95, 0.99)
HNSW_TARGET = 0.95


def fmt(x, digits=0):
    if not num(x):
        return "n/a"
    return f"{x:,.{digits}f}"



def knob_of(r):
    for key in ("ef", "nprobe"):
        if r.get(key) is not None:
            return key, r[key]
    return None, None


# ---------------------------------------------------------------------------------------
# curves: every engine/index as a list of points (knob, recall, p50, p99, qps)
# ---------------------------------------------------------------------------------------

def points(rows, knob):
    out = []
    for r in rows or []:
        if not num(r.get("recall")):
            continue
        out.append({"knob": r.get(knob) if knob else None, "k_factor": r.get("k_factor"), "recall": r["recall"],
                    "p50": r.get("single_p50_ms"), "p99": r.get("single_p99_ms"), "qps": r.get("batch_qps")})
    return sorted(out, key=lambda p: (p["knob"] or 0))


def at_recall(pts, target, key):
    """(value of `key` at recall `target`, exact?) on the curve, log-linear in recall between
    the two sweep points around it; the first point's value (exact=False) when even it is above
    the target; None when the curve never reaches it."""
    pts = [p for p in pts if num(p.get(key)) and p[key] > 0]
    if not pts:
        return None, None
    prev = None
    for p in pts:
        if p["recall"] >= target:
            if prev is None or prev["recall"] >= p["recall"]:
                return p[key], prev is None and p["recall"] == target
            f = (target - prev["recall"]) / (p["recall"] - prev["recall"])
            return math.exp(math.log(prev[key]) + f * (math.log(p[key]) - math.log(prev[key]))), True
        if prev is None or p["recall"] > prev["recall"]:
            prev = p
    return None, None


def first_at(pts, target):
    ok = [p for p in pts if p["recall"] >= target]
    return ok[0] if ok else None


# ---------------------------------------------------------------------------------------
# one set
# ---------------------------------------------------------------------------------------

