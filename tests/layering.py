#!/usr/bin/env python3
"""layering.py - the architecture's two rules, checked on the tree.

1. Folders depend downwards only. Each folder may include headers of its
   own folder and of the folders below it in this order:

       util < trace < policies < machine < report < replay < cli

   (policies sit beside the machine: the machine calls them; report reads
   the machine's counters; replay drives machines and writes reports.)
   A quoted include of another folder's header names it ("machine/sim.h"),
   so the rule reads off the include lines.

2. No cycles between source files: in the graph "file A calls or uses a
   symbol defined in file B", taken from `nm` on the built objects, every
   strongly connected component is a single file.

Usage: layering.py SRCDIR BUILDDIR. Prints one line per violation and
exits 1 if there is any, 0 otherwise.
"""
import collections
import os
import re
import subprocess
import sys

ORDER = ["util", "trace", "policies", "machine", "report", "replay", "cli"]
RANK = {name: i for i, name in enumerate(ORDER)}
INCLUDE = re.compile(r'^\s*#\s*include\s+"([a-z_]+)/[^"]+"', re.M)


def folder_of(path):
    """The pipeline folder a source path belongs to, or None."""
    parts = path.split(os.sep)
    if parts[0] == "policies" and len(parts) == 2:
        return "policies"
    if parts[0] == "src" and len(parts) == 3 and parts[1] in RANK:
        return parts[1]
    return None


def sources(srcdir):
    """Every .c and .h file of src/ and policies/ (not the example plug-in)."""
    for top in ("src", "policies"):
        for root, dirs, files in os.walk(os.path.join(srcdir, top)):
            dirs[:] = [d for d in dirs if d != "example-plugin"]
            for f in files:
                if f.endswith((".c", ".h")):
                    yield os.path.relpath(os.path.join(root, f), srcdir)


def include_violations(srcdir):
    """Lines naming includes that point up the pipeline or out of it."""
    bad = []
    for rel in sorted(sources(srcdir)):
        here = folder_of(rel)
        if here is None:
            bad.append(f"{rel}: not in a pipeline folder ({', '.join(ORDER)})")
            continue
        with open(os.path.join(srcdir, rel), encoding="utf-8") as f:
            text = f.read()
        for target in INCLUDE.findall(text):
            if target not in RANK:
                bad.append(f"{rel}: includes from unknown folder {target}/")
            elif RANK[target] > RANK[here]:
                bad.append(f"{rel}: {here}/ includes {target}/, which is above it")
    return bad


def symbols(obj):
    """(defined, undefined) global symbols of one object file."""
    out = subprocess.run(["nm", obj], capture_output=True, text=True, check=True).stdout
    defined, undefined = set(), set()
    for line in out.splitlines():
        fields = line.split()
        if len(fields) == 2 and fields[0] == "U":
            undefined.add(fields[1])
        elif len(fields) == 3 and fields[1] in "TDBRCVW":
            defined.add(fields[2])
    return defined, undefined


def objects(builddir):
    """The objects of the library and the program, by source-like name."""
    found = {}
    for top in ("src", "policies"):
        for root, dirs, files in os.walk(os.path.join(builddir, top)):
            for f in files:
                if f.endswith(".o"):
                    found[os.path.relpath(os.path.join(root, f), builddir)] = os.path.join(root, f)
    return found


def symbol_owners(builddir):
    """(owner of each global symbol, what each object uses, symbols that
    two objects define: the linker would keep one and drop the other)."""
    owner, uses, clashes = {}, {}, []
    for name, path in objects(builddir).items():
        defined, undefined = symbols(path)
        uses[name] = undefined
        for sym in defined:
            if sym in owner:
                clashes.append(f"{sym} is defined in both {owner[sym]} and {name}")
            owner[sym] = name
    return owner, uses, clashes


def cycles(builddir):
    """Groups of object files that call each other in a cycle."""
    objs = objects(builddir)
    owner, uses, _ = symbol_owners(builddir)
    graph = collections.defaultdict(set)
    for name, undefined in uses.items():
        graph[name] = {owner[s] for s in undefined if s in owner and owner[s] != name}
    return [sorted(c) for c in strongly_connected(graph, sorted(objs)) if len(c) > 1]


def strongly_connected(graph, nodes):
    """Tarjan's algorithm, iterative: the strongly connected components."""
    index, low, on_stack, stack, result = {}, {}, set(), [], []
    counter = 0
    for root in nodes:
        if root in index:
            continue
        work = [(root, iter(sorted(graph[root])))]
        index[root] = low[root] = counter
        counter += 1
        stack.append(root)
        on_stack.add(root)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is None:
                work.pop()
                if work:
                    low[work[-1][0]] = min(low[work[-1][0]], low[node])
                if low[node] == index[node]:
                    comp = []
                    while True:
                        w = stack.pop()
                        on_stack.discard(w)
                        comp.append(w)
                        if w == node:
                            break
                    result.append(comp)
            elif child not in index:
                index[child] = low[child] = counter
                counter += 1
                stack.append(child)
                on_stack.add(child)
                work.append((child, iter(sorted(graph[child]))))
            elif child in on_stack:
                low[node] = min(low[node], index[child])
    return result


def main():
    srcdir, builddir = sys.argv[1], sys.argv[2]
    problems = include_violations(srcdir)
    if not objects(builddir):
        problems.append(f"{builddir}: no object files found under src/ or policies/ (build first)")
    problems += symbol_owners(builddir)[2]
    problems += ["cycle between source files: " + " <-> ".join(c) for c in cycles(builddir)]
    for p in problems:
        print(p)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
