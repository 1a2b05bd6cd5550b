/*
 * pagetable.h - per-process radix page tables, in the x86 manner.
 *
 * A PTE is a plain 64-bit integer: flag bits below PTE_SHIFT, and above
 * them either the frame number (present pages) or the swap slot (pages
 * whose contents are in swap). A PTE of 0 is a page never touched.
 *
 * The tree has the shape real hardware gives it: every table is one page
 * of PTEs, so a level indexes page_shift - log2(pte size) bits, with 4-byte
 * PTEs for a 32-bit address space and 8-byte ones for 48 bits. With 4 KiB
 * pages that is the x86-32 page directory + page table (10/10/12) and the
 * x86-64 four levels (9/9/9/9/12). The top level takes the bits left over.
 *
 * That is the simulated tree, counted and charged as such. On the host, a
 * table below the root starts compact and becomes a full array only once
 * it fills up; pagetable.c explains how, and what that means for pointers
 * to PTEs.
 */
#ifndef PAGESIM_PAGETABLE_H
#define PAGESIM_PAGETABLE_H

#include <stdbool.h>
#include <stdint.h>

typedef uint64_t pte_t;

#define PTE_P     0x01u /* present: the page is in frame PTE_NUM */
#define PTE_W     0x02u /* writable */
#define PTE_A     0x04u /* accessed: set by every reference */
#define PTE_D     0x08u /* dirty: set by every write */
#define PTE_SWAP  0x10u /* not present, contents in swap slot PTE_NUM */
#define PTE_USED  0x20u /* touched before (a never-touched PTE is 0) */

#define PTE_SHIFT 12
#define PTE_NUM(pte)          ((pte) >> PTE_SHIFT)
#define PTE_MAKE(num, flags)  (((pte_t)(num) << PTE_SHIFT) | (flags))

#define PT_MAX_LEVELS 8

struct pt_shape {
	unsigned levels;              /* 1..PT_MAX_LEVELS; level 0 is the root */
	unsigned bits[PT_MAX_LEVELS]; /* index bits of each level */
	unsigned shift[PT_MAX_LEVELS];/* vpn >> shift[l] & mask gives level l's index */
	unsigned vpn_bits;            /* bits of a virtual page number */
};

/* Told that the PTE at from now lives at to (*to holds its value, which is
 * never 0; from is freed right after). See pt_walk. */
typedef void pt_moved_fn(void *ctx, pte_t *from, pte_t *to);

/* Who hears of moved PTEs: fn(ctx, ...), or nobody when fn is NULL; and
 * *leaf_moved (unless NULL) is set whenever a compact leaf moves, its
 * zero PTEs too (see pt_find). */
struct pt_mover {
	pt_moved_fn *fn;
	void *ctx;
	bool *leaf_moved;
};

/* Full leaf tables remembered by a page table (a power of two): real
 * programs alternate between leaves (code, stack, heap, libraries), which
 * one entry cannot hold. gcc's cc1 (the bench's real trace) runs code from
 * more leaves than 8 slots keep: 70,000 walks in its first 3 M records,
 * none with 32 slots (3% of the replay's instructions). */
#define PT_LEAF_CACHE_BITS 5
#define PT_LEAF_CACHE (1u << PT_LEAF_CACHE_BITS)
/* PTEs of compact leaves remembered by a page table (a power of two): a
 * program's stack and small mappings sit alone in their leaves, which
 * stay compact, and are reached by binary searches otherwise. */
#define PT_PTE_CACHE_BITS 3
#define PT_PTE_CACHE (1u << PT_PTE_CACHE_BITS)

struct pagetable {
	struct pt_shape shape;
	void *root;             /* level-0 table, always full (a PTE array when levels == 1) */
	uint64_t tables;        /* simulated tables, the root included (full or compact alike) */
	/* A direct-mapped cache of full leaf tables walked to: slot
	 * pt_leaf_slot(prefix) holds the leaf of pages prefix << leaf bits
	 * on, or a prefix of UINT64_MAX. Full tables never move and live
	 * until pt_destroy, so an entry never goes stale. Host-side only. */
	uint64_t leaf_prefix[PT_LEAF_CACHE];
	pte_t *leaf_table[PT_LEAF_CACHE];
	/* A direct-mapped cache of PTEs in compact leaves: slot
	 * pt_pte_slot(vpn) holds vpn's PTE, or a vpn of UINT64_MAX. Emptied
	 * whenever a compact leaf moves (grows or becomes full), which the
	 * mover's leaf_moved hears of. Host-side only. */
	uint64_t pte_vpn[PT_PTE_CACHE];
	pte_t *pte_at[PT_PTE_CACHE];
	struct pt_mover mover;
	/* Full leaves made so far, and where those after the first
	 * PT_POOL_AFTER come from (pagetable.c, "Huge pages"). Host-side only. */
	uint64_t full_leaves;
	struct pt_pool *pool;
};

/* A table pointer with this bit set is a compact table (pagetable.c): a
 * sorted handful of entries standing for a full table that is mostly 0. */
#define PT_COMPACT ((uintptr_t)1)

static inline bool pt_is_compact(const void *table)
{
	return ((uintptr_t)table & PT_COMPACT) != 0;
}

/* Fill shape for a va_bits address space (32 or 48) with pages of
 * 2^page_shift bytes. Returns false if the combination is unsupported. */
bool pt_shape_init(struct pt_shape *shape, unsigned va_bits, unsigned page_shift);

/* Make an empty page table of the given shape (allocates the root);
 * mover (may be NULL) hears of every PTE that moves (pt_walk). Returns
 * false when memory is short. */
bool pt_init(struct pagetable *pt, const struct pt_shape *shape, const struct pt_mover *mover);

/* Free every table of pt. */
void pt_destroy(struct pagetable *pt);

/* Return a pointer to the PTE of vpn, making missing tables and entries on
 * the way when create is set. NULL when vpn is beyond the address space,
 * when a table or entry is missing and create is false, or when memory is
 * short. A PTE in a full leaf table stays where it is until pt_destroy;
 * one in a compact leaf table may move when a later pt_walk with create
 * adds an entry to that table: every nonzero PTE moved is reported to the
 * table's mover first, so whoever keeps PTE pointers (the reverse map)
 * must update them there, and must not keep others across such a walk
 * unless the mover's leaf_moved stays unset. */
pte_t *pt_walk(struct pagetable *pt, uint64_t vpn, bool create);

/* The table of level l on the way to page vpn (in range), PT_COMPACT set
 * if it is compact, or NULL if it does not exist. */
void *pt_table_at(const struct pagetable *pt, uint64_t vpn, unsigned l);

/* The slot of key in a cache of 2^bits slots: a multiplicative hash, so
 * that keys far apart (code, stack) and neighbours alike spread over the
 * slots. */
static inline unsigned pt_cache_slot(uint64_t key, unsigned bits)
{
	return (unsigned)((key * UINT64_C(0x9e3779b97f4a7c15)) >> (64 - bits));
}

/* The slot of pt's leaf cache for the leaf of pages prefix << leaf bits on. */
static inline unsigned pt_leaf_slot(uint64_t prefix)
{
	return pt_cache_slot(prefix, PT_LEAF_CACHE_BITS);
}

/* Remember that table, a full leaf, holds the pages prefix << leaf bits on. */
static inline void pt_leaf_remember(struct pagetable *pt, uint64_t prefix, pte_t *table)
{
	unsigned slot = pt_leaf_slot(prefix);

	pt->leaf_prefix[slot] = prefix;
	pt->leaf_table[slot] = table;
}

/* The slot of pt's PTE cache for page vpn. */
static inline unsigned pt_pte_slot(uint64_t vpn)
{
	return pt_cache_slot(vpn, PT_PTE_CACHE_BITS);
}

/* The PTE of vpn from the leaf cache, or NULL when its leaf is not there
 * (vpn in range or not: nothing out of range is ever cached). */
static inline pte_t *pt_leaf_cached(const struct pagetable *pt, uint64_t vpn)
{
	unsigned leaf_bits = pt->shape.bits[pt->shape.levels - 1];
	uint64_t prefix = vpn >> leaf_bits;
	unsigned slot = pt_leaf_slot(prefix);

	return pt->leaf_prefix[slot] == prefix ? &pt->leaf_table[slot][vpn & ((1ULL << leaf_bits) - 1)] : NULL;
}

/* The PTE of vpn, in a compact leaf, from the PTE cache, or NULL. */
static inline pte_t *pt_pte_cached(const struct pagetable *pt, uint64_t vpn)
{
	unsigned slot = pt_pte_slot(vpn);

	return pt->pte_vpn[slot] == vpn ? pt->pte_at[slot] : NULL;
}

/* The PTE of vpn if every table on the way exists and so does the entry
 * (a PTE of 0 included), else NULL (also when vpn is beyond the address
 * space). A PTE of a full leaf stays where it is until pt_destroy; one of
 * a compact leaf stays until that leaf moves (a later pt_walk or
 * pt_lookup that adds an entry to it may move it; the mover's leaf_moved
 * hears of it). Allocates nothing and changes
 * nothing the model can see (it fills the caches), so it suits lookups
 * that must stay invisible (prefetching). */
static inline pte_t *pt_find(struct pagetable *pt, uint64_t vpn)
{
	const struct pt_shape *shape = &pt->shape;
	unsigned leaf = shape->levels - 1;
	void *table = pt->root; /* the root is always a full table */
	pte_t *pte = pt_leaf_cached(pt, vpn);

	if (pte != NULL)
		return pte;
	if (shape->vpn_bits < 64 && (vpn >> shape->vpn_bits) != 0)
		return NULL;
	/* Full tables inline, one load a level; below the first compact one
	 * all are compact (pagetable.c): the PTE cache, else pt_walk. */
	for (unsigned l = 0; l < leaf; l++) {
		table = ((void **)table)[(vpn >> shape->shift[l]) & ((1ULL << shape->bits[l]) - 1)];
		if (table == NULL)
			return NULL;
		if (pt_is_compact(table))
			return (pte = pt_pte_cached(pt, vpn)) != NULL ? pte : pt_walk(pt, vpn, false);
	}
	pt_leaf_remember(pt, vpn >> shape->bits[leaf], table);
	return (pte_t *)table + (vpn & ((1ULL << shape->bits[leaf]) - 1));
}

/* The 2 MiB chunks pt's full leaves are carved from so far (pagetable.c,
 * "Huge pages"); for tests. */
size_t pt_pool_chunks(const struct pagetable *pt);

/* Called by pt_visit for each nonzero PTE, in ascending vpn order. */
typedef void pt_visit_fn(void *ctx, uint64_t vpn, pte_t *pte);

/* Visit every nonzero PTE of pages [lo, hi) (hi <= 2^vpn_bits), skipping
 * missing tables. fn may change PTEs, but must not add or free tables or
 * entries of pt. */
void pt_visit(struct pagetable *pt, uint64_t lo, uint64_t hi, pt_visit_fn *fn, void *ctx);

/* pt_walk(pt, vpn, true) through the caches: a page walked to lately
 * costs a hash and a compare or two. */
static inline pte_t *pt_lookup(struct pagetable *pt, uint64_t vpn)
{
	pte_t *pte = pt_leaf_cached(pt, vpn);

	if (pte == NULL && (pte = pt_pte_cached(pt, vpn)) == NULL)
		pte = pt_walk(pt, vpn, true);
	return pte;
}

#endif
