#!/usr/bin/env python3
"""gen_vm_trace.py - a seeded random generator of native pagesim traces
with VM events, for cross-checking pagesim against tests/refsim.py
(tests/e2e-vmref.sh).

Usage: gen_vm_trace.py --seed N [--records N] [-o FILE]

The traces are valid: the generator tracks every process's mappings and
never writes an event the model refuses (overlapping or unaligned
mappings, a munmap that is not a head, tail or whole mapping, a brk into
another mapping or below the heap's start, a fork into a live pid, events
of exited or killed processes, ...).  What they exercise:

  - several processes: process 1 declares segments (code and data from a
    private file, bss, an explicit or brk-made heap, a stack), anonymous
    processes (no mappings: every address is zero-fill memory), a second
    process that declares its own mappings of the same files, and forks
    (of both kinds of process) with pid reuse after exit;
  - mmaps of 3 files, shared and private, read-only and writable, and
    anonymous mmaps; munmap of a head, a tail or a whole mmap;
  - brk up and down (shrinking unmaps pages);
  - reads, writes, fetches and modifies with locality (a small working set
    per process), accesses spanning pages;
  - stack growth steps (up to the 64 KiB gap, sometimes exactly at it) and,
    rarely, invalid accesses that segfault (writes to code, accesses to a
    hole, far below the stack), after which the process is killed and its
    accesses, still written now and then, are ignored.

Layout (the same in every process, so that forks keep it):
  mmaps   0x01000000 .. 0x01800000  (below the segments, so that "the end
          of the highest non-stack segment" is the bss whether or not mmaps
          count: see refsim.py's C6)
  hole    0x30000000                 (never mapped: segfaults)
  code    0x08048000, then data, bss, heap (grows up to 0x08148000)
  stack   its top at 0xc0000000, grows down
  anonymous processes touch pages 0x100..0x13f.
Stack-growth accesses never span pages (refsim.py's C5).
"""

import argparse
import random
import sys

PAGE = 4096
GAP = 64 << 10
FILES = ("f0.bin", "f1.bin", "f2.bin")
MMAP_LO, MMAP_HI = 0x01000000 // PAGE, 0x01800000 // PAGE
CODE = 0x08048000 // PAGE
HEAP_LIMIT = 0x08148000 // PAGE
STACK_TOP = 0xC0000000 // PAGE
HOLE = 0x30000000


class Map:
    def __init__(self, name, start, end, w, kind, shared=False, smax=None):
        self.name, self.start, self.end, self.w = name, start, end, w
        self.kind, self.shared, self.max = kind, shared, smax

    def copy(self):
        return Map(self.name, self.start, self.end, self.w, self.kind, self.shared, self.max)


class Proc:
    def __init__(self, pid, declared):
        self.pid = pid
        self.declared = declared
        self.maps = []
        self.state = "alive"
        self.seen = False       # has accessed memory or declared mappings
        self.ws = []            # working set: recent vpns

    def find(self, vpn):
        for m in self.maps:
            if m.start <= vpn < m.end:
                return m
        return None

    def free(self, lo, hi):
        return not any(m.start < hi and lo < m.end for m in self.maps)

    def heap(self):
        return next((m for m in self.maps if m.name == "heap"), None)

    def stack(self):
        return next((m for m in self.maps if m.kind == "stack"), None)


class Gen:
    def __init__(self, seed, nrecords):
        self.r = random.Random(seed)
        self.n = nrecords
        self.out = ["pagesim-trace 1", "# gen_vm_trace.py --seed %d --records %d" % (seed, nrecords)]
        self.procs = {}
        self.cur = 1
        self.records = 0
        self.next_pid = 2
        self.segfaults = 0      # the invalid accesses written

    def emit(self, line):
        self.out.append(line)
        self.records += 1

    def switch(self, pid):
        if pid != self.cur:
            self.out.append("process %d" % pid)
            self.cur = pid

    def alive(self, declared=None):
        return [p for p in self.procs.values() if p.state == "alive"
                and (declared is None or p.declared == declared)]

    # ---- setup of a declared process
    def declare(self, proc):
        r = self.r
        self.switch(proc.pid)
        proc.seen = True
        ncode = r.randint(1, 3)
        ndata = r.randint(1, 2)
        nbss = r.randint(1, 3)
        a = CODE
        segs = [("code", a, ncode, "r-x", "file=a.out offset=0", "file"),
                ("data", a + ncode, ndata, "rw-", "file=a.out offset=0x%x" % (ncode * PAGE), "file"),
                ("bss", a + ncode + ndata, nbss, "rw-", "zero", "zero")]
        for name, start, n, prot, backing, kind in segs:
            self.out.append("segment %s 0x%x 0x%x %s %s" % (name, start * PAGE, n * PAGE, prot, backing))
            proc.maps.append(Map(name, start, start + n, prot[1] == "w", kind))
        hs = a + ncode + ndata + nbss
        if r.random() < 0.3:
            n = r.randint(1, 3)
            self.out.append("segment heap 0x%x 0x%x rw- zero" % (hs * PAGE, n * PAGE))
            proc.maps.append(Map("heap", hs, hs + n, True, "zero"))
        elif r.random() < 0.8:
            n = r.randint(1, 4)
            brk = (hs + n) * PAGE - r.choice((0, 0, 1, 100, PAGE - 1))
            self.out.append("brk 0x%x" % brk)
            proc.maps.append(Map("heap", hs, hs + n, True, "zero"))
        ns = r.randint(1, 3)
        smax = None
        extra = ""
        if r.random() < 0.3:
            smax = r.randint(ns + 2, 40) * PAGE
            extra = " max=0x%x" % smax
        self.out.append("segment stack 0x%x 0x%x rw- stack%s" % ((STACK_TOP - ns) * PAGE, ns * PAGE, extra))
        proc.maps.append(Map("stack", STACK_TOP - ns, STACK_TOP, True, "stack", smax=smax or (8 << 20)))
        for _ in range(r.randint(0, 2)):
            self.do_mmap(proc)

    # ---- events
    def do_mmap(self, proc):
        r = self.r
        n = r.randint(1, 6)
        for _ in range(20):
            lo = r.randrange(MMAP_LO, MMAP_HI - n)
            lo -= lo % 8 if r.random() < 0.5 else 0
            if proc.free(lo, lo + n):
                break
        else:
            return
        self.switch(proc.pid)
        kind = r.choice(("shared", "shared", "private", "anon"))
        prot = "rw-" if r.random() < 0.75 else "r--"
        if kind == "anon":
            prot = "rw-"
            spec = "anon"
        else:
            f = r.choice(FILES)
            off = r.choice((0, 0, r.randint(0, 8)))
            spec = "%s file=%s" % (kind, f) + (" offset=0x%x" % (off * PAGE) if off or r.random() < 0.3 else "")
        length = n * PAGE - r.choice((0, 0, 0, 1, PAGE - 1))
        self.out.append("mmap 0x%x 0x%x %s %s" % (lo * PAGE, length, prot, spec))
        proc.maps.append(Map("mmap", lo, lo + n, prot[1] == "w", "file" if kind != "anon" else "zero",
                             kind == "shared"))

    def do_munmap(self, proc):
        r = self.r
        mm = [m for m in proc.maps if m.name == "mmap"]
        if not mm:
            return
        m = r.choice(mm)
        self.switch(proc.pid)
        size = m.end - m.start
        how = r.choice(("whole", "head", "tail")) if size > 1 else "whole"
        if how == "whole":
            lo, hi = m.start, m.end
            proc.maps.remove(m)
        elif how == "head":
            k = r.randint(1, size - 1)
            lo, hi = m.start, m.start + k
            m.start = hi
        else:
            k = r.randint(1, size - 1)
            lo, hi = m.end - k, m.end
            m.end = lo
        length = (hi - lo) * PAGE - r.choice((0, 0, 0, 1, PAGE - 1))
        self.out.append("munmap 0x%x 0x%x" % (lo * PAGE, length))

    def do_brk(self, proc):
        r = self.r
        h = proc.heap()
        if h is None:
            return
        if r.random() < 0.5:
            new = h.end + r.randint(1, 6)
        else:
            new = h.end - r.randint(1, 4)
        new = max(h.start + 1, min(new, HEAP_LIMIT))
        if new > h.end and not proc.free(h.end, new):
            return
        self.switch(proc.pid)
        self.out.append("brk 0x%x" % (new * PAGE - r.choice((0, 0, 1, 2048, PAGE - 1))))
        h.end = new

    def do_fork(self, parent):
        r = self.r
        if not parent.seen or (parent.declared and not parent.maps):
            return
        exited = [p.pid for p in self.procs.values() if p.state == "exited"]
        if exited and r.random() < 0.4:
            cpid = r.choice(exited)
        else:
            cpid = self.next_pid
            self.next_pid += 1
        child = Proc(cpid, parent.declared)
        child.maps = [m.copy() for m in parent.maps]
        child.ws = list(parent.ws)
        child.seen = True
        self.procs[cpid] = child
        self.out.append("fork %d %d" % (parent.pid, cpid))

    def do_exit(self, proc):
        self.out.append("exit %d" % proc.pid)
        proc.state = "exited"
        proc.ws = []

    # ---- accesses
    def pid_suffix(self, proc):
        if proc.pid == self.cur:
            return ""
        if self.r.random() < 0.3:
            return " pid=%d" % proc.pid
        self.switch(proc.pid)
        return ""

    def access(self, proc):
        r = self.r
        if not proc.declared:
            vpn = self.pick_ws(proc, lambda v: True) or r.randrange(0x100, 0x140)
            op = r.choice("RRRWWXM")
            self.emit_access(proc, op, vpn, writable=True, m=None)
            return
        ok = lambda v: proc.find(v) is not None
        vpn = self.pick_ws(proc, ok)
        if vpn is None:
            weights = [m.end - m.start for m in proc.maps]
            m = r.choices(proc.maps, weights)[0]
            vpn = r.randrange(m.start, m.end)
        m = proc.find(vpn)
        op = r.choice("RRRWWXM") if m.w else r.choice("RRX")
        self.emit_access(proc, op, vpn, m.w, m)

    def pick_ws(self, proc, ok):
        r = self.r
        proc.ws = [v for v in proc.ws if ok(v)]
        if proc.ws and r.random() < 0.7:
            return r.choice(proc.ws)
        return None

    def emit_access(self, proc, op, vpn, writable, m):
        r = self.r
        off = r.randrange(0, PAGE)
        size = r.choice((1, 1, 4, 8, 8, 64, 128))
        npages = 1
        if r.random() < 0.08:
            # a span of several pages, inside one mapping (or anywhere in
            # an anonymous process)
            lim = (m.end - vpn) if m is not None else 4
            npages = r.randint(1, max(1, min(3, lim)))
            if npages > 1:
                size = (npages - 1) * PAGE + r.randint(1, PAGE) - off
                size = max(size, (npages - 1) * PAGE - off + 1)
        if size + off > PAGE * npages:
            size = PAGE * npages - off
        addr = vpn * PAGE + off
        sz = "" if size == 1 and r.random() < 0.5 else " %s" % (size if r.random() < 0.7 else hex(size))
        suffix = self.pid_suffix(proc)
        self.emit("%s 0x%x%s%s" % (op, addr, sz, suffix))
        proc.seen = True
        for k in range(npages):
            if vpn + k not in proc.ws:
                proc.ws.append(vpn + k)
        if len(proc.ws) > 6:
            proc.ws = proc.ws[-6:]

    def grow_stack(self, proc):
        r = self.r
        s = proc.stack()
        if s is None:
            return
        bottom = s.start * PAGE
        # the target page: 1..16 pages below the bottom, at most the max
        room = s.max // PAGE - (s.end - s.start)
        if room < 1:
            return
        if r.random() < 0.2:
            addr = bottom - GAP        # exactly at the limit: grows
        else:
            addr = bottom - r.randint(1, GAP)
        vpn = addr // PAGE
        if s.end - vpn > s.max // PAGE or not proc.free(vpn, s.start):
            return
        size = r.randint(1, PAGE - addr % PAGE)
        size = min(size, 8)
        suffix = self.pid_suffix(proc)
        self.emit("%s 0x%x %d%s" % (r.choice("RWWM"), addr, size, suffix))
        s.start = vpn
        proc.ws.append(vpn)

    def segfault(self, proc):
        r = self.r
        choice = r.random()
        if not proc.declared:
            return
        code = next((m for m in proc.maps if m.name == "code"), None)
        s = proc.stack()
        if choice < 0.4 and code is not None:
            line = "W 0x%x 4" % (code.start * PAGE + r.randrange(0, PAGE - 4))
        elif choice < 0.7 and s is not None:
            addr = s.start * PAGE - GAP - r.randint(1, 3 * PAGE)
            if not proc.free(addr // PAGE, addr // PAGE + 1):
                return
            line = "R 0x%x" % addr
        else:
            line = "%s 0x%x" % (r.choice("RWX"), HOLE + r.randrange(0, 16 * PAGE))
        suffix = self.pid_suffix(proc)
        self.emit(line + suffix)
        proc.state = "killed"
        self.segfaults += 1

    # ---- the whole trace
    def run(self):
        r = self.r
        p1 = self.procs[1] = Proc(1, True)
        self.declare(p1)
        anon = Proc(self.next_pid, False)
        self.next_pid += 1
        self.procs[anon.pid] = anon
        second_declared = False
        while self.records < self.n:
            live = self.alive()
            if not live:
                p = Proc(self.next_pid, True)
                self.next_pid += 1
                self.procs[p.pid] = p
                self.declare(p)
                continue
            x = r.random()
            proc = r.choice(live)
            if x < 0.78:
                # accesses favour the current process
                if self.cur in self.procs and self.procs[self.cur].state == "alive" and r.random() < 0.7:
                    proc = self.procs[self.cur]
                self.access(proc)
            elif x < 0.82:
                if proc.declared:
                    self.grow_stack(proc)
            elif x < 0.84:
                if len(live) < 6:
                    self.do_fork(proc)
            elif x < 0.86:
                if proc.declared:
                    self.do_mmap(proc)
            elif x < 0.88:
                if proc.declared:
                    self.do_munmap(proc)
            elif x < 0.90:
                if proc.declared:
                    self.do_brk(proc)
            elif x < 0.91:
                if len(live) > 1 and proc.seen:
                    self.do_exit(proc)
            elif x < 0.915:
                self.segfault(proc)
            elif x < 0.93:
                killed = [p for p in self.procs.values() if p.state == "killed"]
                if killed:
                    k = r.choice(killed)
                    self.emit("R 0x%x pid=%d" % (r.randrange(0x1000, 0x100000), k.pid))
            elif x < 0.935 and not second_declared:
                second_declared = True
                p = Proc(self.next_pid, True)
                self.next_pid += 1
                self.procs[p.pid] = p
                self.declare(p)
            elif x < 0.95:
                self.switch(proc.pid)
        self.out.append("# segfaults written: %d" % self.segfaults)
        return "\n".join(self.out) + "\n"


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--seed", type=int, required=True)
    ap.add_argument("--records", type=int, default=800)
    ap.add_argument("-o", "--output")
    args = ap.parse_args()
    text = Gen(args.seed, args.records).run()
    if args.output:
        with open(args.output, "w") as f:
            f.write(text)
    else:
        sys.stdout.write(text)


if __name__ == "__main__":
    main()
