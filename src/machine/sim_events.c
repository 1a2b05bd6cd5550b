/*
 * sim_events.c - the machine's events: segment, mmap, munmap, mprotect,
 * brk, fork and exit (the model is at the top of sim.c). A bad event is a trace
 * error naming its line.
 */
#include "config.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "machine/sim_impl.h"

/* The default most size of a stack: 8 MiB, Linux's usual limit. */
#define SIM_DEFAULT_STACK_MAX (8ULL << 20)

/* First page after the bytes [addr, addr + len). */
static uint64_t page_end(const struct sim *s, uint64_t addr, uint64_t len)
{
	uint64_t last = addr + len - 1;

	return (last >> s->cfg.page_shift) + 1;
}

/* Bytes of page vpn, for messages. */
static unsigned long long page_addr(const struct sim *s, uint64_t vpn)
{
	return (unsigned long long)(vpn << s->cfg.page_shift);
}

/* What messages call mapping m: "segment code" or "mmap of data.bin". */
static const char *vma_label(const struct vma *m, char *buf, size_t len)
{
	if (!m->is_mmap)
		snprintf(buf, len, "segment %s", m->name);
	else if (m->backing == BACK_FILE)
		snprintf(buf, len, "mmap of %s", m->file);
	else
		snprintf(buf, len, "anonymous mmap");
	return buf;
}

/* The live process an event of record i applies to, or NULL: a killed
 * one (the event is ignored; *rc = 0) or an exited one (*rc = -1). */
static struct proc *event_proc(struct sim *s, uint32_t pid, size_t i, int *rc, struct ps_error *err)
{
	struct proc *p = sim_proc(s, pid);

	*rc = 0;
	if (p == NULL) {
		*rc = ps_error_set(err, "out of memory for process %" PRIu32, pid);
		return NULL;
	}
	if (p->state == PROC_EXITED)
		*rc = sim_trace_error(s, i, err, "process %" PRIu32 " has exited", pid);
	return p->state == PROC_LIVE ? p : NULL;
}

/* segment and mmap: add a mapping to the process. */
static int event_map(struct sim *s, const struct trace_event *ev, size_t i, struct ps_error *err)
{
	int rc;
	struct proc *p = event_proc(s, ev->pid, i, &rc, err);
	struct vma v = {
		.start = ev->addr >> s->cfg.page_shift,
		.end = page_end(s, ev->addr, ev->len),
		.name = ev->kind == EV_SEGMENT ? ev->name : "mmap",
		.file = ev->file,
		.prot = ev->prot,
		.backing = ev->backing,
		.shared = ev->shared,
		.is_mmap = ev->kind == EV_MMAP,
	};
	const struct vma *o;
	char label[128];

	if (p == NULL)
		return rc;
	if (!p->declared && p->touched)
		return sim_trace_error(s, i, err,
				       "process %" PRIu32 " already touched memory without declared mappings;"
				       " declare its segments before its first access", p->pid);
	o = vma_overlap(&p->vmas, v.start, v.end);
	if (o != NULL)
		return sim_trace_error(s, i, err, "%s [0x%llx, 0x%llx) overlaps %s [0x%llx, 0x%llx) of process %" PRIu32,
				       ev->kind == EV_SEGMENT ? "segment" : "mmap", page_addr(s, v.start),
				       page_addr(s, v.end), vma_label(o, label, sizeof label), page_addr(s, o->start),
				       page_addr(s, o->end), p->pid);
	if (v.backing == BACK_FILE) {
		v.file_page = ev->offset >> s->cfg.page_shift;
		v.file_id = sim_file_id(s, ev->file);
		if (v.file_id == 0)
			return ps_error_set(err, "out of memory for file names");
	}
	if (v.backing == BACK_STACK) {
		uint64_t max = ev->max ? ev->max : SIM_DEFAULT_STACK_MAX;

		v.max_pages = page_end(s, 0, max);
		if (v.end - v.start > v.max_pages)
			return sim_trace_error(s, i, err, "stack %s is larger than its max (%" PRIu64 " bytes)",
					       v.name, max);
	}
	if (!vma_insert(&p->vmas, &v))
		return ps_error_set(err, "out of memory for mappings");
	p->declared = true;
	return 0;
}

/* Unmap pages [start, end) of p (event of record i): inside one mapping,
 * its head, tail or all. `what` names the event for messages. */
static int unmap_pages(struct sim *s, struct proc *p, uint64_t start, uint64_t end, size_t i, const char *what,
		       struct ps_error *err)
{
	struct vma *m = vma_find(&p->vmas, start);
	char label[128];

	if (m == NULL || end > m->end)
		return sim_trace_error(s, i, err, "%s [0x%llx, 0x%llx) is not inside one mapping of process %" PRIu32,
				       what, page_addr(s, start), page_addr(s, end), p->pid);
	if (start != m->start && end != m->end)
		return sim_trace_error(s, i, err,
				       "%s [0x%llx, 0x%llx) would punch a hole in %s [0x%llx, 0x%llx);"
				       " only its head, its tail or all of it can go",
				       what, page_addr(s, start), page_addr(s, end), vma_label(m, label, sizeof label),
				       page_addr(s, m->start), page_addr(s, m->end));
	sim_unmap_range(s, p, start, end);
	vma_trim(&p->vmas, m, start, end);
	return 0;
}

static int event_munmap(struct sim *s, const struct trace_event *ev, size_t i, struct ps_error *err)
{
	int rc;
	struct proc *p = event_proc(s, ev->pid, i, &rc, err);

	if (p == NULL)
		return rc;
	return unmap_pages(s, p, ev->addr >> s->cfg.page_shift, page_end(s, ev->addr, ev->len), i, "munmap", err);
}

/* Context of protect_pte. */
struct protect_ctx {
	struct sim *s;
	uint32_t pid;
	bool writable;
};

/* mprotect's change to a PTE: without w, a present page loses W; with w,
 * a present shared file page gets it (a private page keeps it off, and
 * its next write is a write-protect fault, served as copy-on-write). */
static void protect_pte(void *ctx, uint64_t vpn, pte_t *pte)
{
	struct protect_ctx *c = ctx;

	if (!(*pte & PTE_P))
		return;
	if (!c->writable && (*pte & PTE_W)) {
		*pte &= ~(pte_t)PTE_W;
		sim_shootdown(c->s, c->pid, vpn);
	} else if (c->writable && c->s->ft.frames[PTE_NUM(*pte)].kind == FRAME_SHARED) {
		*pte |= PTE_W;
		sim_shootdown(c->s, c->pid, vpn);
	}
}

/* mprotect: the range must lie inside one mapping; the part it covers
 * becomes a mapping of its own (the rest keeps its protection). */
static int event_mprotect(struct sim *s, const struct trace_event *ev, size_t i, struct ps_error *err)
{
	int rc;
	struct proc *p = event_proc(s, ev->pid, i, &rc, err);
	uint64_t start = ev->addr >> s->cfg.page_shift, end = page_end(s, ev->addr, ev->len);
	struct vma *m;
	struct protect_ctx c = { .s = s, .pid = ev->pid, .writable = (ev->prot & EV_PROT_W) != 0 };

	if (p == NULL)
		return rc;
	m = vma_find(&p->vmas, start);
	if (m == NULL || end > m->end)
		return sim_trace_error(s, i, err, "mprotect [0x%llx, 0x%llx) is not inside one mapping of process %" PRIu32,
				       page_addr(s, start), page_addr(s, end), p->pid);
	if (!vma_split(&p->vmas, start) || !vma_split(&p->vmas, end))
		return ps_error_set(err, "out of memory for mappings");
	vma_find(&p->vmas, start)->prot = ev->prot;
	pt_visit(&p->pt, start, end, protect_pte, &c);
	return 0;
}

/* The heap mapping of p (the highest, if mprotect split it), or NULL. */
static struct vma *find_heap(struct proc *p)
{
	for (size_t k = p->vmas.n; k-- > 0;)
		if (!p->vmas.v[k].is_mmap && strcmp(p->vmas.v[k].name, "heap") == 0)
			return &p->vmas.v[k];
	return NULL;
}

static int event_brk(struct sim *s, const struct trace_event *ev, size_t i, struct ps_error *err)
{
	int rc;
	struct proc *p = event_proc(s, ev->pid, i, &rc, err);
	struct vma *heap;
	uint64_t end, old;

	if (p == NULL)
		return rc;
	heap = find_heap(p);
	if (heap != NULL && !p->heap_known) {
		p->heap_start = heap->start;
		p->heap_known = true;
	}
	if (!p->heap_known) {
		for (size_t k = 0; k < p->vmas.n; k++) {
			const struct vma *m = &p->vmas.v[k];

			if (!m->is_mmap && m->backing != BACK_STACK && m->end > p->heap_start)
				p->heap_start = m->end;
		}
		if (p->heap_start == 0)
			return sim_trace_error(s, i, err, "brk: process %" PRIu32
					       " has no segment to put a heap after; declare its segments first", p->pid);
		p->heap_known = true;
	}
	end = (ev->addr + ((1ULL << s->cfg.page_shift) - 1)) >> s->cfg.page_shift;
	if (ev->addr > UINT64_MAX - ((1ULL << s->cfg.page_shift) - 1) || end < p->heap_start)
		return sim_trace_error(s, i, err, "brk 0x%" PRIx64 " is below the start of the heap, 0x%llx", ev->addr,
				       page_addr(s, p->heap_start));
	old = heap != NULL ? heap->end : p->heap_start;
	if (end > old) {
		const struct vma *o = vma_overlap(&p->vmas, old, end);
		char label[128];

		if (o != NULL)
			return sim_trace_error(s, i, err, "brk 0x%" PRIx64 " would grow the heap into %s [0x%llx, 0x%llx)",
					       ev->addr, vma_label(o, label, sizeof label), page_addr(s, o->start),
					       page_addr(s, o->end));
		if (heap != NULL) {
			heap->end = end;
		} else {
			struct vma v = { .start = old, .end = end, .name = "heap", .prot = EV_PROT_R | EV_PROT_W,
					 .backing = BACK_ZERO };

			if (!vma_insert(&p->vmas, &v))
				return ps_error_set(err, "out of memory for mappings");
		}
	} else if (end < old) {
		return unmap_pages(s, p, end, old, i, "brk", err);
	}
	return 0;
}

/* Context of fork_pte. */
struct fork_ctx {
	struct sim *s;
	struct proc *parent, *child;
	bool failed;
};

/* Give the child of a fork its copy of the parent's PTE of page vpn. */
static void fork_pte(void *ctx, uint64_t vpn, pte_t *pte)
{
	struct fork_ctx *c = ctx;
	pte_t *cpte;

	if (c->failed)
		return;
	cpte = pt_walk(&c->child->pt, vpn, true);
	if (cpte == NULL) {
		c->failed = true;
		return;
	}
	if (*pte & PTE_P) {
		uint32_t f = (uint32_t)PTE_NUM(*pte);

		if (c->s->ft.frames[f].kind != FRAME_SHARED && (*pte & PTE_W)) {
			/* Private: copy-on-write from now on, in both. */
			*pte &= ~(pte_t)PTE_W;
			sim_shootdown(c->s, c->parent->pid, vpn);
		}
		if (!sim_map_more(c->s, f, cpte, vpn, c->child->pid)) {
			c->failed = true;
			return;
		}
	} else if ((*pte & PTE_SWAP) && !swap_share(&c->s->swap, PTE_NUM(*pte))) {
		c->failed = true;
		return;
	}
	*cpte = *pte;
}

static int event_fork(struct sim *s, const struct trace_event *ev, size_t i, struct ps_error *err)
{
	struct proc *parent = sim_proc_find(s, ev->pid), *child = sim_proc_find(s, ev->child);
	struct fork_ctx c;

	if (parent == NULL)
		return sim_trace_error(s, i, err, "fork: process %" PRIu32 " does not exist", ev->pid);
	if (parent->state == PROC_EXITED)
		return sim_trace_error(s, i, err, "fork: process %" PRIu32 " has exited", ev->pid);
	if (child != NULL && child->state != PROC_EXITED)
		return sim_trace_error(s, i, err, "fork: process %" PRIu32 " already exists", ev->child);
	if (child == NULL)
		child = sim_proc(s, ev->child);
	else if (pt_init(&child->pt, &s->shape, &s->mover) && (!s->cfg.vm.scope_local || sim_proc_instance(s, child)))
		s->stats.processes++;
	else
		child = NULL;
	if (child == NULL || child->pt.root == NULL)
		return ps_error_set(err, "out of memory for process %" PRIu32, ev->child);
	child->state = parent->state;
	child->declared = parent->declared;
	child->touched = parent->touched;
	child->heap_known = parent->heap_known;
	child->heap_start = parent->heap_start;
	child->pages = parent->pages;
	if (parent->state != PROC_LIVE) {
		/* A killed parent: its child is as dead, and holds nothing. */
		sim_teardown(s, child);
		return 0;
	}
	if (!vma_copy(&child->vmas, &parent->vmas))
		return ps_error_set(err, "out of memory for mappings");
	c = (struct fork_ctx){ .s = s, .parent = parent, .child = child };
	pt_visit(&parent->pt, 0, s->shape.vpn_bits >= 64 ? UINT64_MAX : 1ULL << s->shape.vpn_bits, fork_pte, &c);
	if (c.failed)
		return ps_error_set(err, "out of memory copying the page table of process %" PRIu32, parent->pid);
	if (s->cfg.vm.count_page_tables)
		return sim_charge_tables(s, child, err);
	return 0;
}

static int event_exit(struct sim *s, const struct trace_event *ev, size_t i, struct ps_error *err)
{
	struct proc *p = sim_proc_find(s, ev->pid);

	if (p == NULL)
		return sim_trace_error(s, i, err, "exit: process %" PRIu32 " does not exist", ev->pid);
	if (p->state == PROC_EXITED)
		return sim_trace_error(s, i, err, "exit: process %" PRIu32 " has already exited", ev->pid);
	if (p->state == PROC_LIVE)
		sim_teardown(s, p);
	p->state = PROC_EXITED;
	p->declared = p->touched = p->heap_known = false;
	p->heap_start = 0;
	return 0;
}

int sim_event(struct sim *s, const struct trace_rec *rec, size_t i, struct ps_error *err)
{
	const struct trace_events *t = s->batch->events;
	const struct trace_event *ev;

	if (t == NULL || rec->addr >= trace_events_count(t))
		return sim_trace_error(s, i, err, "an event record with no event behind it");
	if (!sim_vm_tables(s))
		return ps_error_set(err, "out of memory for the VM model's tables");
	ev = trace_events_get(t, rec->addr);
	switch (ev->kind) {
	case EV_SEGMENT:
	case EV_MMAP: return event_map(s, ev, i, err);
	case EV_MUNMAP: return event_munmap(s, ev, i, err);
	case EV_BRK: return event_brk(s, ev, i, err);
	case EV_FORK: return event_fork(s, ev, i, err);
	case EV_EXIT: return event_exit(s, ev, i, err);
	case EV_MPROTECT: return event_mprotect(s, ev, i, err);
	default: return sim_trace_error(s, i, err, "unknown event kind %u", ev->kind);
	}
}
