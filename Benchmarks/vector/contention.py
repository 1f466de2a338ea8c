#!/usr/bin/env python3
"""Run one benchmark command and record how much CPU *other* processes used meanwhile.

    python3 contention.py --record FILE.jsonl --label NAME -- COMMAND [ARGS...]

The command inherits stdin/stdout/stderr and its exit status is returned. Appended to
FILE.jsonl: {"label", "wall_seconds", "command_cpu_seconds", "others_cpu_percent"}, where
others_cpu_percent = (CPU time the whole machine spent busy, from /proc/stat, minus the
command's own user+system time, from wait4) / (wall time x cores) x 100. On a shared
machine a high figure means the measurement was disturbed and should be run again.
"""

import json
import os
import sys
import time


def busy_seconds():
    """Seconds all CPUs spent not idle since boot, or None without /proc/stat."""
    try:
        with open("/proc/stat") as f:
            fields = f.readline().split()
    except OSError:
        return None
    vals = [int(x) for x in fields[1:9]]  # user nice system idle iowait irq softirq steal
    busy = sum(vals) - vals[3] - vals[4]
    return busy / os.sysconf("SC_CLK_TCK")


def main():
    argv = sys.argv[1:]
    if "--" not in argv:
        sys.exit("usage: contention.py --record FILE --label NAME -- COMMAND [ARGS...]")
    sep = argv.index("--")
    opts, cmd = argv[:sep], argv[sep + 1:]
    if not cmd or len(opts) != 4 or opts[0] != "--record" or opts[2] != "--label":
        sys.exit("usage: contention.py --record FILE --label NAME -- COMMAND [ARGS...]")
    record, label = opts[1], opts[3]

    b0, t0 = busy_seconds(), time.monotonic()
    try:
        pid = os.fork()
    except OSError as e:
        sys.exit(f"contention.py: cannot fork: {e}")
    if pid == 0:
        try:
            os.execvp(cmd[0], cmd)
        except OSError as e:
            print(f"contention.py: cannot run {cmd[0]}: {e}", file=sys.stderr)
            os._exit(127)
    while True:
        try:
            _, status, ru = os.wait4(pid, 0)
            break
        except InterruptedError:
            continue
    wall = time.monotonic() - t0
    b1 = busy_seconds()
    own = ru.ru_utime + ru.ru_stime
    entry = {"label": label, "wall_seconds": round(wall, 3), "command_cpu_seconds": round(own, 3)}
    if b0 is not None and b1 is not None and wall > 0:
        others = max(0.0, (b1 - b0) - own) / (wall * (os.cpu_count() or 1)) * 100
        entry["others_cpu_percent"] = round(others, 1)
    try:
        with open(record, "a") as f:
            f.write(json.dumps(entry) + "\n")
    except OSError as e:
        print(f"contention.py: cannot write {record}: {e}", file=sys.stderr)
    if os.WIFEXITED(status):
        sys.exit(os.WEXITSTATUS(status))
    sys.exit(128 + os.WTERMSIG(status))


if __name__ == "__main__":
    main()
