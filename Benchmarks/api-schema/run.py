"""API schema test of `trove serve` with schemathesis (PyPI): a live server on 127.0.0.1 on a
new data folder, its chat model and embedder served by the stand-in, then `schemathesis run`
against the server's own /openapi.json, signed in as a normal user (and, with --as both,
as the admin). The checks: no 5xx, every status documented, every JSON answer matching its
documented schema (hooks.py keeps agents on the one provider the server has). Exits 1 on
any failure, after a one-line JSON summary.

    python3 Benchmarks/api-schema/run.py --trove .build/debug/trove --standin .build/debug/trove-standin
    python3 Benchmarks/api-schema/run.py --trove T --provider-url http://127.0.0.1:P   (a stand-in already running)

Options: --examples N (per operation and phase), --max-time S, --seed N, --as user|admin|both,
--phases (schemathesis' list), --report DIR (JUnit and NDJSON kept there).
"""
import argparse, json, os, re, shutil, subprocess, sys, tempfile, threading, time, urllib.request

ap = argparse.ArgumentParser()
ap.add_argument("--trove", required=True)
ap.add_argument("--standin", help="the trove-standin binary (started here)")
ap.add_argument("--provider-url", help="base URL of a stand-in already running (instead of --standin)")
ap.add_argument("--schemathesis", default=os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", ".venv-schemathesis", "bin", "schemathesis"))
ap.add_argument("--examples", type=int, default=100)
ap.add_argument("--max-time", type=int, default=None)
ap.add_argument("--seed", type=int, default=None)
ap.add_argument("--as", dest="who", choices=["user", "admin", "both"], default="user")
ap.add_argument("--phases", default="examples,coverage,fuzzing,stateful")
# One worker: with two, schemathesis 4.32.5 once failed inside Hypothesis (a race while it
# described a lambda), a runtime error of the tool, not an answer of the server.
ap.add_argument("--workers", default="1")
ap.add_argument("--report", default=None)
args = ap.parse_args()
if not (args.standin or args.provider_url): ap.error("give --standin or --provider-url")

PASSWORD = "schema-admin-password"
USER, USER_PASSWORD = "schema-user", "schema-user-password"
CHECKS = "not_a_server_error,status_code_conformance,content_type_conformance,response_schema_conformance"
work = tempfile.mkdtemp(prefix="trove-api-schema-")
children = []


def start(argv, marker, env=None, log=None):
    """A child whose stdout announces `marker ... http://…`; returns (process, url)."""
    p = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=log or subprocess.STDOUT, env=env)
    children.append(p)
    deadline = time.time() + 120
    while time.time() < deadline:
        line = p.stdout.readline().decode()
        if marker in line:
            url = [w for w in line.split() if w.startswith("http://")][0]
            # Keep draining stdout (into p.lines) so that the child never blocks on a full pipe.
            p.lines = [line]
            threading.Thread(target=lambda: p.lines.extend(l.decode(errors="replace") for l in p.stdout), daemon=True).start()
            return p, url.rstrip("/")
        if not line and p.poll() is not None: break
    raise SystemExit(f"{argv[0]} did not start")


def call(base, method, path, body=None, token=None):
    req = urllib.request.Request(base + path, method=method, data=json.dumps(body).encode() if body is not None else None)
    req.add_header("Content-Type", "application/json")
    if token: req.add_header("Authorization", "Bearer " + token)
    with urllib.request.urlopen(req, timeout=30) as r: return json.loads(r.read() or b"null")


def schemathesis(base, token, who, report_dir):
    """One schemathesis run; returns (exit code, the counts its summary states)."""
    argv = [args.schemathesis, "run", base + "/openapi.json", "--checks", CHECKS, "-H", f"Authorization: Bearer {token}",
            "--max-examples", str(args.examples), "--phases", args.phases, "--workers", args.workers,
            "--report", "junit,ndjson", "--report-dir", os.path.abspath(report_dir), "--no-color"]
    # As the admin, two kinds of route are left to the user run (where they answer 403) and
    # to the Swift tests: the backup writes a folder wherever it is told on the server's disk,
    # not a thing to hand a generator; and PATCH/DELETE /api/users/{id}, reached with ids
    # from GET /api/users, disable or delete the signed-in admin, after which every
    # request is a 401 and the run tests nothing.
    if who == "admin": argv += ["--exclude-path", "/api/admin/backup", "--exclude-path", "/api/users/{id}"]
    if args.max_time: argv += ["--max-time", str(args.max_time)]
    if args.seed is not None: argv += ["--seed", str(args.seed)]
    t = time.time()
    # In the temporary folder: schemathesis keeps its example database in ./.schemathesis.
    env = dict(os.environ, SCHEMATHESIS_HOOKS="hooks", PYTHONPATH=os.path.dirname(os.path.abspath(__file__)))
    run = subprocess.run(argv, capture_output=True, text=True, cwd=work, env=env)
    out = run.stdout + run.stderr
    sys.stdout.write(out)
    counts = {"as": who, "exit": run.returncode, "seconds": round(time.time() - t, 1)}
    # From its summary: "Tested: 47", "2219 generated, ...", and the last line's
    # "N failures" / "N errors" (absent when there are none).
    tested, generated = re.search(r"Tested: (\d+)", out), re.search(r"(\d+) generated", out)
    last = out.strip().splitlines()[-1] if out.strip() else ""
    counts["operations"] = int(tested.group(1)) if tested else 0
    counts["test_cases"] = int(generated.group(1)) if generated else 0
    for key in ("failure", "error"):
        m = re.search(rf"(\d+) {key}s?\b", last)
        counts[key + "s"] = int(m.group(1)) if m else 0
    return run.returncode, counts


def main():
    if args.standin:
        _, provider = start([args.standin, "16"], "standin listening on ")
    else:
        provider = args.provider_url.rstrip("/")
    env = dict(os.environ, TROVE_ADMIN_PASSWORD=PASSWORD)
    server_log = open(os.path.join(work, "serve.log"), "wb")
    server, base = start([args.trove, "serve", "--data", os.path.join(work, "data"), "--port", "0",
                          "--llm-provider", "openai", "--llm-url", provider + "/v1", "--llm-model", "standin",
                          "--embedder", provider + "/v1", "--model", "embed",
                          # Limits that would turn the run into a wall of 429s: raised.
                          "--rate-limit", "100000", "--rate-burst", "100000", "--public-rate-limit", "100000",
                          "--login-attempts", "100000", "--max-keys", "100000"], "trove listening on ", env=env, log=server_log)
    admin = call(base, "POST", "/api/auth/login", {"username": "admin", "password": PASSWORD})["access_token"]
    call(base, "POST", "/api/users", {"username": USER, "password": USER_PASSWORD}, token=admin)
    user = call(base, "POST", "/api/auth/login", {"username": USER, "password": USER_PASSWORD})["access_token"]
    runs, failed = [], False
    for who, token in [("user", user), ("admin", admin)]:
        if args.who not in (who, "both"): continue
        code, counts = schemathesis(base, token, who, os.path.join(args.report or work, who))
        runs.append(counts)
        failed |= code != 0
    alive = server.poll() is None
    server.terminate()
    status = server.wait(timeout=60)
    time.sleep(0.2)  # the drain thread's last lines
    log = "".join(server.lines) + open(os.path.join(work, "serve.log"), errors="replace").read()
    summary = {"runs": runs, "server_alive_at_end": alive, "server_exit": status, "database_closed": "database closed" in log}
    print(json.dumps(summary))
    if failed or not alive or status != 0:
        print(log[-4000:], file=sys.stderr)
        return 1
    return 0


try:
    code = main()
finally:
    for p in children:
        if p.poll() is None: p.kill()
    if args.report is None: shutil.rmtree(work, ignore_errors=True)
sys.exit(code)
