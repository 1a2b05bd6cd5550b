#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "replay/future.h"
#include "trace/pageref.h"
#include "policies/policy.h"
#include "trace/trace_event.h"

/* One distinct page: its identity and the index of its latest reference. */
struct future_page {
	uint64_t vpn;
	uint64_t last; /* UINT64_MAX: empty hash slot */
	uint32_t pid;
};

struct future_builder {
	unsigned page_shift;
	bool span_pages;
	uint64_t window;   /* UINT64_MAX: the whole trace */
	uint64_t mask;     /* ring index mask; UINT64_MAX: a growing array */
	uint64_t *next_use;
	uint64_t len, cap; /* references added; entries allocated */
	struct future_page *pages; /* open addressing, power-of-two slots */
	uint64_t slots, used;
};

uint64_t future_window(const struct policy *p, const double *params)
{
	if (p->params == NULL || params == NULL)
		return 0;
	for (size_t i = 0; p->params[i].name != NULL; i++) {
		if (strcmp(p->params[i].name, "window") != 0)
			continue;
		if (!(params[i] >= 1))
			return 0;
		return params[i] < 0x1p63 ? (uint64_t)params[i] : UINT64_C(1) << 63;
	}
	return 0;
}

struct future_builder *future_begin(unsigned page_shift, bool span_pages)
{
	struct future_builder *b = calloc(1, sizeof *b);

	if (b == NULL)
		return NULL;
	b->page_shift = page_shift;
	b->span_pages = span_pages;
	b->window = UINT64_MAX;
	b->mask = UINT64_MAX;
	return b;
}

struct future_builder *future_begin_window(unsigned page_shift, bool span_pages, uint64_t window,
					   uint64_t entries)
{
	struct future_builder *b;

	if (window == 0 || entries < window || (entries & (entries - 1)) != 0 ||
	    entries > SIZE_MAX / sizeof *b->next_use)
		return NULL;
	b = future_begin(page_shift, span_pages);
	if (b == NULL)
		return NULL;
	b->next_use = malloc(entries * sizeof *b->next_use);
	if (b->next_use == NULL) {
		free(b);
		return NULL;
	}
	b->window = window;
	b->mask = entries - 1;
	b->cap = UINT64_MAX; /* a ring never grows */
	return b;
}

/* Hash of a (pid, page) pair. */
static uint64_t future_hash(uint32_t pid, uint64_t vpn)
{
	uint64_t h = (vpn ^ ((uint64_t)pid << 40)) * 0x9e3779b97f4a7c15ULL;

	return h ^ (h >> 29);
}

/* The slot of (pid, vpn) in the table: its own, or the empty one where it
 * belongs. The table must have an empty slot. */
static struct future_page *future_slot(struct future_page *pages, uint64_t slots, uint32_t pid,
				       uint64_t vpn)
{
	uint64_t mask = slots - 1;

	for (uint64_t i = future_hash(pid, vpn) & mask;; i = (i + 1) & mask)
		if (pages[i].last == UINT64_MAX || (pages[i].vpn == vpn && pages[i].pid == pid))
			return &pages[i];
}

/* Can no later reference be the next use of page's latest one: is that a
 * window or more behind the next reference? (Never without a window.) */
static bool future_stale(const struct future_builder *b, const struct future_page *page)
{
	return b->len - page->last >= b->window;
}

/* Rebuild the page table (or create it) without its stale pages, at the
 * smallest power of two of at least 1024 slots and four times the pages
 * kept: a table that keeps every page (always, without a window) doubles,
 * and a windowed one holds only the pages of about the last window
 * references. False when memory is short. */
static bool future_rehash(struct future_builder *b)
{
	uint64_t kept = 0, slots = 1024;
	struct future_page *pages;

	for (uint64_t i = 0; i < b->slots; i++)
		kept += b->pages[i].last != UINT64_MAX && !future_stale(b, &b->pages[i]);
	while (slots < 4 * kept)
		slots *= 2;
	pages = malloc(slots * sizeof *pages);
	if (pages == NULL)
		return false;
	for (uint64_t i = 0; i < slots; i++)
		pages[i].last = UINT64_MAX;
	for (uint64_t i = 0; i < b->slots; i++)
		if (b->pages[i].last != UINT64_MAX && !future_stale(b, &b->pages[i]))
			*future_slot(pages, slots, b->pages[i].pid, b->pages[i].vpn) = b->pages[i];
	free(b->pages);
	b->pages = pages;
	b->slots = slots;
	b->used = kept;
	return true;
}

/* Record reference number b->len to (pid, vpn): it is the next use of the
 * page's previous reference when that is less than the window back (in a
 * ring, that entry has not been overwritten since: the window fits in the
 * ring). False when memory is short. */
static bool future_ref(struct future_builder *b, uint32_t pid, uint64_t vpn)
{
	struct future_page *page;

	if (b->len == b->cap) {
		uint64_t cap = b->cap ? 2 * b->cap : 1 << 16;
		uint64_t *next = realloc(b->next_use, cap * sizeof *next);

		if (next == NULL)
			return false;
		b->next_use = next;
		b->cap = cap;
	}
	if (2 * (b->used + 1) > b->slots && !future_rehash(b))
		return false;
	page = future_slot(b->pages, b->slots, pid, vpn);
	if (page->last == UINT64_MAX) {
		*page = (struct future_page){ .vpn = vpn, .pid = pid };
		b->used++;
	} else if (b->len - page->last < b->window) {
		b->next_use[page->last & b->mask] = b->len;
	}
	page->last = b->len;
	b->next_use[b->len++ & b->mask] = POLICY_NEVER;
	return true;
}

int future_add(struct future_builder *b, const struct trace_rec *recs, size_t n,
	       struct ps_error *err)
{
	for (size_t i = 0; i < n; i++) {
		uint64_t vpn, pages;

		if (recs[i].op == OP_EVENT)
			continue;
		pages = pageref_span(&recs[i], b->page_shift, b->span_pages, &vpn);

		for (; pages > 0; pages--, vpn++)
			if (!future_ref(b, recs[i].pid, vpn))
				return ps_error_set(err, "out of memory for the look-ahead after %llu references",
						    (unsigned long long)b->len);
	}
	return 0;
}

uint64_t future_count(const struct future_builder *b)
{
	return b->len;
}

const uint64_t *future_ring(const struct future_builder *b, uint64_t *mask)
{
	*mask = b->mask;
	return b->next_use;
}

void future_finish(struct future_builder *b, struct future *out)
{
	/* An empty trace has an empty look-ahead, which is not a missing one. */
	if (b->next_use == NULL)
		b->next_use = malloc(sizeof *b->next_use);
	out->next_use = b->next_use;
	out->len = b->len;
	b->next_use = NULL;
	future_abandon(b);
}

void future_abandon(struct future_builder *b)
{
	if (b == NULL)
		return;
	free(b->next_use);
	free(b->pages);
	free(b);
}

void future_free(struct future *f)
{
	free(f->next_use);
	f->next_use = NULL;
	f->len = 0;
}
