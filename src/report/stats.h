/*
 * stats.h - the mean of repeated runs and its 95% confidence interval.
 *
 * For n values x_i: mean m; sample standard deviation s (divisor n - 1);
 * half-width h = t * s / sqrt(n), where t is the two-sided 95% quantile of
 * Student's t distribution with n - 1 degrees of freedom. The interval is
 * [m - h, m + h]. One value (a deterministic policy) has h = 0. The t
 * table is exact to three decimals for 1..30 degrees of freedom; beyond,
 * the value for the next smaller tabulated df (40, 60, 120) is used, which
 * makes the interval slightly wider, never narrower.
 */
#ifndef PAGESIM_STATS_H
#define PAGESIM_STATS_H

#include <stddef.h>

struct stats_interval {
	double mean;
	double half;   /* half-width of the 95% interval */
	size_t n;
};

/* The two-sided 95% quantile of Student's t with df >= 1 degrees of
 * freedom (see above). */
double stats_t95(size_t df);

/* Mean and 95% interval of the n >= 1 values. */
struct stats_interval stats_interval_of(const double *values, size_t n);

#endif
