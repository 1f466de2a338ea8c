"""Helpers the benchmark reports (Benchmarks/text, vector, retrieval, mixed) share: reading a
command's JSON output, ratios that tolerate missing figures, and the goal verdicts."""
import json
import os
import math


def parse_json_output(text):
    """The JSON object a command printed: the whole output, else its last JSON line."""
    text = text.strip()
    if not text:
        raise ValueError("empty output")
    try:
        obj = json.loads(text)
        if isinstance(obj, dict):
            return obj
    except json.JSONDecodeError:
        pass
    for line in reversed(text.splitlines()):
        line = line.strip()
        if line.startswith("{"):
            try:
                obj = json.loads(line)
                if isinstance(obj, dict):
                    return obj
            except json.JSONDecodeError:
                continue
    raise ValueError(f"no JSON object in output: {text[:200]!r}")


def load_json(path, warnings, what):
    """Parsed JSON object from `path`, or None (with a warning) when missing or unreadable."""
    if not os.path.exists(path):
        return None
    try:
        with open(path) as f:
            return parse_json_output(f.read())
    except (OSError, ValueError) as e:
        warnings.append(f"{what}: cannot read {path}: {e}")
        return None


def num(x):
    return isinstance(x, (int, float)) and not isinstance(x, bool) and math.isfinite(x)


def ratio(a, b):
    return a / b if num(a) and num(b) and b > 0 else None


def fmt_ratio(r):
    return "n/a" if r is None else f"{r:.2f}x"


def verdict(met):
    return "n/a" if met is None else ("PASS" if met else "FAIL")


def read_contention_log(path, warnings, prefix="", effect="its figures may be low"):
    """The entries of a contention.jsonl (other processes' CPU use while each run ran), in
    order; a warning for each run that shared the machine with >= 10% of other work."""
    entries = []
    if not path or not os.path.exists(path):
        return entries
    with open(path) as f:
        for line in f:
            try:
                e = json.loads(line)
            except json.JSONDecodeError:
                continue
            entries.append(e)
            o = e.get("others_cpu_percent")
            if num(o) and o >= 10:
                warnings.append(f"{prefix}other processes used {o}% of the machine's CPU while {e.get('label')} ran "
                                f"({e.get('wall_seconds')} s): {effect}; run again on a quiet machine")
    return entries



def write_json_atomic(path, obj):
    """Writes obj as indented JSON to path through a temporary file, so a reader never sees
    half a results file."""
    os.makedirs(os.path.dirname(os.path.abspath(path)), exist_ok=True)
    with open(path + ".tmp", "w") as f:
        json.dump(obj, f, indent=2)
    os.replace(path + ".tmp", path)


def save_figure(fig, path):
    """Saves a matplotlib figure (laid out tight, 110 dpi, the folder made) and closes it."""
    import matplotlib.pyplot as plt
    fig.tight_layout()
    os.makedirs(os.path.dirname(os.path.abspath(path)), exist_ok=True)
    fig.savefig(path, dpi=110)
    plt.close(fig)
