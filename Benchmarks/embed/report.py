#!/usr/bin/env python3
"""Compares `trove bench embed` with the sentence-transformers peer: throughput ratio and
cosine between the two engines' vectors for every sentence. Writes the results JSON and
prints a Markdown table."""
import argparse
import json
import os
import sys

import numpy as np

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "common"))
import report_common  # noqa: E402

GOAL_RATIO, GOAL_COSINE = 1.5, 0.9999


def cosines(a_path, b_path, dim):
    a = np.fromfile(a_path, dtype="<f4").reshape(-1, dim)
    b = np.fromfile(b_path, dtype="<f4").reshape(-1, dim)
    if a.shape != b.shape:
        raise SystemExit(f"vector files differ in shape: {a.shape} vs {b.shape}")
    na, nb = np.linalg.norm(a, axis=1), np.linalg.norm(b, axis=1)
    return (a * b).sum(1) / np.maximum(na * nb, 1e-20)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--dir", required=True)
    ap.add_argument("--out", required=True)
    a = ap.parse_args()
    peer = json.load(open(os.path.join(a.dir, "st.json")))
    rows, warnings = [], []
    for name in ("trove", "trove-auto"):
        path = os.path.join(a.dir, f"{name}.json")
        if not os.path.exists(path):
            continue
        t = report_common.parse_json_output(open(path).read())
        cos = cosines(os.path.join(a.dir, f"{name}.f32"), os.path.join(a.dir, "st.f32"), t["dimension"])
        ratio = t["sentences_per_s"] / peer["sentences_per_s"]
        rows.append({"run": name, "blas_core": t["blas_core"], "trove_per_s": t["sentences_per_s"],
                     "peer_per_s": peer["sentences_per_s"], "ratio": ratio, "min_cosine": float(cos.min()),
                     "mean_cosine": float(cos.mean()), "tokens": t["tokens"], "sentences": t["sentences"],
                     "goal_met": bool(ratio >= GOAL_RATIO and cos.min() >= GOAL_COSINE)})
    report_common.read_contention_log(os.path.join(a.dir, "contention.jsonl"), warnings)
    busy = os.path.join(a.dir, "busy.txt")
    if os.path.exists(busy):
        for line in open(busy):
            label, pct = line.rstrip("\n").split("\t")
            if int(pct) >= 20:
                warnings.append(f"other processes used {pct}% of the CPU before {label} ran")
    result = {"peer": peer, "rows": rows, "warnings": warnings}
    with open(a.out, "w") as f:
        json.dump(result, f, indent=1, sort_keys=True)
    print(f"| run | BLAS kernels | Trove sentences/s | sentence-transformers sentences/s | ratio | min cosine | mean cosine | goal (≥ {GOAL_RATIO}×, ≥ {GOAL_COSINE}) |")
    print("|---|---|---:|---:|---:|---:|---:|---|")
    for r in rows:
        print(f"| {r['run']} | {r['blas_core']} | {r['trove_per_s']:.1f} | {r['peer_per_s']:.1f} | {r['ratio']:.2f}× | "
              f"{r['min_cosine']:.7f} | {r['mean_cosine']:.7f} | {'met' if r['goal_met'] else 'NOT met'} |")
    print(f"\n{rows[0]['sentences'] if rows else 0} sentences, {rows[0]['tokens'] if rows else 0} tokens; peer: "
          f"sentence-transformers {peer['versions']['sentence_transformers']}, torch {peer['versions']['torch']}, "
          f"{peer['threads']} threads, batch {peer['batch_size']}")
    for w in warnings:
        print(f"warning: {w}")
    return 0 if rows and all(r["goal_met"] for r in rows[:1]) else 1


if __name__ == "__main__":
    sys.exit(main())
