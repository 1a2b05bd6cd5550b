/*
 * naive_sim.c - the bench's model-free baseline (scripts/bench; README,
 * "Performance"). Built only for `make bench`, never installed.
 *
 * Usage: naive_sim TRACE.bin POLICY FRAMES [REPEAT]
 *   POLICY is fifo, clock or lru; TRACE.bin an uncompressed pagesim binary
 *   trace (version 1 or 2, accesses only), 4096-byte pages.
 * Prints one CSV row: policy,frames,refs,faults,distinct_pages,seconds,
 * cpu_seconds
 *
 * What it times: only the replacement loop, over an array of dense page
 * numbers (0, 1, 2, ... in order of first touch) that it builds BEFORE
 * timing from the trace (each access references every page its bytes
 * cover, in ascending order, as pagesim's default --span-pages does). The
 * loop then models nothing but residency: a frame table indexed by the
 * dense page number, no page tables, no processes, no swap. seconds is
 * the best wall time of REPEAT runs (default 3) of that loop, cpu_seconds
 * the best CPU time of this thread (what a shared machine leaves fair).
 *
 * The policies are the textbook ones, written independently of pagesim's,
 * with the tie-breaks pagesim documents: free frames fill in order; fifo
 * evicts the oldest load; clock sweeps a hand from frame 0, clearing set
 * reference bits, evicts the first clear one and stops just past it, and
 * a loaded page starts with its bit set; lru evicts the least recently
 * referenced page. The bench compares the fault counts with pagesim's
 * and fails if they differ.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define PAGE_SHIFT 12
#define NONE UINT32_MAX

/* The trace as dense page numbers. */
struct pages {
	uint32_t *ref;   /* one entry per reference */
	size_t n, cap;
	uint32_t distinct;
};

static void die(const char *msg, const char *arg)
{
	fprintf(stderr, "naive_sim: %s%s%s\n", msg, arg != NULL ? ": " : "", arg != NULL ? arg : "");
	exit(2);
}

static void *xmalloc(size_t n)
{
	void *p = malloc(n != 0 ? n : 1);

	if (p == NULL)
		die("out of memory", NULL);
	return p;
}

static uint64_t get_le(const unsigned char *p, int bytes)
{
	uint64_t v = 0;

	for (int i = bytes - 1; i >= 0; i--)
		v = v << 8 | p[i];
	return v;
}

/* Open-addressing map from page number to dense number. */
struct pagemap {
	uint64_t *key; /* page + 1; 0: empty */
	uint32_t *val;
	size_t mask;
};

static uint32_t pagemap_get(struct pagemap *m, struct pages *pg, uint64_t page)
{
	size_t i = (size_t)((page * 0x9e3779b97f4a7c15ULL) >> 20) & m->mask;

	while (m->key[i] != 0 && m->key[i] != page + 1)
		i = (i + 1) & m->mask;
	if (m->key[i] == 0) {
		if ((size_t)pg->distinct * 2 >= m->mask)
			die("more distinct pages than the map holds", NULL);
		m->key[i] = page + 1;
		m->val[i] = pg->distinct++;
	}
	return m->val[i];
}

static void pages_push(struct pages *pg, uint32_t v)
{
	if (pg->n == pg->cap) {
		pg->cap = pg->cap ? pg->cap * 2 : 1 << 20;
		pg->ref = realloc(pg->ref, pg->cap * sizeof *pg->ref);
		if (pg->ref == NULL)
			die("out of memory", NULL);
	}
	pg->ref[pg->n++] = v;
}

/* Read path's records into dense page references. */
static void load(const char *path, struct pages *pg)
{
	FILE *f = fopen(path, "rb");
	unsigned char hdr[32], rec[16];
	struct pagemap m = { .mask = (1u << 23) - 1 };
	long skip;

	if (f == NULL)
		die(strerror(errno), path);
	if (fread(hdr, 1, 32, f) != 32 || memcmp(hdr, "PGSIMBIN", 8) != 0)
		die("not a pagesim binary trace", path);
	if (get_le(hdr + 8, 4) > 2 || get_le(hdr + 16, 4) != 16)
		die("unsupported binary version or record size", path);
	skip = (long)get_le(hdr + 12, 4) - 32;
	if (skip < 0 || fseek(f, skip, SEEK_CUR) != 0)
		die("bad header size", path);
	m.key = calloc(m.mask + 1, sizeof *m.key);
	m.val = xmalloc((m.mask + 1) * sizeof *m.val);
	if (m.key == NULL)
		die("out of memory", NULL);
	while (fread(rec, 1, 16, f) == 16) {
		uint64_t addr = get_le(rec, 8), size = get_le(rec + 12, 2);

		if (rec[14] > 2 || size == 0)
			die("event or malformed record (accesses only)", path);
		for (uint64_t p = addr >> PAGE_SHIFT; p <= (addr + size - 1) >> PAGE_SHIFT; p++)
			pages_push(pg, pagemap_get(&m, pg, p));
	}
	if (ferror(f))
		die("read error", path);
	fclose(f);
	free(m.key);
	free(m.val);
}

/* The frame table: frame_of[page], page_in[frame]. */
struct mem {
	uint32_t *frame_of, *page_in;
	uint32_t frames, used, hand;
	uint8_t *bit; /* clock: reference bit per frame */
	uint32_t *prev, *next, head; /* lru: list by page; head: the sentinel */
};

static uint64_t run_fifo(struct mem *m, const uint32_t *ref, size_t n)
{
	uint64_t faults = 0;

	for (size_t i = 0; i < n; i++) {
		uint32_t p = ref[i], f;

		if (m->frame_of[p] != NONE)
			continue;
		faults++;
		if (m->used < m->frames) {
			f = m->used++;
		} else {
			f = m->hand;
			m->hand = f + 1 == m->frames ? 0 : f + 1;
			m->frame_of[m->page_in[f]] = NONE;
		}
		m->page_in[f] = p;
		m->frame_of[p] = f;
	}
	return faults;
}

static uint64_t run_clock(struct mem *m, const uint32_t *ref, size_t n)
{
	uint64_t faults = 0;

	for (size_t i = 0; i < n; i++) {
		uint32_t p = ref[i], f = m->frame_of[p];

		if (f != NONE) {
			m->bit[f] = 1;
			continue;
		}
		faults++;
		if (m->used < m->frames) {
			f = m->used++;
		} else {
			while (m->bit[m->hand]) {
				m->bit[m->hand] = 0;
				m->hand = m->hand + 1 == m->frames ? 0 : m->hand + 1;
			}
			f = m->hand;
			m->hand = f + 1 == m->frames ? 0 : f + 1;
			m->frame_of[m->page_in[f]] = NONE;
		}
		m->page_in[f] = p;
		m->frame_of[p] = f;
		m->bit[f] = 1;
	}
	return faults;
}

/* lru: frame_of[p] is only a resident mark; a circular list through
 * the sentinel node s = distinct pages orders the pages, newest first. */
static void lru_unlink(struct mem *m, uint32_t p)
{
	m->next[m->prev[p]] = m->next[p];
	m->prev[m->next[p]] = m->prev[p];
}

static void lru_push(struct mem *m, uint32_t p)
{
	uint32_t s = m->head;

	m->prev[p] = s;
	m->next[p] = m->next[s];
	m->prev[m->next[s]] = p;
	m->next[s] = p;
}

static uint64_t run_lru(struct mem *m, const uint32_t *ref, size_t n)
{
	uint64_t faults = 0;

	for (size_t i = 0; i < n; i++) {
		uint32_t p = ref[i];

		if (m->frame_of[p] != NONE) {
			if (m->next[m->head] != p) { /* not already the newest */
				lru_unlink(m, p);
				lru_push(m, p);
			}
			continue;
		}
		faults++;
		if (m->used < m->frames) {
			m->used++;
		} else {
			uint32_t victim = m->prev[m->head];

			lru_unlink(m, victim);
			m->frame_of[victim] = NONE;
		}
		m->frame_of[p] = 0;
		lru_push(m, p);
	}
	return faults;
}

/* Fresh state for pg's pages and frames. */
static void mem_reset(struct mem *m, const struct pages *pg, uint32_t frames)
{
	memset(m->frame_of, 0xff, (size_t)pg->distinct * sizeof *m->frame_of);
	memset(m->bit, 0, frames);
	m->frames = frames;
	m->used = m->hand = 0;
	m->head = pg->distinct;
	m->prev[m->head] = m->next[m->head] = m->head;
}

static double now_s(clockid_t clock)
{
	struct timespec t;

	clock_gettime(clock, &t);
	return (double)t.tv_sec + (double)t.tv_nsec * 1e-9;
}

int main(int argc, char **argv)
{
	struct pages pg = { 0 };
	struct mem m;
	uint64_t (*run)(struct mem *, const uint32_t *, size_t);
	unsigned long frames, repeat = argc > 4 ? strtoul(argv[4], NULL, 10) : 3;
	double best = -1, best_cpu = -1;
	uint64_t faults = 0;

	if (argc < 4 || argc > 5)
		die("usage: naive_sim TRACE.bin fifo|clock|lru FRAMES [REPEAT]", NULL);
	run = strcmp(argv[2], "fifo") == 0 ? run_fifo : strcmp(argv[2], "clock") == 0 ? run_clock
	      : strcmp(argv[2], "lru") == 0 ? run_lru : NULL;
	frames = strtoul(argv[3], NULL, 10);
	if (run == NULL || frames == 0 || frames >= NONE || repeat == 0)
		die("usage: naive_sim TRACE.bin fifo|clock|lru FRAMES [REPEAT]", NULL);
	load(argv[1], &pg);
	m.frame_of = xmalloc(((size_t)pg.distinct + 1) * sizeof *m.frame_of);
	m.prev = xmalloc(((size_t)pg.distinct + 1) * sizeof *m.prev);
	m.next = xmalloc(((size_t)pg.distinct + 1) * sizeof *m.next);
	m.page_in = xmalloc(frames * sizeof *m.page_in);
	m.bit = xmalloc(frames);
	for (unsigned long r = 0; r < repeat; r++) {
		double t, cpu;

		mem_reset(&m, &pg, (uint32_t)frames);
		t = now_s(CLOCK_MONOTONIC);
		cpu = now_s(CLOCK_THREAD_CPUTIME_ID);
		faults = run(&m, pg.ref, pg.n);
		cpu = now_s(CLOCK_THREAD_CPUTIME_ID) - cpu;
		t = now_s(CLOCK_MONOTONIC) - t;
		if (best < 0 || t < best)
			best = t;
		if (best_cpu < 0 || cpu < best_cpu)
			best_cpu = cpu;
	}
	printf("policy,frames,refs,faults,distinct_pages,seconds,cpu_seconds\n"
	       "%s,%lu,%zu,%" PRIu64 ",%" PRIu32 ",%.4f,%.4f\n",
	       argv[2], frames, pg.n, faults, pg.distinct, best, best_cpu);
	return 0;
}
