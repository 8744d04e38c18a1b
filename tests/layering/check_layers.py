#!/usr/bin/env python3
"""The shape of src/ (issue 14): folders stand in layers, each using only
itself and the layers below; no two files call each other, directly or in a
circle. Both are read from what the compiler made, not from the sources:
`nm` on the object files tells which file defines each function and which
files call it, and the quoted includes tell which folder's headers a file
reads. Usage: check_layers.py BUILD_DIR [NM]"""
import collections
import os
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
# Lowest first. A folder may use its own files and those of the layers
# before it; "." is src/ itself (main.c, daemon.h, startup_check.c).
LAYERS = [
    {"base"},
    {"log"},
    {"platform"},
    {"transport"},
    {"drawer", "receipt", "admission"},
    {"status"},
    {"settings"},
    {"tls"},
    {"http"},
    {"."},
]
# The programs beside the daemon are checked for circles only.
TARGETS = ("cashdrawerd_core", "cashdrawerd_receipt", "cashdrawerd_tls", "cashdrawerd", "escpos_sim_core", "escpos-sim")


def rank(folder):
    for i, layer in enumerate(LAYERS):
        if folder in layer:
            return i
    raise SystemExit(f"check_layers: folder src/{folder} is in no layer: add it to LAYERS")


def folder_of(source):
    """src/http/server.c -> http; src/main.c -> ."""
    parts = Path(source).parts
    return parts[1] if len(parts) > 2 else "."


def object_files(build):
    """(source, object) for each object of the targets whose source exists."""
    found = []
    for target in TARGETS:
        base = build / "CMakeFiles" / f"{target}.dir"
        for obj in [*base.rglob("*.o"), *base.rglob("*.obj")]:  # mingw: .obj
            source = obj.relative_to(base).with_suffix("")  # src/x.c.o -> src/x.c
            if (ROOT / source).is_file():
                found.append((str(source), obj))
    return found


def symbols(nm, objects):
    """defined: symbol -> source; used: source -> set of symbols."""
    defined, used = {}, collections.defaultdict(set)
    for source, obj in objects:
        out = subprocess.run([nm, "-P", str(obj)], capture_output=True, text=True,
                             check=True).stdout
        for line in out.splitlines():
            fields = line.split()
            if len(fields) < 2:
                continue
            name, kind = fields[0], fields[1]
            if kind == "U":
                used[source].add(name)
            elif kind in "TDBR":  # functions and data defined here, visible outside
                defined[name] = source
    return defined, used


def call_graph(defined, used):
    graph = collections.defaultdict(set)
    for source, names in used.items():
        for name in names:
            target = defined.get(name)
            if target is not None and target != source:
                graph[source].add(target)
    return graph


def circles(graph):
    """Strongly connected components of more than one file (Tarjan)."""
    index, low, stack, on_stack, found = {}, {}, [], set(), []
    counter = [0]

    def visit(v):
        index[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        on_stack.add(v)
        for w in sorted(graph.get(v, ())):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    sys.setrecursionlimit(10000)
    for v in sorted(set(graph) | {w for ws in graph.values() for w in ws}):
        if v not in index:
            visit(v)
    return found


def include_edges():
    """(file, header) for each quoted include of a file under src/."""
    edges = []
    for path in sorted((ROOT / "src").rglob("*.[ch]")):
        source = str(path.relative_to(ROOT))
        if "win32-posix" in source:
            continue
        for header in re.findall(r'^#include "([^"]+)"', path.read_text(encoding="utf-8"),
                                 re.MULTILINE):
            edges.append((source, "src/" + header))
    return edges


def upward(edges):
    """Uses of a folder above the user's own layer."""
    bad = []
    for user, used in edges:
        if not user.startswith("src/") or not used.startswith("src/"):
            continue
        a, b = folder_of(user), folder_of(used)
        if a != b and rank(b) > rank(a):
            bad.append(f"{user} uses {used} (src/{b} is above src/{a})")
    return sorted(set(bad))


def main():
    build = Path(sys.argv[1]).resolve()
    nm = sys.argv[2] if len(sys.argv) > 2 else "nm"
    objects = object_files(build)
    if len(objects) < 20:
        raise SystemExit(f"check_layers: only {len(objects)} object files under {build}: built?")
    defined, used = symbols(nm, objects)
    graph = call_graph(defined, used)
    problems = [" <-> ".join(c) + " call each other" for c in circles(graph)]
    calls = [(user, target) for user, targets in graph.items() for target in targets]
    problems += upward(calls + include_edges())
    print(f"check_layers: {len(objects)} object files, {len(calls)} calls between files, "
          f"{len(problems)} problems")
    for problem in problems:
        print("  " + problem)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
