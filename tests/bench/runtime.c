/*
 * runtime.c - the bench's stopwatch (scripts/bench). Built only for
 * `make bench`, never installed.
 *
 * Usage: runtime OUT COMMAND [ARG...]
 *   Runs COMMAND (searched in PATH) with its standard streams as given,
 *   waits for it, and writes one line to the file OUT:
 *     WALL_S PEAK_RSS_KIB USER_S SYS_S
 *   the wall time from the monotonic clock and the child's CPU times from
 *   wait4's rusage, in seconds with six decimals. Exits with COMMAND's
 *   status (128 + N if signal N ended it; 127 if it could not be run).
 *
 * Why not GNU time: it prints CPU times in 10 ms steps, and the bench's
 * decode rows and real-program rows take 0.05 to 0.15 s, so a step was
 * 7% to 20% of a row. The kernel keeps each task's CPU time in
 * nanoseconds; rusage hands it out in microseconds.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/time.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

/* Seconds of t. */
static double seconds_of(struct timeval t)
{
	return (double)t.tv_sec + (double)t.tv_usec / 1e6;
}

/* Seconds on the monotonic clock. */
static double now_seconds(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

int main(int argc, char **argv)
{
	struct rusage use;
	double start, wall;
	int status;
	pid_t child;
	FILE *out;

	if (argc < 3) {
		fprintf(stderr, "usage: runtime OUT COMMAND [ARG...]\n");
		return 2;
	}
	start = now_seconds();
	child = fork();
	if (child < 0) {
		fprintf(stderr, "runtime: fork: %s\n", strerror(errno));
		return 127;
	}
	if (child == 0) {
		execvp(argv[2], argv + 2);
		fprintf(stderr, "runtime: %s: %s\n", argv[2], strerror(errno));
		_exit(127);
	}
	while (wait4(child, &status, 0, &use) < 0)
		if (errno != EINTR) {
			fprintf(stderr, "runtime: wait4: %s\n", strerror(errno));
			return 127;
		}
	wall = now_seconds() - start;
	if ((out = fopen(argv[1], "w")) == NULL) {
		fprintf(stderr, "runtime: %s: %s\n", argv[1], strerror(errno));
		return 127;
	}
	fprintf(out, "%.6f %ld %.6f %.6f\n", wall, use.ru_maxrss, seconds_of(use.ru_utime), seconds_of(use.ru_stime));
	if (fclose(out) != 0) {
		fprintf(stderr, "runtime: %s: %s\n", argv[1], strerror(errno));
		return 127;
	}
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}
