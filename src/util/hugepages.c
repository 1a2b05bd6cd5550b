/*
 * hugepages.c - transparent huge page hints (see hugepages.h).
 */
#include "config.h"

#include <stdint.h>
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
