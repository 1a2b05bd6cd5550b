/*
 * pagemap.h - page identities that are not (or not only) in frames: a
 * fixed-capacity map from (pid, page) to a uint32 value, and on top of it
 * ghostq, a bounded recency list of page identities. Both live inside a
 * policy's state block (no allocation, no pointers inside, so the block
 * may be moved or copied) and are header-only.
 *
 * What they are for: adaptive policies remember pages they have recently
 * evicted ("ghosts", history without contents) and act differently when
 * one of those faults again: 2Q's A1out, ARC's B1 and B2, S3-FIFO's G,
 * the non-resident HIR entries of LIRS and CLOCK-Pro. A frame number no
 * longer names such a page, so they are keyed by identity.
 *
 * pagemap
 * -------
 * Open addressing with linear probing over a power-of-two table of at
 * least twice the capacity (load factor <= 1/2: about 1.5 probes for a
 * hit and 2.5 for a miss), and backward-shift deletion (Knuth 6.4,
 * Algorithm R): a removal moves later entries of the probe run back, so
 * no tombstones exist and the cost of an operation depends only on the
 * current contents, however many billions of operations came before.
 * An empty slot has value PAGEMAP_NONE, which is therefore not a storable
 * value. The hash is the MurmurHash3 64-bit finalizer of page ^ (pid *
 * golden ratio); it is fixed, so runs are deterministic.
 *
 * The capacity is a hard bound: inserting a new key into a full map is a
 * broken invariant of the caller (assert). All operations are O(1)
 * expected.
 *
 * ghostq
 * ------
 * A list of at most capacity distinct identities in insertion order
 * (oldest first), with a pagemap for membership: push at the newest end
 * (dropping the oldest first when full), pop the oldest, remove any
 * member, all O(1) expected. The nodes are a pool of capacity entries
 * doubly linked by index, with a free list. It is the FIFO ghost of 2Q
 * and S3-FIFO and, because a ghost is never "touched" (a hit on a ghost
 * is a fault that removes it), the LRU ghost lists of ARC too: for a
 * list that is only pushed at one end, insertion order is recency order.
 *
 * Layout: place a map or a queue at an offset aligned to PAGEMAP_ALIGN
 * inside the state block; pagemap_size() and ghostq_size() are multiples
 * of PAGEMAP_ALIGN, so regions laid one after another stay aligned
 * (pagemap_align() rounds any other size up).
 */
#ifndef PAGESIM_PAGEMAP_H
#define PAGESIM_PAGEMAP_H

#include <assert.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Not a value: what pagemap_get() returns for an absent key. */
#define PAGEMAP_NONE UINT32_MAX
/* Alignment every map and queue needs, and the granule of their sizes. */
#define PAGEMAP_ALIGN ((size_t)8)

struct pagemap_entry {
	uint64_t page;
	uint32_t pid;
	uint32_t value; /* PAGEMAP_NONE: empty slot */
};

struct pagemap {
	uint32_t capacity; /* most keys it may hold */
	uint32_t count;    /* keys it holds */
	uint32_t mask;     /* slots - 1; slots is a power of two >= 2 * capacity */
	uint32_t pad;
	struct pagemap_entry slot[];
};

/* n rounded up to a multiple of PAGEMAP_ALIGN: the size to reserve for a
 * region so that the next one is aligned too. */
static inline size_t pagemap_align(size_t n)
{
	return (n + PAGEMAP_ALIGN - 1) & ~(PAGEMAP_ALIGN - 1);
}

/* Number of table slots for capacity keys: the smallest power of two that
 * is at least 2 * capacity, and at least 2. */
static inline uint64_t pagemap_slots(uint32_t capacity)
{
	uint64_t slots = 2;

	assert(capacity <= (UINT32_MAX >> 1) + 1u && "pagemap: capacity above 2^31");
	while (slots < 2 * (uint64_t)capacity)
		slots *= 2;
	return slots;
}

/* Bytes a map of capacity keys needs (a multiple of PAGEMAP_ALIGN). */
static inline size_t pagemap_size(uint32_t capacity)
{
	return pagemap_align(sizeof(struct pagemap) +
			     (size_t)pagemap_slots(capacity) * sizeof(struct pagemap_entry));
}

/* Make the pagemap_size(capacity) bytes at mem (PAGEMAP_ALIGN-aligned) an
 * empty map of capacity keys, and return it. */
static inline struct pagemap *pagemap_init(void *mem, uint32_t capacity)
{
	struct pagemap *m = mem;
	uint64_t slots = pagemap_slots(capacity);

	assert(((uintptr_t)mem & (PAGEMAP_ALIGN - 1)) == 0 && "pagemap_init: misaligned");
	m->capacity = capacity;
	m->count = 0;
	m->mask = (uint32_t)(slots - 1);
	m->pad = 0;
	for (uint64_t i = 0; i < slots; i++)
		m->slot[i] = (struct pagemap_entry){ .page = 0, .pid = 0, .value = PAGEMAP_NONE };
	return m;
}

/* Home slot of (pid, page): a fixed hash, masked. */
static inline uint32_t pagemap_home(const struct pagemap *m, uint32_t pid, uint64_t page)
{
	uint64_t h = page ^ ((uint64_t)pid * 0x9e3779b97f4a7c15ULL);

	h ^= h >> 33;
	h *= 0xff51afd7ed558ccdULL;
	h ^= h >> 33;
	h *= 0xc4ceb9fe1a85ec53ULL;
	h ^= h >> 33;
	return (uint32_t)h & m->mask;
}

/* Index of the slot holding (pid, page), or of the empty slot that ends
 * its probe run when it is absent. */
static inline uint32_t pagemap_probe(const struct pagemap *m, uint32_t pid, uint64_t page)
{
	uint32_t i = pagemap_home(m, pid, page);

	while (m->slot[i].value != PAGEMAP_NONE && (m->slot[i].page != page || m->slot[i].pid != pid))
		i = (i + 1) & m->mask;
	return i;
}

/* The value stored for (pid, page), or PAGEMAP_NONE when it is absent. */
static inline uint32_t pagemap_get(const struct pagemap *m, uint32_t pid, uint64_t page)
{
	return m->slot[pagemap_probe(m, pid, page)].value;
}

/* Store value (not PAGEMAP_NONE) for (pid, page), replacing any value it
 * had. A new key needs room: count < capacity must hold (assert). */
static inline void pagemap_put(struct pagemap *m, uint32_t pid, uint64_t page, uint32_t value)
{
	uint32_t i = pagemap_probe(m, pid, page);

	assert(value != PAGEMAP_NONE && "pagemap_put: PAGEMAP_NONE is not a value");
	if (m->slot[i].value == PAGEMAP_NONE) {
		assert(m->count < m->capacity && "pagemap_put: map full");
		m->count++;
		m->slot[i].page = page;
		m->slot[i].pid = pid;
	}
	m->slot[i].value = value;
}

/* Remove (pid, page). Returns the value it had, or PAGEMAP_NONE when it
 * was absent. Later entries of the probe run shift back into the hole,
 * so no tombstone is left. */
static inline uint32_t pagemap_remove(struct pagemap *m, uint32_t pid, uint64_t page)
{
	uint32_t hole = pagemap_probe(m, pid, page);
	uint32_t old = m->slot[hole].value;

	if (old == PAGEMAP_NONE)
		return PAGEMAP_NONE;
	m->count--;
	for (uint32_t j = (hole + 1) & m->mask; m->slot[j].value != PAGEMAP_NONE; j = (j + 1) & m->mask) {
		uint32_t home = pagemap_home(m, m->slot[j].pid, m->slot[j].page);

		/* The entry at j may fill the hole unless its home lies
		 * cyclically in (hole, j]: then moving it would put it before
		 * its home, where a probe would never find it. */
		if (((j - home) & m->mask) >= ((j - hole) & m->mask)) {
			m->slot[hole] = m->slot[j];
			hole = j;
		}
	}
	m->slot[hole].value = PAGEMAP_NONE;
	return old;
}

/* Number of keys held. */
static inline uint32_t pagemap_count(const struct pagemap *m)
{
	return m->count;
}

/* ------------------------------------------------------------------ */

/* End of a ghostq link, and "no node". */
#define GHOSTQ_NONE UINT32_MAX

struct ghostq_node {
	uint64_t page;
	uint32_t pid;
	uint32_t prev, next; /* towards the oldest, towards the newest */
};

struct ghostq {
	uint32_t capacity;  /* most identities it remembers */
	uint32_t count;     /* identities it remembers */
	uint32_t oldest;    /* node index, GHOSTQ_NONE when empty */
	uint32_t newest;    /* node index, GHOSTQ_NONE when empty */
	uint32_t free;      /* first unused node, linked through next */
	uint32_t pad;
	uint64_t map_offset; /* bytes from the queue to its pagemap (identity -> node) */
	struct ghostq_node node[];
};

/* Bytes a queue of capacity identities needs (a multiple of
 * PAGEMAP_ALIGN). capacity may be 0: such a queue remembers nothing. */
static inline size_t ghostq_size(uint32_t capacity)
{
	return pagemap_align(sizeof(struct ghostq) + (size_t)capacity * sizeof(struct ghostq_node)) +
	       pagemap_size(capacity);
}

/* The membership map of q. */
static inline struct pagemap *ghostq_map(struct ghostq *q)
{
	return (struct pagemap *)((char *)q + q->map_offset);
}

/* The membership map of q, read-only. */
static inline const struct pagemap *ghostq_cmap(const struct ghostq *q)
{
	return (const struct pagemap *)((const char *)q + q->map_offset);
}

/* Make the ghostq_size(capacity) bytes at mem (PAGEMAP_ALIGN-aligned) an
 * empty queue of capacity identities, and return it. */
static inline struct ghostq *ghostq_init(void *mem, uint32_t capacity)
{
	struct ghostq *q = mem;

	assert(((uintptr_t)mem & (PAGEMAP_ALIGN - 1)) == 0 && "ghostq_init: misaligned");
	q->capacity = capacity;
	q->count = 0;
	q->oldest = q->newest = GHOSTQ_NONE;
	q->free = capacity ? 0 : GHOSTQ_NONE;
	q->pad = 0;
	q->map_offset = pagemap_align(sizeof(struct ghostq) + (size_t)capacity * sizeof(struct ghostq_node));
	for (uint32_t i = 0; i < capacity; i++)
		q->node[i] = (struct ghostq_node){ .prev = GHOSTQ_NONE,
						   .next = i + 1 < capacity ? i + 1 : GHOSTQ_NONE };
	pagemap_init(ghostq_map(q), capacity);
	return q;
}

/* Number of identities remembered. */
static inline uint32_t ghostq_count(const struct ghostq *q)
{
	return q->count;
}

/* Is (pid, page) remembered? */
static inline bool ghostq_contains(const struct ghostq *q, uint32_t pid, uint64_t page)
{
	return pagemap_get(ghostq_cmap(q), pid, page) != PAGEMAP_NONE;
}

/* Unlink node n (in use) from the list and give it back to the pool; the
 * map is the caller's business. */
static inline void ghostq_unlink(struct ghostq *q, uint32_t n)
{
	struct ghostq_node *x = &q->node[n];

	if (x->prev != GHOSTQ_NONE)
		q->node[x->prev].next = x->next;
	else
		q->oldest = x->next;
	if (x->next != GHOSTQ_NONE)
		q->node[x->next].prev = x->prev;
	else
		q->newest = x->prev;
	x->prev = GHOSTQ_NONE;
	x->next = q->free;
	q->free = n;
	q->count--;
}

/* Forget the oldest identity, storing it in *pid and *page (either may be
 * NULL). Returns false, changing nothing, when the queue is empty. */
static inline bool ghostq_pop_oldest(struct ghostq *q, uint32_t *pid, uint64_t *page)
{
	uint32_t n = q->oldest;

	if (n == GHOSTQ_NONE)
		return false;
	if (pid != NULL)
		*pid = q->node[n].pid;
	if (page != NULL)
		*page = q->node[n].page;
	pagemap_remove(ghostq_map(q), q->node[n].pid, q->node[n].page);
	ghostq_unlink(q, n);
	return true;
}

/* Forget (pid, page) wherever it is in the queue. Returns whether it was
 * remembered. */
static inline bool ghostq_remove(struct ghostq *q, uint32_t pid, uint64_t page)
{
	uint32_t n = pagemap_remove(ghostq_map(q), pid, page);

	if (n == PAGEMAP_NONE)
		return false;
	ghostq_unlink(q, n);
	return true;
}

/* Remember (pid, page), which must not be remembered already, as the
 * newest identity. When the queue is full the oldest is forgotten first
 * (and nothing at all is remembered when capacity is 0). Returns whether
 * an identity was dropped to make room. */
static inline bool ghostq_push(struct ghostq *q, uint32_t pid, uint64_t page)
{
	bool dropped = false;
	uint32_t n;

	assert(!ghostq_contains(q, pid, page) && "ghostq_push: already remembered");
	if (q->capacity == 0)
		return false;
	if (q->count == q->capacity)
		dropped = ghostq_pop_oldest(q, NULL, NULL);
	n = q->free;
	q->free = q->node[n].next;
	q->node[n] = (struct ghostq_node){ .page = page, .pid = pid, .prev = q->newest, .next = GHOSTQ_NONE };
	if (q->newest != GHOSTQ_NONE)
		q->node[q->newest].next = n;
	else
		q->oldest = n;
	q->newest = n;
	q->count++;
	pagemap_put(ghostq_map(q), pid, page, n);
	return dropped;
}

#endif
