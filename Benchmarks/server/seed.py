"""Seeds a running `trove serve` for the load benchmark: an API key, conversations, 100,000
messages (stored without a model call, spread over the last 300 days is not possible through
the API — created_at is the time of the write — so they all fall in the benchmark's window),
and a collection `bench` of 10,000 random 128-d vectors. Standard library only; parallel
connections through threads. Prints the API key on stdout."""
import json, os, random, sys, threading, time, urllib.request

base = sys.argv[1]
messages = int(sys.argv[2]) if len(sys.argv) > 2 else 100_000
vectors = int(sys.argv[3]) if len(sys.argv) > 3 else 10_000
words = ["lighthouse", "harbour", "kettle", "garden", "otter", "lantern", "storm", "orchard", "river", "bridge",
         "invoice", "server", "backup", "password", "deploy", "network", "printer", "meeting", "report", "budget"]

def call(method, path, body=None, token=None):
    req = urllib.request.Request(base + path, method=method, data=None if body is None else json.dumps(body).encode())
    req.add_header("Content-Type", "application/json")
    if token: req.add_header("Authorization", "Bearer " + token)
    with urllib.request.urlopen(req, timeout=60) as r:
        text = r.read()
        return json.loads(text) if text else None

token = call("POST", "/api/auth/login", {"username": "admin", "password": os.environ["TROVE_ADMIN_PASSWORD"]})["access_token"]
key = call("POST", "/api/keys", {"name": "bench"}, token)["key"]
convs = [call("POST", "/api/conversations", {"title": f"bench {i}"}, key)["id"] for i in range(100)]
with open(os.environ.get("CONVERSATIONS", "conversations.txt"), "w") as f: f.write("\n".join(convs) + "\n")
call("POST", "/api/collections", {"name": "bench", "schema": {"fields": [
    {"name": "tag", "type": "keyword"}, {"name": "v", "type": "vector", "dimension": 128, "metric": "cosine"}]}}, key)

def worker(jobs, fn):
    while True:
        try: i = jobs.pop()
        except IndexError: return
        fn(i)

def run(n, fn, threads=16):
    jobs = list(range(n))
    ts = [threading.Thread(target=worker, args=(jobs, fn)) for _ in range(threads)]
    for t in ts: t.start()
    for t in ts: t.join()

rng = random.Random(7)
start = time.time()
run(messages, lambda i: call("POST", f"/api/conversations/{convs[i % 100]}/messages",
                              {"content": " ".join(rng.choice(words) for _ in range(12)) + f" {i}", "reply": False}, key))
print(f"seeded {messages} messages in {time.time() - start:.1f} s", file=sys.stderr)
start = time.time()
run(vectors, lambda i: call("PUT", f"/api/collections/bench/documents/v{i}",
                             {"tag": f"t{i % 10}", "v": [round(rng.uniform(-1, 1), 4) for _ in range(128)]}, key))
print(f"seeded {vectors} vectors in {time.time() - start:.1f} s", file=sys.stderr)
print(key)
