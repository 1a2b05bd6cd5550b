/*
 * fuzz_results.c - libFuzzer harness: results_read on a results.csv, as
 * `pagesim plot`, `check` and `sweep --resume` read it back. The input is
 * the file, read from a FILE* made by fmemopen; what was read is then
 * printed (to /dev/null) and looked up, so every cell is touched.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>

#include "fuzz_common.h"
#include "report/results.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static FILE *null;
	struct results res = {0};
	struct ps_error err = {{0}};
	FILE *in;

	if (size == 0)
		return -1; /* fmemopen refuses an empty buffer */
	if (null == NULL && (null = fopen("/dev/null", "w")) == NULL)
		abort();
	in = fmemopen((void *)data, size, "r");
	if (in == NULL)
		abort();
	if (results_read(in, "results.csv", &res, &err) < 0) {
		if (err.msg[0] == '\0')
			fuzz_fail("results_read failed without a message");
	} else {
		results_print_faults(null, &res);
		for (size_t t = 0; t < res.ntraces; t++)
			for (size_t c = 0; c < res.traces[t].ncells; c++) {
				const struct results_cell *cell = &res.traces[t].cells[c];

				if (cell->policy >= res.npolicies)
					fuzz_fail("cell %zu of trace %zu: policy %zu of %zu", c, t, cell->policy,
						  res.npolicies);
				if (results_find(&res.traces[t], cell->policy, cell->frames) == NULL ||
				    !results_has_policy(&res.traces[t], cell->policy) ||
				    results_policy_index(&res, res.policies[cell->policy]) != cell->policy)
					fuzz_fail("cell %zu of trace %zu is not found again", c, t);
			}
	}
	results_free(&res);
	fclose(in);
	return 0;
}
