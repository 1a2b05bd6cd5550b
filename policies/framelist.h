/*
 * framelist.h - an ordered list of frame numbers with O(1) insertion at
 * the back, removal from anywhere, and a look at the front: the queue of
 * fifo and second-chance and the recency list of lru.
 *
 * A circular doubly linked list threaded through one node per frame, with
 * a sentinel node at index frames: node[frames].next is the front,
 * node[frames].prev the back. A frame not on the list has next ==
 * FRAMELIST_NONE. The caller owns the frames + 1 nodes (in its state
 * block) and passes them with the frame count to every call.
 */
#ifndef PAGESIM_FRAMELIST_H
#define PAGESIM_FRAMELIST_H

#include <assert.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define FRAMELIST_NONE UINT32_MAX

struct framelist_node {
	uint32_t prev, next;
};

/* Bytes of nodes a list over frames frames needs. */
static inline size_t framelist_size(uint32_t frames)
{
	return ((size_t)frames + 1) * sizeof(struct framelist_node);
}

/* Make node (frames + 1 entries) an empty list. */
static inline void framelist_init(struct framelist_node *node, uint32_t frames)
{
	for (uint32_t f = 0; f < frames; f++)
		node[f] = (struct framelist_node){ .prev = FRAMELIST_NONE, .next = FRAMELIST_NONE };
	node[frames] = (struct framelist_node){ .prev = frames, .next = frames };
}

/* Is frame f on the list? */
static inline bool framelist_contains(const struct framelist_node *node, uint32_t f)
{
	return node[f].next != FRAMELIST_NONE;
}

/* The front frame; the list must not be empty. */
static inline uint32_t framelist_front(const struct framelist_node *node, uint32_t frames)
{
	assert(node[frames].next != frames && "framelist_front: empty list");
	return node[frames].next;
}

/* The frame k places from the front (0: the front), or frames when the
 * list is shorter: k + 1 steps along the list. */
static inline uint32_t framelist_nth(const struct framelist_node *node, uint32_t frames, unsigned k)
{
	uint32_t f = node[frames].next;

	for (unsigned i = 0; i < k && f != frames; i++)
		f = node[f].next;
	return f;
}

/* Is f (on the list) at the back? */
static inline bool framelist_is_back(const struct framelist_node *node, uint32_t frames, uint32_t f)
{
	return node[f].next == frames;
}

/* Link f, which must not be on the list, at the back. */
static inline void framelist_push_back(struct framelist_node *node, uint32_t frames, uint32_t f)
{
	uint32_t back = node[frames].prev;

	assert(f < frames && !framelist_contains(node, f));
	node[f] = (struct framelist_node){ .prev = back, .next = frames };
	node[back].next = f;
	node[frames].prev = f;
}

/* Unlink f, which must be on the list, from wherever it is. */
static inline void framelist_remove(struct framelist_node *node, uint32_t frames, uint32_t f)
{
	struct framelist_node n = node[f];

	assert(f < frames && framelist_contains(node, f));
	node[n.prev].next = n.next;
	node[n.next].prev = n.prev;
	node[f] = (struct framelist_node){ .prev = FRAMELIST_NONE, .next = FRAMELIST_NONE };
}

#endif
