/*
 * decode_mem.c - the version-3 decoder alone, for the bench
 * (scripts/bench; README, "Performance"). Built only for `make bench`,
 * never installed.
 *
 * Usage: decode_mem TRACE.bin [REPEAT]
 *   TRACE.bin an uncompressed pagesim binary trace of version 3.
 * Prints one CSV row: records,seconds,cpu_seconds
 *
 * What it times: trace_binary3_decode over the whole file's records,
 * read into memory BEFORE timing, in batches of PASS_BATCH records into
 * one reused buffer, without repeat marks, as for `pagesim decode`; no
 * I/O, no validation, no consumer.
 * seconds is the best wall time of REPEAT passes (default 5), cpu_seconds
 * the best CPU time of this thread. So `pagesim decode`'s time less this
 * one is what reading the file, validating and counting add.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "trace/pass.h"
#include "trace/trace_binary.h"
#include "trace/trace_binary3.h"
#include "util/files.h"

static void die(const char *msg, const char *arg)
{
	fprintf(stderr, "decode_mem: %s%s%s\n", msg, arg != NULL ? ": " : "", arg != NULL ? arg : "");
	exit(2);
}

static double seconds(clockid_t clock)
{
	struct timespec t;

	clock_gettime(clock, &t);
	return (double)t.tv_sec + (double)t.tv_nsec * 1e-9;
}

/* Decode the records coded in in[0..len) once, in batches; returns how
 * many. Dies on a corrupt or cut record. */
static size_t decode_all(const unsigned char *in, size_t len)
{
	static struct trace_rec recs[PASS_BATCH];
	struct trace_binary3_state st = { 0 };
	size_t pos = 0, total = 0;

	while (pos < len || st.run_left > 0) {
		struct trace_binary3_check chk = trace_binary3_check_start(12);
		enum trace_binary3_stop stop;
		char why[256];
		size_t used, n = trace_binary3_decode(&st, in + pos, len - pos, &used, recs, NULL, PASS_BATCH, &stop,
						       why, sizeof why, &chk);

		pos += used;
		total += n;
		if (stop == BIN3_CORRUPT)
			die("corrupt", why);
		if (stop == BIN3_MORE && n == 0 && used == 0)
			die("the file ends inside a record", NULL);
	}
	return total;
}

int main(int argc, char **argv)
{
	size_t len, header, records = 0;
	struct trace_binary_info info;
	char why[256];
	struct ps_error err;
	unsigned char *file;
	int repeat = argc > 2 ? atoi(argv[2]) : 5;
	double best_wall = 0, best_cpu = 0;

	if (argc < 2 || argc > 3 || repeat < 1)
		die("usage: decode_mem TRACE.bin [REPEAT]", NULL);
	if ((file = (unsigned char *)files_read_whole(argv[1], &len, &err)) == NULL)
		die(err.msg, NULL);
	if (!trace_binary_sniff(file, len))
		die("not a pagesim binary trace", argv[1]);
	header = trace_binary_check_header(file, len, &info, why, sizeof why);
	if (header == 0)
		die(why, argv[1]);
	if (info.version != 3)
		die("not version 3", argv[1]);
	for (int r = 0; r < repeat; r++) {
		double wall = seconds(CLOCK_MONOTONIC), cpu = seconds(CLOCK_THREAD_CPUTIME_ID);

		records = decode_all(file + header, len - header);
		wall = seconds(CLOCK_MONOTONIC) - wall;
		cpu = seconds(CLOCK_THREAD_CPUTIME_ID) - cpu;
		if (r == 0 || wall < best_wall)
			best_wall = wall;
		if (r == 0 || cpu < best_cpu)
			best_cpu = cpu;
	}
	printf("%zu,%.6f,%.6f\n", records, best_wall, best_cpu);
	free(file);
	return 0;
}
