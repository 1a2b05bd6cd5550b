/*
 * swap.h - the swap device: a fixed number of page-sized slots and a
 * bitmap allocator that always hands out the lowest free slot. Slots of a
 * process need not be contiguous. A slot has holders (the PTEs and the
 * frame that refer to it): one when allocated, more after a fork shares
 * it; it is freed when the last holder lets go (swap_put). The bitmap grows as slots are used, so a
 * large device costs nothing until it fills.
 */
#ifndef PAGESIM_SWAP_H
#define PAGESIM_SWAP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define SWAP_NONE UINT64_MAX

struct swap {
	uint64_t capacity; /* slots on the device */
	uint64_t used;     /* slots allocated now */
	uint64_t peak;     /* most slots ever allocated at once */
	uint64_t *bits;    /* bit s set: slot s in use */
	size_t words;      /* 64-bit words of bits allocated so far */
	size_t hint;       /* no word below this one has a free bit */
	uint32_t *extra;   /* extra[s]: holders of slot s beyond the first (a
			      fork shares slots); NULL until one is shared */
	size_t extra_len;  /* entries of extra */
};

/* Make an empty device of capacity slots (>= 1). */
void swap_init(struct swap *sw, uint64_t capacity);

/* Free the bitmap. */
void swap_destroy(struct swap *sw);

/* Allocate the lowest free slot into *slot. Returns false when the device
 * is full (used == capacity) or memory for the bitmap is short. */
bool swap_alloc(struct swap *sw, uint64_t *slot);

/* Release slot, which must be allocated. */
void swap_free(struct swap *sw, uint64_t slot);

/* Add a holder to slot (allocated): one more PTE or frame refers to it.
 * Returns false when memory for the counts is short. */
bool swap_share(struct swap *sw, uint64_t slot);

/* Drop a holder of slot (allocated); the last one frees it. Returns true
 * when the slot was freed. */
bool swap_put(struct swap *sw, uint64_t slot);

/* Number of holders of slot (allocated): 1 unless shared. */
static inline uint64_t swap_holders(const struct swap *sw, uint64_t slot)
{
	return 1 + (slot < sw->extra_len ? sw->extra[slot] : 0);
}

/* Is slot allocated? */
bool swap_in_use(const struct swap *sw, uint64_t slot);

#endif
