#include "config.h"

#include <assert.h>
#include <math.h>

#include "report/stats.h"

double stats_t95(size_t df)
{
	static const double t[31] = {
		0, 12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228,
		2.201, 2.179, 2.160, 2.145, 2.131, 2.120, 2.110, 2.101, 2.093, 2.086,
		2.080, 2.074, 2.069, 2.064, 2.060, 2.056, 2.052, 2.048, 2.045, 2.042,
	};

	assert(df >= 1);
	if (df <= 30)
		return t[df];
	if (df < 40)
		return t[30];
	if (df < 60)
		return 2.021; /* df 40 */
	if (df < 120)
		return 2.000; /* df 60 */
	return 1.980;         /* df 120 */
}

struct stats_interval stats_interval_of(const double *values, size_t n)
{
	struct stats_interval r = { .n = n };
	double sum = 0, squares = 0;

	assert(n >= 1);
	for (size_t i = 0; i < n; i++)
		sum += values[i];
	r.mean = sum / (double)n;
	if (n == 1)
		return r;
	for (size_t i = 0; i < n; i++)
		squares += (values[i] - r.mean) * (values[i] - r.mean);
	r.half = stats_t95(n - 1) * sqrt(squares / (double)(n - 1)) / sqrt((double)n);
	return r;
}
