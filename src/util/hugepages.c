/*
 * hugepages.c - transparent huge page hints (see hugepages.h).
 */
#include "config.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "util/hugepages.h"

void hugepages_hint(void *p, size_t size)
{
#ifdef MADV_HUGEPAGE
	const uintptr_t page = 4096;
	uintptr_t lo = ((uintptr_t)p + page - 1) & ~(page - 1);
	uintptr_t hi = ((uintptr_t)p + size) & ~(page - 1);

	if (size >= ((size_t)2 << 20) && hi > lo)
		(void)madvise((void *)lo, hi - lo, MADV_HUGEPAGE);
#else
	(void)p;
	(void)size;
#endif
}

void *hugepages_realloc(void *p, size_t old_size, size_t new_size)
{
	const size_t huge = (size_t)2 << 20;
	size_t block;
	void *q;

	if (new_size < huge)
		return realloc(p, new_size);
	if (new_size > SIZE_MAX - huge)
		return NULL;
	block = (new_size + huge - 1) & ~(huge - 1);
	if ((q = aligned_alloc(huge, block)) == NULL)
		return NULL;
	hugepages_hint(q, block);
	if (p != NULL)
		memcpy(q, p, old_size < new_size ? old_size : new_size);
	free(p);
	return q;
}
