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

#endif
