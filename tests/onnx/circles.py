#!/usr/bin/env python3
"""Files of one folder of src/ that call each other in a loop ("circles").
Inside a folder the files form a hierarchy: each file below the files that
use it.  Reads which file defines and which uses each global symbol from
`nm` of the build's objects, and prints every circle with the names that
tie it; prints nothing when there is none.

    circles.py BUILDDIR
"""
import collections
import os
import re
import subprocess
import sys


def objects(build):
    """(folder/file, path) of every object compiled from src/."""
    for d, _, files in os.walk(os.path.join(build, "src")):
        for f in sorted(files):
            if f.endswith(".o"):
                folder = os.path.relpath(d, os.path.join(build, "src"))
                # automake prefixes objects with their target's name
                name = re.sub(r"^(libgraphsmith_a|graphsmith)-", "", f)[:-2]
                yield folder + "/" + name, os.path.join(d, f)


def symbols(path):
    defined, used = set(), set()
    out = subprocess.run(["nm", path], capture_output=True, text=True, check=True).stdout
    for line in out.splitlines():
        parts = line.split()
        if len(parts) == 3 and parts[1] in "TDBR":
            defined.add(parts[2])
        elif len(parts) == 2 and parts[0] == "U":
            used.add(parts[1])
    return defined, used


def circles(graph):
    """Strongly connected components of more than one file (Tarjan)."""
    index, low, stack, on, found = {}, {}, [], set(), []

    def visit(v):
        index[v] = low[v] = len(index)
        stack.append(v)
        on.add(v)
        for w in graph[v]:
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop()
                on.discard(w)
                comp.append(w)
                if w == v:
                    break
            if len(comp) > 1:
                found.append(sorted(comp))

    for v in sorted(graph):
        if v not in index:
            visit(v)
    return found


def main(build):
    defs, uses = {}, {}
    for unit, path in objects(build):
        defs[unit], uses[unit] = symbols(path)
    if not defs:
        print("no objects under %s/src: build first" % build)
        return 1
    owner = {s: u for u, d in defs.items() for s in d}
    graph = collections.defaultdict(dict)
    for u in defs:
        graph[u]
        for s in uses[u]:
            o = owner.get(s)
            if o and o != u and o.split("/")[0] == u.split("/")[0]:
                graph[u].setdefault(o, set()).add(s)
    found = circles(graph)
    for comp in found:
        print("circle: " + ", ".join(comp))
        for a in comp:
            for b in comp:
                if b in graph[a]:
                    print("    %s -> %s: %s" % (a, b, ", ".join(sorted(graph[a][b]))))
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
