/*
 * report_process.h - the per-process report of `pagesim run --by-process`:
 * each process's faults by kind and evictions (the per-segment counters
 * added up by pid) and its mean resident set (machine/sim.h,
 * struct sim_process_rss).
 */
#ifndef PAGESIM_REPORT_PROCESS_H
#define PAGESIM_REPORT_PROCESS_H

#include <stddef.h>
#include <stdio.h>

#include "machine/sim.h"
#include "report/report.h"

/* The per-process report of n runs: segs[i] (nsegs[i] entries) and
 * procs[i] (nprocs[i] entries, by pid) belong to rows[i]. Text: a table
 * per run; CSV: one row per run and process (this replaces the run CSV),
 * columns trace, policy, frames, pid, faults, zero_fills, file_reads,
 * swap_reads, minor_faults, cow_copies, cow_reuses, stack_growths,
 * segfaults, evictions, dirty_evictions, file_writebacks, mean_resident
 * (3 decimals), lifetime; JSON: the same rows as objects under
 * "processes". */
void report_processes(FILE *out, enum report_style style, const struct run_result *rows,
		      const struct sim_segment_stats *const *segs, const size_t *nsegs,
		      const struct sim_process_rss *const *procs, const size_t *nprocs, size_t n);

#endif
