#!/usr/bin/env python3
"""Loading rate of `POST /api/collections/{name}/_bulk` against `trove import` (issue 20),
same documents, same schema, same machine, one after the other.

    python3 bulk_bench.py --trove .build/release/trove --passages corpus.jsonl --out DIR
                          [--docs 200000] [--request-docs 5000] [--doc-bytes 1024] [--memtable-mb M]

Documents: Debian's English documentation (Benchmarks/text/make_corpus.py passages), joined
and cut at a word boundary to about --doc-bytes bytes of text each, plus a keyword and an
int: {"id", "body", "kind", "n"}. `trove import` loads them from a JSONL file into a fresh
database. `trove serve` (fresh data folder) takes them as NDJSON `_bulk` requests of
--request-docs documents, one after another on one keep-alive connection, and then once
more as one body (--one-body-docs documents, under the 100 MiB limit). 200,000 documents
(about 200 MB) make both writers flush their memtables several times, so the rates are
sustained ones, indexing included, not the speed of filling memory. The rate is documents over the wall time from the
first request sent to the last answer read; each request's latency is kept for p50/p99.
The server's CPU time for the load (until it is idle again, so the flushes and merges the
load set off are counted) is reported per 1,000 documents: on a shared virtual machine it
varies less than wall time, and the steal time the hypervisor reports is printed beside.
With --embedded-docs N, the first N texts also go through `trove embed` alone (stdin, model
load included) and through `_bulk` into a collection whose vector field is declared with
`"embed": {"from": "body", "model": "all-MiniLM-L6-v2"}` (requests of 500): the issue's
goal is the second at 0.8x the first or better.
Prints one JSON object on stdout; progress on stderr. Standard library only.
"""
import argparse, http.client, json, os, subprocess, sys, time

MODELS = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "models")
EMBEDDED = [{"name": "body", "type": "text"}, {"name": "kind", "type": "keyword"}, {"name": "n", "type": "int"},
            {"name": "emb", "type": "vector", "dimension": 384, "embed": {"from": "body", "model": "all-MiniLM-L6-v2"}}]
SCHEMA = {"fields": [{"name": "body", "type": "text"}, {"name": "kind", "type": "keyword"}, {"name": "n", "type": "int"}]}
KINDS = ["manual", "readme", "changelog", "faq", "howto", "reference", "notes", "guide"]


def documents(passages_path, count, size):
    texts = [json.loads(line)["text"] for line in open(passages_path, encoding="utf-8")]
    docs, i = [], 0
    while len(docs) < count:
        body = ""
        while len(body.encode()) < size:
            body = (body + " " + texts[i % len(texts)]).strip()
            i += 1
        cut = body.encode()[:size].decode("utf-8", "ignore")
        body = cut.rsplit(" ", 1)[0] if " " in cut else cut
        docs.append({"id": f"d{len(docs):07d}", "body": body, "kind": KINDS[len(docs) % len(KINDS)], "n": len(docs)})
    return docs


def pct(values, q):
    s = sorted(values)
    return s[min(len(s) - 1, int(round(q / 100 * (len(s) - 1))))]


def call(conn, method, path, body, headers):
    conn.request(method, path, body=body, headers=headers)
    r = conn.getresponse()
    text = r.read()
    return r.status, text


def run_import(trove, docs_path, out):
    db = os.path.join(out, "import-db")
    if os.path.exists(db):
        import shutil
        shutil.rmtree(db)
    schema = os.path.join(out, "schema.json")
    json.dump(SCHEMA, open(schema, "w"))
    subprocess.run([trove, "collection", "create", "--db", db, "--schema", schema, "--name", "docs"], check=True, capture_output=True)
    start = time.perf_counter()
    subprocess.run([trove, "import", "--db", db, "--collection", "docs", docs_path, "--json"], check=True, capture_output=True)
    return time.perf_counter() - start


def start_server(trove, out, port, extra):
    data = os.path.join(out, "serve-data")
    extra = extra + ["--model-dir", MODELS]
    if os.path.exists(data):
        import shutil
        shutil.rmtree(data)
    env = dict(os.environ, TROVE_ADMIN_PASSWORD="bench-admin-password")
    log = open(os.path.join(out, "serve.log"), "w")
    proc = subprocess.Popen([trove, "serve", "--data", data, "--port", str(port), "--rate-limit", "1000000", "--rate-burst", "1000000"] + extra,
                            stdout=log, stderr=subprocess.STDOUT, env=env)
    for _ in range(600):
        time.sleep(0.1)
        for line in open(os.path.join(out, "serve.log")):
            if line.startswith("trove listening on http://"):
                return proc, int(line.split()[3].rsplit(":", 1)[1].strip("/"))
    proc.kill()
    sys.exit("the server did not start: " + open(os.path.join(out, "serve.log")).read())


def peak_rss(pid):
    """The process's peak resident memory so far (VmHWM), in MiB."""
    for line in open(f"/proc/{pid}/status"):
        if line.startswith("VmHWM:"):
            return round(int(line.split()[1]) / 1024, 1)
    return None


def cpu_seconds(pid):
    """User + system CPU the process has used so far (utime + stime of /proc/PID/stat)."""
    fields = open(f"/proc/{pid}/stat").read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def steal_seconds():
    """CPU time the hypervisor took from this machine so far (all cores), from /proc/stat."""
    fields = open("/proc/stat").readline().split()
    return int(fields[8]) / os.sysconf("SC_CLK_TCK") if len(fields) > 8 else 0.0


def settle(pid, quiet=0.5):
    """Waits until the server stops using CPU (the flushes and merges a load set off),
    at most 120 s; returns its CPU seconds then."""
    last = cpu_seconds(pid)
    for _ in range(240):
        time.sleep(quiet)
        now = cpu_seconds(pid)
        if now - last < 0.05:
            return now
        last = now
    return last


def run_embed_cli(trove, texts, out):
    """`trove embed` alone on the texts (one per stdin line), model load included."""
    path = os.path.join(out, "texts.txt")
    with open(path, "w", encoding="utf-8") as f:
        for t in texts: f.write(t.replace("\n", " ") + "\n")
    start = time.perf_counter()
    with open(path, "rb") as stdin:
        done = subprocess.run([trove, "embed", "--model-dir", MODELS], stdin=stdin, capture_output=True, check=True)
    seconds = time.perf_counter() - start
    assert done.stdout.count(b"\n") == len(texts), done.stderr[-500:]
    return seconds


def run_bulk(port, docs, request_docs, collection, fields=None):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=600)
    status, text = call(conn, "POST", "/api/auth/login", json.dumps({"username": "admin", "password": "bench-admin-password"}),
                        {"Content-Type": "application/json"})
    token = json.loads(text)["access_token"]
    auth = {"Authorization": "Bearer " + token}
    schema = {"fields": fields} if fields else SCHEMA
    status, text = call(conn, "POST", "/api/collections", json.dumps({"name": collection, "schema": schema}), {**auth, "Content-Type": "application/json"})
    assert status == 201, text
    bodies = []
    for start in range(0, len(docs), request_docs):
        lines = []
        for d in docs[start:start + request_docs]:
            lines.append(json.dumps({"index": {"_id": d["id"]}}))
            lines.append(json.dumps({k: v for k, v in d.items() if k != "id"}))
        bodies.append(("\n".join(lines) + "\n").encode())
    latencies = []
    begin = time.perf_counter()
    for body in bodies:
        t = time.perf_counter()
        status, text = call(conn, "POST", f"/api/collections/{collection}/_bulk", body, {**auth, "Content-Type": "application/x-ndjson"})
        latencies.append(time.perf_counter() - t)
        assert status == 200 and b'"errors":false' in text, text[:500]
    wall = time.perf_counter() - begin
    status, text = call(conn, "POST", f"/api/collections/{collection}/_count", b"{}", {**auth, "Content-Type": "application/json"})
    assert json.loads(text)["count"] == len(docs), text
    return wall, latencies, sum(len(b) for b in bodies)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--trove", required=True)
    ap.add_argument("--passages", required=True)
    ap.add_argument("--out", required=True)
    ap.add_argument("--docs", type=int, default=200_000)
    ap.add_argument("--request-docs", type=int, default=5_000)
    ap.add_argument("--doc-bytes", type=int, default=1024)
    ap.add_argument("--embedded-docs", type=int, default=2_000, help="texts for the embedded-field run against trove embed (0: skip)")
    ap.add_argument("--one-body-docs", type=int, default=80_000, help="documents in the single-body run (it must fit the 100 MiB limit)")
    ap.add_argument("--port", type=int, default=0, help="trove serve's port (0: any free one)")
    ap.add_argument("--memtable-mb", type=int, default=None, help="trove serve's --memtable-mb (its default: 8; trove import's: 64)")
    a = ap.parse_args()
    os.makedirs(a.out, exist_ok=True)
    docs = documents(a.passages, a.docs, a.doc_bytes)
    docs_path = os.path.join(a.out, "docs.jsonl")
    with open(docs_path, "w", encoding="utf-8") as f:
        for d in docs: f.write(json.dumps(d) + "\n")
    text_bytes = sum(len(d["body"].encode()) for d in docs)
    print(f"{len(docs)} documents, {text_bytes / len(docs):.0f} bytes of text each on average", file=sys.stderr)
    import_seconds = run_import(a.trove, docs_path, a.out)
    print(f"trove import: {len(docs) / import_seconds:,.0f} docs/s", file=sys.stderr)
    embedded = docs[:a.embedded_docs]
    embed_seconds = run_embed_cli(a.trove, [d["body"] for d in embedded], a.out) if embedded else 0
    if embedded:
        print(f"trove embed: {len(embedded) / embed_seconds:,.0f} texts/s", file=sys.stderr)
    server, a.port = start_server(a.trove, a.out, a.port, ["--memtable-mb", str(a.memtable_mb)] if a.memtable_mb else [])
    try:
        cpu_before, steal_before = settle(server.pid), steal_seconds()
        wall, latencies, body_bytes = run_bulk(a.port, docs, a.request_docs, "docs")
        bulk_cpu, steal = settle(server.pid) - cpu_before, steal_seconds() - steal_before
        print(f"_bulk: serve used {bulk_cpu:.1f} CPU seconds, the machine lost {steal:.1f} s to steal", file=sys.stderr)
        print(f"_bulk ({a.request_docs} a request): {len(docs) / wall:,.0f} docs/s", file=sys.stderr)
        one = docs[:a.one_body_docs]
        one_wall, _, one_bytes = run_bulk(a.port, one, len(one), "docs_one_body")
        print(f"_bulk (one body of {one_bytes >> 20} MiB): {len(one) / one_wall:,.0f} docs/s", file=sys.stderr)
        if embedded:
            embedded_wall, _, _ = run_bulk(a.port, embedded, min(a.request_docs, 500), "docs_embedded", EMBEDDED)
            print(f"_bulk with an embedded field: {len(embedded) / embedded_wall:,.0f} docs/s", file=sys.stderr)
        peak_rss_mib = peak_rss(server.pid)
    finally:
        server.terminate()
        server.wait(timeout=60)
    result = {
        "serve_memtable_mb": a.memtable_mb or 8, "docs": len(docs), "avg_text_bytes": round(text_bytes / len(docs)), "request_docs": a.request_docs,
        "import_seconds": round(import_seconds, 3), "import_docs_per_s": round(len(docs) / import_seconds),
        "bulk_seconds": round(wall, 3), "bulk_docs_per_s": round(len(docs) / wall), "bulk_body_mib": round(body_bytes / 2**20, 1),
        "bulk_serve_cpu_seconds": round(bulk_cpu, 2), "bulk_serve_cpu_ms_per_1k_docs": round(bulk_cpu * 1e6 / len(docs), 1), "bulk_steal_seconds": round(steal, 2),
        "bulk_request_p50_ms": round(pct(latencies, 50) * 1000, 1), "bulk_request_p99_ms": round(pct(latencies, 99) * 1000, 1),
        "one_body_seconds": round(one_wall, 3), "one_body_docs": len(one), "one_body_docs_per_s": round(len(one) / one_wall), "one_body_mib": round(one_bytes / 2**20, 1), "serve_peak_rss_mib": peak_rss_mib,
    }
    if embedded:
        result.update({"embedded_docs": len(embedded), "embed_cli_seconds": round(embed_seconds, 3),
                       "embed_cli_texts_per_s": round(len(embedded) / embed_seconds, 1),
                       "embedded_bulk_seconds": round(embedded_wall, 3), "embedded_bulk_docs_per_s": round(len(embedded) / embedded_wall, 1),
                       "embedded_vs_embed_cli": round(embed_seconds / embedded_wall, 3)})
    result["bulk_vs_import"] = round(result["bulk_docs_per_s"] / result["import_docs_per_s"], 3)
    result["one_body_vs_import"] = round(result["one_body_docs_per_s"] / result["import_docs_per_s"], 3)
    print(json.dumps(result))


if __name__ == "__main__":
    main()
