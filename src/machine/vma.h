/*
 * vma.h - a process's mappings: a sorted array of disjoint page ranges,
 * each with its protection and backing (sim.c's essay says what they
 * mean). Looked up only on faults and events, never on a hit, so a binary
 * search over an array is all it needs.
 */
#ifndef PAGESIM_VMA_H
#define PAGESIM_VMA_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct vma {
	uint64_t start, end;  /* pages [start, end), start < end */
	uint64_t file_page;   /* BACK_FILE: the file's page number at start */
	uint64_t max_pages;   /* BACK_STACK: most pages the stack may span */
	const char *name;     /* segment name, "heap", or "mmap" */
	const char *file;     /* BACK_FILE: the file name (interned) */
	uint32_t file_id;     /* BACK_FILE: the machine's number for file, >= 1 */
	uint8_t prot;         /* EV_PROT_* */
	uint8_t backing;      /* enum trace_backing */
	bool shared;          /* a shared file mapping */
	bool is_mmap;         /* made by mmap (brk ignores these) */
};

struct vma_list {
	struct vma *v; /* sorted by start */
	size_t n, cap;
};

/* The mapping holding page vpn, or NULL. */
struct vma *vma_find(const struct vma_list *l, uint64_t vpn);

/* The first mapping overlapping pages [start, end), or NULL. */
struct vma *vma_overlap(const struct vma_list *l, uint64_t start, uint64_t end);

/* The mapping with the lowest start above vpn, or NULL. */
struct vma *vma_above(const struct vma_list *l, uint64_t vpn);

/* Insert a copy of v, which overlaps no mapping of l. Returns false when
 * memory is short. Pointers into l are invalid afterwards. */
bool vma_insert(struct vma_list *l, const struct vma *v);

/* Remove pages [start, end) from mapping m of l, which they must be the
 * head, the tail or all of (the caller checked). Pointers into l are
 * invalid afterwards. */
void vma_trim(struct vma_list *l, struct vma *m, uint64_t start, uint64_t end);

/* Split the mapping holding page vpn into two at vpn (the second starts
 * at vpn, and reads its file from the matching page), unless vpn is
 * already a mapping's start or in none. Returns false when memory is
 * short. Pointers into l are invalid afterwards. */
bool vma_split(struct vma_list *l, uint64_t vpn);

/* Make dst (empty) a copy of src. Returns false when memory is short. */
bool vma_copy(struct vma_list *dst, const struct vma_list *src);

/* Free the list; it is empty afterwards. */
void vma_clear(struct vma_list *l);

#endif
