/*
 * wscurve.h - Denning's working-set curves of a trace, in one pass: for
 * each window T of a list, the working-set size w(t, T) over time, its
 * mean s(T) and the working-set policy's fault count f(T). See wscurve.c.
 * Use: wscurve_create, wscurve_feed_batch every batch in trace order, then
 * read the results (wscurve_point, wscurve_series), wscurve_destroy.
 */
#ifndef PAGESIM_WSCURVE_H
#define PAGESIM_WSCURVE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "util/error.h"
#include "trace/trace.h"
#include "trace/trace_event.h"

/* The largest window: the pass keeps the page of each of the last T
 * references (4 bytes each: 64 MiB at most). */
#define WSCURVE_MAX_TAU (1ULL << 24)
#define WSCURVE_MAX_TAUS 64

struct wscurve_config {
	unsigned page_shift;  /* log2 of the page size, as for the replay */
	bool span_pages;      /* pageref.h's rule, as for the replay */
	const uint64_t *taus; /* the windows, each 1..WSCURVE_MAX_TAU */
	size_t ntaus;         /* 1..WSCURVE_MAX_TAUS */
	size_t points;        /* the series keeps between points and 2 * points
				 samples (>= 1) */
};

/* One window's results. */
struct wscurve_point {
	uint64_t tau;
	uint64_t faults;  /* references whose page was not in W(t-1, T) */
	uint64_t sum;     /* the sum of w(t, T) over every reference t */
};

struct wscurve;

/* An empty curve for cfg (copied). NULL with err set when memory is short. */
struct wscurve *wscurve_create(const struct wscurve_config *cfg, struct ps_error *err);

/* Add a batch of records in trace order: every page of every access is a
 * reference of its (process, page); events are skipped. Returns 0, or -1
 * with err set when memory is short. */
int wscurve_feed_batch(struct wscurve *w, const struct trace_batch *b, struct ps_error *err);

/* The references seen so far. */
uint64_t wscurve_refs(const struct wscurve *w);

/* Window i's results (i < ntaus). */
struct wscurve_point wscurve_point(const struct wscurve *w, size_t i);

/* The time series: *n samples taken at references 0, step, 2 step, ...
 * (*step a power of two); sample k's value for window i is
 * values[k * ntaus + i] = w(k * step, taus[i]). */
const uint32_t *wscurve_series(const struct wscurve *w, size_t *n, uint64_t *step);

void wscurve_destroy(struct wscurve *w);

#endif
