#!/usr/bin/env python3
"""refvar.py - an independent model of pagesim's variable-space policies
(ws, vmin, pff) and nfu, of the mean_resident/space_time columns and of
`pagesim ws`'s curves, written from the definitions in the README, not
from the C code, and deliberately naive (sets and dicts, no incremental
tricks).

Traces: `pages` (decimal page numbers, "3w" marks a write) and `addr-rw`
("HEXADDR R|W", 1 byte, process 1); 4 KiB pages.

  refvar.py run TRACE FORMAT FRAMES POLICY[:KEY=VALUE]...
      one CSV line per policy:
      policy,frames,faults,evictions,dirty_evictions,swap_reads,resident,space_time
  refvar.py ws TRACE FORMAT TAU...
      one CSV line per window: tau,mean_ws,faults (mean_ws to 6 places)

The model (anonymous memory of one process, no TLB): a reference to a
resident page is a hit and sets its accessed bit; else a fault loads it
(from swap if it was written out before, else a zero fill), evicting a
page chosen by the policy if FRAMES pages are resident. An evicted page
that was written since it was loaded (or last written out) is written to
swap (a dirty eviction) and keeps its swap copy. At each reference t:
  1. the releases due before t (ws: pages last referenced more than T
     references ago; vmin: pages whose next use was more than T away at
     their last reference) are evicted;
  2. the reference is served (pff: its releases happen at the fault);
  3. space_time += the number of resident pages.
"""
import sys

NEVER = float("inf")


def read_trace(path, fmt):
    """[(page, is_write)] of the trace."""
    refs = []
    with open(path) as f:
        for line in f:
            line = line.split("#", 1)[0].strip()
            if not line:
                continue
            if fmt == "pages":
                for tok in line.replace(",", " ").split():
                    w = tok[-1] in "wW"
                    tok = tok.rstrip("wWrR")
                    refs.append((int(tok), w))
            else:
                addr, op = line.split()
                refs.append((int(addr, 16) >> 12, op in ("W", "w")))
    return refs


class Machine:
    """Pages, their accessed and dirty bits, swap copies and counters."""

    def __init__(self, frames):
        self.frames = frames
        self.resident = []          # pages, in admission order
        self.frame_of = {}          # page -> frame number
        self.accessed = {}
        self.dirty = {}
        self.swapped = set()        # pages with a copy in swap
        self.c = dict(faults=0, evictions=0, dirty_evictions=0, swap_reads=0, space_time=0)

    def evict(self, page):
        self.resident.remove(page)
        del self.frame_of[page]
        self.c["evictions"] += 1
        if self.dirty[page]:
            self.c["dirty_evictions"] += 1
            self.swapped.add(page)

    def load(self, page, write):
        self.c["faults"] += 1
        if page in self.swapped:
            self.c["swap_reads"] += 1
        used, free = set(self.frame_of.values()), 0
        while free in used:                 # the lowest free frame
            free += 1
        self.resident.append(page)
        self.frame_of[page] = free
        self.dirty[page] = write
        self.accessed[page] = True

    def hit(self, page, write):
        self.accessed[page] = True
        self.dirty[page] = self.dirty[page] or write


def next_uses(refs):
    nxt, seen = [NEVER] * len(refs), {}
    for t in range(len(refs) - 1, -1, -1):
        nxt[t] = seen.get(refs[t][0], NEVER)
        seen[refs[t][0]] = t
    return nxt


def run(refs, frames, name, params):
    m = Machine(frames)
    last, due, nxt = {}, {}, next_uses(refs)
    tau = params.get("tau", 1000)
    theta = params.get("threshold", 100)
    period = params.get("tick", 1000)
    count, fresh = {}, set()
    prev_fault = None
    for t, (page, write) in enumerate(refs):
        # 1. releases due before t
        if name == "ws":
            for p in [p for p in m.resident if last[p] + tau < t]:
                m.evict(p)
        elif name == "vmin":
            for p in [p for p in m.resident if due.get(p, NEVER) <= t]:
                m.evict(p)
        elif name == "nfu" and t % period == 0:
            for p in m.resident:
                count[p] += 1 if m.accessed[p] else 0
                m.accessed[p] = False
            fresh.clear()
        # 2. the reference
        if page in m.frame_of:
            m.hit(page, write)
        else:
            if len(m.resident) == frames:
                if name == "ws":
                    victim = min(m.resident, key=lambda p: last[p])
                elif name == "vmin":
                    victim = max(m.resident, key=lambda p: (nxt_of[p], -m.frame_of[p]))
                elif name == "pff":
                    clear = [p for p in m.resident if not m.accessed[p]]
                    victim = clear[0] if clear else m.resident[0]
                else:  # nfu
                    victim = min(m.resident,
                                 key=lambda p: (count[p] + (p in fresh), m.frame_of[p]))
                m.evict(victim)
            if name == "pff":
                shrink = prev_fault is not None and t - prev_fault > theta
                for p in list(m.resident):
                    if shrink and not m.accessed[p]:
                        m.evict(p)
                    m.accessed[p] = False
                prev_fault = t
            m.load(page, write)
            count[page] = 0
            fresh.add(page)
        last[page] = t
        if name == "vmin":
            nxt_of[page] = nxt[t]
            due[page] = t + 1 if nxt[t] - t > tau else NEVER
        # 3. what this reference holds
        m.c["space_time"] += len(m.resident)
    return m.c, len(m.resident)


nxt_of = {}


def ws_curve(refs, tau):
    """(mean working-set size, faults) by the definitions."""
    last, total, faults = {}, 0, 0
    for t, (page, _) in enumerate(refs):
        if page not in last or t - last[page] > tau:
            faults += 1
        last[page] = t
        total += sum(1 for u in last.values() if u >= t - tau + 1)
    return total / len(refs), faults


def main(argv):
    if len(argv) >= 4 and argv[0] == "ws":
        refs = read_trace(argv[1], argv[2])
        for tau in argv[3:]:
            mean, faults = ws_curve(refs, int(tau))
            print("%s,%.6f,%d" % (tau, mean, faults))
        return 0
    if len(argv) >= 5 and argv[0] == "run":
        refs = read_trace(argv[1], argv[2])
        frames = int(argv[3])
        for spec in argv[4:]:
            name, *kv = spec.split(":")
            params = {k: int(v) for k, v in (x.split("=") for x in kv)}
            nxt_of.clear()
            c, resident = run(refs, frames, name, params)
            print("%s,%d,%d,%d,%d,%d,%d,%d" % (spec, frames, c["faults"], c["evictions"],
                                              c["dirty_evictions"], c["swap_reads"], resident,
                                              c["space_time"]))
        return 0
    sys.stderr.write(__doc__)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
