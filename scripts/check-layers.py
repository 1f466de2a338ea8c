#!/usr/bin/env python3
"""Checks that layers only point down: no target depends on, or imports, a target of its
own or a higher layer. The layer order is the `layers` block of docs/ARCHITECTURE.md
(one line per layer, top first); the dependencies come from `swift package
dump-package`, the imports from every .swift file under Sources/<target>/. Test targets
may use anything and are not checked.

    python3 scripts/check-layers.py [--root DIR] [--package-json FILE]
    python3 scripts/check-layers.py --self-test

Exit 0 when clean; 1 with one line per violation; 2 when the inputs cannot be read.
"""
import argparse
import json
import os
import re
import subprocess
import sys
import tempfile

IMPORT = re.compile(r"^\s*(?:@\w+(?:\([^)]*\))?\s+)*import\s+(?:(?:typealias|struct|class|enum|protocol|let|var|func)\s+)?([A-Za-z_]\w*)", re.M)


def read_layers(architecture_text):
    """{target: rank}, rank 0 the bottom, from the ```layers block."""
    m = re.search(r"```layers\n(.*?)```", architecture_text, re.S)
    if not m:
        raise ValueError("docs/ARCHITECTURE.md has no ```layers block")
    lines = [l.split("#")[0].split() for l in m.group(1).strip().splitlines()]
    lines = [l for l in lines if l]
    ranks = {}
    for rank, names in enumerate(reversed(lines)):
        for n in names:
            if n in ranks:
                raise ValueError(f"{n} is in two layers")
            ranks[n] = rank
    return ranks


def package_targets(package):
    """{target: (type, [dependency names])} from dump-package JSON."""
    out = {}
    for t in package["targets"]:
        deps = []
        for d in t.get("dependencies", []):
            for kind in ("byName", "target", "product"):
                if kind in d:
                    deps.append(d[kind][0])
        out[t["name"]] = (t["type"], deps)
    return out


def imports_of(sources_dir):
    """{module: first file importing it} for the .swift files under sources_dir."""
    found = {}
    for base, _, files in os.walk(sources_dir):
        for f in sorted(files):
            if f.endswith(".swift"):
                path = os.path.join(base, f)
                with open(path, encoding="utf-8", errors="replace") as fh:
                    for module in IMPORT.findall(fh.read()):
                        found.setdefault(module, path)
    return found


def check(root, package):
    with open(os.path.join(root, "docs", "ARCHITECTURE.md"), encoding="utf-8") as fh:
        ranks = read_layers(fh.read())
    targets = package_targets(package)
    problems = []
    for name, (kind, deps) in sorted(targets.items()):
        if kind == "test":
            continue
        if name not in ranks:
            problems.append(f"{name}: not in the layers block of docs/ARCHITECTURE.md")
            continue
        uses = {d: "Package.swift" for d in deps}
        src = os.path.join(root, "Sources", name)
        if os.path.isdir(src):
            for module, path in imports_of(src).items():
                uses.setdefault(module, os.path.relpath(path, root))
        for module, where in sorted(uses.items()):
            if module not in targets or module == name:
                continue  # a system module, another package's, or itself
            if module not in ranks:
                problems.append(f"{name}: uses {module} ({where}), which is not in the layers block")
            elif ranks[module] >= ranks[name]:
                problems.append(f"{name} (layer {ranks[name]}) uses {module} (layer {ranks[module]}) in {where}: layers only point down")
    return problems


def dump_package(root):
    out = subprocess.run(["swift", "package", "dump-package"], cwd=root, check=True, capture_output=True, text=True)
    return json.loads(out.stdout)


def self_test():
    """The checker must catch an upward import, an upward dependency and an unlisted target."""
    with tempfile.TemporaryDirectory() as root:
        os.makedirs(os.path.join(root, "docs"))
        with open(os.path.join(root, "docs", "ARCHITECTURE.md"), "w") as fh:
            fh.write("x\n```layers\nTop\nMiddle  # comment\nBottom\n```\n")
        for t, text in [("Bottom", "import Foundation\n@testable import Middle\n"), ("Middle", "import struct Bottom.Thing\n"), ("Top", "import Middle\n")]:
            os.makedirs(os.path.join(root, "Sources", t))
            with open(os.path.join(root, "Sources", t, "a.swift"), "w") as fh:
                fh.write(text)
        def target(name, deps, kind="regular"):
            return {"name": name, "type": kind, "dependencies": [{"byName": [d, None]} for d in deps]}
        package = {"targets": [target("Bottom", []), target("Middle", ["Bottom"]), target("Top", ["Middle", "Top2"]),
                               target("Top2", []), target("TopTests", ["Top"], "test")]}
        problems = check(root, package)
        expect = ["Bottom (layer 0) uses Middle (layer 1) in Sources/Bottom/a.swift: layers only point down",
                  "Top2: not in the layers block of docs/ARCHITECTURE.md",
                  "Top: uses Top2 (Package.swift), which is not in the layers block"]
        if sorted(problems) != sorted(expect):
            print("check-layers self-test FAILED:\n  got " + "\n      ".join(problems), file=sys.stderr)
            return 1
        os.remove(os.path.join(root, "Sources", "Bottom", "a.swift"))
        package["targets"] = [t for t in package["targets"] if t["name"] != "Top2"]
        package["targets"][2]["dependencies"] = [{"byName": ["Middle", None]}]
        if check(root, package):
            print("check-layers self-test FAILED: a clean tree reported problems", file=sys.stderr)
            return 1
    print("check-layers self-test: ok")
    return 0


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--root", default=os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
    ap.add_argument("--package-json", help="dump-package output to read instead of running swift")
    ap.add_argument("--self-test", action="store_true")
    a = ap.parse_args()
    if a.self_test:
        return self_test()
    root = os.path.abspath(a.root)
    try:
        if a.package_json:
            with open(a.package_json) as fh:
                package = json.load(fh)
        else:
            package = dump_package(root)
        problems = check(root, package)
    except (OSError, ValueError, subprocess.CalledProcessError, json.JSONDecodeError) as e:
        print(f"check-layers: {e}", file=sys.stderr)
        return 2
    for p in problems:
        print(p)
    if problems:
        return 1
    print(f"check-layers: ok ({sum(1 for t in package['targets'] if t['type'] != 'test')} targets)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
