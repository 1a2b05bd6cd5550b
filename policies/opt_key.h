/*
 * opt_key.h - OPT's eviction key, in one place for the policy
 * (policies/opt.c) and the one-pass curve (src/replay/mrc.c), which must order
 * pages exactly alike for the curve's rows to equal the replay's.
 */
#ifndef PAGESIM_OPT_KEY_H
#define PAGESIM_OPT_KEY_H

#include "policy.h"

/* The key of a page referenced at time now whose next reference is
 * next_use (POLICY_NEVER: none): next_use, or POLICY_NEVER - now when
 * there is none within window references (window 0: the whole trace).
 * The largest key is evicted first: never-again pages before any other,
 * the least recently referenced of them first. */
static inline uint64_t opt_key(uint64_t now, uint64_t next_use, uint64_t window)
{
	if (next_use == POLICY_NEVER || (window != 0 && next_use - now >= window))
		return POLICY_NEVER - now;
	return next_use;
}

#endif
