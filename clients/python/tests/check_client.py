"""The Python client against a live `trove serve` (Tests/troveTests/PythonClientTests.swift
starts one with the real MiniLM embedder, a 1 MiB _bulk limit and the stand-in chat model): every typed method,
the server-side embedding against the client's own vectors, and the exceptions. Prints one
"... ok" line per check; any failed assert exits non-zero.

    TROVE_URL=http://127.0.0.1:PORT TROVE_ADMIN_PASSWORD=... TROVE_EMBED_MODEL=all-MiniLM-L6-v2 python check_client.py
"""
import math
import os

from trove_client import (AuthenticationFailed, BadRequest, Delete, Index, NotFound, PayloadTooLarge, Trove)

URL = os.environ["TROVE_URL"]
MODEL = os.environ.get("TROVE_EMBED_MODEL", "all-MiniLM-L6-v2")

# Prose as people paste it: punctuation, parentheses, code-ish tokens, Unicode.
TEXTS = [
    ("apt", "manual", 12, "apt-get install foo.deb installs a package; use `apt-get -f install` to fix broken dependencies."),
    ("open", "manual", 9, "open(2) returns a file descriptor, or -1 with errno set (EACCES, ENOENT, ...)."),
    ("zip", "faq", 7, "To unpack foo.zip, run unzip foo.zip -d out/ — the folder is created if it does not exist."),
    ("ssh", "howto", 15, "Rotate the SSH host keys: remove /etc/ssh/ssh_host_* and run dpkg-reconfigure openssh-server."),
    ("heron", "notes", 5, "Herons nest in colonies in tall trees near the estuary, returning each spring."),
    ("cafe", "notes", 4, "Le café était fermé ; nous avons pris un thé à côté — très bien, merci !"),
    ("cron", "howto", 11, "A crontab line has five time fields: minute, hour, day of month, month, day of week."),
    ("disk", "faq", 8, "If the disk is full, df -h shows which mount point; du -sh * finds the big folders."),
    ("locale", "manual", 6, "Set LANG=de_DE.UTF-8 to read messages in German; run locale -a to list what is installed."),
    ("kettle", "notes", 3, "Put the kettle on: tea at five, with scones — and don't forget the jam."),
    ("tls", "howto", 14, "Certificates expire: check them with openssl x509 -enddate -noout -in cert.pem before renewing."),
]


def main():
    t = Trove(URL).login("admin", os.environ["TROVE_ADMIN_PASSWORD"])
    assert t.me()["username"] == "admin"
    dim = len(t.embed(["probe"])[0])
    fields = [{"name": "body", "type": "text"}, {"name": "kind", "type": "keyword"}, {"name": "tokens", "type": "int"},
              {"name": "at", "type": "timestamp"}]
    t.collections.create("notes", fields + [{"name": "emb", "type": "vector", "dimension": dim, "embed": {"from": "body", "model": MODEL}}])
    t.collections.create("plain", fields + [{"name": "emb", "type": "vector", "dimension": dim}])
    assert sorted(c["name"] for c in t.collections.list()) == ["notes", "plain"]
    print("collections ok", dim)

    docs = [{"id": i, "body": b, "kind": k, "tokens": n, "at": f"2026-11-{d + 1:02d}T09:00:00Z"} for d, (i, k, n, b) in enumerate(TEXTS)]
    result = t.collections.bulk("notes", docs + [Index({"body": "a count in words", "tokens": "many"}, id="bad")])
    assert result.errors and result.failed == 1 and result.failures[0]["error"]["code"] == "$.tokens", result
    assert t.collections.count("notes") == len(TEXTS)
    stored = t.collections.get_document("notes", "heron")
    assert len(stored["emb"]) == dim and abs(math.sqrt(sum(x * x for x in stored["emb"])) - 1) < 1e-3
    print("bulk ok", len(result.items))

    vectors = t.embed([d["body"] for d in docs])
    plain = t.collections.bulk("plain", [Index({**{k: v for k, v in d.items() if k != "id"}, "emb": v}, id=d["id"]) for d, v in zip(docs, vectors)], atomic=True)
    assert not plain.errors
    for question in ["how do I fix broken dependencies", "where do wading birds breed?", "certificate expiry (openssl)", "thé ou café"]:
        server = t.collections.search("notes", question, mode="hybrid", limit=5)["data"]
        client = t.collections.search("plain", question, vector=t.embed([question])[0], limit=5)["data"]
        assert [h["id"] for h in server] == [h["id"] for h in client], (question, server, client)
        assert all(abs(a["score"] - b["score"]) < 1e-6 for a, b in zip(server, client)), (question, server, client)
        by_vector = t.collections.search("notes", question, mode="vector", limit=3)["data"]
        assert len(by_vector) == 3
    top = t.collections.search("notes", "where do wading birds breed?", mode="vector", limit=1)["data"][0]
    assert top["id"] == "heron", top
    print("hybrid ok")

    mine = [0.0] * dim
    mine[0] = 1.0
    t.collections.put("notes", "explicit", {"body": "a vector of my own", "emb": mine})
    assert t.collections.get_document("notes", "explicit")["emb"] == mine
    t.collections.delete_document("notes", "explicit")
    print("explicit vector ok")

    assert t.collections.count("notes", filters=[{"field": "kind", "equals": "notes"}]) == 3
    agg = t.collections.aggregate("notes", [{"field": "kind"}], [{"sum": "tokens"}])
    sums = {b["key"]["kind"]: b["metrics"]["sum:tokens"] for b in agg["buckets"]}
    expected = {}
    for _, k, n, _ in TEXTS:
        expected[k] = expected.get(k, 0) + n
    assert sums == expected, (sums, expected)
    exported = list(t.collections.export("notes"))
    assert sorted(d["id"] for d in exported) == sorted(d["id"] for d in docs)
    print("count aggregate export ok", len(exported))

    try:
        t.collections.bulk("notes", [Index({"body": "fine", "tokens": 1}, id="x1"), Index({"body": "bad", "tokens": 2.5}, id="x2")], atomic=True)
        raise AssertionError("atomic bulk with a bad document was accepted")
    except BadRequest as e:
        assert e.code == "line 4: $.tokens", e
    assert t.collections.count("notes") == len(TEXTS), "atomic: nothing written"
    deleted = t.collections.bulk("notes", [Delete("kettle"), Delete("never-there")])
    assert [list(i.values())[0]["result"] for i in deleted.items] == ["deleted", "not_found"]
    assert t.collections.delete_by_query("notes", filters=[{"field": "kind", "equals": "faq"}]) == 2
    assert t.collections.count("notes") == len(TEXTS) - 3
    print("atomic and deletes ok")

    # The server under test takes at most 1 MiB of _bulk (--max-bulk-mb 1): a streamed body
    # of about 2 MiB, sent chunked with no length, is refused whole.
    before = t.collections.count("notes")
    try:
        t.collections.bulk("notes", (Index({"body": "x" * 1000, "tokens": i}, id=f"big{i}") for i in range(2_000)))
        raise AssertionError("a 2 MiB bulk body was accepted")
    except PayloadTooLarge as e:
        assert e.status == 413 and e.code == "too_large", e
    assert t.collections.count("notes") == before, "nothing of the refused body was written"
    print("bulk limit ok")

    try:
        t.collections.search("notes", "x", limit=0)
        raise AssertionError("limit 0 accepted")
    except BadRequest as e:
        assert e.status == 400 and e.code == "$.limit", e
    try:
        t.collections.get("nobody-has-this")
        raise AssertionError("unknown collection found")
    except NotFound as e:
        assert e.status == 404
    try:
        t.collections.put("notes", "huge", {"body": "x" * (2 << 20)})
        raise AssertionError("a 2 MiB body was accepted")
    except PayloadTooLarge as e:
        assert e.status == 413
    try:
        Trove(URL, api_key="trv_not_a_key").collections.list()
        raise AssertionError("a forged key was accepted")
    except AuthenticationFailed as e:
        assert e.status == 401
    print("errors ok")

    record = t.files.upload(b"The backup rotation keeps seven daily and four weekly copies.\n"
                            b"Keys are rotated every ninety days by the operations team.\n", name="ops-notes.txt")
    assert any(f["id"] == record["id"] for f in t.files.list()["data"])
    passages = t.retrieve("how often are the keys rotated?", top_k=2)
    assert passages and passages[0]["file_name"] == "ops-notes.txt" and "ninety days" in passages[0]["text"], passages
    print("files and retrieve ok")

    conv = t.conversations.create(title="client check")
    exchange = t.conversations.send(conv["id"], "hello from the python client")
    assert exchange["assistant"]["content"], exchange
    imported = t.conversations.import_messages(conv["id"], [
        {"role": "user", "content": "an old question about herons", "created_at": "2024-03-01T09:00:00Z"},
        {"role": "assistant", "content": "an old answer", "created_at": "2024-03-01T09:00:05Z"}])
    assert [m["created_at"] for m in imported] == ["2024-03-01T09:00:00Z", "2024-03-01T09:00:05Z"]
    found = t.conversations.search_messages("herons", since="2024-03-01T00:00:00Z", until="2024-03-02T00:00:00Z")["data"]
    assert len(found) == 1, found
    assert len(t.conversations.messages(conv["id"])["data"]) == 4
    t.conversations.delete(conv["id"])
    try:
        t.conversations.get(conv["id"])
        raise AssertionError("a deleted conversation answered")
    except NotFound:
        pass
    print("conversations ok")
    t.close()


if __name__ == "__main__":
    main()
