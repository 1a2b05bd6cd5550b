/*
 * schedule.h - running jobs of different widths side by side on a fixed
 * number of threads: the experiment runner's traces (runner.c), each of
 * which replays its cells on `width' threads of its own.
 *
 * Jobs start in order. Job i starts once the widths of the running jobs
 * plus its own fit in `threads' (a job as wide as all of them runs alone,
 * on the calling thread), so at most `threads' jobs run at once and never
 * more threads than asked for are busy replaying. A job that returns
 * nonzero stops the start of later ones; the running ones finish.
 */
#ifndef PAGESIM_SCHEDULE_H
#define PAGESIM_SCHEDULE_H

#include <stddef.h>

/* One job: returns 0, or nonzero to stop the schedule (schedule_run
 * returns the first nonzero value, -1 before any other). */
typedef int schedule_job_fn(void *ctx, size_t index, unsigned width);

/* Run jobs 0..n-1 (job i on width[i] threads, 1..threads; a width of 0
 * skips it) as above, with at most threads at once. Returns 0 when every
 * job returned 0, else as schedule_job_fn says (-1 also when out of
 * memory). A job whose thread cannot be started runs on the calling one. */
int schedule_run(size_t n, const unsigned *width, unsigned threads, schedule_job_fn *fn, void *ctx);

#endif
