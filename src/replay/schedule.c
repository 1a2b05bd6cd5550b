/*
 * schedule.c - jobs of different widths side by side (schedule.h): the
 * calling thread starts each job on a thread of its own once its width
 * fits in the threads left, waiting on a condition variable for running
 * jobs to give theirs back.
 */
#include "config.h"

#include <pthread.h>
#include <stdbool.h>
#include <stdlib.h>

#include "replay/schedule.h"

/* The shared state of one schedule_run call. */
struct schedule {
	pthread_mutex_t lock;
	pthread_cond_t freed;
	unsigned free;        /* threads not taken by running jobs */
	int rc;               /* the first nonzero result, -1 preferred */
	schedule_job_fn *fn;
	void *ctx;
};

/* One started job. */
struct schedule_job {
	struct schedule *s;
	size_t index;
	unsigned width;
	pthread_t thread;
};

/* Record job result rc and give back width threads. */
static void schedule_done(struct schedule *s, unsigned width, int rc)
{
	pthread_mutex_lock(&s->lock);
	s->free += width;
	if (rc != 0 && (s->rc == 0 || rc == -1))
		s->rc = rc;
	pthread_cond_broadcast(&s->freed);
	pthread_mutex_unlock(&s->lock);
}

/* A job's thread: run it, then hand its threads back. */
static void *schedule_thread(void *arg)
{
	struct schedule_job *job = arg;

	schedule_done(job->s, job->width, job->s->fn(job->s->ctx, job->index, job->width));
	return NULL;
}

/* Wait until width threads are free (or a job failed), and take them.
 * Returns false when a job failed: nothing more starts. */
static bool schedule_take(struct schedule *s, unsigned width)
{
	bool go;

	pthread_mutex_lock(&s->lock);
	while (s->rc == 0 && s->free < width)
		pthread_cond_wait(&s->freed, &s->lock);
	go = s->rc == 0;
	if (go)
		s->free -= width;
	pthread_mutex_unlock(&s->lock);
	return go;
}

int schedule_run(size_t n, const unsigned *width, unsigned threads, schedule_job_fn *fn, void *ctx)
{
	unsigned all = threads ? threads : 1;
	struct schedule s = { .free = all, .fn = fn, .ctx = ctx };
	struct schedule_job *jobs = calloc(n + 1, sizeof *jobs);
	bool *started = calloc(n + 1, sizeof *started);

	pthread_mutex_init(&s.lock, NULL);
	pthread_cond_init(&s.freed, NULL);
	if (jobs == NULL || started == NULL)
		s.rc = -1;
	for (size_t i = 0; s.rc == 0 && i < n; i++) {
		unsigned w = width[i] < all ? width[i] : all;

		if (w == 0 || !schedule_take(&s, w))
			continue;
		jobs[i] = (struct schedule_job){ .s = &s, .index = i, .width = w };
		/* A job as wide as every thread runs alone, here. */
		if (w == all || pthread_create(&jobs[i].thread, NULL, schedule_thread, &jobs[i]) != 0)
			schedule_thread(&jobs[i]);
		else
			started[i] = true;
	}
	for (size_t i = 0; jobs != NULL && started != NULL && i < n; i++)
		if (started[i])
			pthread_join(jobs[i].thread, NULL);
	pthread_cond_destroy(&s.freed);
	pthread_mutex_destroy(&s.lock);
	free(jobs);
	free(started);
	return s.rc;
}
