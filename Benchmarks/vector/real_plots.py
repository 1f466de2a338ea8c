"""The recall-latency and recall-QPS plots of the real-embedding vector report."""

import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "common"))
sys.path.insert(0, HERE)
from report_common import save_figure  # noqa: E402
from real_common import *  # noqa: E402,F401,F403

STYLE = {
    "faiss-flat": dict(color="tab:blue", marker="D", ls="none", ms=8, mfc="none"),
    "faiss-ivf": dict(color="tab:blue", marker="o", ls="-"),
    "faiss-ivfpq": dict(color="tab:purple", marker=".", ls="--", lw=1),
    "hnswlib": dict(color="tab:green", marker="o", ls="-"),
    "usearch": dict(color="tab:orange", marker="v", ls="-"),
    "usearch-f32": dict(color="tab:brown", marker="v", ls=":"),
    "trove-flat": dict(color="tab:red", marker="*", ls="none", ms=13),
    "trove-ivf": dict(color="tab:red", marker="s", ls="-", lw=2),
    "trove-hnsw": dict(color="crimson", marker="^", ls="-", lw=2),
    "trove-ivf-pq": dict(color="darkred", marker="P", ls="--", lw=2),
    "trove-ivf-sq8": dict(color="salmon", marker="x", ls="--"),
}


def draw(ax, a, key, ylabel):
    shades = {}
    import matplotlib.cm as cm
    for family, cmap in (("faiss-ivfpq", cm.Purples), ("trove-ivf-pq", cm.Reds)):
        pq = [c for c in a["curves"] if c["family"] == family]
        for i, c in enumerate(pq):
            shades[c["id"]] = cmap(0.45 + 0.5 * i / max(1, len(pq) - 1))
    for c in a["curves"]:
        pts = [p for p in c["points"] if num(p.get(key)) and p[key] > 0]
        if not pts:
            continue
        st = dict(STYLE.get(c["family"], dict(marker="o", ls="-")))
        if c["id"] in shades:
            st["color"] = shades[c["id"]]
        ax.plot([p["recall"] for p in pts], [p[key] for p in pts], label=c["label"], markersize=st.pop("ms", 5),
                markerfacecolor=st.pop("mfc", None) or st["color"], **st)
        if c["knob"] and c["family"] not in ("faiss-ivfpq", "trove-ivf-pq"):
            for p in pts:
                ax.annotate(str(p["knob"]), (p["recall"], p[key]), textcoords="offset points", xytext=(3, 3),
                            fontsize=6, color=st["color"])
    for t in (0.95,):
        ax.axvline(t, color="grey", ls=":", lw=1)
    ax.set_yscale("log")
    ax.set_xlabel("recall@10")
    ax.set_ylabel(ylabel)
    ax.grid(True, which="both", alpha=0.3)


def plot_latency(analyses, path, threads):
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    fig, axes = plt.subplots(len(analyses), 2, figsize=(15, 6.2 * len(analyses)), squeeze=False)
    for row, a in zip(axes, analyses):
        m = a["meta"]
        for ax, key, lab in ((row[0], "p50", "p50"), (row[1], "p99", "p99")):
            draw(ax, a, key, f"single-query {lab} latency, ms (1 thread)")
            ax.set_title(f"{a['name']}: {m['n']:,} x {m['d']}, {m['nq']:,} real queries — {lab}", fontsize=10)
        row[0].legend(fontsize=7, loc="upper left")
    fig.suptitle("Recall vs single-query latency on real embeddings (labels: nprobe / ef; IVF-PQ: one curve per k_factor / rerank over nprobe)",
                 fontsize=11)
    save_figure(fig, path)


def plot_qps(analyses, path, threads):
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    fig, axes = plt.subplots(1, len(analyses), figsize=(8.5 * len(analyses), 6.4), squeeze=False)
    for ax, a in zip(axes[0], analyses):
        m = a["meta"]
        draw(ax, a, "qps", f"queries per second (batch of {m['nq']:,}, {threads} threads)")
        ax.set_title(f"{a['name']}: {m['n']:,} x {m['d']}, {m['nq']:,} real queries", fontsize=10)
        ax.legend(fontsize=7, loc="lower left")
    fig.suptitle("Recall vs batch QPS on real embeddings (labels: nprobe / ef)", fontsize=11)
    save_figure(fig, path)

