#include "config.h"

#include <stdlib.h>

#include "future.h"
#include "pageref.h"
#include "policy.h"
#include "trace_event.h"

/* One distinct page: its identity and the index of its latest reference. */
struct future_page {
	uint64_t vpn;
	uint64_t last; /* UINT64_MAX: empty hash slot */
	uint32_t pid;
};

struct future_builder {
	unsigned page_shift;
	bool span_pages;
	uint64_t *next_use;
	uint64_t len, cap;
	struct future_page *pages; /* open addressing, power-of-two slots */
	uint64_t slots, used;
};

struct future_builder *future_begin(unsigned page_shift, bool span_pages)
{
	struct future_builder *b = calloc(1, sizeof *b);

	if (b == NULL)
		return NULL;
	b->page_shift = page_shift;
	b->span_pages = span_pages;
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

/* Double the page table (or create it); false when memory is short. */
static bool future_grow_pages(struct future_builder *b)
{
	uint64_t slots = b->slots ? 2 * b->slots : 1024;
	struct future_page *pages = malloc(slots * sizeof *pages);

	if (pages == NULL)
		return false;
	for (uint64_t i = 0; i < slots; i++)
		pages[i].last = UINT64_MAX;
	for (uint64_t i = 0; i < b->slots; i++)
		if (b->pages[i].last != UINT64_MAX)
			*future_slot(pages, slots, b->pages[i].pid, b->pages[i].vpn) = b->pages[i];
	free(b->pages);
	b->pages = pages;
	b->slots = slots;
	return true;
}

/* Record reference number b->len to (pid, vpn); false when memory is short. */
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
	if (2 * (b->used + 1) > b->slots && !future_grow_pages(b))
		return false;
	page = future_slot(b->pages, b->slots, pid, vpn);
	if (page->last == UINT64_MAX) {
		*page = (struct future_page){ .vpn = vpn, .pid = pid };
		b->used++;
	} else {
		b->next_use[page->last] = b->len;
	}
	page->last = b->len;
	b->next_use[b->len++] = POLICY_NEVER;
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
