/*
 * interleave.h - a multiprogrammed workload: several traces replayed as the
 * processes of one machine, merged into one stream by a round-robin
 * scheduler.
 *
 * The schedule. The traces take turns in the order given, the first one
 * first. A turn hands out the trace's records in the trace's own order
 * until it has handed out `quantum` access records (events take no time)
 * or the trace ends; the records after the quantum-th access, events
 * included, wait for the trace's next turn. A trace that has ended leaves
 * the rotation; the workload ends when every trace has.
 *
 * Processes. A trace with several processes (forks, `process N` lines)
 * is scheduled as one stream: its processes keep the interleaving the
 * trace gives them, so a forked child runs first where its trace's
 * records after the fork name it, within its trace's turns. Process ids
 * are renumbered so that traces never share one: the merged stream
 * numbers processes 1, 2, 3, ... in the order they first appear in it (as
 * the process of a record or an event, or as the child of a fork). A
 * workload of one-process traces thus runs trace k as process k.
 *
 * Events are copied, renumbered, into one event table for the whole
 * workload: equal file names in two traces are the same file, so the
 * same program run twice shares its file pages through the machine's
 * page cache. Each trace is a source of that table (trace_event.h), so
 * errors still name "TRACE:LINE" of the trace the record came from.
 */
#ifndef PAGESIM_MERGE_H
#define PAGESIM_MERGE_H

#include <stddef.h>
#include <stdint.h>

#include "trace/pass.h"

/* The quantum of a workload that names none: 10000 access records. */
#define INTERLEAVE_DEFAULT_QUANTUM 10000
/* The most traces one workload merges. */
#define INTERLEAVE_MAX_TRACES 64

/* Replay workload w (its traces read with opt; opt->events, if given,
 * receives the merged events, else a table of its own does) into
 * consume, in batches of at most PASS_BATCH records. Fills *info (format:
 * the traces' format when they all share one, else "mixed"). Returns 0,
 * or -1 with err set by a reader ("TRACE:LINE: reason"), the consumer, or
 * for a workload it cannot merge (no trace, standard input, quantum 0). */
int interleave_run(const struct workload *w, const struct trace_options *opt, pass_consumer *consume, void *ctx,
	      struct pass_info *info, struct ps_error *err);

#endif
