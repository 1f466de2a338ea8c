"""The Markdown tables of the real-embedding vector report (real_report.py)."""

import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "common"))
sys.path.insert(0, HERE)
from report_common import fmt_ratio, num, ratio, verdict  # noqa: E402
from real_common import *  # noqa: E402,F401,F403

def bpv_trove(obj, m):
    """Bytes per vector Trove holds in memory: IVF-PQ's measured total, else float32 plus."""
    if num(obj.get("index_bytes")) and obj.get("pq_m"):
        return f"{obj['index_bytes'] / m['n']:.1f} in memory (+{4 * m['d']} float32 on disk)"
    return f"{fmt(4 * m['d'])}+"


def ms(x):
    return fmt(x, 3)


def unit(text, u):
    return text if text == "n/a" else f"{text} {u}"


def nprobe_grid(rows, column, label):
    """A table with one row per nprobe and one column per value of `column` (a refine
    factor or a rerank), each cell recall / 1-thread p50 / batch QPS."""
    cols = sorted({r.get(column) or 0 for r in rows})
    grid = {(r.get("nprobe"), r.get(column) or 0): r for r in rows}
    out = ["| nprobe | " + " | ".join(f"{label} {c}: recall / p50 / QPS" for c in cols) + " |",
           "|---:|" + "---:|" * len(cols)]
    for p in sorted({r.get("nprobe") for r in rows}):
        cells = ["n/a" if (p, c) not in grid else
                 f"{fmt(grid[(p, c)]['recall'], 3)} / {ms(grid[(p, c)].get('single_p50_ms'))} / {fmt(grid[(p, c)].get('batch_qps'))}"
                 for c in cols]
        out.append(f"| {p} | " + " | ".join(cells) + " |")
    return out


def markdown(a, threads, k):
    m = a["meta"]
    nz = m.get("noise", {})
    cs = nz.get("copy_to_source_cosine") or {}
    L = [f"### {a['name']}: {m['n']:,} x {m['d']} (ip), {m['nq']:,} real queries "
         "(" + ", ".join(f"{s['name']} {s['count']}" for s in m.get("query_sets", [])) + f"), top-{k}, nlist {m['nlist']:,}", ""]
    copies = m['n'] - m['params']['n_real']
    noise = f" (cosine to source p5 {cs.get('p5')}, p50 {cs.get('p50')}, p95 {cs.get('p95')})" if copies else ""
    L.append(f"Base: {m['params']['n_real']:,} real TroveEmbed passages + {copies:,} perturbed copies{noise}. Build and batch: "
             f"{threads} thread(s) for every engine; single-query latency: 1 thread for every engine.")
    if a["contention"]:
        L.append("CPU used by other processes during each run: "
                 + ", ".join(f"{e.get('label')} {e.get('others_cpu_percent', 'n/a')}%" for e in a["contention"]) + ".")
    for idx, why in a["unsupported"].items():
        L.append(f"Trove {idx}: skipped, the binary rejects it ({why}).")
    L.append("")

    # goals
    L += ["| goal | Trove | peer | Trove / peer (or difference) | target | result | note |", "|---|---:|---:|---:|---|---|---|"]
    for g in a["goals"]:
        if g.get("unit") == "recall difference":
            r = "n/a" if g["ratio"] is None else f"{g['ratio']:+.4f}"
            tv, pv = fmt(g["trove"], 4), fmt(g["peer"], 4)
        elif g["goal"].startswith("HNSW recall"):
            r, tv, pv = "", f"best {fmt(g['trove'], 4)}" + (f" (ef {g['trove_ef']})" if g.get("trove_ef") else ""), \
                f"hnswlib best {fmt(g['peer'], 4)}"
        elif g.get("unit") == "memory fraction":
            r, tv, pv = fmt(g["ratio"], 4), unit(fmt(g["trove"]), "bytes"), unit(fmt(g["peer"]), "float32 bytes")
        elif g["goal"].startswith("IVF-PQ recall"):
            r, tv, pv = "", f"best {fmt(g['trove'], 4)}", f"FAISS best {fmt(g['peer'], 4)}"
        elif "QPS" in g["goal"]:
            r, tv, pv = fmt_ratio(g["ratio"]), unit(fmt(g["trove"]), "QPS"), unit(fmt(g["peer"]), "QPS")
        elif "build" in g["goal"]:
            r, tv, pv = fmt_ratio(g["ratio"]), unit(fmt(g["trove"], 2), "s"), unit(fmt(g["peer"], 2), "s")
        else:
            r, tv, pv = fmt_ratio(g["ratio"]), unit(ms(g["trove"]), "ms"), unit(ms(g["peer"]), "ms")
            if "p99_ratio" in g:
                g_note = f"; p99 {ms(g['trove_p99'])} vs {ms(g['peer_p99'])} ms ({fmt_ratio(g['p99_ratio'])})"
                g["note"] = (g["note"] or "") + g_note
        L.append(f"| {g['goal']} | {tv} | {pv} | {r} | {g['target']} | {verdict(g['met'])} | {g['note']} |")
    L.append("")

    # overview: build, memory, first point at 0.95
    L += [f"Every engine and index: build with {threads} thread(s), bytes per vector, and the first sweep point with recall@{k} >= 0.95:", "",
          "| engine / index | train s | build s | bytes / vector | knob at 0.95 | recall@10 | batch QPS | p50 ms | p99 ms | call overhead p50 ms |",
          "|---|---:|---:|---:|---|---:|---:|---:|---:|---:|"]
    for p, obj in a["peers"].items():
        mem = obj.get("memory") or {}
        bpv = mem.get("bytes_per_vector") or mem.get("bytes_per_vector_total") or mem.get("bytes_per_vector_level0")
        if p == "faiss-ivfpq":
            bpv = f"{mem.get('code_bytes_per_vector')} codes (+{mem.get('list_id_bytes_per_vector')} id, +{mem.get('refine_bytes_per_vector')} refine)"
        else:
            bpv = fmt(bpv)
        rows = obj.get("results") or []
        ok = sorted([r for r in rows if num(r.get("recall")) and r["recall"] >= 0.95],
                    key=lambda r: (r.get("single_p50_ms") or 1e9) if p == "faiss-ivfpq" else (knob_of(r)[1] or 0))
        f = ok[0] if ok else None
        knob = "n/a"
        if f is not None:
            kk, kv = knob_of(f)
            knob = "exact" if kk is None else f"{kk} {kv}" + (f", k_factor {f['k_factor']}" if "k_factor" in f else "")
        elif rows:
            knob = f"not reached (best {max(r['recall'] for r in rows):.3f})"
        L.append(f"| {obj.get('label', p)} | {fmt(obj.get('train_seconds'), 2)} | {fmt(obj.get('build_seconds'), 2)} | {bpv} "
                 f"| {knob} | {fmt((f or {}).get('recall'), 4)} | {fmt((f or {}).get('batch_qps'))} "
                 f"| {ms((f or {}).get('single_p50_ms'))} | {ms((f or {}).get('single_p99_ms'))} | {ms(obj.get('call_overhead_p50_ms'))} |")
    for idx, obj in a["trove"].items():
        rows = obj.get("results") or []
        ok = [r for r in rows if num(r.get("recall")) and r["recall"] >= 0.95]
        f = ok[0] if ok else None
        knob = "n/a"
        if f is not None:
            kk, kv = knob_of(f)
            knob = "exact" if kk is None else f"{kk} {kv}" + (f", rerank {f['rerank']}" if "rerank" in f else "")
        elif rows:
            knob = f"not reached (best {max(r['recall'] for r in rows):.3f})"
        L.append(f"| {TROVE_LABEL.get(idx, idx)} | {fmt(obj.get('train_seconds'), 2)} | {fmt(obj.get('build_seconds'), 2)} "
                 f"| {bpv_trove(obj, m)} | {knob} | {fmt((f or {}).get('recall'), 4)} | {fmt((f or {}).get('batch_qps'))} "
                 f"| {ms((f or {}).get('single_p50_ms'))} | {ms((f or {}).get('single_p99_ms'))} | 0 (timed inside) |")
    L.append("")

    # flat
    ff = ((a["peers"].get("faiss-flat") or {}).get("results") or [{}])[0]
    tf = ((a["trove"].get("flat") or {}).get("results") or [{}])[0]
    L += ["Flat (exact):", "", "| measure | Trove | FAISS IndexFlatIP | Trove / FAISS |", "|---|---:|---:|---:|"]
    for label, key, dig in ((f"batch QPS ({m['nq']:,} queries, one call, {threads} threads)", "batch_qps", 0),
                            ("batch GFLOP/s", "batch_gflops", 1),
                            ("single-query p50 ms (1 thread)", "single_p50_ms", 3),
                            ("single-query p99 ms (1 thread)", "single_p99_ms", 3),
                            (f"recall@{k}", "recall", 4)):
        L.append(f"| {label} | {fmt(tf.get(key), dig)} | {fmt(ff.get(key), dig)} | {fmt_ratio(ratio(tf.get(key), ff.get(key)))} |")
    oc = a.get("flat_out_check")
    if oc:
        L.append(f"| recall@{k} of Trove's --out ids against the truth (plain; tie-aware) | {oc['recall']}; {oc['recall_tie_aware']} | | |")
    L.append("")

    # IVF
    fivf = {r["nprobe"]: r for r in (a["peers"].get("faiss-ivf") or {}).get("results") or []}
    tivf = {r.get("nprobe"): r for r in (a["trove"].get("ivf") or {}).get("results") or []}
    if fivf or tivf:
        fi, ti = a["peers"].get("faiss-ivf") or {}, a["trove"].get("ivf") or {}
        L.append(f"IVF, nlist {m['nlist']:,} (FAISS IndexIVFFlat, spherical k-means: {(fi.get('params') or {}).get('spherical')}; "
                 f"train {fmt(fi.get('train_seconds'), 2)} s vs Trove {fmt(ti.get('train_seconds'), 2)} s "
                 f"({fmt_ratio(ratio(ti.get('train_seconds'), fi.get('train_seconds')))}); build incl. training "
                 f"{fmt(fi.get('build_seconds'), 2)} s vs {fmt(ti.get('build_seconds'), 2)} s "
                 f"({fmt_ratio(ratio(ti.get('build_seconds'), fi.get('build_seconds')))})):")
        L += ["", "| nprobe | FAISS recall | Trove recall | Δ recall | FAISS QPS | Trove QPS | QPS ratio | FAISS p50 | Trove p50 | p50 ratio | FAISS p99 | Trove p99 | p99 ratio |",
              "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"]
        for p in sorted(set(fivf) | {x for x in tivf if x is not None}):
            f, t = fivf.get(p, {}), tivf.get(p, {})
            dr = f"{t['recall'] - f['recall']:+.4f}" if num(t.get("recall")) and num(f.get("recall")) else "n/a"
            L.append(f"| {p} | {fmt(f.get('recall'), 4)} | {fmt(t.get('recall'), 4)} | {dr} | {fmt(f.get('batch_qps'))} "
                     f"| {fmt(t.get('batch_qps'))} | {fmt_ratio(ratio(t.get('batch_qps'), f.get('batch_qps')))} "
                     f"| {ms(f.get('single_p50_ms'))} | {ms(t.get('single_p50_ms'))} | {fmt_ratio(ratio(t.get('single_p50_ms'), f.get('single_p50_ms')))} "
                     f"| {ms(f.get('single_p99_ms'))} | {ms(t.get('single_p99_ms'))} | {fmt_ratio(ratio(t.get('single_p99_ms'), f.get('single_p99_ms')))} |")
        L.append("")

    # HNSW
    hnsw_engines = [(p, a["peers"][p]) for p in ("hnswlib", "usearch", "usearch-f32") if p in a["peers"]]
    if "hnsw" in a["trove"]:
        hnsw_engines.append(("trove-hnsw", a["trove"]["hnsw"]))
    if hnsw_engines:
        L.append("HNSW (build: " + "; ".join(
            f"{(o.get('label') or TROVE_LABEL['hnsw'])} {fmt(o.get('build_seconds'), 1)} s" for _, o in hnsw_engines)
            + (f"; Trove HNSW: skipped, {a['unsupported']['hnsw']}" if "hnsw" in a["unsupported"] else "") + "):")
        L += ["", "| ef | " + " | ".join(f"{(o.get('label') or 'Trove HNSW')} recall / QPS / p50 / p99" for _, o in hnsw_engines)
              + (" | Trove / hnswlib p50 (same ef) |" if "hnsw" in a["trove"] and "hnswlib" in a["peers"] else " |"),
              "|---:|" + "---:|" * len(hnsw_engines) + ("---:|" if "hnsw" in a["trove"] and "hnswlib" in a["peers"] else "")]
        maps = [{r.get("ef"): r for r in o.get("results") or []} for _, o in hnsw_engines]
        efs = sorted({e for mp in maps for e in mp if e is not None})
        for e in efs:
            cells = []
            for mp in maps:
                r = mp.get(e)
                cells.append("n/a" if r is None else f"{fmt(r.get('recall'), 4)} / {fmt(r.get('batch_qps'))} / "
                             f"{ms(r.get('single_p50_ms'))} / {ms(r.get('single_p99_ms'))}")
            extra = ""
            if "hnsw" in a["trove"] and "hnswlib" in a["peers"]:
                extra = f" {fmt_ratio(ratio(maps[-1].get(e, {}).get('single_p50_ms'), maps[0].get(e, {}).get('single_p50_ms')))} |"
            L.append(f"| {e} | " + " | ".join(cells) + " |" + extra)
        L.append("")

    # IVF-PQ
    pq = a["peers"].get("faiss-ivfpq")
    if pq or "ivf-pq" in a["trove"]:
        if pq:
            mem = pq.get("memory") or {}
            L.append(f"{pq['label']} ({(pq.get('params') or {}).get('index')}): train {fmt(pq.get('train_seconds'), 1)} s, "
                     f"add {fmt(pq.get('add_seconds'), 1)} s; codes {mem.get('code_bytes_per_vector')} bytes per vector vs "
                     f"{mem.get('float32_bytes_per_vector')} as float32 ({mem.get('codes_vs_float32')}x smaller; plus "
                     f"{mem.get('list_id_bytes_per_vector')} bytes of list id, and the refine index keeps the "
                     f"{mem.get('refine_bytes_per_vector')} float32 bytes). Recall@{k} per nprobe (rows) and k_factor (columns):")
            L += ["", *nprobe_grid(pq.get("results") or [], "k_factor", "kf"), ""]
        if "ivf-pq" in a["trove"]:
            t = a["trove"]["ivf-pq"]
            rows = t.get("results") or []
            per = (t.get("index_bytes") or 0) / max(1, a["meta"]["n"])
            L.append(f"Trove IVF-PQ (OPQ rotation and {t.get('pq_m')}-byte codes, exact re-ranking from the mapped float32 rows): "
                     f"train {fmt(t.get('train_seconds'), 1)} s, build {fmt(t.get('build_seconds'), 1)} s; "
                     f"{fmt(t.get('index_bytes'))} bytes in memory ({per:.1f} per vector, "
                     f"{fmt((t.get('index_bytes') or 0) / max(1, t.get('float_bytes') or 1), 4)} of the float32 rows). "
                     f"Recall@{k} per nprobe (rows) and rerank (columns):")
            L += ["", *nprobe_grid(rows, "rerank", "rerank"), ""]
        elif "ivf-pq" in a["unsupported"]:
            L += [f"Trove IVF-PQ: skipped, the binary rejects it ({a['unsupported']['ivf-pq']}).", ""]

    # equal recall
    if a["equal_recall"]:
        head = " | ".join(f"@{t:.2f}: p50 / p99 / QPS" for t in TARGETS)
        L += [f"Every curve at equal recall@{k} (log-linear between sweep points; * = its first point is already above, "
              f"so an upper bound on latency; n/a = never reached):", "",
              f"| curve | {head} |", "|---|" + "---:|" * len(TARGETS)]
        for r in a["equal_recall"]:
            cells = []
            for t in TARGETS:
                star = "" if r.get(f"p50@{t}_exact") in (True, None) else "*"
                cells.append("n/a" if r.get(f"p50@{t}") is None else
                             f"{ms(r[f'p50@{t}'])}{star} / {ms(r[f'p99@{t}'])}{star} / {fmt(r[f'qps@{t}'])}")
            L.append(f"| {r['label']} | " + " | ".join(cells) + " |")
        L.append("")

    # recall by query set
    sets = [s["name"] for s in m.get("query_sets", [])]
    by = []
    for p, obj in a["peers"].items():
        rows = [r for r in obj.get("results") or [] if r.get("recall_by_set")]
        if p == "faiss-ivfpq":
            rows = sorted(rows, key=lambda r: (r["recall"] < 0.95, r.get("single_p50_ms") or 1e9))
        ok = [r for r in rows if r["recall"] >= 0.95] or rows[-1:]
        if ok:
            kk, kv = knob_of(ok[0])
            by.append((obj.get("label", p), "exact" if kk is None else f"{kk} {kv}" + (f", kf {ok[0]['k_factor']}" if "k_factor" in ok[0] else ""),
                       ok[0]["recall"], ok[0]["recall_by_set"]))
    if by and sets:
        L += [f"Recall@{k} by query set (peers, at their first point >= 0.95):", "",
              "| engine | at | all | " + " | ".join(sets) + " |", "|---|---|---:|" + "---:|" * len(sets)]
        for label, at, rec, bs in by:
            L.append(f"| {label} | {at} | {rec:.4f} | " + " | ".join(fmt(bs.get(s), 4) for s in sets) + " |")
        L.append("")

    if a["times"]:
        L.append("Wall time per step: " + ", ".join(f"{t['step']} {t['seconds']} s" for t in a["times"]) + ".")
        L.append("")
    return "\n".join(L)


# ---------------------------------------------------------------------------------------
# plots
# ---------------------------------------------------------------------------------------

