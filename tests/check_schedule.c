/*
 * check_schedule.c - jobs of different widths side by side
 * (replay/schedule.h): narrow jobs overlap, a job as wide as every thread
 * runs alone, the busy width never exceeds the threads, and a job that
 * stops the schedule keeps later ones from starting.
 */
#include "config.h"

#include <check.h>
#include <pthread.h>
#include <stdbool.h>
#include <time.h>

#include "check_suites.h"
#include "replay/schedule.h"

#define JOBS 4

/* What the jobs saw, under lock. */
struct watch {
	pthread_mutex_t lock;
	unsigned busy, busy_max;   /* width of the running jobs */
	unsigned running, running_max;
	const unsigned *width;
	bool ran[JOBS];
	bool now[JOBS];            /* running */
	bool overlapped[JOBS];     /* another job ran while this one did */
	int stop_at;               /* the job that returns 1, or -1 */
};

/* A schedule_job_fn: note the job's start, sleep 50 ms, note its end. */
static int watch_job(void *ctx, size_t i, unsigned width)
{
	struct watch *w = ctx;
	struct timespec nap = { 0, 50 * 1000 * 1000 };

	ck_assert_uint_eq(width, w->width[i]);
	pthread_mutex_lock(&w->lock);
	w->ran[i] = true;
	w->busy += width;
	w->running++;
	w->busy_max = w->busy > w->busy_max ? w->busy : w->busy_max;
	w->running_max = w->running > w->running_max ? w->running : w->running_max;
	for (size_t k = 0; k < JOBS; k++)
		if (w->now[k])
			w->overlapped[k] = w->overlapped[i] = true;
	w->now[i] = true;
	pthread_mutex_unlock(&w->lock);
	nanosleep(&nap, NULL);
	pthread_mutex_lock(&w->lock);
	w->now[i] = false;
	w->busy -= width;
	w->running--;
	pthread_mutex_unlock(&w->lock);
	return (int)i == w->stop_at ? 1 : 0;
}

/* Run JOBS jobs of the widths given on threads threads into w. */
static int watch_run(struct watch *w, const unsigned *width, unsigned threads, int stop_at)
{
	*w = (struct watch){ .lock = PTHREAD_MUTEX_INITIALIZER, .width = width, .stop_at = stop_at };
	return schedule_run(JOBS, width, threads, watch_job, w);
}

START_TEST(narrow_jobs_overlap)
{
	static const unsigned width[JOBS] = { 1, 1, 1, 1 };
	struct watch w;

	ck_assert_int_eq(watch_run(&w, width, 2, -1), 0);
	/* Two at a time: 50 ms each leaves the second ample time to start. */
	ck_assert_uint_eq(w.running_max, 2);
	ck_assert_uint_le(w.busy_max, 2);
	for (int i = 0; i < JOBS; i++)
		ck_assert(w.ran[i]);
}
END_TEST

START_TEST(a_job_as_wide_as_every_thread_runs_alone)
{
	static const unsigned width[JOBS] = { 1, 3, 2, 1 };
	struct watch w;

	ck_assert_int_eq(watch_run(&w, width, 3, -1), 0);
	ck_assert(!w.overlapped[1]);
	ck_assert(w.overlapped[2] && w.overlapped[3]);
	ck_assert_uint_le(w.busy_max, 3);
}
END_TEST

START_TEST(a_stopping_job_keeps_later_ones_from_starting)
{
	static const unsigned width[JOBS] = { 1, 1, 1, 1 };
	struct watch w;

	/* One thread: jobs run one by one, and job 1's 1 ends the schedule. */
	ck_assert_int_eq(watch_run(&w, width, 1, 1), 1);
	ck_assert(w.ran[0] && w.ran[1] && !w.ran[2] && !w.ran[3]);
	ck_assert_uint_eq(w.running_max, 1);
}
END_TEST

START_TEST(width_zero_is_skipped)
{
	static const unsigned width[JOBS] = { 0, 1, 0, 1 };
	struct watch w;

	ck_assert_int_eq(watch_run(&w, width, 2, -1), 0);
	ck_assert(!w.ran[0] && w.ran[1] && !w.ran[2] && w.ran[3]);
}
END_TEST

Suite *make_schedule_suite(void)
{
	const TTest *const tc_tests[] = {
		narrow_jobs_overlap, a_job_as_wide_as_every_thread_runs_alone,
		a_stopping_job_keeps_later_ones_from_starting, width_zero_is_skipped,
	};
	Suite *s = suite_create("schedule");

	SUITE_ADD_TESTS(s, "core", 0, tc_tests);
	return s;
}
