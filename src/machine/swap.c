#include "config.h"

#include <assert.h>
#include <stdlib.h>
#include <string.h>

#include "machine/swap.h"

void swap_init(struct swap *sw, uint64_t capacity)
{
	assert(capacity >= 1);
	memset(sw, 0, sizeof *sw);
	sw->capacity = capacity;
}

void swap_destroy(struct swap *sw)
{
	free(sw->bits);
	free(sw->extra);
	sw->extra = NULL;
	sw->extra_len = 0;
	sw->bits = NULL;
	sw->words = 0;
}

/* Make the bitmap at least need words long; false when memory is short. */
static bool swap_grow(struct swap *sw, size_t need)
{
	size_t words = sw->words ? sw->words : 16;
	uint64_t *bits;

	while (words < need)
		words *= 2;
	bits = realloc(sw->bits, words * sizeof *bits);
	if (bits == NULL)
		return false;
	memset(bits + sw->words, 0, (words - sw->words) * sizeof *bits);
	sw->bits = bits;
	sw->words = words;
	return true;
}

bool swap_alloc(struct swap *sw, uint64_t *slot)
{
	size_t w = sw->hint;
	uint64_t s;

	if (sw->used == sw->capacity)
		return false;
	while (w < sw->words && sw->bits[w] == UINT64_MAX)
		w++;
	if (w == sw->words && !swap_grow(sw, w + 1))
		return false;
	sw->hint = w;
	s = (uint64_t)w * 64 + (uint64_t)__builtin_ctzll(~sw->bits[w]);
	/* used < capacity and every slot below s is taken, so s < capacity. */
	assert(s < sw->capacity);
	sw->bits[w] |= 1ULL << (s % 64);
	sw->used++;
	if (sw->used > sw->peak)
		sw->peak = sw->used;
	*slot = s;
	return true;
}

bool swap_share(struct swap *sw, uint64_t slot)
{
	assert(swap_in_use(sw, slot));
	if (slot >= sw->extra_len) {
		size_t len = sw->words * 64;
		uint32_t *extra = realloc(sw->extra, len * sizeof *extra);

		if (extra == NULL)
			return false;
		memset(extra + sw->extra_len, 0, (len - sw->extra_len) * sizeof *extra);
		sw->extra = extra;
		sw->extra_len = len;
	}
	assert(sw->extra[slot] < UINT32_MAX);
	sw->extra[slot]++;
	return true;
}

bool swap_put(struct swap *sw, uint64_t slot)
{
	assert(swap_in_use(sw, slot));
	if (slot < sw->extra_len && sw->extra[slot] > 0) {
		sw->extra[slot]--;
		return false;
	}
	swap_free(sw, slot);
	return true;
}

void swap_free(struct swap *sw, uint64_t slot)
{
	size_t w = slot / 64;

	assert(swap_in_use(sw, slot));
	assert((slot >= sw->extra_len || sw->extra[slot] == 0) && "freeing a shared slot");
	sw->bits[w] &= ~(1ULL << (slot % 64));
	sw->used--;
	if (w < sw->hint)
		sw->hint = w;
}

bool swap_in_use(const struct swap *sw, uint64_t slot)
{
	size_t w = slot / 64;

	return w < sw->words && (sw->bits[w] >> (slot % 64)) & 1;
}
