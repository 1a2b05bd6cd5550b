/*
 * frames.h - the frame table: one entry per physical frame, with the
 * reverse map (frame -> the PTE, process and virtual page that map it)
 * that eviction needs to invalidate the right translation, and the free
 * frames, always handed out lowest number first.
 */
#ifndef PAGESIM_FRAMES_H
#define PAGESIM_FRAMES_H

#include <stdbool.h>
#include <stdint.h>

#include "machine/pagetable.h"

#define FRAME_NONE UINT32_MAX

/* What a frame in use holds. */
enum frame_kind {
	FRAME_PAGE = 0,   /* an anonymous or private page */
	FRAME_SHARED = 1, /* a file's page in the page cache (its file is the backing),
			     mapped by shared mappings of the file, and by
			     private ones, read-only, until they write */
	FRAME_TABLE = 2,  /* a page table (count_page_tables): pinned, no PTE maps it */
};

/* A frame's first mapping is kept here; a frame mapped by more PTEs (a
 * fork, a shared file) keeps the others in the machine's side table and
 * has more_maps set. A PTE of a compact leaf table moves when its table
 * grows (pagetable.c); the page table's mover, sim_pte_moved, then updates
 * the pointer here or in the side table. */
struct frame {
	pte_t *pte;     /* the PTE mapping this frame; NULL when the frame is free */
	uint64_t vpn;   /* virtual page number it holds */
	uint64_t slot;  /* swap slot holding an up-to-date copy, or SWAP_NONE */
	uint32_t pid;   /* the process of that mapping */
	uint8_t kind;   /* enum frame_kind */
	bool more_maps; /* other PTEs map it too */
};

struct frame_table {
	struct frame *frames;
	uint32_t count;
	uint32_t nfree;
	uint64_t *free_bits; /* bit f set: frame f is free */
	uint32_t hint;       /* no word below this one has a free frame */
};

/* Make count (>= 1) free frames. Returns false when memory is short. */
bool frames_init(struct frame_table *ft, uint32_t count);

/* Free the table. */
void frames_destroy(struct frame_table *ft);

/* Take the lowest-numbered free frame, or FRAME_NONE when all are in use.
 * The caller fills in the entry. */
uint32_t frames_alloc(struct frame_table *ft);

/* Return frame f (in use) to the free set and clear its entry. */
void frames_release(struct frame_table *ft, uint32_t f);

/* Is frame f holding a page? */
static inline bool frames_in_use(const struct frame_table *ft, uint32_t f)
{
	return f < ft->count && ft->frames[f].pte != NULL;
}

#endif
