/*
 * sim_helpers.h - fixtures shared by the suites that drive the simulator
 * (check_sim.c, check_mrc.c, the machine level of check_policies_*.c): a
 * record for one reference, a machine for one policy, and a whole replay
 * on a fresh machine.
 */
#ifndef PAGESIM_SIM_HELPERS_H
#define PAGESIM_SIM_HELPERS_H

#include <stddef.h>
#include <stdint.h>

#include "machine/sim.h"

/* A one-byte reference to page page (4 KiB pages) of process 1: a write
 * for op 'W', an instruction fetch for 'X', else a read. */
struct trace_rec sim_ref(char op, uint64_t page);

/* A machine of frames frames under policy (params: NULL for the
 * defaults): 4 KiB pages, 48-bit addresses, swap_slots swap slots, seed 1,
 * records not split across pages; hook(ctx) sees every eviction (NULL:
 * none). The test fails if the machine cannot be made. */
struct sim *sim_open_policy(const struct policy *policy, const double *params, uint32_t frames,
			    uint32_t swap_slots, sim_evict_hook *hook, void *ctx);

/* Replay recs on a new machine for cfg and return its counters; the test
 * fails if the machine cannot be made or fails on a record. */
struct sim_stats sim_replay(const struct sim_config *cfg, const struct trace_rec *recs, size_t n);

#endif
