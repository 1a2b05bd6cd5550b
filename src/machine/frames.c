#include "config.h"

#include <assert.h>
#include <stdlib.h>

#include "machine/frames.h"
#include "machine/swap.h"

bool frames_init(struct frame_table *ft, uint32_t count)
{
	size_t words = ((size_t)count + 63) / 64;

	assert(count >= 1);
	ft->frames = calloc(count, sizeof *ft->frames);
	ft->free_bits = calloc(words, sizeof *ft->free_bits);
	if (ft->frames == NULL || ft->free_bits == NULL) {
		frames_destroy(ft);
		return false;
	}
	ft->count = count;
	ft->nfree = count;
	ft->hint = 0;
	/* Free frames' entries stay as calloc made them (no PTE): a frame's
	 * entry is written whole when it is taken (sim_mm.c, sim_install),
	 * and nothing reads the rest of a free frame's, so a frame table
	 * larger than the trace needs costs no memory it does not touch. */
	for (size_t w = 0; w < words; w++)
		ft->free_bits[w] = w + 1 < words || count % 64 == 0 ? ~0ULL : (1ULL << (count % 64)) - 1;
	return true;
}

void frames_destroy(struct frame_table *ft)
{
	free(ft->frames);
	free(ft->free_bits);
	ft->frames = NULL;
	ft->free_bits = NULL;
	ft->count = ft->nfree = 0;
}

uint32_t frames_alloc(struct frame_table *ft)
{
	uint32_t w = ft->hint;
	uint32_t f;

	if (ft->nfree == 0)
		return FRAME_NONE;
	while (ft->free_bits[w] == 0)
		w++;
	ft->hint = w;
	f = w * 64 + (uint32_t)__builtin_ctzll(ft->free_bits[w]);
	ft->free_bits[w] &= ~(1ULL << (f % 64));
	ft->nfree--;
	return f;
}

void frames_release(struct frame_table *ft, uint32_t f)
{
	assert(frames_in_use(ft, f));
	ft->frames[f] = (struct frame){ .pte = NULL, .slot = SWAP_NONE };
	ft->free_bits[f / 64] |= 1ULL << (f % 64);
	ft->nfree++;
	if (f / 64 < ft->hint)
		ft->hint = f / 64;
}
