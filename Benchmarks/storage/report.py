#!/usr/bin/env python3
"""Helpers for Benchmarks/storage/run.sh.

    python3 report.py time-open --trove BIN --db DIR --out FILE.json
        Time (wall clock, process start to exit) `BIN stats --db DIR`, the open
        that replays the write-ahead log after a crash, and save
        {"seconds":..,"returncode":..,"stats":{...}}.

    python3 report.py table --bench-dir .bench --corpus FILE.jsonl --count N
        Read the JSON files run.sh left in --bench-dir, print the Markdown
        table (SQLite vs Trove, ratios, goal checks) on stdout and write
        <bench-dir>/storage-results.json. Missing Trove results show as n/a.

Goals (issue 2):
    ingest rate           Trove >= 1.5x SQLite
    bytes on disk         Trove <= 0.5x SQLite and <= 0.4x the raw JSONL
    reopen after crash    < 2 s with every record in the WAL, all records back
    random get rate       Trove >= 1.0x SQLite
"""

import argparse
import datetime
import json
import os
import platform
import sqlite3
import subprocess
import sys
import time

COLLECTION = "messages"
COUNT_KEYS = ("count", "documents", "docs", "doc_count", "document_count",
              "documents_count", "live_docs", "live", "records", "num_docs")


# ---------------------------------------------------------------------------
# small utilities
# ---------------------------------------------------------------------------

def parse_json_output(text):
    """The JSON object a command printed: the whole output, else its last JSON line."""
    text = text.strip()
    if not text:
        raise ValueError("empty output")
    try:
        return json.loads(text)
    except json.JSONDecodeError:
        pass
    for line in reversed(text.splitlines()):
        line = line.strip()
        if line.startswith("{"):
            try:
                return json.loads(line)
            except json.JSONDecodeError:
                continue
    raise ValueError(f"no JSON object in output: {text[:200]!r}")


def load(path):
    """Parsed JSON from `path`, or None if the file is missing or empty."""
    try:
        with open(path, encoding="utf-8") as f:
            text = f.read()
    except FileNotFoundError:
        return None
    if not text.strip():
        return None
    try:
        return parse_json_output(text)
    except ValueError as e:
        print(f"report: warning: {path}: {e}", file=sys.stderr)
        return None


def dir_bytes(path):
    """Sum of the sizes of the regular files under `path` (None if it does not exist)."""
    if not os.path.isdir(path):
        return None
    total = 0
    for root, _dirs, files in os.walk(path):
        for name in files:
            try:
                st = os.lstat(os.path.join(root, name))
            except FileNotFoundError:
                continue
            if not os.path.islink(os.path.join(root, name)):
                total += st.st_size
    return total


def doc_count(stats, collection=COLLECTION):
    """Best effort: the number of documents in `collection` from `trove stats` JSON.

    Accepts {"collections": {"messages": {"count": N}}}, {"collections":
    {"messages": N}}, {"collections": [{"name": "messages", "count": N}]} or a
    top-level count. Returns (count, where) or (None, None).
    """
    if not isinstance(stats, dict):
        return None, None

    def from_obj(obj, where):
        if isinstance(obj, bool):
            return None, None
        if isinstance(obj, int):
            return obj, where
        if isinstance(obj, dict):
            for k in COUNT_KEYS:
                v = obj.get(k)
                if isinstance(v, int) and not isinstance(v, bool):
                    return v, f"{where}.{k}".lstrip(".")
        return None, None

    cols = stats.get("collections")
    if isinstance(cols, dict) and collection in cols:
        got = from_obj(cols[collection], f"collections.{collection}")
        if got[0] is not None:
            return got
    if isinstance(cols, list):
        for i, c in enumerate(cols):
            if isinstance(c, dict) and c.get("name") == collection:
                got = from_obj(c, f"collections[{i}]")
                if got[0] is not None:
                    return got
    return from_obj(stats, "")


def ratio(a, b):
    if a is None or b is None or b == 0:
        return None
    return a / b


def fmt_int(v):
    return "n/a" if v is None else f"{v:,.0f}"


def fmt_bytes(v):
    if v is None:
        return "n/a"
    return f"{v / (1 << 20):,.1f} MiB"


def fmt_ratio(r):
    return "n/a" if r is None else f"{r:.2f}\u00d7"


def fmt_secs(v):
    return "n/a" if v is None else f"{v:.3f} s"


def verdict(ok):
    if ok is None:
        return "n/a"
    return "PASS" if ok else "FAIL"


# ---------------------------------------------------------------------------
# time-open
# ---------------------------------------------------------------------------

def cmd_time_open(args):
    cmd = [args.trove, "stats", "--db", args.db]
    t0 = time.perf_counter()
    proc = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    seconds = time.perf_counter() - t0
    result = {"command": " ".join(cmd), "seconds": round(seconds, 4),
              "returncode": proc.returncode, "stats": None}
    if proc.stderr:
        sys.stderr.write(proc.stderr)
    try:
        result["stats"] = parse_json_output(proc.stdout)
    except ValueError as e:
        result["error"] = str(e)
    with open(args.out, "w", encoding="utf-8") as f:
        json.dump(result, f, indent=2)
        f.write("\n")
    print(f"report: {' '.join(cmd)} took {seconds:.3f} s (exit {proc.returncode})", file=sys.stderr)
    if proc.returncode != 0:
        print(f"report: error: trove stats failed after the crash (exit {proc.returncode})", file=sys.stderr)
        return 1
    return 0


# ---------------------------------------------------------------------------
# table
# ---------------------------------------------------------------------------

def cmd_table(args):
    b = args.bench_dir
    n = args.count
    corpus_bytes = os.path.getsize(args.corpus)

    sq = load(os.path.join(b, "sqlite.json")) or {}
    imp = load(os.path.join(b, "trove-import.json")) or {}
    st1 = load(os.path.join(b, "trove-stats.json")) or {}
    get1 = load(os.path.join(b, "trove-get.json")) or {}
    st2 = load(os.path.join(b, "trove-stats-compacted.json")) or {}
    get2 = load(os.path.join(b, "trove-get-compacted.json")) or {}
    crash = load(os.path.join(b, "trove-crash-open.json")) or {}
    crash_wal = load(os.path.join(b, "trove-crash-before.json")) or {}

    sq_rate = sq.get("ingest_docs_per_sec")
    sq_bytes = sq.get("bytes_on_disk")
    sq_gets = sq.get("gets_per_sec")

    tr_rate = imp.get("docs_per_sec")
    tr_bytes1 = st1.get("bytes_on_disk")
    tr_bytes2 = st2.get("bytes_on_disk")
    tr_gets1 = get1.get("gets_per_sec")
    tr_gets2 = get2.get("gets_per_sec")

    warnings = []
    if sq and sq.get("docs") != n:
        warnings.append(f"SQLite ingested {sq.get('docs')} docs, expected {n}")
    if imp and imp.get("imported") != n:
        warnings.append(f"Trove imported {imp.get('imported')} docs, expected {n}")
    # cross-check `trove stats` bytes_on_disk against the files in the folder
    du_import = load(os.path.join(b, "trove-du.json")) or {}
    for label, stats, key in (("after import", st1, "after_import"),
                              ("after compact", st2, "after_compact")):
        measured = du_import.get(key)
        reported = stats.get("bytes_on_disk") if stats else None
        if measured and reported and abs(measured - reported) > 0.01 * measured:
            warnings.append(f"trove stats bytes_on_disk {label} = {reported:,} but the files in "
                            f"the folder add up to {measured:,}")

    crash_secs = crash.get("seconds") if crash.get("returncode") == 0 else None
    crash_count, crash_where = doc_count(crash.get("stats"))
    if crash and crash.get("returncode") not in (None, 0):
        warnings.append(f"trove stats after the crash exited with {crash.get('returncode')}")
    if crash and crash_count is None and crash.get("stats") is not None:
        warnings.append("could not find the document count in `trove stats` output after the crash "
                        f"(looked for collections.{COLLECTION}.{{{', '.join(COUNT_KEYS)}}})")

    rows = []

    def row(metric, unit, sqlite_v, trove_v, r, goal, ok, fmt, note=""):
        rows.append({
            "metric": metric, "unit": unit, "sqlite": sqlite_v, "trove": trove_v,
            "ratio": None if r is None else round(r, 4), "goal": goal, "met": ok, "note": note,
            "_fmt": fmt,
        })

    r = ratio(tr_rate, sq_rate)
    row("Ingest rate", "docs/s", sq_rate, tr_rate, r, "Trove \u2265 1.5\u00d7 SQLite",
        None if r is None else r >= 1.5, fmt_int)

    for label, tb in (("Bytes on disk after import", tr_bytes1),
                      ("Bytes on disk after compact", tr_bytes2)):
        r = ratio(tb, sq_bytes)
        rj = ratio(tb, corpus_bytes)
        ok = None if r is None else (r <= 0.5 and rj <= 0.4)
        row(label, "bytes", sq_bytes, tb, r,
            "\u2264 0.5\u00d7 SQLite and \u2264 0.4\u00d7 JSONL",
            ok, fmt_bytes, note="" if rj is None else f"Trove = {rj:.2f}\u00d7 JSONL")

    ok = None
    if crash_secs is not None:
        ok = crash_secs < 2.0 and crash_count == n
    note_parts = []
    if crash_count is not None:
        note_parts.append(f"{crash_count:,} docs back" + ("" if crash_count == n else f" (expected {n:,})"))
    elif crash:
        note_parts.append("doc count not found in stats")
    if crash_wal.get("bytes") is not None:
        note_parts.append(f"folder before reopen {fmt_bytes(crash_wal['bytes'])}")
    row(f"Reopen after crash, {n:,} records in WAL", "seconds", None, crash_secs, None,
        "< 2 s, all records back", ok, fmt_secs, note="; ".join(note_parts))

    for label, tg in (("Random get rate after import", tr_gets1),
                      ("Random get rate after compact", tr_gets2)):
        r = ratio(tg, sq_gets)
        row(label, "gets/s", sq_gets, tg, r, "Trove \u2265 1.0\u00d7 SQLite",
            None if r is None else r >= 1.0, fmt_int)

    # ---- Markdown --------------------------------------------------------
    now = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    lines = []
    lines.append(f"## Storage benchmark: {n:,} chat messages, Trove vs SQLite")
    lines.append("")
    lines.append(f"Corpus `{args.corpus}`: {n:,} docs, {corpus_bytes:,} bytes "
                 f"({fmt_bytes(corpus_bytes)}) of JSONL. SQLite {sqlite3.sqlite_version} "
                 f"(WAL, synchronous=NORMAL, batch {sq.get('batch', args.batch)}), Python "
                 f"{platform.python_version()}, {os.cpu_count()} CPUs, {now}.")
    lines.append("")
    lines.append("| Metric | SQLite | Trove | Trove \u00f7 SQLite | Goal | Result |")
    lines.append("|---|---:|---:|---:|---|---|")
    for rw in rows:
        f = rw["_fmt"]
        sqlite_cell = "\u2014" if rw["sqlite"] is None and rw["unit"] == "seconds" else f(rw["sqlite"])
        result = verdict(rw["met"])
        if rw["note"]:
            result += f" ({rw['note']})"
        unit = "" if rw["unit"] in ("bytes", "seconds") else f" ({rw['unit']})"
        lines.append(f"| {rw['metric']}{unit} | {sqlite_cell} | {f(rw['trove'])} | "
                     f"{fmt_ratio(rw['ratio'])} | {rw['goal']} | {result} |")
    checked = [rw["met"] for rw in rows if rw["met"] is not None]
    all_met = bool(checked) and all(checked) and len(checked) == len(rows)
    lines.append("")
    lines.append(f"Goals met: {sum(1 for c in checked if c)} of {len(rows)}"
                 + ("" if len(checked) == len(rows) else f" ({len(rows) - len(checked)} not measured)"))
    for w in warnings:
        lines.append(f"\n> warning: {w}")
    print("\n".join(lines))

    # ---- JSON ------------------------------------------------------------
    results = {
        "benchmark": "storage",
        "date": now,
        "machine": {"cpus": os.cpu_count(), "platform": platform.platform(),
                    "python": platform.python_version(), "sqlite": sqlite3.sqlite_version},
        "corpus": {"path": args.corpus, "docs": n, "bytes": corpus_bytes},
        "sqlite": sq or None,
        "trove": {
            "import": imp or None,
            "stats_after_import": st1 or None,
            "get_after_import": get1 or None,
            "stats_after_compact": st2 or None,
            "get_after_compact": get2 or None,
            "crash_reopen": crash or None,
            "crash_folder_before_reopen": crash_wal or None,
            "folder_bytes": du_import or None,
            "crash_doc_count_field": crash_where,
        },
        "rows": [{k: v for k, v in rw.items() if k != "_fmt"} for rw in rows],
        "all_goals_met": all_met,
        "warnings": warnings,
    }
    out = os.path.join(b, "storage-results.json")
    with open(out, "w", encoding="utf-8") as f:
        json.dump(results, f, indent=2, ensure_ascii=False)
        f.write("\n")
    print(f"report: wrote {out}", file=sys.stderr)
    return 0


def cmd_du(args):
    """Record the byte size of a folder under a key in a JSON file (merging)."""
    data = load(args.out) or {}
    data[args.key] = dir_bytes(args.dir)
    with open(args.out, "w", encoding="utf-8") as f:
        json.dump(data, f, indent=2)
        f.write("\n")
    return 0


def main():
    ap = argparse.ArgumentParser(description="Storage benchmark helpers")
    sub = ap.add_subparsers(dest="cmd", required=True)

    t = sub.add_parser("time-open", help="time `trove stats` (WAL replay after a crash)")
    t.add_argument("--trove", required=True)
    t.add_argument("--db", required=True)
    t.add_argument("--out", required=True)

    d = sub.add_parser("du", help="record the byte size of a folder")
    d.add_argument("--dir", required=True)
    d.add_argument("--key", required=True)
    d.add_argument("--out", required=True)

    r = sub.add_parser("table", help="print the Markdown table and write storage-results.json")
    r.add_argument("--bench-dir", required=True)
    r.add_argument("--corpus", required=True)
    r.add_argument("--count", type=int, required=True)
    r.add_argument("--batch", type=int, default=1000)

    args = ap.parse_args()
    if args.cmd == "time-open":
        return cmd_time_open(args)
    if args.cmd == "du":
        return cmd_du(args)
    return cmd_table(args)


if __name__ == "__main__":
    sys.exit(main())
