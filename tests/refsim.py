#!/usr/bin/env python3
"""refsim.py - an independent reference page-replacement simulator.

Written only from the written semantics of the pagesim test plan (not from
pagesim's sources), so that its numbers can cross-check pagesim's exactly.
Deliberately simple: one dict-based frame table, one victim function per
policy.

Model
  F frames 0..F-1, initially free.  A reference to a resident page is a hit:
  it sets the page's accessed bit (and its dirty bit if a write).  A
  reference to a non-resident page is a fault: the page goes into the
  lowest-numbered free frame, or, if none is free, into the frame of the
  victim the policy chooses.  The faulting reference sets the new page's
  accessed bit (and dirty bit if a write).
  Eviction of a dirty page writes it to swap (swap_writes, dirty_evictions);
  the page keeps its swap copy from then on.  A clean page is dropped (no
  I/O).  A fault on a page with a swap copy is a swap read; otherwise it is
  a zero fill.

Policies: fifo, lru, opt (Belady MIN; ties among never-again pages go to
the lowest-numbered frame), clock (hand over frames 0..F-1 from 0), and
second-chance (FIFO queue, accessed pages go to the back with the bit
cleared).

Usage:
  refsim.py --policy fifo,lru,opt,clock,second-chance --frames 16,64,256
            [--format addr-rw|pages] FILE|-
Prints, for each policy (outer) and frame count (inner), one CSV line:
  policy,frames,refs,distinct_pages,faults,evictions,dirty_evictions,
  swap_writes,swap_reads
"""

import argparse
import collections
import heapq
import re
import sys

PAGE_SHIFT = 12
POLICIES = ("fifo", "lru", "opt", "clock", "second-chance")


# --------------------------------------------------------------------------
# Trace reading.  Returns two parallel lists: pages and write flags.

def parse(lines, fmt):
    pages = []
    writes = []
    for lineno, raw in enumerate(lines, 1):
        line = raw.strip()
        if lineno == 1 and line.startswith("\ufeff"):
            line = line[1:].strip()
        if not line or line.startswith("#"):
            continue
        # a trailing comment needs at least one space before the '#'
        line = re.split(r"\s#", line, maxsplit=1)[0].strip()
        if fmt == "addr-rw":
            fields = line.split()
            if len(fields) != 2 or fields[1] not in ("R", "r", "W", "w"):
                sys.exit("refsim: line %d: expected 'hexaddr R|W': %r" % (lineno, raw))
            addr = fields[0]
            if addr[:2] in ("0x", "0X"):
                addr = addr[2:]
            pages.append(int(addr, 16) >> PAGE_SHIFT)
            writes.append(fields[1] in ("W", "w"))
        elif fmt == "pages":
            for tok in re.split(r"[\s,]+", line):
                if tok == "":
                    continue
                if not tok.isdigit():
                    sys.exit("refsim: line %d: bad page number %r" % (lineno, tok))
                pages.append(int(tok))
                writes.append(False)
        else:
            sys.exit("refsim: unknown format %r" % fmt)
    return pages, writes


# --------------------------------------------------------------------------
# Victim selection.  Each policy is a class with three hooks:
#   loaded(frame, page, t)  - page was just loaded into frame at reference t
#   touched(frame, page, t) - a hit on page (in frame) at reference t
#   victim()                - choose the frame to evict (all frames full)
# The simulator owns the accessed bits (self.sim.accessed[frame]).

class Fifo:
    def __init__(self, sim):
        self.queue = collections.deque()   # frames, oldest load at the left

    def loaded(self, frame, page, t):
        self.queue.append(frame)

    def touched(self, frame, page, t):
        pass

    def victim(self):
        return self.queue.popleft()


class Lru:
    def __init__(self, sim):
        self.order = collections.OrderedDict()  # frame -> None, LRU first

    def loaded(self, frame, page, t):
        self.order[frame] = None
        self.order.move_to_end(frame)

    def touched(self, frame, page, t):
        self.order.move_to_end(frame)

    def victim(self):
        frame, _ = self.order.popitem(last=False)
        return frame


class Opt:
    """Belady MIN with a lazily invalidated max-heap of next-use times."""

    def __init__(self, sim):
        self.sim = sim
        self.next_use = sim.next_use      # next_use[t]: next ref to pages[t]
        self.inf = len(sim.pages)         # "never again" sorts after any t
        self.current = {}                 # frame -> next use of its page
        self.heap = []                    # (-next use, frame)

    def _set(self, frame, t):
        nu = self.next_use[t]
        self.current[frame] = nu
        heapq.heappush(self.heap, (-nu, frame))

    def loaded(self, frame, page, t):
        self._set(frame, t)

    def touched(self, frame, page, t):
        self._set(frame, t)

    def victim(self):
        # The heap's smallest key is the largest next use; among equal keys
        # (only possible for "never again") the lowest frame number.
        while True:
            negnu, frame = heapq.heappop(self.heap)
            if self.current.get(frame) == -negnu:
                del self.current[frame]
                return frame


class Clock:
    def __init__(self, sim):
        self.sim = sim
        self.hand = 0

    def loaded(self, frame, page, t):
        pass

    def touched(self, frame, page, t):
        pass

    def victim(self):
        accessed = self.sim.accessed
        nframes = self.sim.nframes
        while True:
            frame = self.hand
            self.hand = (self.hand + 1) % nframes
            if accessed[frame]:
                accessed[frame] = False
            else:
                return frame


class SecondChance:
    def __init__(self, sim):
        self.sim = sim
        self.queue = collections.deque()   # frames of resident pages

    def loaded(self, frame, page, t):
        self.queue.append(frame)

    def touched(self, frame, page, t):
        pass

    def victim(self):
        accessed = self.sim.accessed
        while True:
            frame = self.queue.popleft()
            if accessed[frame]:
                accessed[frame] = False
                self.queue.append(frame)
            else:
                return frame


POLICY_CLASSES = {
    "fifo": Fifo,
    "lru": Lru,
    "opt": Opt,
    "clock": Clock,
    "second-chance": SecondChance,
}


# --------------------------------------------------------------------------
# The simulator.

class Sim:
    def __init__(self, pages, writes, next_use, nframes):
        self.pages = pages
        self.writes = writes
        self.next_use = next_use
        self.nframes = nframes
        self.frame_page = [None] * nframes   # page in each frame, or None
        self.accessed = [False] * nframes
        self.dirty = [False] * nframes
        self.resident = {}                   # page -> frame
        self.in_swap = set()                 # pages that have a swap copy
        self.faults = 0
        self.evictions = 0
        self.dirty_evictions = 0
        self.swap_writes = 0
        self.swap_reads = 0

    def lowest_free_frame(self):
        for frame in range(self.nframes):
            if self.frame_page[frame] is None:
                return frame
        return None

    def run(self, policy_name):
        policy = POLICY_CLASSES[policy_name](self)
        resident = self.resident
        frame_page = self.frame_page
        accessed = self.accessed
        dirty = self.dirty
        in_swap = self.in_swap
        used = 0                                  # frames holding a page
        for t, (page, is_write) in enumerate(zip(self.pages, self.writes)):
            frame = resident.get(page)
            if frame is not None:                 # hit
                accessed[frame] = True
                if is_write:
                    dirty[frame] = True
                policy.touched(frame, page, t)
                continue
            # fault
            self.faults += 1
            if used < self.nframes:
                frame = self.lowest_free_frame()
                used += 1
            else:
                frame = policy.victim()
                old = frame_page[frame]
                self.evictions += 1
                if dirty[frame]:
                    self.dirty_evictions += 1
                    self.swap_writes += 1
                    in_swap.add(old)
                # clean: with a swap copy no I/O, without one dropped
                del resident[old]
                frame_page[frame] = None
            if page in in_swap:
                self.swap_reads += 1
            frame_page[frame] = page
            resident[page] = frame
            accessed[frame] = True
            dirty[frame] = is_write
            policy.loaded(frame, page, t)


def next_uses(pages):
    """next_use[t] = index of the next reference to pages[t], or len(pages)."""
    n = len(pages)
    result = [n] * n
    last = {}
    for t in range(n - 1, -1, -1):
        p = pages[t]
        result[t] = last.get(p, n)
        last[p] = t
    return result


def int_list(text):
    values = []
    for item in text.split(","):
        value = int(item)
        if value < 1:
            raise argparse.ArgumentTypeError("frame counts must be >= 1")
        values.append(value)
    return values


def main(argv=None):
    ap = argparse.ArgumentParser(description="reference page-replacement simulator")
    ap.add_argument("--policy", default="fifo,lru,opt,clock,second-chance")
    ap.add_argument("--frames", type=int_list, default=[64])
    ap.add_argument("--format", choices=("addr-rw", "pages"), default="addr-rw")
    ap.add_argument("trace")
    args = ap.parse_args(argv)

    policies = args.policy.split(",")
    for p in policies:
        if p not in POLICY_CLASSES:
            ap.error("unknown policy %r (know: %s)" % (p, ", ".join(POLICIES)))

    if args.trace == "-":
        pages, writes = parse(sys.stdin, args.format)
    else:
        with open(args.trace, encoding="utf-8", newline=None) as f:
            pages, writes = parse(f, args.format)

    nu = next_uses(pages) if "opt" in policies else None
    distinct = len(set(pages))
    out = sys.stdout
    for policy in policies:
        for nframes in args.frames:
            sim = Sim(pages, writes, nu, nframes)
            sim.run(policy)
            out.write("%s,%d,%d,%d,%d,%d,%d,%d,%d\n" % (
                policy, nframes, len(pages), distinct, sim.faults,
                sim.evictions, sim.dirty_evictions, sim.swap_writes,
                sim.swap_reads))


if __name__ == "__main__":
    main()
