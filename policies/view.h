/*
 * view.h - small helpers for a policy's describe() (policy.h): one item
 * of a view, and a whole framelist in its order.
 */
#ifndef PAGESIM_VIEW_H
#define PAGESIM_VIEW_H

#include "framelist.h"
#include "pagemap.h"
#include "policy.h"

/* Send resident frame f to v, marked or not, with one value named key
 * (none when key is NULL). */
static inline void view_frame(const struct policy_viewer *v, uint32_t f, bool mark, const char *key,
			      uint64_t value)
{
	struct policy_view_item it = { .frame = f, .mark = mark, .nvalues = key != NULL };

	it.key[0] = key;
	it.value[0] = value;
	v->item(v->ctx, &it);
}

/* Send the list `name` to v: the frames of list node (of frames
 * entries) from front to back, each with its accessed bit as "A" when
 * host is not NULL. */
static inline void view_framelist(const struct policy_viewer *v, const char *name,
				  const struct framelist_node *node, uint32_t frames,
				  const struct policy_host *host)
{
	v->list(v->ctx, name);
	for (uint32_t f = node[frames].next; f != frames; f = node[f].next)
		view_frame(v, f, false, host != NULL ? "A" : NULL,
			   host != NULL && host->accessed(host->machine, f));
}

/* Send the list `name` to v: the identities ghost queue q remembers, from
 * the oldest to the newest. */
static inline void view_ghostq(const struct policy_viewer *v, const char *name, const struct ghostq *q)
{
	v->list(v->ctx, name);
	for (uint32_t n = q->oldest; n != GHOSTQ_NONE; n = q->node[n].next) {
		struct policy_view_item it = { .frame = POLICY_VIEW_GHOST, .pid = q->node[n].pid,
					       .page = q->node[n].page };

		v->item(v->ctx, &it);
	}
}

#endif
