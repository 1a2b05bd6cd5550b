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

Policies: fifo, lru, opt (Belady MIN; among never-again pages the least
recently referenced goes first), opt:window=N (the same, but a next use N
or more references ahead counts as never again), clock (hand over frames
0..F-1 from 0), and second-chance (FIFO queue, accessed pages go to the
back with the bit cleared).

The VM model (native traces with segment, mmap, munmap, brk, fork and exit
events; processes; copy-on-write; shared file pages; swap slots shared by
forks; stack growth; segfaults; an optional TLB) is the second half of this
file, class VmSim, written only from the model essay of src/machine/sim.c and the
counters of struct sim_stats (src/machine/sim.h).  Its hand-checked examples run
with `python3 -m doctest tests/refsim.py`.

Usage:
  refsim.py --policy fifo,lru,opt,clock,second-chance --frames 16,64,256
            [--format auto|addr-rw|pages|native] FILE|-
  VM model: a native trace, or --vm-columns, --strict or --tlb; options
            --stack-gap BYTES, --strict, --tlb ENTRIES[:WAYS],
            --tlb-flush-on-switch, --no-shootdown, --self-check (check the
            model's invariants after every step; slow).  opt is refused.
Prints, for each policy (outer) and frame count (inner), one CSV line:
  policy,frames,refs,distinct_pages,faults,evictions,dirty_evictions,
  swap_writes,swap_reads
then with --vm-columns: zero_fills,file_reads,minor_faults,cow_copies,
  cow_reuses,stack_growths,segfaults,ignored_refs,file_writebacks,
  file_writes,resident,hits (and with --tlb: tlb_hits,tlb_misses,
  tlb_shootdowns).  --header prints the column names first.
  With --steps (classic traces only), one line per reference instead:
  ref,page,hit|fault,victim page,swap|drop,frames (the policy's view as
  `pagesim explain` prints it), for explain's test (tests/e2e-explain.sh).
"""

import argparse
import collections
import heapq
import re
import sys

PAGE_SHIFT = 12
POLICIES = ("fifo", "lru", "opt", "clock", "second-chance")


# --------------------------------------------------------------------------
# Trace reading.  parse returns two parallel lists: pages and write flags.

def content_lines(lines):
    """Yields (lineno, raw, line) for each line of a trace that holds
    something: line is raw without the space around it, a BOM on the first
    line, or a trailing comment (which needs at least one space before its
    '#'). Blank lines and comment lines are skipped."""
    for lineno, raw in enumerate(lines, 1):
        line = raw.strip()
        if lineno == 1 and line.startswith("\ufeff"):
            line = line[1:].strip()
        if not line or line.startswith("#"):
            continue
        yield lineno, raw, re.split(r"\s#", line, maxsplit=1)[0].strip()


def parse(lines, fmt):
    pages = []
    writes = []
    for lineno, raw, line in content_lines(lines):
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
                mark = tok[-1].lower() if tok[-1] in "wrWR" else ""
                if mark:
                    tok = tok[:-1]
                if not tok.isdigit():
                    sys.exit("refsim: line %d: bad page number %r" % (lineno, tok))
                pages.append(int(tok))
                writes.append(mark == "w")   # "3w" or "3W" writes page 3, "3r" reads it
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

    def removed(self, frame):              # frame freed (munmap, exit, ...)
        self.queue.remove(frame)

    def view(self):                        # (frame, hand?, (key, value) or None)
        return [(f, False, None) for f in self.queue]


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

    def removed(self, frame):
        del self.order[frame]

    def view(self):
        return [(f, False, None) for f in self.order]


class Opt:
    """Belady MIN with a lazily invalidated max-heap of next-use times."""

    def __init__(self, sim, window=0):
        self.sim = sim
        self.next_use = sim.next_use      # next_use[t]: next ref to pages[t]
        self.inf = len(sim.pages)         # "never again" sorts after any t
        self.window = window              # 0: the whole trace
        self.current = {}                 # frame -> next use of its page
        self.heap = []                    # (-next use, frame)

    def _set(self, frame, t):
        nu = self.next_use[t]
        if nu >= self.inf or (self.window and nu - t >= self.window):
            # Never again (within the window): after any next use, and the
            # longest ago referenced first.
            nu = 2 * self.inf - t
        self.current[frame] = nu
        heapq.heappush(self.heap, (-nu, frame))

    def loaded(self, frame, page, t):
        self._set(frame, t)

    def touched(self, frame, page, t):
        self._set(frame, t)

    def victim(self):
        # The heap's smallest key is the largest next use (keys are
        # distinct: one reference touches one page).
        while True:
            negnu, frame = heapq.heappop(self.heap)
            if self.current.get(frame) == -negnu:
                del self.current[frame]
                return frame

    def view(self):
        return [(f, False, ("next", nu if nu < self.inf else "never"))
                for f, nu in sorted(self.current.items())]


class Clock:
    def __init__(self, sim):
        self.sim = sim
        self.hand = 0

    def loaded(self, frame, page, t):
        pass

    def touched(self, frame, page, t):
        pass

    def removed(self, frame):
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

    def view(self):
        return [(f, f == self.hand, ("A", int(self.sim.accessed[f])))
                for f in range(self.sim.nframes) if self.sim.frame_page[f] is not None]


class SecondChance:
    def __init__(self, sim):
        self.sim = sim
        self.queue = collections.deque()   # frames of resident pages

    def loaded(self, frame, page, t):
        self.queue.append(frame)

    def touched(self, frame, page, t):
        pass

    def removed(self, frame):
        self.queue.remove(frame)

    def victim(self):
        accessed = self.sim.accessed
        while True:
            frame = self.queue.popleft()
            if accessed[frame]:
                accessed[frame] = False
                self.queue.append(frame)
            else:
                return frame

    def view(self):
        return [(f, False, ("A", int(self.sim.accessed[f]))) for f in self.queue]


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
        self.steps = []                      # (t, page, "hit"|"fault", victim page, fate, view)
        self.policy = None

    def view_text(self, page):
        """The policy's frames as `pagesim explain` prints them: each page in
        the policy's order, ">" before the hand's, "*" after the page just
        referenced, its value in brackets."""
        items = []
        for frame, hand, value in self.policy.view():
            p = self.frame_page[frame]
            items.append("%s%d%s%s" % (">" if hand else "", p, "*" if p == page else "",
                                       "[%s=%s]" % value if value else ""))
        return " ".join(items)

    def lowest_free_frame(self):
        for frame in range(self.nframes):
            if self.frame_page[frame] is None:
                return frame
        return None

    def run(self, policy_name):
        if policy_name.startswith("opt:window="):
            policy = Opt(self, int(policy_name[len("opt:window="):]))
        else:
            policy = POLICY_CLASSES[policy_name](self)
        self.policy = policy
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
                self.steps.append((t, page, "hit", "", "", self.view_text(page)))
                continue
            # fault
            self.faults += 1
            step = (t, page, "fault", "", "")
            if used < self.nframes:
                frame = self.lowest_free_frame()
                used += 1
            else:
                frame = policy.victim()
                old = frame_page[frame]
                step = (t, page, "fault", old, "swap" if dirty[frame] else "drop")
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
            self.steps.append(step + (self.view_text(page),))


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


# --------------------------------------------------------------------------
# The VM model: native traces with events (segments, mmap, fork, exit, ...).
#
# Written only from the model essay at the top of src/machine/sim.c ("The model",
# up to "The hot loop") and the counter definitions of struct sim_stats in
# src/machine/sim.h, never from the machine's code.
#
# State
#   A process has a list of mappings and a page table {vpn: Pte}.  A Pte
#   exists only while it is present (pte.frame) or holds a swap slot
#   (pte.slot): a page dropped clean, never saved, is the same as a page
#   never touched (it comes back from its file or as a zero fill), so its
#   Pte is deleted.
#   A frame has the list of Ptes mapping it (the reverse map), the swap
#   slot it holds (it was read back from swap), and, for a page in the page
#   cache, its key (file, file page).  The page cache holds every file page
#   mapped by a shared mapping, and every page of a private file mapping
#   that has been read but not yet written: the private Ptes that map it
#   are read-only.  A write through such a Pte is a cow fault: the sole
#   Pte of the frame takes the page out of the cache and makes it its own
#   (cow reuse); otherwise it leaves the frame and gets a copy.  A write
#   fault on a private file page with no Pte allocates the writer's frame
#   first, then copies the cached page (cow copy) or, if it is not (or no
#   longer) cached, reads the file (file read); the frame is private.  Its accessed bit is the OR
#   of its Ptes' A bits and its dirty bit the OR of their D bits; clearing
#   the accessed bit clears A in every Pte.
#   A swap slot is held by the swapped Ptes that name it and by the frame
#   that holds it; it is freed when no holder is left; the lowest free slot
#   is allocated.
#
# CHOICES, where the essay does not say (listed in the e2e-vmref report):
#   C1 fork copies the parent's Ptes with their A and D bits ("a copy of
#      P's page table").
#   C2 a swap read of a slot that other swapped Ptes share maps the page
#      read-only (the frame holds the slot; a later write is a cow fault
#      that copies, as the "(and no swapped PTE shares its swap copy)" rule
#      implies); a swap read of a slot nobody else holds maps the page
#      writable if its mapping is.  A *write* fault on a shared slot that no
#      frame holds is one swap read, and the writer's page is then private:
#      the frame does not hold the slot (the others still need its
#      contents) and the writer's Pte gives up its hold.
#   C3 a cow copy: the writer's Pte leaves the old frame first (a frame left
#      with no Pte is freed, as by munmap), then the new frame is allocated
#      as for a page fault (lowest free frame, else the policy's victim,
#      which may be the old frame).
#   C4 exact LRU is told about every reference to a resident frame: hits,
#      cow reuses and minor faults (touch), and frames loaded by faults.
#   C5 the address of a reference, for the stack-growth distance, is the
#      access's address for its first page and the page's start for the
#      following pages.
#   C6 the first brk puts the heap after the highest non-stack mapping
#      (segments and mmaps alike); gen_vm_trace.py keeps mmaps below the
#      segments so that both readings agree.
#   C7 an event naming a killed process is refused here (pagesim's choice
#      is unknown; the generator never writes one).
#   C8 TLB: munmap's write-back invalidates the entries of the Ptes whose D
#      it cleared; a policy clearing A, those of the Ptes whose A it
#      cleared; a fork, those of the parent's Ptes it took W from; a cow
#      fault, the writer's own entry (the write through a read-only entry
#      is a miss).
#   opt is not modeled in VM mode (the next use of a frame mapped by
#   several Ptes, or of a page copied on write, is not specified).

PAGE = 1 << PAGE_SHIFT


class TraceError(Exception):
    pass


def _num(tok, where):
    try:
        if tok[:2] in ("0x", "0X"):
            return int(tok[2:], 16)
        if tok.isdigit():
            return int(tok, 10)
    except ValueError:
        pass
    raise TraceError("%s: bad number %r" % (where, tok))


def pages_of(length):
    return (length + PAGE - 1) // PAGE


def parse_native(lines, name="<trace>"):
    """Records of a native trace (and of the classic formats: see
    parse_classic).  Each is a tuple whose first item is its kind:
      ("acc", where, pid or None, op, addr, size)   op: "R", "W", "X"
      ("process", where, pid)
      ("segment", where, name, addr, length, prot, backing)
      ("mmap", where, addr, length, prot, backing)
      ("munmap", where, addr, length) ("brk", where, addr)
      ("fork", where, parent, child) ("exit", where, pid)
    backing: (kind, shared, file, offset, max) with kind zero|file|stack.
    """
    recs = []
    header = False
    for lineno, raw, line in content_lines(lines):
        where = "%s:%d" % (name, lineno)
        f = line.split()
        if f[0] == "pagesim-trace":
            if len(f) != 2 or f[1] != "1":
                raise TraceError("%s: unsupported header %r" % (where, line))
            header = True
            continue
        if not header:
            raise TraceError("%s: missing pagesim-trace header" % where)
        kw = f[0]
        if kw in ("R", "W", "X", "M"):
            pid = None
            args = f[1:]
            if args and args[-1].startswith("pid="):
                pid = _num(args[-1][4:], where)
                args = args[:-1]
            if len(args) not in (1, 2):
                raise TraceError("%s: bad access %r" % (where, line))
            addr = _num(args[0], where)
            size = _num(args[1], where) if len(args) == 2 else 1
            if not 1 <= size <= 65535:
                raise TraceError("%s: bad size" % where)
            if kw == "M":
                recs.append(("acc", where, pid, "R", addr, size))
                recs.append(("acc", where, pid, "W", addr, size))
            else:
                recs.append(("acc", where, pid, kw, addr, size))
        elif kw == "process" and len(f) == 2:
            recs.append(("process", where, _num(f[1], where)))
        elif kw == "segment" and len(f) >= 6:
            recs.append(("segment", where, f[1], _num(f[2], where), _num(f[3], where),
                         f[4], _backing(f[5:], where, segment=True)))
        elif kw == "mmap" and len(f) >= 5:
            recs.append(("mmap", where, None, _num(f[1], where), _num(f[2], where),
                         f[3], _backing(f[4:], where, segment=False)))
        elif kw == "munmap" and len(f) == 3:
            recs.append(("munmap", where, _num(f[1], where), _num(f[2], where)))
        elif kw == "brk" and len(f) == 2:
            recs.append(("brk", where, _num(f[1], where)))
        elif kw == "fork" and len(f) == 3:
            recs.append(("fork", where, _num(f[1], where), _num(f[2], where)))
        elif kw == "exit" and len(f) == 2:
            recs.append(("exit", where, _num(f[1], where)))
        else:
            raise TraceError("%s: cannot parse %r" % (where, line))
    return recs


def _backing(toks, where, segment):
    """(kind, shared, file, offset_bytes, max_bytes) of a backing spec."""
    opts = {}
    words = []
    for t in toks:
        if "=" in t:
            k, v = t.split("=", 1)
            opts[k] = v
        else:
            words.append(t)
    shared = False
    if not segment:
        if words[:1] == ["shared"]:
            shared = True
            words = words[1:]
        elif words[:1] == ["private"]:
            words = words[1:]
        elif words != ["anon"]:
            raise TraceError("%s: mmap needs shared|private file=F or anon" % where)
    if "file" in opts:
        if words:
            raise TraceError("%s: bad backing %r" % (where, toks))
        off = _num(opts.get("offset", "0"), where)
        if off % PAGE:
            raise TraceError("%s: unaligned offset" % where)
        return ("file", shared, opts["file"], off, None)
    if shared:
        raise TraceError("%s: shared needs file=" % where)
    if words in (["zero"], ["anon"]) and not opts:
        return ("zero", False, None, 0, None)
    if words == ["stack"] and segment:
        return ("stack", False, None, 0, _num(opts.get("max", str(8 << 20)), where))
    raise TraceError("%s: bad backing %r" % (where, toks))


def parse_classic(lines, fmt):
    pages, writes = parse(lines, fmt)
    return [("acc", "record %d" % (i + 1), None, "W" if w else "R", p << PAGE_SHIFT, 1)
            for i, (p, w) in enumerate(zip(pages, writes))]


class Mapping:
    __slots__ = ("name", "start", "end", "w", "kind", "shared", "file",
                 "forig", "fpg0", "max")

    def __init__(self, name, start, end, w, kind, shared=False, file=None,
                 fpg0=0, smax=None):
        self.name, self.start, self.end, self.w = name, start, end, w
        self.kind, self.shared, self.file = kind, shared, file
        self.forig, self.fpg0, self.max = start, fpg0, smax

    def copy(self):
        m = Mapping(self.name, self.start, self.end, self.w, self.kind,
                    self.shared, self.file, self.fpg0, self.max)
        m.forig = self.forig
        return m

    def file_page(self, vpn):
        return self.fpg0 + (vpn - self.forig)


class Pte:
    __slots__ = ("pid", "vpn", "frame", "slot", "w", "a", "d")

    def __init__(self, pid, vpn):
        self.pid, self.vpn = pid, vpn
        self.frame = self.slot = None
        self.w = self.a = self.d = False


class Frame:
    __slots__ = ("ptes", "slot", "key")

    def __init__(self):
        self.ptes = []
        self.slot = None
        self.key = None


class Proc:
    __slots__ = ("pid", "maps", "declared", "touched", "pt", "state")

    def __init__(self, pid):
        self.pid = pid
        self.maps = []
        self.declared = False     # has declared a mapping (not anonymous)
        self.touched = False
        self.pt = {}
        self.state = "alive"      # alive | killed | exited

    def find(self, vpn):
        for m in self.maps:
            if m.start <= vpn < m.end:
                return m
        return None

    def overlaps(self, lo, hi, but=None):
        return any(m is not but and m.start < hi and lo < m.end for m in self.maps)


class Tlb:
    """ENTRIES entries in sets of WAYS (0: fully associative); set =
    vpn % sets; LRU inside a set; tagged with the pid (ASID).  An entry
    is [writable, dirty]."""

    def __init__(self, entries, ways):
        if ways == 0:
            ways = entries
        if ways < 1 or entries % ways:
            raise ValueError("TLB entries must be a multiple of the ways")
        self.ways = ways
        self.nsets = entries // ways
        self.sets = [collections.OrderedDict() for _ in range(self.nsets)]

    def lookup(self, pid, vpn):
        st = self.sets[vpn % self.nsets]
        e = st.get((pid, vpn))
        if e is not None:
            st.move_to_end((pid, vpn))
        return e

    def load(self, pid, vpn, w, d):
        st = self.sets[vpn % self.nsets]
        key = (pid, vpn)
        if key in st:
            st[key] = [w, d]
            st.move_to_end(key)
            return
        if len(st) >= self.ways:
            st.popitem(last=False)
        st[key] = [w, d]

    def invalidate(self, pid, vpn):
        return self.sets[vpn % self.nsets].pop((pid, vpn), None) is not None

    def flush(self):
        for st in self.sets:
            st.clear()


class _AccessedView:
    """sim.accessed[frame] for the policy classes: reads the OR over the
    frame's Ptes, a store of False clears A in all of them."""

    def __init__(self, sim):
        self.sim = sim

    def __getitem__(self, f):
        return any(p.a for p in self.sim.frames[f].ptes)

    def __setitem__(self, f, value):
        assert value is False
        self.sim.clear_accessed(f)


COUNTERS = ("refs", "hits", "faults", "zero_fills", "file_reads", "swap_reads",
            "minor_faults", "cow_copies", "cow_reuses", "stack_growths",
            "segfaults", "ignored_refs", "evictions", "dirty_evictions",
            "swap_writes", "file_writebacks", "file_writes", "tlb_hits",
            "tlb_misses", "tlb_shootdowns")


class VmSim:
    def __init__(self, nframes, policy_name, stack_gap=64 << 10, strict=False,
                 tlb=None, no_shootdown=False, flush_on_switch=False,
                 selfcheck=False):
        self.nframes = nframes
        self.frames = [None] * nframes
        self.accessed = _AccessedView(self)
        self.next_use = None
        self.policy = POLICY_CLASSES[policy_name](self)
        self.stack_gap = stack_gap
        self.strict = strict
        self.tlb = Tlb(*tlb) if tlb else None
        self.no_shootdown = no_shootdown
        self.flush_on_switch = flush_on_switch
        self.last_pid = None
        self.selfcheck = selfcheck
        self.c = dict.fromkeys(COUNTERS, 0)
        self.distinct = set()
        self.procs = {1: Proc(1)}
        self.cur = 1
        self.slot_refs = {}        # slot -> number of holders (Ptes, frame)
        self.slot_frame = {}       # slot -> frame holding it
        self.free_slots = []       # heap of freed slot numbers
        self.next_slot = 0
        self.cache = {}            # (file, file page) -> frame (shared pages)
        self.t = 0

    # ---- swap slots
    def slot_alloc(self):
        s = heapq.heappop(self.free_slots) if self.free_slots else self.next_slot
        if s == self.next_slot:
            self.next_slot += 1
        self.slot_refs[s] = 0
        return s

    def hold(self, s):
        self.slot_refs[s] += 1

    def release(self, s):
        self.slot_refs[s] -= 1
        if self.slot_refs[s] == 0:
            del self.slot_refs[s]
            heapq.heappush(self.free_slots, s)

    # ---- TLB
    def inval(self, pte):
        if self.tlb is not None and self.tlb.invalidate(pte.pid, pte.vpn):
            self.c["tlb_shootdowns"] += 1

    def clear_accessed(self, f):
        for p in self.frames[f].ptes:
            if p.a:
                p.a = False
                if not self.no_shootdown:
                    self.inval(p)

    # ---- frames
    def alloc(self):
        for f in range(self.nframes):
            if self.frames[f] is None:
                self.frames[f] = Frame()
                return f
        f = self.policy.victim()
        self.evict(f)
        self.frames[f] = Frame()
        return f

    def evict(self, f):
        fr = self.frames[f]
        c = self.c
        c["evictions"] += 1
        dirty = any(p.d for p in fr.ptes)
        if fr.key is not None:
            del self.cache[fr.key]
            if dirty:
                c["dirty_evictions"] += 1
                c["file_writebacks"] += 1
                c["file_writes"] += 1
            s = None
        elif dirty:
            c["dirty_evictions"] += 1
            c["swap_writes"] += 1
            s = fr.slot if fr.slot is not None else self.slot_alloc()
        else:
            s = fr.slot
        for p in fr.ptes:
            self.inval(p)
            p.frame = None
            p.a = p.d = False
            if s is None:
                del self.procs[p.pid].pt[p.vpn]
            else:
                p.slot = s
                self.hold(s)
        if fr.slot is not None:
            del self.slot_frame[fr.slot]
            self.release(fr.slot)
        self.frames[f] = None

    def free_frame(self, f):
        fr = self.frames[f]
        assert not fr.ptes
        if fr.key is not None:
            del self.cache[fr.key]
        if fr.slot is not None:
            del self.slot_frame[fr.slot]
            self.release(fr.slot)
        self.frames[f] = None
        self.policy.removed(f)

    def unmap_pte(self, proc, pte):
        del proc.pt[pte.vpn]
        if pte.frame is not None:
            fr = self.frames[pte.frame]
            m = proc.find(pte.vpn)
            if fr.key is not None and m is not None and m.shared and any(p.d for p in fr.ptes):
                self.c["file_writes"] += 1
                for p in fr.ptes:
                    if p.d:
                        p.d = False
                        self.inval(p)
            self.inval(pte)
            fr.ptes.remove(pte)
            if not fr.ptes:
                self.free_frame(pte.frame)
        elif pte.slot is not None:
            self.release(pte.slot)

    def unmap_range(self, proc, lo, hi):
        for vpn in range(lo, hi):
            pte = proc.pt.get(vpn)
            if pte is not None:
                self.unmap_pte(proc, pte)

    def release_all(self, proc):
        for vpn in sorted(proc.pt):
            self.unmap_pte(proc, proc.pt[vpn])
        proc.maps = []

    # ---- processes
    def proc(self, pid, where, event=False):
        p = self.procs.get(pid)
        if p is None:
            p = self.procs[pid] = Proc(pid)
        elif p.state == "exited":
            raise TraceError("%s: process %d has exited" % (where, pid))
        elif p.state == "killed" and event:
            raise TraceError("%s: process %d was killed (refsim refuses events for it)"
                             % (where, pid))
        return p

    # ---- references
    def access(self, pid, op, addr, size, where):
        proc = self.proc(pid, where)
        first = addr >> PAGE_SHIFT
        last = (addr + size - 1) >> PAGE_SHIFT
        for vpn in range(first, last + 1):
            self.reference(proc, vpn, max(addr, vpn << PAGE_SHIFT), op == "W")
            if self.selfcheck:
                self.check()

    def segfault(self, proc):
        self.c["segfaults"] += 1
        self.release_all(proc)
        proc.state = "killed"

    def try_grow(self, proc, vpn, addr):
        best = None
        for m in proc.maps:
            if m.kind == "stack" and m.start > vpn and (best is None or m.start < best.start):
                best = m
        if best is None:
            return None
        if (best.start << PAGE_SHIFT) - addr > self.stack_gap:
            return None
        if (best.end - vpn) << PAGE_SHIFT > best.max:
            return None
        if proc.overlaps(vpn, best.start):
            return None
        best.start = vpn
        self.c["stack_growths"] += 1
        return best

    def reference(self, proc, vpn, addr, write):
        c = self.c
        if proc.state == "killed":
            c["ignored_refs"] += 1
            return
        # The essay: a process switch is a reference of a live process
        # other than the last one's, whatever its access then does (hit,
        # fault or segfault: it ran in that process).
        if self.tlb is not None:
            if self.flush_on_switch and proc.pid != self.last_pid:
                self.tlb.flush()
            self.last_pid = proc.pid
        if proc.declared:
            m = proc.find(vpn)
            if m is None:
                m = self.try_grow(proc, vpn, addr)
                if m is None:
                    self.segfault(proc)
                    return
            if write and not m.w:
                self.segfault(proc)
                return
            writable = m.w
        elif self.strict:
            self.segfault(proc)
            return
        else:
            m = None
            writable = True
        proc.touched = True
        c["refs"] += 1
        self.t += 1
        self.distinct.add((proc.pid, vpn))
        pid = proc.pid
        pte = proc.pt.get(vpn)
        tlb = self.tlb
        if tlb is not None:
            e = tlb.lookup(pid, vpn)
            if e is not None and (not write or e[0]):
                assert pte is not None and pte.frame is not None, "stale TLB entry"
                c["tlb_hits"] += 1
                c["hits"] += 1
                if write and not e[1]:
                    e[1] = True
                    pte.d = True
                self.policy.touched(pte.frame, None, self.t)
                return
            c["tlb_misses"] += 1
        if pte is not None and pte.frame is not None:
            if not write or pte.w:                               # hit
                c["hits"] += 1
                pte.a = True
                if write:
                    pte.d = True
                self.policy.touched(pte.frame, None, self.t)
            else:                                                # cow fault
                c["faults"] += 1
                f = pte.frame
                fr = self.frames[f]
                shared = len(fr.ptes) > 1 or (fr.slot is not None and self.slot_refs[fr.slot] > 1)
                self.inval(pte)
                if not shared:
                    c["cow_reuses"] += 1
                    if fr.key is not None:               # leaves the page cache
                        del self.cache[fr.key]
                        fr.key = None
                    pte.w = pte.a = pte.d = True
                    self.policy.touched(f, None, self.t)
                else:
                    c["cow_copies"] += 1
                    fr.ptes.remove(pte)
                    if not fr.ptes:
                        self.free_frame(f)
                    g = self.alloc()
                    self.frames[g].ptes.append(pte)
                    pte.frame = g
                    pte.w = pte.a = pte.d = True
                    self.policy.loaded(g, None, self.t)
            if tlb is not None:
                tlb.load(pid, vpn, pte.w, pte.d)
            return
        # page fault
        c["faults"] += 1
        if pte is None:
            pte = proc.pt[vpn] = Pte(pid, vpn)
        if m is not None and m.kind == "file" and m.shared:
            key = (m.file, m.file_page(vpn))
            f = self.cache.get(key)
            if f is not None:
                c["minor_faults"] += 1
                self.frames[f].ptes.append(pte)
                pte.frame = f
                self.policy.touched(f, None, self.t)
            else:
                c["file_reads"] += 1
                f = self.alloc()
                self.frames[f].ptes.append(pte)
                self.frames[f].key = key
                self.cache[key] = f
                pte.frame = f
                self.policy.loaded(f, None, self.t)
            pte.w = m.w
        elif pte.slot is not None:
            s = pte.slot
            f = self.slot_frame.get(s)
            if f is not None and not write:
                c["minor_faults"] += 1
                self.frames[f].ptes.append(pte)
                pte.frame, pte.slot, pte.w = f, None, False
                self.release(s)
                self.policy.touched(f, None, self.t)
            elif f is not None:
                c["cow_copies"] += 1
                g = self.alloc()
                self.frames[g].ptes.append(pte)
                pte.frame, pte.slot, pte.w = g, None, True
                self.release(s)
                self.policy.loaded(g, None, self.t)
            else:
                c["swap_reads"] += 1
                others = self.slot_refs[s] > 1
                g = self.alloc()
                fr = self.frames[g]
                fr.ptes.append(pte)
                pte.frame, pte.slot = g, None
                if others and write:
                    self.release(s)
                    pte.w = True
                else:
                    fr.slot = s            # the Pte's hold passes to the frame
                    self.slot_frame[s] = g
                    pte.w = writable and not others
                self.policy.loaded(g, None, self.t)
        elif m is not None and m.kind == "file":                # private file page
            key = (m.file, m.file_page(vpn))
            f = self.cache.get(key)
            if f is not None and not write:
                c["minor_faults"] += 1
                self.frames[f].ptes.append(pte)
                pte.frame = f
                self.policy.touched(f, None, self.t)
            else:
                g = self.alloc()
                if write:
                    c["cow_copies" if key in self.cache else "file_reads"] += 1
                else:
                    c["file_reads"] += 1
                    self.frames[g].key = key
                    self.cache[key] = g
                self.frames[g].ptes.append(pte)
                pte.frame = g
                self.policy.loaded(g, None, self.t)
            pte.w = write
        else:
            c["zero_fills"] += 1
            f = self.alloc()
            self.frames[f].ptes.append(pte)
            pte.frame = f
            pte.w = writable
            self.policy.loaded(f, None, self.t)
        pte.a = True
        pte.d = write
        if tlb is not None:
            tlb.load(pid, vpn, pte.w, pte.d)

    # ---- events
    def add_mapping(self, proc, where, name, addr, length, prot, backing):
        if addr % PAGE:
            raise TraceError("%s: unaligned address 0x%x" % (where, addr))
        if length == 0:
            raise TraceError("%s: zero length" % where)
        if not proc.declared and proc.touched:
            raise TraceError("%s: first mapping of a process that touched memory" % where)
        lo = addr >> PAGE_SHIFT
        hi = lo + pages_of(length)
        if proc.overlaps(lo, hi):
            raise TraceError("%s: overlaps a mapping" % where)
        kind, shared, file, off, smax = backing
        if kind == "stack" and (hi - lo) << PAGE_SHIFT > smax:
            raise TraceError("%s: stack larger than its max" % where)
        proc.maps.append(Mapping(name, lo, hi, prot[1:2] == "w", kind, shared,
                                 file, off >> PAGE_SHIFT, smax))
        proc.declared = True

    def event(self, rec):
        kind, where = rec[0], rec[1]
        if kind == "process":
            self.cur = rec[2]
            self.proc(self.cur, where)
            return
        if kind == "segment":
            _, _, name, addr, length, prot, backing = rec
            self.add_mapping(self.proc(self.cur, where, True), where, name, addr, length, prot, backing)
        elif kind == "mmap":
            _, _, _, addr, length, prot, backing = rec
            self.add_mapping(self.proc(self.cur, where, True), where, "mmap", addr, length, prot, backing)
        elif kind == "munmap":
            proc = self.proc(self.cur, where, True)
            _, _, addr, length = rec
            if addr % PAGE or length == 0:
                raise TraceError("%s: bad munmap range" % where)
            lo = addr >> PAGE_SHIFT
            hi = lo + pages_of(length)
            m = proc.find(lo)
            if m is None or hi > m.end or (lo != m.start and hi != m.end):
                raise TraceError("%s: munmap must be the head, tail or whole of one mapping" % where)
            self.unmap_range(proc, lo, hi)
            if lo == m.start and hi == m.end:
                proc.maps.remove(m)
            elif lo == m.start:
                m.start = hi
            else:
                m.end = lo
        elif kind == "brk":
            proc = self.proc(self.cur, where, True)
            end = pages_of(rec[2])
            heap = next((m for m in proc.maps if m.name == "heap"), None)
            if heap is None:
                nonstack = [m for m in proc.maps if m.kind != "stack"]
                if not nonstack:
                    raise TraceError("%s: brk without a segment" % where)
                start = max(m.end for m in nonstack)
                heap = Mapping("heap", start, start, True, "zero")
                proc.maps.append(heap)
            if end < heap.start:
                raise TraceError("%s: brk below the heap's start" % where)
            if end > heap.end:
                if proc.overlaps(heap.end, end, but=heap):
                    raise TraceError("%s: brk into another mapping" % where)
            else:
                self.unmap_range(proc, end, heap.end)
            heap.end = end
        elif kind == "fork":
            _, _, ppid, cpid = rec
            parent = self.procs.get(ppid)
            if parent is None or parent.state != "alive":
                raise TraceError("%s: fork of an unknown, exited or killed process" % where)
            old = self.procs.get(cpid)
            if old is not None and old.state != "exited":
                raise TraceError("%s: fork into a live process" % where)
            child = self.procs[cpid] = Proc(cpid)
            child.declared = parent.declared
            child.touched = parent.touched or bool(parent.pt)
            child.maps = [m.copy() for m in parent.maps]
            for vpn in sorted(parent.pt):
                pte = parent.pt[vpn]
                q = child.pt[vpn] = Pte(cpid, vpn)
                if pte.frame is not None:
                    fr = self.frames[pte.frame]
                    if fr.key is None:
                        if pte.w:
                            pte.w = False
                            self.inval(pte)
                        q.w = False
                    else:
                        q.w = pte.w
                    q.a, q.d = pte.a, pte.d
                    q.frame = pte.frame
                    fr.ptes.append(q)
                else:
                    q.slot = pte.slot
                    self.hold(pte.slot)
        elif kind == "exit":
            proc = self.proc(rec[2], where, True)
            self.release_all(proc)
            proc.state = "exited"
        if self.selfcheck:
            self.check()

    def run(self, recs):
        for rec in recs:
            if rec[0] == "acc":
                _, where, pid, op, addr, size = rec
                self.access(pid if pid is not None else self.cur, op, addr, size, where)
            else:
                self.event(rec)
        return self.stats()

    def stats(self):
        s = dict(self.c)
        s["resident"] = sum(1 for fr in self.frames if fr is not None)
        s["distinct_pages"] = len(self.distinct)
        return s

    # ---- internal consistency (--self-check)
    def check(self):
        holders = collections.Counter()
        mapped = set()
        for f, fr in enumerate(self.frames):
            if fr is None:
                continue
            assert fr.ptes, "frame %d mapped by no Pte" % f
            for p in fr.ptes:
                assert p.frame == f and self.procs[p.pid].pt.get(p.vpn) is p
                assert self.procs[p.pid].state == "alive"
                mapped.add(id(p))
            if fr.slot is not None:
                holders[fr.slot] += 1
                assert self.slot_frame[fr.slot] == f
            if fr.key is not None:
                assert self.cache[fr.key] == f
                assert fr.slot is None
        for proc in self.procs.values():
            if proc.state != "alive":
                assert not proc.pt
            for vpn, p in proc.pt.items():
                assert p.vpn == vpn and p.pid == proc.pid
                if p.frame is None:
                    assert p.slot is not None
                    holders[p.slot] += 1
                else:
                    assert id(p) in mapped and p.slot is None
        assert dict(holders) == self.slot_refs, (dict(holders), self.slot_refs)
        assert len(self.cache) == sum(1 for fr in self.frames if fr is not None and fr.key)
        c = self.c
        assert c["faults"] == (c["zero_fills"] + c["file_reads"] + c["swap_reads"]
                               + c["minor_faults"] + c["cow_copies"] + c["cow_reuses"])
        assert c["hits"] + c["faults"] == c["refs"]
        assert c["dirty_evictions"] == c["swap_writes"] + c["file_writebacks"]


def run_text(text, policy, frames, **kw):
    """Run a native trace given as text; print its nonzero counters (for
    the hand-checked examples below)."""
    sim = VmSim(frames, policy, selfcheck=True, **kw)
    s = sim.run(parse_native(text.splitlines()))
    keys = [k for k in COUNTERS + ("resident",) if s[k]]
    print(" ".join("%s=%d" % (k, s[k]) for k in keys))


def _examples():
    """Hand-checked traces, one per feature (python3 -m doctest tests/refsim.py).

    Lazy loading, fifo, 2 frames.  code = pages 1-2 (private file, r-x),
    bss = page 3.  X 1000: file read (frame 0).  W 3000: zero fill
    (frame 1, dirty).  X 2000: frames full, FIFO evicts frame 0 (code page
    1, clean, no slot: dropped, no write), file read.  X 1004: evicts frame
    1 (bss, dirty: swap write), page 1 read again from its file.
    >>> run_text('''pagesim-trace 1
    ... segment code 0x1000 0x2000 r-x file=a.out
    ... segment bss 0x3000 0x1000 rw- zero
    ... X 0x1000
    ... W 0x3000
    ... X 0x2000
    ... X 0x1004''', 'fifo', 2)
    refs=4 faults=4 zero_fills=1 file_reads=3 evictions=2 dirty_evictions=1 swap_writes=1 resident=2

    Copy-on-write, the issue's scenario: 2 code pages, 1 data, 2 heap,
    1 stack page, all touched (3 file reads, 3 zero fills, 6 frames);
    fork; the child writes 128 bytes inside one heap page (one page: a cow
    fault on a frame mapped twice: copy) and 8 bytes on its stack (copy):
    2 copies, 8 frames.
    >>> run_text('''pagesim-trace 1
    ... segment code 0x10000 0x2000 r-x file=a.out
    ... segment data 0x12000 0x1000 rw- file=a.out offset=0x2000
    ... segment heap 0x13000 0x2000 rw- zero
    ... segment stack 0x7f000 0x1000 rw- stack
    ... X 0x10000
    ... X 0x11000
    ... W 0x12000
    ... W 0x13000
    ... W 0x14000
    ... W 0x7f000
    ... fork 1 2
    ... W 0x13010 128 pid=2
    ... W 0x7fff0 8 pid=2''', 'lru', 16)
    refs=8 faults=8 zero_fills=3 file_reads=3 cow_copies=2 resident=8

    The last sharer reuses (anonymous processes): 1 writes (zero fill),
    forks (both read-only), exits; the child's write is a cow fault on a
    frame it alone maps: it becomes writable.
    >>> run_text('''pagesim-trace 1
    ... W 0x5000
    ... fork 1 2
    ... exit 1
    ... W 0x5000 pid=2''', 'fifo', 4)
    refs=2 faults=2 zero_fills=1 cow_reuses=1 resident=1

    Stack growth (gap 64 KiB): a 1-page stack at 0x100000; fc000 and f8000
    are 16 KiB below the bottom, f0000 32 KiB, e0000 exactly 64 KiB (at
    most: grows).  c0000 is 128 KiB below: segfault, the process is killed
    (its 5 frames freed) and its next reference ignored.
    >>> run_text('''pagesim-trace 1
    ... segment stack 0x100000 0x1000 rw- stack
    ... W 0x100000
    ... W 0xfc000
    ... W 0xf8000
    ... W 0xf0000
    ... W 0xe0000
    ... R 0xc0000
    ... R 0x100000''', 'fifo', 16)
    refs=5 faults=5 zero_fills=5 stack_growths=4 segfaults=1 ignored_refs=1

    One byte further than the gap: segfault.  max= limits the stack: a
    2-page max allows one page of growth only.  A write to r-- segfaults.
    >>> run_text('''pagesim-trace 1
    ... segment stack 0x100000 0x1000 rw- stack
    ... R 0xeffff''', 'fifo', 4)
    segfaults=1
    >>> run_text('''pagesim-trace 1
    ... segment stack 0x100000 0x1000 rw- stack max=0x2000
    ... R 0xff000
    ... R 0xfe000''', 'fifo', 4)
    refs=1 faults=1 zero_fills=1 stack_growths=1 segfaults=1
    >>> run_text('''pagesim-trace 1
    ... segment ro 0x1000 0x1000 r-- zero
    ... R 0x1000
    ... W 0x1000''', 'fifo', 4)
    refs=1 faults=1 zero_fills=1 segfaults=1

    Shared file pages: process 2 (a fork) finds 1's page in a frame
    (minor); munmap by 1 writes the dirty page to the file (once) and
    cleans it everywhere; exit of 2 writes nothing and frees the frame.  A
    private mapping of the same file, the page no longer cached (no
    mapping holds it), reads it from the file.
    >>> run_text('''pagesim-trace 1
    ... mmap 0x40000000 0x2000 rw- shared file=d
    ... fork 1 2
    ... W 0x40000000
    ... R 0x40000000 pid=2
    ... munmap 0x40000000 0x1000
    ... exit 2
    ... mmap 0x50000000 0x1000 rw- private file=d
    ... W 0x50000000''', 'fifo', 4)
    refs=3 faults=3 file_reads=2 minor_faults=1 file_writes=1 resident=1

    The page cache, fifo, 4 frames: 1 reads a private file page (file
    read, frame 0, read-only); 2, its fork child, reads it through the
    copied Pte (a hit); 3 maps the file and finds the page cached (minor);
    3's write: frame 0 has 3 Ptes, so 3 gets a copy (cow copy); 1's write:
    2 Ptes left, a copy too; 2's write: its Pte is the last, so the page
    leaves the cache and is 2's own (cow reuse); 4 maps the file later: the
    page is not cached any more, a file read.  7 refs, 6 faults, 1 hit,
    4 frames in use.
    >>> run_text('''pagesim-trace 1
    ... mmap 0x50000000 0x1000 rw- private file=d
    ... R 0x50000000
    ... fork 1 2
    ... R 0x50000000 pid=2
    ... process 3
    ... mmap 0x50000000 0x1000 rw- private file=d
    ... R 0x50000000
    ... W 0x50000000
    ... W 0x50000000 pid=1
    ... W 0x50000000 pid=2
    ... process 4
    ... mmap 0x50000000 0x1000 rw- private file=d
    ... R 0x50000000''', 'fifo', 4)
    refs=7 hits=1 faults=6 file_reads=2 minor_faults=1 cow_copies=2 cow_reuses=1 resident=4

    Shared frame eviction, fifo, 1 frame: 2 writes the shared page (file
    read), 1 maps it (minor); 1's anon write evicts it: dirty shared page
    written back to the file, both PTEs invalidated; 2 reads it again (file
    read; evicts 1's dirty anon page to swap); 1 finds it in the frame.
    >>> run_text('''pagesim-trace 1
    ... mmap 0x40000000 0x1000 rw- shared file=d
    ... mmap 0x1000 0x1000 rw- anon
    ... fork 1 2
    ... W 0x40000000 pid=2
    ... R 0x40000000
    ... W 0x1000
    ... R 0x40000000 pid=2
    ... R 0x40000000''', 'fifo', 1)
    refs=5 faults=5 zero_fills=1 file_reads=2 minor_faults=2 evictions=2 dirty_evictions=2 swap_writes=1 file_writebacks=1 file_writes=1 resident=1

    Swap slots shared by a fork, fifo, 1 frame (anonymous processes).
    W 1000: zero fill, dirty.  fork: both map it read-only.  R 2000: zero
    fill, evicts it dirty: swap write, both PTEs hold slot 0.  2 reads
    1000: swap read (no frame holds slot 0; 1's PTE shares it, so mapped
    read-only), evicting 1's clean page 2 (dropped).  1 reads 1000: another
    process's page holding slot 0 is in a frame: mapped, minor.  1 writes:
    cow fault on a frame mapped twice: copy; 1 leaves the frame, the
    allocation evicts it (clean, holds slot 0: no I/O, 2's PTE holds slot
    0).  2 reads 1000: swap read, slot held by 2 alone: writable; evicts
    1's dirty copy (swap write, slot 1).  2 writes: a hit.
    >>> run_text('''pagesim-trace 1
    ... W 0x1000
    ... fork 1 2
    ... R 0x2000
    ... R 0x1000 pid=2
    ... R 0x1000
    ... W 0x1000
    ... R 0x1000 pid=2
    ... W 0x1000 pid=2''', 'fifo', 1)
    refs=7 hits=1 faults=6 zero_fills=2 swap_reads=2 minor_faults=1 cow_copies=1 evictions=4 dirty_evictions=2 swap_writes=2 resident=1

    brk: the heap starts after bss (page 3); brk 0x5800 -> pages 3-5;
    brk 0x4000 shrinks to page 3 (page 4's frame freed), then page 4 is
    outside every mapping: segfault.
    >>> run_text('''pagesim-trace 1
    ... segment bss 0x2000 0x1000 rw- zero
    ... brk 0x5800
    ... W 0x3000
    ... W 0x4000
    ... W 0x5000
    ... brk 0x4000
    ... R 0x3000
    ... R 0x4000''', 'fifo', 8)
    refs=4 hits=1 faults=3 zero_fills=3 segfaults=1

    munmap head and tail: pages 1-4; head 1, tail 4; 2-3 stay.
    >>> run_text('''pagesim-trace 1
    ... mmap 0x1000 0x4000 rw- anon
    ... W 0x1000 0x4000
    ... munmap 0x1000 0x1000
    ... munmap 0x4000 0x1000
    ... R 0x2000 0x2000''', 'fifo', 8)
    refs=6 hits=2 faults=4 zero_fills=4 resident=2

    TLB (4 entries), clock, 2 frames: R 1000 miss+fault; R 1000 TLB hit;
    R 2000 miss+fault; R 3000 miss+fault: clock clears frame 0's and frame
    1's A bits (2 shootdowns), evicts frame 0; R 2000: TLB miss (shot
    down), page-table hit.  Same faults as without a TLB.
    >>> run_text('''pagesim-trace 1
    ... R 0x1000
    ... R 0x1000
    ... R 0x2000
    ... R 0x3000
    ... R 0x2000''', 'clock', 2, tlb=(4, 0))
    refs=5 hits=2 faults=3 zero_fills=3 evictions=1 tlb_hits=1 tlb_misses=4 tlb_shootdowns=2 resident=2
    >>> run_text('''pagesim-trace 1
    ... R 0x1000
    ... R 0x1000
    ... R 0x2000
    ... R 0x3000
    ... R 0x2000''', 'clock', 2)
    refs=5 hits=2 faults=3 zero_fills=3 evictions=1 resident=2
    """


def int_list(text):
    values = []
    for item in text.split(","):
        value = int(item)
        if value < 1:
            raise argparse.ArgumentTypeError("frame counts must be >= 1")
        values.append(value)
    return values


def tlb_arg(text):
    entries, _, ways = text.partition(":")
    try:
        return (int(entries), int(ways) if ways else 0)
    except ValueError:
        raise argparse.ArgumentTypeError("--tlb ENTRIES[:WAYS]")


def size_arg(text):
    return int(text, 0)


OLD_COLUMNS = ("refs", "distinct_pages", "faults", "evictions", "dirty_evictions",
               "swap_writes", "swap_reads")
VM_COLUMNS = ("zero_fills", "file_reads", "minor_faults", "cow_copies", "cow_reuses",
              "stack_growths", "segfaults", "ignored_refs", "file_writebacks",
              "file_writes", "resident", "hits")
TLB_COLUMNS = ("tlb_hits", "tlb_misses", "tlb_shootdowns")


def main(argv=None):
    ap = argparse.ArgumentParser(description="reference page-replacement simulator")
    ap.add_argument("--policy", default="fifo,lru,opt,clock,second-chance")
    ap.add_argument("--frames", type=int_list, default=[64])
    ap.add_argument("--format", choices=("auto", "addr-rw", "pages", "native"), default="auto",
                    help="auto: native if the trace starts with 'pagesim-trace', else addr-rw")
    ap.add_argument("--vm-columns", action="store_true",
                    help="use the VM model and add its counters to each line")
    ap.add_argument("--header", action="store_true", help="print a header line")
    ap.add_argument("--steps", action="store_true",
                    help="classic traces: instead of the totals, one CSV line per reference: "
                         "ref,page,hit|fault,victim page,swap|drop (victim's fate),frames")
    ap.add_argument("--stack-gap", type=size_arg, default=64 << 10)
    ap.add_argument("--strict", action="store_true")
    ap.add_argument("--tlb", type=tlb_arg)
    ap.add_argument("--tlb-flush-on-switch", action="store_true")
    ap.add_argument("--no-shootdown", action="store_true")
    ap.add_argument("--self-check", action="store_true",
                    help="check the model's internal invariants after every step (slow)")
    ap.add_argument("trace")
    args = ap.parse_args(argv)

    policies = args.policy.split(",")
    for p in policies:
        if p not in POLICY_CLASSES and not re.fullmatch(r"opt:window=[0-9]+", p):
            ap.error("unknown policy %r (know: %s)" % (p, ", ".join(POLICIES)))

    if args.trace == "-":
        lines = sys.stdin.read().splitlines()
        name = "-"
    else:
        with open(args.trace, encoding="utf-8", newline=None) as f:
            lines = f.read().splitlines()
        name = args.trace
    fmt = args.format
    if fmt == "auto":
        fmt = "addr-rw"
        for raw in lines:
            s = raw.strip().lstrip("\ufeff").strip()
            if s and not s.startswith("#"):
                if s.split()[0] == "pagesim-trace":
                    fmt = "native"
                break
    vm = (fmt == "native" or args.vm_columns or args.tlb or args.strict)

    out = sys.stdout
    if not vm:
        pages, writes = parse(lines, fmt)
        nu = next_uses(pages) if any(p.startswith("opt") for p in policies) else None
        distinct = len(set(pages))
        if args.header:
            out.write("policy,frames,%s\n" % ",".join(OLD_COLUMNS))
        for policy in policies:
            for nframes in args.frames:
                sim = Sim(pages, writes, nu, nframes)
                sim.run(policy)
                if args.steps:
                    for step in sim.steps:
                        out.write("%d,%d,%s,%s,%s,%s\n" % step)
                    continue
                out.write("%s,%d,%d,%d,%d,%d,%d,%d,%d\n" % (
                    policy, nframes, len(pages), distinct, sim.faults,
                    sim.evictions, sim.dirty_evictions, sim.swap_writes,
                    sim.swap_reads))
        return

    if any(p.startswith("opt") for p in policies):
        ap.error("opt is not modeled by the VM model (drop it, or use a classic trace "
                 "without --vm-columns)")
    try:
        recs = parse_native(lines, name) if fmt == "native" else parse_classic(lines, fmt)
    except TraceError as e:
        sys.exit("refsim: %s" % e)
    columns = OLD_COLUMNS + (VM_COLUMNS if args.vm_columns else ())
    if args.tlb and args.vm_columns:
        columns += TLB_COLUMNS
    if args.header:
        out.write("policy,frames,%s\n" % ",".join(columns))
    for policy in policies:
        for nframes in args.frames:
            sim = VmSim(nframes, policy, stack_gap=args.stack_gap, strict=args.strict,
                        tlb=args.tlb, no_shootdown=args.no_shootdown,
                        flush_on_switch=args.tlb_flush_on_switch,
                        selfcheck=args.self_check)
            try:
                s = sim.run(recs)
            except TraceError as e:
                sys.exit("refsim: %s" % e)
            out.write("%s,%d,%s\n" % (policy, nframes, ",".join(str(s[k]) for k in columns)))


if __name__ == "__main__":
    main()
