/*
 * explain.h - replay one cell (a policy at a memory size) of a trace
 * reference by reference, saying what happened at each (`pagesim
 * explain`). See explain.c for how, and report/explain_out.h for what a
 * step holds.
 */
#ifndef PAGESIM_EXPLAIN_H
#define PAGESIM_EXPLAIN_H

#include <stdbool.h>
#include <stdint.h>

#include "util/error.h"
#include "trace/pass.h"
#include "policies/registry.h"
#include "replay/cells.h"
#include "report/explain_out.h"

/* Receives each step in trace order; returns false to stop with "out of
 * memory". */
typedef bool explain_step_fn(void *ctx, const struct explain_step *st);

struct explain_request {
	const struct trace_spec *trace;
	const struct trace_options *topt;
	const struct cells_machine *machine;
	const struct policy_spec *policy;
	uint32_t frames;
	uint64_t seed;
	uint64_t from;        /* the first reference shown */
	uint64_t count;       /* how many are shown (UINT64_MAX: to the end) */
	bool one_pid;         /* show only the references and events of pid */
	uint32_t pid;
	bool view;            /* build each step's frames view */
};

/* Replay req's cell twice: once silently as `pagesim run` does (its
 * result into *cell: the summary, and every error of the trace or the
 * machine before anything is shown), then reference by reference, handing
 * the steps in the window [from, from + count) (those of pid only, when
 * one_pid) to step; the replay stops after the window. Events in the
 * window are steps too. Returns 0; or -1 with err set (the trace or the
 * machine failed: then no step was shown). *info describes the pass. */
int explain_replay(const struct explain_request *req, explain_step_fn *step, void *ctx, struct cell *cell,
		   struct pass_info *info, struct ps_error *err);

#endif
