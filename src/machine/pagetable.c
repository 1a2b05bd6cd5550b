#include "config.h"

#include <stdlib.h>

#include "machine/pagetable.h"

bool pt_shape_init(struct pt_shape *shape, unsigned va_bits, unsigned page_shift)
{
	unsigned pte_log2, per_level, remaining, levels;

	if (va_bits != 32 && va_bits != 48)
		return false;
	if (page_shift < 8 || page_shift >= va_bits)
		return false;
	pte_log2 = va_bits == 32 ? 2 : 3;
	per_level = page_shift - pte_log2;
	remaining = va_bits - page_shift;
	levels = (remaining + per_level - 1) / per_level;
	if (levels > PT_MAX_LEVELS)
		return false;

	shape->levels = levels;
	shape->vpn_bits = remaining;
	/* The leaf and middle levels are full tables; the root takes the rest. */
	for (unsigned l = levels; l-- > 0;) {
		unsigned below = (levels - 1 - l) * per_level;

		shape->shift[l] = below;
		shape->bits[l] = l == 0 ? remaining - below : per_level;
	}
	return true;
}

/* Allocate one zeroed table for level l of shape; NULL when memory is short. */
static void *pt_table_alloc(const struct pt_shape *shape, unsigned l)
{
	size_t entry = l == shape->levels - 1 ? sizeof(pte_t) : sizeof(void *);

	return calloc((size_t)1 << shape->bits[l], entry);
}

bool pt_init(struct pagetable *pt, const struct pt_shape *shape)
{
	pt->shape = *shape;
	pt->root = pt_table_alloc(shape, 0);
	pt->tables = pt->root != NULL;
	pt->cached_prefix = UINT64_MAX;
	pt->cached_leaf = NULL;
	return pt->root != NULL;
}

/* Free table (at level l) and everything below it. */
static void pt_free_level(const struct pt_shape *shape, void *table, unsigned l)
{
	if (l + 1 < shape->levels) {
		void **entries = table;

		for (uint64_t i = 0; i < (1ULL << shape->bits[l]); i++)
			if (entries[i] != NULL)
				pt_free_level(shape, entries[i], l + 1);
	}
	free(table);
}

void pt_destroy(struct pagetable *pt)
{
	if (pt->root != NULL)
		pt_free_level(&pt->shape, pt->root, 0);
	pt->root = NULL;
	pt->cached_leaf = NULL;
	pt->cached_prefix = UINT64_MAX;
}

pte_t *pt_walk(struct pagetable *pt, uint64_t vpn, bool create)
{
	const struct pt_shape *shape = &pt->shape;
	unsigned leaf = shape->levels - 1;
	void *table = pt->root;

	if (shape->vpn_bits < 64 && (vpn >> shape->vpn_bits) != 0)
		return NULL;
	for (unsigned l = 0; l < leaf; l++) {
		void **slot = (void **)table + ((vpn >> shape->shift[l]) & ((1ULL << shape->bits[l]) - 1));

		if (*slot == NULL) {
			if (!create || (*slot = pt_table_alloc(shape, l + 1)) == NULL)
				return NULL;
			pt->tables++;
		}
		table = *slot;
	}
	pt->cached_prefix = vpn >> shape->bits[leaf];
	pt->cached_leaf = table;
	return (pte_t *)table + (vpn & ((1ULL << shape->bits[leaf]) - 1));
}

/* pt_visit below table (at level l), whose first page is base. */
static void pt_visit_level(const struct pt_shape *shape, void *table, unsigned l, uint64_t base,
			   uint64_t lo, uint64_t hi, pt_visit_fn *fn, void *ctx)
{
	uint64_t span = 1ULL << shape->shift[l]; /* pages under one entry */
	uint64_t n = 1ULL << shape->bits[l];
	uint64_t first = lo > base ? (lo - base) >> shape->shift[l] : 0;

	for (uint64_t i = first; i < n && base + i * span < hi; i++) {
		uint64_t vpn = base + i * span;

		if (l + 1 == shape->levels) {
			pte_t *pte = (pte_t *)table + i;

			if (*pte != 0 && vpn >= lo)
				fn(ctx, vpn, pte);
		} else if (((void **)table)[i] != NULL) {
			pt_visit_level(shape, ((void **)table)[i], l + 1, vpn, lo, hi, fn, ctx);
		}
	}
}

void pt_visit(struct pagetable *pt, uint64_t lo, uint64_t hi, pt_visit_fn *fn, void *ctx)
{
	if (pt->root != NULL && lo < hi)
		pt_visit_level(&pt->shape, pt->root, 0, 0, lo, hi, fn, ctx);
}
