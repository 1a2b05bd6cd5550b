/*
 * hugepages.h - asking the kernel for transparent huge pages under the
 * large tables that are read at random (page maps, trees over times,
 * histograms): with 4 KiB pages a table of tens of megabytes costs a TLB
 * miss per access on top of the cache miss.
 */
#ifndef PAGESIM_HUGEPAGES_H
#define PAGESIM_HUGEPAGES_H

#include <stddef.h>

/* Advise huge pages (MADV_HUGEPAGE) for the whole 4 KiB pages inside
 * [p, p + size), when size is at least 2 MiB. A hint only: nothing
 * changes where the kernel or the platform has no transparent huge pages,
 * and failure is ignored. */
void hugepages_hint(void *p, size_t size);

/* realloc(p, new_size) for an array of old_size bytes (0 when p is NULL)
 * that is read at random; new_size > 0. From 2 MiB on, a fresh block
 * aligned to 2 MiB (its size rounded up to 2 MiB),
 * advised huge pages before the old contents are copied in, so that the
 * copy and the growth fault in 2 MiB at a time, not 4 KiB (glibc's
 * realloc copies into 4 KiB pages and the hint came only after). NULL
 * when memory is short, with p untouched. Free the result with free. */
void *hugepages_realloc(void *p, size_t old_size, size_t new_size);

#endif
