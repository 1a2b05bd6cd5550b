#!/usr/bin/env python3
"""merge_model.py - an independent model of pagesim's multiprogrammed merge
(`pagesim run --workload`), written from the rule in src/trace/interleave.h and
not from interleave.c, for tests/e2e-workload.sh.

Usage: merge_model.py --quantum Q TRACE...   (native traces, plain text)

Prints one native trace: the traces merged round-robin, the first trace
first, each turn handing out the trace's records in order until Q access
records have gone (events take no time; an M line is two accesses, a read
then a write); an ended trace leaves the rotation.  Processes are
renumbered 1, 2, ... in the order they first appear in the merged stream
(the process of an access or an event, then a fork's child).  Replaying
the output with `pagesim run` must give what --workload gives.
"""

import argparse
import sys

EVENTS_OF_CURRENT = ("segment", "mmap", "munmap", "brk")


def items(path):
    """The records of a native trace, in order: ("acc", pid, op, rest) or
    ("ev", pid, words) or ("fork", parent, child) or ("exit", pid)."""
    out = []
    cur = 1
    with open(path) as f:
        for raw in f:
            line = raw.split("#", 1)[0].split()
            if not line or line[0] == "pagesim-trace":
                continue
            word = line[0]
            if word == "process":
                cur = int(line[1], 0)
            elif word in EVENTS_OF_CURRENT:
                out.append(("ev", cur, line))
            elif word == "fork":
                out.append(("fork", int(line[1], 0), int(line[2], 0)))
            elif word == "exit":
                out.append(("exit", int(line[1], 0)))
            else:
                pid = cur
                rest = []
                for tok in line[1:]:
                    if tok.startswith("pid="):
                        pid = int(tok[4:], 0)
                    else:
                        rest.append(tok)
                ops = ("R", "W") if word == "M" else (word,)
                for op in ops:
                    out.append(("acc", pid, op, rest))
    return out


def merge(traces, quantum):
    queues = [items(p) for p in traces]
    pos = [0] * len(queues)
    numbers = {}
    lines = ["pagesim-trace 1"]
    state = {"cur": None}

    def number(k, pid):
        if (k, pid) not in numbers:
            numbers[(k, pid)] = len(numbers) + 1
        return numbers[(k, pid)]

    def emit(k, it):
        if it[0] == "acc":
            lines.append("%s %s pid=%d" % (it[2], " ".join(it[3]), number(k, it[1])))
        elif it[0] == "ev":
            pid = number(k, it[1])
            if state["cur"] != pid:
                lines.append("process %d" % pid)
                state["cur"] = pid
            lines.append(" ".join(it[2]))
        elif it[0] == "fork":
            parent = number(k, it[1])
            lines.append("fork %d %d" % (parent, number(k, it[2])))
        else:
            lines.append("exit %d" % number(k, it[1]))

    live = [True] * len(queues)
    k = 0
    while any(live):
        if live[k]:
            done = 0
            while done < quantum:
                if pos[k] == len(queues[k]):
                    live[k] = False
                    break
                it = queues[k][pos[k]]
                pos[k] += 1
                emit(k, it)
                done += it[0] == "acc"
        k = (k + 1) % len(queues)
    return lines


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--quantum", type=int, required=True)
    ap.add_argument("traces", nargs="+")
    args = ap.parse_args()
    sys.stdout.write("\n".join(merge(args.traces, args.quantum)) + "\n")


if __name__ == "__main__":
    main()
