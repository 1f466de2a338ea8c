"""Soak test of `trove serve`: mixed load (message appends, message searches, file uploads,
file deletes) from several threads, a SIGKILL and restart of the server every KILL_EVERY
seconds, then a clean stop and the checks:

- every acknowledged append is present (each message carries a unique token, found by
  listing the conversation's messages);
- every acknowledged upload that was not deleted reads back, and every acknowledged delete
  is gone; a delete whose answer a kill cut off may have been applied or not (both are
  counted in `cut_off_deletes`);
- `trove verify` passes on the engine folder;
- the server's resident memory does not grow from one life to the next (peak RSS of the
  last life at most 1.5x the peak of the first full one, after warm-up).

Standard library only. Prints one JSON line of results; exits 1 when a check fails.

    python3 Benchmarks/soak/soak.py --trove .build/release/trove --seconds 1800 --kill-every 180
"""
import argparse, http.client, json, math, os, random, shutil, signal, subprocess, sys, tempfile, threading, time, urllib.error, urllib.request

ap = argparse.ArgumentParser()
ap.add_argument("--trove", required=True)
ap.add_argument("--seconds", type=float, default=1800)
ap.add_argument("--kill-every", type=float, default=180)
ap.add_argument("--threads", type=int, default=3)
ap.add_argument("--data", default=None, help="data folder (default: a new temporary one, removed after)")
ap.add_argument("server_args", nargs="*", help="extra arguments for trove serve (after --)")
args = ap.parse_args()

PASSWORD = "soak-admin-password"
data = args.data or tempfile.mkdtemp(prefix="trove-soak-")
words = ["otter", "heron", "marsh", "reed", "dawn", "tide", "lantern", "harbour", "kettle", "orchard"]


class Server:
    """One `trove serve` process at a time; its port and its peak RSS per life."""

    def __init__(self):
        self.proc, self.base, self.lives = None, None, []

    def start(self):
        log_path = os.path.join(data, "..", os.path.basename(data) + ".log")
        log = open(log_path, "ab")
        env = dict(os.environ, TROVE_ADMIN_PASSWORD=PASSWORD)
        self.proc = subprocess.Popen([args.trove, "serve", "--data", data, "--port", "0", "--rate-limit", "1000", "--rate-burst", "2000",
                                      "--public-rate-limit", "1000", "--login-attempts", "1000"] + args.server_args,
                                     stdout=subprocess.PIPE, stderr=log, env=env)
        deadline = time.time() + 120
        while time.time() < deadline:
            line = self.proc.stdout.readline().decode()
            if "trove listening on " in line:
                self.base = [w for w in line.split() if w.startswith("http://")][0]
                threading.Thread(target=self.proc.stdout.read, daemon=True).start()
                self.lives.append(0)
                return
            if not line and self.proc.poll() is not None:
                break
        # What the server said is the only clue once its data folder is gone.
        with open(log_path, "rb") as f:
            tail = f.read()[-2000:].decode(errors="replace")
        status = "exited with " + str(self.proc.returncode) if self.proc.poll() is not None else "still silent after 120 s"
        raise SystemExit(f"trove serve did not start ({status}); its log ends:\n{tail}")

    def sample_rss(self):
        try:
            with open(f"/proc/{self.proc.pid}/status") as f:
                kb = next(int(l.split()[1]) for l in f if l.startswith("VmRSS:"))
            self.lives[-1] = max(self.lives[-1], kb)
        except (OSError, StopIteration):
            pass

    def kill(self):
        self.proc.send_signal(signal.SIGKILL)
        self.proc.wait()

    def stop(self):
        self.proc.send_signal(signal.SIGTERM)
        return self.proc.wait(timeout=60)


server = Server()
lock = threading.Lock()
# "deleting": deletes sent whose answer never came (the server was killed meanwhile); the
# server may or may not have applied them, so either outcome is correct for those files.
state = {"token": None, "conversation": None, "appended": [], "uploaded": {}, "deleted": set(), "deleting": set(),
         "cut_off_deletes": {"applied": 0, "not_applied": 0}, "errors": 0, "ops": 0, "refused": 0}


def call(method, path, body=None, raw=None, headers=None, token=True):
    url = server.base + path
    data_bytes = raw if raw is not None else (None if body is None else json.dumps(body).encode())
    req = urllib.request.Request(url, method=method, data=data_bytes)
    if body is not None: req.add_header("Content-Type", "application/json")
    for k, v in (headers or {}).items(): req.add_header(k, v)
    if token: req.add_header("Authorization", "Bearer " + state["token"])
    with urllib.request.urlopen(req, timeout=60) as r:
        text = r.read()
        return r.status, (json.loads(text) if text and r.headers.get("Content-Type", "").startswith("application/json") else text)


def login():
    state["token"] = call("POST", "/api/auth/login", {"username": "admin", "password": PASSWORD}, token=False)[1]["access_token"]


def one_operation(rng):
    kind = rng.choices(["append", "search", "upload", "delete"], weights=[6, 3, 1, 1])[0]
    if kind == "append":
        token = f"soak{rng.getrandbits(48):012x}"
        status, body = call("POST", f"/api/conversations/{state['conversation']}/messages",
                            {"content": f"{token} {' '.join(rng.choices(words, k=12))}", "reply": False})
        if status == 201:
            with lock: state["appended"].append(token)
    elif kind == "search":
        call("GET", f"/api/messages/search?q={rng.choice(words)}")
    elif kind == "upload":
        text = f"Soak file {rng.getrandbits(32)}. " + " ".join(rng.choices(words, k=200))
        status, body = call("POST", f"/api/files?name=soak-{rng.getrandbits(16)}.txt", raw=text.encode(), headers={"Content-Type": "text/plain"})
        if status == 201:
            with lock: state["uploaded"][body["id"]] = body["sha256"]
    else:
        with lock:
            live = [f for f in state["uploaded"] if f not in state["deleted"]]
        if live:
            victim = rng.choice(live)
            with lock: state["deleting"].add(victim)
            status, _ = call("DELETE", f"/api/files/{victim}")
            with lock:
                if status == 204: state["deleted"].add(victim)
                state["deleting"].discard(victim)


def worker(seed, stop):
    rng = random.Random(seed)
    while not stop.is_set():
        try:
            one_operation(rng)
            with lock: state["ops"] += 1
        except urllib.error.HTTPError as e:
            with lock:
                if e.code == 429: state["refused"] += 1
                elif e.code != 404: state["errors"] += 1
            if e.code >= 500: print(f"server error {e.code}: {e.read()[:200]}", file=sys.stderr)
        except (urllib.error.URLError, http.client.HTTPException, ConnectionError, TimeoutError, OSError):
            time.sleep(0.2)  # the server is being killed or restarted (a reply cut off mid-body too)


def run():
    server.start()
    login()
    state["conversation"] = call("POST", "/api/conversations", {"title": "soak"})[1]["id"]
    # Time under load counts only while a server is up: a restart that is slow on a busy
    # machine must not eat the run, so the number of kills follows from the arguments.
    planned_kills = max(0, math.ceil(args.seconds / args.kill_every) - 1)
    uptime_left = args.seconds
    kills = 0
    while True:
        stop = threading.Event()
        threads = [threading.Thread(target=worker, args=(kills * 100 + i, stop)) for i in range(args.threads)]
        for t in threads: t.start()
        life = min(args.kill_every, uptime_left) if kills < planned_kills else uptime_left
        life_end = time.time() + life
        while time.time() < life_end:
            server.sample_rss()
            time.sleep(min(1, max(0, life_end - time.time())))
        uptime_left -= life
        if kills < planned_kills:
            server.kill()  # under load, before the workers are told to stop
            kills += 1
            stop.set()
            for t in threads: t.join()
            server.start()
            login()
        else:
            stop.set()
            for t in threads: t.join()
            break
    return kills


def check(kills):
    failures = []
    # Every acknowledged append, by its token, in the conversation's messages.
    seen, cursor = set(), None
    while True:
        status, page = call("GET", f"/api/conversations/{state['conversation']}/messages?limit=1000" + (f"&cursor={cursor}" if cursor else ""))
        for m in page["data"]:
            seen.add(m["content"].split()[0])
        cursor = page.get("next_cursor")
        if not cursor: break
    missing = [t for t in state["appended"] if t not in seen]
    if missing: failures.append(f"{len(missing)} acknowledged appends missing, e.g. {missing[:3]}")
    for fid in state["uploaded"]:
        cut_off = fid in state["deleting"] and fid not in state["deleted"]
        try:
            status, _ = call("GET", f"/api/files/{fid}")
            if cut_off: state["cut_off_deletes"]["not_applied"] += 1; continue
            if fid in state["deleted"]: failures.append(f"deleted file {fid} still there")
        except urllib.error.HTTPError as e:
            if cut_off and e.code == 404: state["cut_off_deletes"]["applied"] += 1
            elif fid not in state["deleted"]: failures.append(f"acknowledged upload {fid} answers {e.code}")
    code = server.stop()
    if code != 0: failures.append(f"trove serve exited {code} on SIGTERM")
    verify = subprocess.run([args.trove, "verify", "--db", os.path.join(data, "engine")], capture_output=True, text=True)
    if verify.returncode != 0: failures.append("trove verify: " + verify.stdout[-500:] + verify.stderr[-500:])
    lives = [kb for kb in server.lives if kb > 0]
    if len(lives) >= 3 and lives[-1] > 1.5 * lives[1]:
        failures.append(f"peak RSS grew from {lives[1]} KiB to {lives[-1]} KiB")
    return failures


kills = run()
failures = check(kills)
print(json.dumps({"seconds": args.seconds, "kills": kills, "operations": state["ops"], "appends_acked": len(state["appended"]),
                  "uploads_acked": len(state["uploaded"]), "deletes_acked": len(state["deleted"]),
                  "cut_off_deletes": state["cut_off_deletes"], "refused_429": state["refused"],
                  "unexpected_errors": state["errors"], "peak_rss_kib_per_life": server.lives, "failures": failures}))
if args.data is None: shutil.rmtree(data, ignore_errors=True)
sys.exit(1 if failures or state["errors"] else 0)
