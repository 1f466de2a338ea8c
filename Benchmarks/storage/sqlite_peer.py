#!/usr/bin/env python3
"""SQLite peer for the storage benchmark (issue 2).

    python3 sqlite_peer.py --jsonl FILE --db PATH [--batch 1000] [--gets 200000] [--seed 1]

Uses only the standard library. One table, one column per field:

    messages(id TEXT PRIMARY KEY, conversation_id TEXT, user_id TEXT,
             role TEXT, text TEXT, ts INTEGER)

with PRAGMA journal_mode=WAL and synchronous=NORMAL.

Measured:
  ingest   from opening the JSONL to the last commit: read a line, json.loads,
           executemany + commit every --batch documents.
  size     after PRAGMA wal_checkpoint(TRUNCATE): db + -wal + -shm bytes.
  gets     --gets ids drawn uniformly (with replacement) from the inserted
           ids, outside the timed region; the connection is closed and
           reopened, then a loop of SELECT * ... WHERE id=? + fetchone is timed.

Prints one JSON object on stdout:
  {"engine":"sqlite","docs":N,"ingest_seconds":..,"ingest_docs_per_sec":..,
   "bytes_on_disk":..,"gets":..,"gets_per_sec":..}
Progress goes to stderr.
"""

import argparse
import json
import os
import random
import sqlite3
import sys
import time


def files_of(db):
    return [db, db + "-wal", db + "-shm", db + "-journal"]


def bytes_on_disk(db):
    total = 0
    for p in files_of(db):
        try:
            total += os.path.getsize(p)
        except FileNotFoundError:
            pass
    return total


def main():
    ap = argparse.ArgumentParser(description="SQLite peer for the Trove storage benchmark")
    ap.add_argument("--jsonl", required=True)
    ap.add_argument("--db", required=True)
    ap.add_argument("--batch", type=int, default=1000)
    ap.add_argument("--gets", type=int, default=200_000)
    ap.add_argument("--seed", type=int, default=1)
    args = ap.parse_args()
    if args.batch < 1:
        sys.exit("sqlite_peer: --batch must be >= 1")

    def log(msg):
        print(f"sqlite_peer: {msg}", file=sys.stderr, flush=True)

    db_dir = os.path.dirname(os.path.abspath(args.db))
    os.makedirs(db_dir, exist_ok=True)
    for p in files_of(args.db):
        if os.path.exists(p):
            os.remove(p)

    con = sqlite3.connect(args.db)
    mode = con.execute("PRAGMA journal_mode=WAL").fetchone()[0]
    if mode.lower() != "wal":
        sys.exit(f"sqlite_peer: could not enable WAL (journal_mode={mode})")
    con.execute("PRAGMA synchronous=NORMAL")
    con.execute(
        "CREATE TABLE messages(id TEXT PRIMARY KEY, conversation_id TEXT, user_id TEXT, "
        "role TEXT, text TEXT, ts INTEGER)"
    )
    con.commit()
    insert = "INSERT INTO messages(id, conversation_id, user_id, role, text, ts) VALUES (?,?,?,?,?,?)"

    log(f"SQLite {sqlite3.sqlite_version}, ingesting {args.jsonl} into {args.db} (batch {args.batch})")
    ids = []
    n = 0
    loads = json.loads
    t0 = time.perf_counter()
    with open(args.jsonl, "r", encoding="utf-8") as f:
        batch = []
        for line in f:
            if not line.strip():
                continue
            d = loads(line)
            batch.append((d["id"], d["conversation_id"], d["user_id"], d["role"], d["text"], d["ts"]))
            if len(batch) >= args.batch:
                con.executemany(insert, batch)
                con.commit()
                ids.extend(row[0] for row in batch)
                n += len(batch)
                batch = []
        if batch:
            con.executemany(insert, batch)
            con.commit()
            ids.extend(row[0] for row in batch)
            n += len(batch)
    ingest_seconds = time.perf_counter() - t0
    log(f"ingested {n:,} docs in {ingest_seconds:.2f}s ({n / ingest_seconds:,.0f} docs/s)")

    con.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()
    size = bytes_on_disk(args.db)
    log(f"bytes on disk after wal_checkpoint(TRUNCATE): {size:,}")
    con.close()

    gets = args.gets
    gets_seconds = 0.0
    if gets > 0 and ids:
        rng = random.Random(args.seed)
        sample = rng.choices(ids, k=gets)
        con = sqlite3.connect(args.db)
        cur = con.cursor()
        query = "SELECT * FROM messages WHERE id=?"
        missing = 0
        t0 = time.perf_counter()
        for key in sample:
            row = cur.execute(query, (key,)).fetchone()
            if row is None:
                missing += 1
        gets_seconds = time.perf_counter() - t0
        con.close()
        if missing:
            sys.exit(f"sqlite_peer: {missing} of {gets} sampled ids were not found")
        log(f"{gets:,} random gets in {gets_seconds:.2f}s ({gets / gets_seconds:,.0f} gets/s)")

    print(json.dumps({
        "engine": "sqlite",
        "sqlite_version": sqlite3.sqlite_version,
        "docs": n,
        "batch": args.batch,
        "ingest_seconds": round(ingest_seconds, 4),
        "ingest_docs_per_sec": round(n / ingest_seconds, 1) if ingest_seconds > 0 else None,
        "bytes_on_disk": size,
        "gets": gets if ids else 0,
        "gets_seconds": round(gets_seconds, 4),
        "gets_per_sec": round(gets / gets_seconds, 1) if gets_seconds > 0 else None,
    }))


if __name__ == "__main__":
    main()
