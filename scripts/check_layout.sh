#!/usr/bin/env bash
# The layout of the sources, checked as a reader would check it: ner/ holds its parts in subfolders (no source file at
# its top), no source file includes itself through others (no include cycle, of two files or more), and the libraries
# link what their parts use: the core library (ner_app) neither MPI nor cpp-httplib, the Python module not the
# command-line library (ner_cli). The links are read from CMake's dependency graph, configured in a scratch folder.
# Usage: scripts/check_layout.sh
# Prints one line per check and "layout: ok" at the end; exits 1 naming what does not hold.
set -euo pipefail
sources=$(cd "$(dirname "$0")/.." && pwd)
graph=$(mktemp -d)
trap 'rm -rf "$graph"' EXIT
cmake -S "$sources" -B "$graph/build" -DCMAKE_BUILD_TYPE=Release --graphviz="$graph/targets.dot" >/dev/null

/usr/bin/python3 - "$sources" "$graph/targets.dot" <<'EOF'
import os, re, sys
sources, dot = sys.argv[1], sys.argv[2]
failures = []

# ner/ has subfolders and no source file of its own.
top = [name for name in os.listdir(os.path.join(sources, "ner")) if name.endswith((".cc", ".h"))]
folders = sorted(name for name in os.listdir(os.path.join(sources, "ner")) if os.path.isdir(os.path.join(sources, "ner", name)))
print("ner/ subfolders:", " ".join(folders))
if top or not folders:
    failures.append("ner/ holds source files at its top: " + " ".join(sorted(top)))

# The include graph of every source file in ner/, nn/, data/ and tests/, by the paths they include ("nn/lstm.h").
includes = {}
for root in ("ner", "nn", "data", "tests"):
    for folder, _, names in os.walk(os.path.join(sources, root)):
        for name in names:
            if name.endswith((".cc", ".h")):
                path = os.path.relpath(os.path.join(folder, name), sources)
                with open(os.path.join(sources, path), encoding="utf-8") as text:
                    includes[path] = [found for found in re.findall(r'^\s*#\s*include\s+"([^"]+)"', text.read(), re.M)
                                      if found in includes or os.path.exists(os.path.join(sources, found))]

# A cycle: a file reached again from itself (depth-first search, files on the current path marked "open").
state, cycles = {}, []
def visit(path, trail):
    state[path] = "open"
    for included in includes.get(path, []):
        if state.get(included) == "open":
            cycles.append(trail[trail.index(included):] + [included])
        elif included not in state:
            visit(included, trail + [included])
    state[path] = "done"
for path in sorted(includes):
    if path not in state:
        visit(path, [path])
print(f"include cycles among {len(includes)} files:", len(cycles))
failures += ["include cycle: " + " -> ".join(cycle) for cycle in cycles]

# The targets each library reaches through its link dependencies (CMake's graph: node ids, labels, edges).
labels = dict(re.findall(r'"(node\d+)" \[ label = "([^"]+)"', open(dot, encoding="utf-8").read()))
edges = {}
for source, target in re.findall(r'"(node\d+)" -> "(node\d+)"', open(dot, encoding="utf-8").read()):
    edges.setdefault(labels[source], set()).add(labels[target])
def reached(target):
    seen, stack = set(), [target]
    while stack:
        for next_target in edges.get(stack.pop(), ()):
            if next_target not in seen:
                seen.add(next_target)
                stack.append(next_target)
    return seen
for library, forbidden in (("ner_app", ("MPI", "HTTPLIB", "httplib")), ("ner_python", ("ner_cli", "CLI11"))):
    if library not in labels.values():
        print(f"{library}: not configured in this build, not checked")
        continue
    found = sorted(target for target in reached(library) if any(word in target for word in forbidden))
    print(f"{library} links:", " ".join(sorted(reached(library))))
    if found:
        failures.append(f"{library} links {' '.join(found)}")

for failure in failures:
    print("layout: " + failure, file=sys.stderr)
if failures:
    sys.exit(1)
print("layout: ok")
EOF
