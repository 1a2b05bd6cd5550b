/*
 * cli_progress.c - the progress line of pagesim run and mrc: on a
 * terminal only (standard error), redrawn in place at most ten times a
 * second with the records decoded so far and their rate, and erased at
 * the end, so that nothing of it stays on the screen or in a file.
 */
#include "config.h"

#include <stdio.h>
#include <time.h>
#include <unistd.h>

#include "cli/cli.h"

/* Seconds since p started. */
static double cli_progress_elapsed(const struct cli_progress *p)
{
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	return (double)(now.tv_sec - p->start.tv_sec) + 1e-9 * (double)(now.tv_nsec - p->start.tv_nsec);
}

void cli_progress_start(struct cli_progress *p, const char *what)
{
	*p = (struct cli_progress){ .what = what, .live = isatty(STDERR_FILENO) == 1 };
	clock_gettime(CLOCK_MONOTONIC, &p->start);
}

void cli_progress_update(struct cli_progress *p, uint64_t records)
{
	double now;

	if (!p->live || (now = cli_progress_elapsed(p)) - p->last < 0.1)
		return;
	p->last = now;
	p->drawn = true;
	fprintf(stderr, "\r%s: %.1f M records, %.1f M records/s, %.0f s ", p->what, (double)records / 1e6,
		now > 0 ? (double)records / now / 1e6 : 0.0, now);
}

void cli_progress_end(struct cli_progress *p)
{
	if (p->drawn)
		fputs("\r\033[K", stderr);
	p->drawn = false;
}

void cli_progress_cells(void *ctx, uint64_t records)
{
	cli_progress_update(ctx, records);
}
