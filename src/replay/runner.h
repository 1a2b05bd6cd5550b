/*
 * runner.h - the resumable experiment runner behind `pagesim sweep`: run
 * every cell of an experiment (trace x policy x frames x seed) and keep
 * its results in OUTPUT/cells/, OUTPUT/results.csv and OUTPUT/summary.json.
 *
 * Within a trace all its pending cells share one decoding and run on the
 * worker threads (cells.h). A trace with at least as many pending cells
 * as threads replays alone on all of them, as before; traces with fewer
 * replay side by side (schedule.h), each on as many threads as it has
 * cells, so that an experiment of one policy at one size per trace keeps
 * every core busy. Memory: at most `threads' traces replay at once, each
 * holding what its replay alone would (its cells' machines, a ring of
 * CELLS_RING batches, for opt without a window 8 bytes a reference of its
 * trace), so at most `threads' times the largest single trace's replay.
 * Results do not depend on it: cells never share a machine.
 *
 * Files. When a trace's cells finish, its rows go to
 * OUTPUT/cells/<hash of the trace label>.tsv (one line per cell:
 * "policy<TAB>frames<TAB>seed<TAB>csv row", after a header line stating
 * the machine options and a "#trace" line identifying the trace: a file's
 * size, modification time and content hash (runner.c), taken before its replay, or a
 * generated trace's parameters), and results.csv is rebuilt from those
 * files in the experiment's order. Every file is written to a temporary
 * name, flushed to disk and renamed, so a reader never sees half a file
 * and an interruption loses only the trace being replayed. Before any
 * result of an earlier run is replaced, summary.json is rewritten with
 * status "running", so that after a crash it never calls the directory
 * complete. Resuming reads the cells files and runs only the cells
 * missing from them; cells files made with other machine options are
 * refused rather than mixed in, and the cells of a trace that is not the
 * one they were made from (other size, time or hash; or no "#trace" line)
 * are redone, with a message on the log.
 *
 * Shards. With runner_options.shards = N, only the cells of shard
 * `shard' of replay/shard.h's partition run (and count), and OUTPUT also
 * gets the manifest shard.txt that `pagesim merge` checks the parts with
 * (replay/merge.h); summary.json then has a "shard": "K/N" member. Rows of
 * other shards' cells found when resuming are dropped.
 *
 * Nothing here exits or writes to the standard streams: failed cells,
 * warnings and progress go to the caller's log stream, and what stops the
 * run comes back as a struct ps_error.
 */
#ifndef PAGESIM_RUNNER_H
#define PAGESIM_RUNNER_H

#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "util/error.h"

struct experiment;

/* How to run an experiment. */
struct runner_options {
	unsigned threads;            /* worker threads of each trace's replay */
	bool resume;                 /* keep the cells already in OUTPUT/cells */
	FILE *log;                   /* failed cells, warnings and progress */
	bool live;                   /* log is a terminal: one progress line drawn
					in place, instead of a line per trace */
	volatile sig_atomic_t *stop; /* NULL, or set nonzero to interrupt */
	unsigned shard, shards;      /* run only shard `shard' (1..shards) of
					shard.h's partition; 0 shards: all */
};

/* How the run went. */
struct runner_counts {
	size_t cells;    /* of the experiment */
	size_t done;     /* in results.csv, from this run or a resumed one */
	size_t failed;   /* reported on the log */
	double seconds;  /* wall time of the replays */
};

/* Run exp's cells into exp->output (created if missing) as opt says, and
 * write results.csv and summary.json at the end. Returns 0 when every
 * trace was replayed (counts->failed cells may have failed), 1 when
 * *opt->stop interrupted it (the finished traces' cells are kept), or -1
 * with err set when the output could not be read or written. *counts is
 * filled in every case. */
int runner_run(const struct experiment *exp, const struct runner_options *opt, struct runner_counts *counts,
	       struct ps_error *err);

/* The name of the cells file of the trace labelled label ("<16 hex
 * digits: FNV-1a of the label>.tsv"), in buf. */
void runner_cells_name(const char *label, char *buf, size_t size);

#endif
