/*
 * optstack.h - OPT (Belady's MIN) stack distances on line, in O(log n)
 * per reference, without looking ahead: Bilardi, Ekanadham and Pattnaik's
 * critical markers over the LRU stack (see optstack.c for the algorithm
 * and why it equals the priority stack with opt.c's key).
 *
 * Pages are ids 0, 1, 2, ... in order of first touch.
 */
#ifndef PAGESIM_OPTSTACK_H
#define PAGESIM_OPTSTACK_H

#include <stdbool.h>
#include <stdint.h>

struct optstack;

/* An empty stack. NULL when memory is short. */
struct optstack *optstack_create(void);

/* The first touch of a page: it gets the next id. False when memory is
 * short, or the stack holds 2^30 - 1 pages (the stack is then unusable). */
bool optstack_touch(struct optstack *s);

/* A reference to page id (already touched): its OPT stack distance, 1..
 * pages, is stored in *dist. False when memory is short. */
bool optstack_ref(struct optstack *s, uint32_t id, uint32_t *dist);

/* Hints that page id (any number: ids not touched yet are ignored) will
 * be referenced soon; they change nothing. The cache misses of a
 * reference are mostly the page's record and the lower part of its
 * leaf's path in the tree: call optstack_prefetch_page some references
 * ahead, and optstack_prefetch_path for the same page about half as many
 * ahead, once its record has arrived (the path and the page's neighbours in
 * LRU order are found from it). */
void optstack_prefetch_page(const struct optstack *s, uint32_t id);
void optstack_prefetch_path(const struct optstack *s, uint32_t id);

/* The end of the trace: final[id] is page id's position in OPT's stack
 * (1 = top) with opt.c's order among pages never referenced again (least
 * recently referenced lowest). The stack is used up. False when memory is
 * short. */
bool optstack_final(struct optstack *s, uint32_t *final);

/* Free s. NULL is ignored. */
void optstack_destroy(struct optstack *s);

#endif
