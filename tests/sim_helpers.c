/* sim_helpers.c - the simulator fixtures of sim_helpers.h. */
#include "config.h"

#include <check.h>

#include "sim_helpers.h"

struct trace_rec sim_ref(char op, uint64_t page)
{
	return (struct trace_rec){
	    .addr = page << 12,
	    .pid = 1,
	    .size = 1,
	    .op = op == 'W'   ? OP_WRITE
		  : op == 'X' ? OP_FETCH
			      : OP_READ,
	};
}

struct sim *sim_open_policy(const struct policy *policy, const double *params, uint32_t frames,
			    uint32_t swap_slots, sim_evict_hook *hook, void *ctx)
{
	struct sim_config cfg = {
	    .policy = policy,
	    .policy_params = params,
	    .frames = frames,
	    .page_shift = 12,
	    .va_bits = 48,
	    .swap_slots = swap_slots,
	    .seed = 1,
	    .span_pages = false,
	};
	struct ps_error err = {""};
	struct sim *s = sim_create(&cfg, &err);

	ck_assert_msg(s != NULL, "sim_create(%s): %s", policy->name, err.msg);
	sim_set_evict_hook(s, hook, ctx);
	return s;
}

struct sim_stats sim_replay(const struct sim_config *cfg, const struct trace_rec *recs, size_t n)
{
	struct ps_error err = {""};
	struct sim *s = sim_create(cfg, &err);
	struct sim_stats st;

	ck_assert_msg(s != NULL, "sim_create: %s", err.msg);
	ck_assert_msg(sim_feed(s, recs, n, &err) == 0, "sim_feed: %s", err.msg);
	sim_get_stats(s, &st);
	sim_destroy(s);
	return st;
}
