/*
 * pagetable.c - the radix page tables of pagetable.h, held compactly on
 * the host where the address space is sparse.
 *
 * Why. Every simulated table has 2^bits entries (4 KiB on x86-64). Held as
 * full arrays on the host, a page alone in its leaf table costs a whole
 * leaf, and usually a whole middle table too: 100,000 random pages over
 * 48 bits took 741 MB, 7.4 KB a page. Traces whose "pages" are object ids
 * or hashed addresses look exactly like that.
 *
 * What is simulated does not change: the same tables exist whatever their
 * host form (pt->tables counts them, count_page_tables charges a frame for
 * each, the TLB model walks them). On the host a table has one of two
 * forms:
 *   full     an array of 2^bits child pointers (interior) or PTEs (leaf).
 *            The root is always full.
 *   compact  a struct pt_compact, and a table pointer with PT_COMPACT set:
 *            its n entries in the order they were made (val[]), their
 *            indexes sorted (key[]) and, for each key, the position of its
 *            entry (order[]). A lookup is a binary search; an entry that is
 *            not there reads as in a full table (no table, a PTE of 0).
 * Every table below the root is born compact, with room for one entry. An
 * entry added to a compact table with no room doubles the room (a new
 * block, the entries copied in place), up to pt_compact_limit entries: 8
 * for a leaf, 1/8 of the full table for the others (at most 128; 64 on
 * x86-64). Past that the table becomes full, and so does every compact
 * table above it: no full table ever lies below a compact one. So a dense
 * region has full tables all the way down after the first 9 pages of a
 * leaf, and pt_find, the replay's read-ahead, gives up at the first
 * compact table it meets (everything under it is compact). Tables never
 * become compact again; only pt_destroy frees them.
 *
 * Cost. A page alone in its leaf and middle tables costs two 32-byte
 * blocks instead of two 4 KiB arrays (measured: 117 bytes a page for
 * 100,000 random pages over 48 bits, the process included, against 7.4 KB
 * before). A leaf of 9 pages or more, and the tables above it, cost what
 * they did, and lookups in them are what they were (one load a level,
 * or a hit in the cache of full leaves); only the first 8 pages of
 * each leaf pay a binary search while their leaf is compact.
 *
 * Pointers to PTEs. The reverse map (frames.h, sim_mm.c) points to every
 * present PTE, and the replay keeps pointers found ahead (pt_find). Full
 * tables never move, and entries never move inside a compact table (an
 * insertion shifts only key[] and order[]), so a PTE moves only when its
 * compact leaf is copied: grown, or made full. Then every nonzero PTE
 * moved is reported to the table's mover (pt_init) before the old block is
 * freed, and the mover updates the reverse map; a zero PTE maps no frame,
 * so nothing points to it. pt_find returns NULL for the PTEs of compact
 * leaves, so the pointers it hands out stay valid until pt_destroy.
 *
 * Huge pages. A dense address space of gigabytes has thousands of full
 * leaves, read at random: with 4 KiB host pages each PTE read costs a TLB
 * miss on top of its cache miss (the bench's gen mix: 4,000 leaves, 16
 * MB). A page table's full leaves after its first PT_POOL_AFTER (2 MiB of
 * them) are carved from 2 MiB chunks the kernel is asked to back with
 * huge pages (hugepages.h), so the last chunk's unused part is at most the
 * memory already in leaves. Fewer leaves are not worth a chunk, and a
 * sparse space, whose leaves stay compact (its full tables are interior
 * ones), never gets there. Chunks are freed whole by pt_destroy, like
 * every table.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "machine/pagetable.h"
#include "util/hugepages.h"

/* An entry of a compact table: a PTE (leaf) or a child table (interior). */
union pt_entry {
	pte_t pte;
	void *child;
};

struct pt_compact {
	uint32_t n;           /* entries made */
	uint32_t cap;         /* room for entries */
	union pt_entry val[]; /* cap entries in the order they were made; then
				 uint32_t key[cap], the indexes of the n entries
				 sorted, and uint8_t order[cap], the position in
				 val[] of key[k]'s entry */
};

/* The most entries a compact table holds: order[] counts up to 255. */
#define PT_COMPACT_MAX 128
/* The most a compact leaf holds: a leaf's PTEs are reached by a binary
 * search (not prefetched, not cached) while it is compact, so leaves are
 * made full early; 9 pages or more pay at most 455 bytes a page for it. */
#define PT_COMPACT_LEAF_MAX 8

static uint32_t *pc_key(struct pt_compact *c)
{
	return (uint32_t *)(c->val + c->cap);
}

static uint8_t *pc_order(struct pt_compact *c)
{
	return (uint8_t *)(pc_key(c) + c->cap);
}

/* The compact table a tagged table pointer stands for. */
static struct pt_compact *pc_untag(const void *table)
{
	return (struct pt_compact *)((uintptr_t)table & ~PT_COMPACT);
}

static void *pc_tag(struct pt_compact *c)
{
	return (void *)((uintptr_t)c | PT_COMPACT);
}

/* An empty compact table with room for cap entries (tagged); NULL when
 * memory is short. */
static void *pc_alloc(unsigned cap)
{
	struct pt_compact *c = malloc(sizeof *c + cap * (sizeof(union pt_entry) + sizeof(uint32_t) + 1));

	if (c == NULL)
		return NULL;
	c->n = 0;
	c->cap = cap;
	return pc_tag(c);
}

/* Position in c's key[] of the first key >= index (c->n if none). */
static unsigned pc_search(struct pt_compact *c, uint64_t index)
{
	const uint32_t *key = pc_key(c);
	unsigned lo = 0, hi = c->n;

	while (lo < hi) {
		unsigned mid = (lo + hi) / 2;

		if (key[mid] < index)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/* c's entry of index, or NULL. */
static union pt_entry *pc_find(struct pt_compact *c, uint64_t index)
{
	unsigned k = pc_search(c, index);

	return k < c->n && pc_key(c)[k] == index ? &c->val[pc_order(c)[k]] : NULL;
}

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

/* Index of vpn's entry in its table of level l. */
static uint64_t pt_index(const struct pt_shape *shape, uint64_t vpn, unsigned l)
{
	return (vpn >> shape->shift[l]) & ((1ULL << shape->bits[l]) - 1);
}

/* The most entries a compact table of level l holds (pagetable.c's top):
 * 1/8 of a full table, and at most PT_COMPACT_LEAF_MAX for a leaf. */
static unsigned pt_compact_limit(const struct pt_shape *shape, unsigned l)
{
	uint64_t eighth = (1ULL << shape->bits[l]) / 8;
	unsigned most = l + 1 == shape->levels ? PT_COMPACT_LEAF_MAX : PT_COMPACT_MAX;

	return eighth < 1 ? 1 : eighth < most ? (unsigned)eighth : most;
}

enum {
	PT_POOL_AFTER = 512,         /* full leaves made by calloc before the pool */
	PT_POOL_CHUNK = 2u << 20,    /* bytes of a chunk: one huge page */
};

/* The 2 MiB chunks full tables are carved from (see "Huge pages"). */
struct pt_pool {
	char **chunk;    /* every chunk, the current one last */
	size_t chunks;
	size_t used;     /* bytes taken from the current chunk */
};

/* A zeroed, 2 MiB-aligned chunk with huge pages advised, or NULL. */
static char *pt_chunk_make(void)
{
	char *p = hugepages_realloc(NULL, 0, PT_POOL_CHUNK);

	if (p != NULL)
		memset(p, 0, PT_POOL_CHUNK);
	return p;
}

/* size zeroed bytes (a multiple of 64, at most a chunk) from pt's pool,
 * made on first use; NULL when memory is short. */
static void *pt_pool_take(struct pagetable *pt, size_t size)
{
	struct pt_pool *pool = pt->pool;

	if (pool == NULL && (pool = pt->pool = calloc(1, sizeof *pool)) == NULL)
		return NULL;
	if (pool->chunks == 0 || pool->used + size > PT_POOL_CHUNK) {
		char **grown = realloc(pool->chunk, (pool->chunks + 1) * sizeof *grown);
		char *chunk;

		if (grown == NULL)
			return NULL;
		pool->chunk = grown;
		if ((chunk = pt_chunk_make()) == NULL)
			return NULL;
		pool->chunk[pool->chunks++] = chunk;
		pool->used = 0;
	}
	pool->used += size;
	return pool->chunk[pool->chunks - 1] + pool->used - size;
}

/* Order chunk addresses (qsort). */
static int pt_chunk_cmp(const void *a, const void *b)
{
	uintptr_t x = (uintptr_t)*(char *const *)a, y = (uintptr_t)*(char *const *)b;

	return (x > y) - (x < y);
}

/* Whether table came from pt's pool (and must not be passed to free):
 * a binary search of the chunks, which pt_destroy has sorted. */
static bool pt_pool_owns(const struct pagetable *pt, const void *table)
{
	const uintptr_t at = (uintptr_t)table & ~(uintptr_t)(PT_POOL_CHUNK - 1);
	size_t lo = 0, hi = pt->pool != NULL ? pt->pool->chunks : 0;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		uintptr_t base = (uintptr_t)pt->pool->chunk[mid];

		if (base == at)
			return true;
		if (base < at)
			lo = mid + 1;
		else
			hi = mid;
	}
	return false;
}

size_t pt_pool_chunks(const struct pagetable *pt)
{
	return pt->pool != NULL ? pt->pool->chunks : 0;
}

/* Allocate one zeroed full table for level l of pt: by calloc, or, for a
 * leaf past the first PT_POOL_AFTER, from the pool; NULL when memory is
 * short. */
static void *pt_table_alloc(struct pagetable *pt, unsigned l)
{
	const struct pt_shape *shape = &pt->shape;
	size_t entry = l == shape->levels - 1 ? sizeof(pte_t) : sizeof(void *);
	size_t size = ((size_t)1 << shape->bits[l]) * entry;

	if (l + 1 == shape->levels && ++pt->full_leaves > PT_POOL_AFTER && size % 64 == 0 && size <= PT_POOL_CHUNK) {
		void *table = pt_pool_take(pt, size);

		if (table != NULL)
			return table;
	}
	return calloc((size_t)1 << shape->bits[l], entry);
}

/* The address of entry index of the full table of level l. */
static void *pt_full_entry(const struct pt_shape *shape, void *table, unsigned l, uint64_t index)
{
	if (l + 1 == shape->levels)
		return (pte_t *)table + index;
	return (void **)table + index;
}

void *pt_table_at(const struct pagetable *pt, uint64_t vpn, unsigned l)
{
	void *table = pt->root;

	for (unsigned k = 0; k < l && table != NULL; k++) {
		uint64_t i = pt_index(&pt->shape, vpn, k);
		union pt_entry *e;

		if (!pt_is_compact(table))
			table = ((void **)table)[i];
		else
			table = (e = pc_find(pc_untag(table), i)) != NULL ? e->child : NULL;
	}
	return table;
}

/* Empty pt's cache of PTEs in compact leaves. */
static void pt_pte_forget(struct pagetable *pt)
{
	for (unsigned k = 0; k < PT_PTE_CACHE; k++) {
		pt->pte_vpn[k] = UINT64_MAX;
		pt->pte_at[k] = NULL;
	}
}

/* Empty both of pt's caches. */
static void pt_cache_forget(struct pagetable *pt)
{
	for (unsigned k = 0; k < PT_LEAF_CACHE; k++) {
		pt->leaf_prefix[k] = UINT64_MAX;
		pt->leaf_table[k] = NULL;
	}
	pt_pte_forget(pt);
}

/* Remember pte, in a compact leaf, as vpn's. */
static void pt_pte_remember(struct pagetable *pt, uint64_t vpn, pte_t *pte)
{
	unsigned slot = pt_pte_slot(vpn);

	pt->pte_vpn[slot] = vpn;
	pt->pte_at[slot] = pte;
}

/* A compact leaf of pt is about to move: pointers to its PTEs go stale. */
static void pt_leaf_moving(struct pagetable *pt)
{
	if (pt->mover.leaf_moved != NULL)
		*pt->mover.leaf_moved = true;
	pt_pte_forget(pt);
}

bool pt_init(struct pagetable *pt, const struct pt_shape *shape, const struct pt_mover *mover)
{
	pt->shape = *shape;
	pt->full_leaves = 0;
	pt->pool = NULL;
	pt->root = pt_table_alloc(pt, 0);
	pt->tables = pt->root != NULL;
	pt_cache_forget(pt);
	pt->mover = mover != NULL ? *mover : (struct pt_mover){ NULL, NULL, NULL };
	return pt->root != NULL;
}

/* Free table (at level l) of pt and everything below it, but for what
 * the pool holds (pt_destroy frees its chunks). */
static void pt_free_level(const struct pagetable *pt, void *table, unsigned l)
{
	const struct pt_shape *shape = &pt->shape;

	if (pt_is_compact(table)) {
		struct pt_compact *c = pc_untag(table);

		for (unsigned k = 0; l + 1 < shape->levels && k < c->n; k++)
			if (c->val[k].child != NULL) /* NULL: memory ran short making it */
				pt_free_level(pt, c->val[k].child, l + 1);
		free(c);
		return;
	}
	if (l + 1 < shape->levels) {
		void **entries = table;

		for (uint64_t i = 0; i < (1ULL << shape->bits[l]); i++)
			if (entries[i] != NULL)
				pt_free_level(pt, entries[i], l + 1);
	}
	if (!pt_pool_owns(pt, table))
		free(table);
}

void pt_destroy(struct pagetable *pt)
{
	if (pt->pool != NULL)
		qsort(pt->pool->chunk, pt->pool->chunks, sizeof *pt->pool->chunk, pt_chunk_cmp);
	if (pt->root != NULL)
		pt_free_level(pt, pt->root, 0);
	pt->root = NULL;
	if (pt->pool != NULL) {
		for (size_t i = 0; i < pt->pool->chunks; i++)
			free(pt->pool->chunk[i]);
		free(pt->pool->chunk);
		free(pt->pool);
		pt->pool = NULL;
	}
	pt_cache_forget(pt);
}

/* Tell pt's mover that the PTE at from now lives at to, unless it is 0. */
static void pt_moved(const struct pagetable *pt, pte_t *from, pte_t *to)
{
	if (*to != 0 && pt->mover.fn != NULL)
		pt->mover.fn(pt->mover.ctx, from, to);
}

/* Replace the compact table *ref (of level l) with a copy with twice the
 * room. False when memory is short (*ref unchanged). */
static bool pc_grow(struct pagetable *pt, void **ref, unsigned l)
{
	struct pt_compact *old = pc_untag(*ref);
	void *grown = pc_alloc(2u * old->cap);
	struct pt_compact *c = pc_untag(grown);

	if (grown == NULL)
		return false;
	if (l + 1 == pt->shape.levels)
		pt_leaf_moving(pt);
	c->n = old->n;
	memcpy(c->val, old->val, old->n * sizeof *c->val);
	memcpy(pc_key(c), pc_key(old), old->n * sizeof *pc_key(c));
	memcpy(pc_order(c), pc_order(old), old->n);
	for (unsigned k = 0; l + 1 == pt->shape.levels && k < old->n; k++)
		pt_moved(pt, &old->val[k].pte, &c->val[k].pte);
	free(old);
	*ref = grown;
	return true;
}

/* Replace the compact table *ref (of level l) with the full table of the
 * same entries. False when memory is short (*ref unchanged). */
static bool pt_make_full(struct pagetable *pt, void **ref, unsigned l)
{
	struct pt_compact *c = pc_untag(*ref);
	void *full = pt_table_alloc(pt, l);

	if (full == NULL)
		return false;
	if (l + 1 == pt->shape.levels)
		pt_leaf_moving(pt);
	for (unsigned k = 0; k < c->n; k++) {
		union pt_entry *e = &c->val[pc_order(c)[k]];
		void *to = pt_full_entry(&pt->shape, full, l, pc_key(c)[k]);

		if (l + 1 == pt->shape.levels) {
			*(pte_t *)to = e->pte;
			pt_moved(pt, &e->pte, to);
		} else {
			*(void **)to = e->child;
		}
	}
	free(c);
	*ref = full;
	return true;
}

/* Make the missing entry index (no table, or a PTE of 0) in the compact
 * table *ref of level l, which grows, or becomes full, when it has no
 * room. Returns the entry's address, or NULL when memory is short. */
static void *pc_insert(struct pagetable *pt, void **ref, unsigned l, uint64_t index)
{
	struct pt_compact *c = pc_untag(*ref);
	unsigned k;

	if (c->n == c->cap) {
		if (c->cap >= pt_compact_limit(&pt->shape, l))
			return pt_make_full(pt, ref, l) ? pt_full_entry(&pt->shape, *ref, l, index) : NULL;
		if (!pc_grow(pt, ref, l))
			return NULL;
		c = pc_untag(*ref);
	}
	k = pc_search(c, index);
	memmove(pc_key(c) + k + 1, pc_key(c) + k, (c->n - k) * sizeof *pc_key(c));
	memmove(pc_order(c) + k + 1, pc_order(c) + k, c->n - k);
	pc_key(c)[k] = (uint32_t)index;
	pc_order(c)[k] = (uint8_t)c->n;
	if (l + 1 == pt->shape.levels)
		c->val[c->n].pte = 0;
	else
		c->val[c->n].child = NULL;
	return &c->val[c->n++];
}

/* The address of entry index of the table *ref of level l; a missing entry
 * of a compact table is made. NULL when memory is short. */
static void *pt_entry(struct pagetable *pt, void **ref, unsigned l, uint64_t index)
{
	union pt_entry *e;

	if (!pt_is_compact(*ref))
		return pt_full_entry(&pt->shape, *ref, l, index);
	if ((e = pc_find(pc_untag(*ref), index)) != NULL)
		return e;
	return pc_insert(pt, ref, l, index);
}

/* Make full every compact table above the deepest full table on the way
 * to vpn, whose pointers are at ref[1..leaf] (pagetable.c's top: no full
 * table lies below a compact one). Top down, so that ref[l] is where level
 * l's table pointer is when l is reached. If memory is short a table stays
 * compact: lookups below it are slower, not wrong. */
static void pt_fill_above(struct pagetable *pt, uint64_t vpn, void **ref[])
{
	const struct pt_shape *shape = &pt->shape;
	unsigned deepest = shape->levels - 1;

	while (deepest > 0 && pt_is_compact(*ref[deepest]))
		deepest--;
	for (unsigned l = 1; l < deepest; l++)
		if (pt_is_compact(*ref[l]) && pt_make_full(pt, ref[l], l))
			ref[l + 1] = pt_full_entry(shape, *ref[l], l, pt_index(shape, vpn, l));
}

/* pt_walk's slow path: make what is missing on the way to vpn's PTE (in
 * range); NULL when memory is short. */
static pte_t *pt_make(struct pagetable *pt, uint64_t vpn)
{
	const struct pt_shape *shape = &pt->shape;
	unsigned leaf = shape->levels - 1;
	void **ref[PT_MAX_LEVELS]; /* ref[l]: where the pointer to level l's table is */
	void *entry;

	ref[0] = &pt->root;
	for (unsigned l = 0;; l++) {
		entry = pt_entry(pt, ref[l], l, pt_index(shape, vpn, l));
		if (entry == NULL)
			return NULL;
		if (l == leaf)
			break;
		if (*(void **)entry == NULL) {
			if ((*(void **)entry = pc_alloc(1)) == NULL)
				return NULL;
			pt->tables++;
		}
		ref[l + 1] = entry;
	}
	pt_fill_above(pt, vpn, ref);
	if (!pt_is_compact(*ref[leaf]))
		pt_leaf_remember(pt, vpn >> shape->bits[leaf], *ref[leaf]);
	else
		pt_pte_remember(pt, vpn, entry);
	return entry;
}

pte_t *pt_walk(struct pagetable *pt, uint64_t vpn, bool create)
{
	const struct pt_shape *shape = &pt->shape;
	unsigned leaf = shape->levels - 1;
	uint64_t index = pt_index(shape, vpn, leaf);
	void *table;
	union pt_entry *e;

	if (shape->vpn_bits < 64 && (vpn >> shape->vpn_bits) != 0)
		return NULL;
	table = pt_table_at(pt, vpn, leaf);
	if (table != NULL && !pt_is_compact(table)) {
		pt_leaf_remember(pt, vpn >> shape->bits[leaf], table);
		return (pte_t *)table + index;
	}
	if (table != NULL && (e = pc_find(pc_untag(table), index)) != NULL) {
		pt_pte_remember(pt, vpn, &e->pte);
		return &e->pte;
	}
	return create ? pt_make(pt, vpn) : NULL;
}

/* pt_visit of the entry at address entry, of page vpn, of a table of level l. */
static void pt_visit_entry(const struct pt_shape *shape, void *entry, unsigned l, uint64_t vpn, uint64_t lo,
			   uint64_t hi, pt_visit_fn *fn, void *ctx);

/* pt_visit below table (at level l), whose first page is base. */
static void pt_visit_level(const struct pt_shape *shape, void *table, unsigned l, uint64_t base,
			   uint64_t lo, uint64_t hi, pt_visit_fn *fn, void *ctx)
{
	uint64_t span = 1ULL << shape->shift[l]; /* pages under one entry */
	uint64_t n = 1ULL << shape->bits[l];
	uint64_t first = lo > base ? (lo - base) >> shape->shift[l] : 0;

	if (pt_is_compact(table)) {
		struct pt_compact *c = pc_untag(table);

		for (unsigned k = pc_search(c, first); k < c->n && base + pc_key(c)[k] * span < hi; k++)
			pt_visit_entry(shape, &c->val[pc_order(c)[k]], l, base + pc_key(c)[k] * span, lo, hi, fn, ctx);
		return;
	}
	for (uint64_t i = first; i < n && base + i * span < hi; i++)
		pt_visit_entry(shape, pt_full_entry(shape, table, l, i), l, base + i * span, lo, hi, fn, ctx);
}

static void pt_visit_entry(const struct pt_shape *shape, void *entry, unsigned l, uint64_t vpn, uint64_t lo,
			   uint64_t hi, pt_visit_fn *fn, void *ctx)
{
	if (l + 1 == shape->levels) {
		pte_t *pte = entry;

		if (*pte != 0 && vpn >= lo)
			fn(ctx, vpn, pte);
	} else if (*(void **)entry != NULL) {
		pt_visit_level(shape, *(void **)entry, l + 1, vpn, lo, hi, fn, ctx);
	}
}

void pt_visit(struct pagetable *pt, uint64_t lo, uint64_t hi, pt_visit_fn *fn, void *ctx)
{
	if (pt->root != NULL && lo < hi)
		pt_visit_level(&pt->shape, pt->root, 0, 0, lo, hi, fn, ctx);
}
