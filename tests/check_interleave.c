/*
 * check_interleave.c - the multiprogrammed workload's merge (trace/interleave.h):
 * the round-robin order, the renumbering of processes, events copied into
 * one table, positions that name each record's own trace, and the
 * workloads it refuses. Expected orders are derived by hand from the rule
 * in interleave.h (comments give each derivation).
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <check.h>

#include "check_suites.h"
#include "trace/interleave.h"
#include "trace_helpers.h"

/* Trace A: process 5 reads twice, forks 6, which writes; 5 reads again. */
static const char trace_a[] = "pagesim-trace 1\n" /* 1 */
			      "process 5\n"       /* 2 */
			      "R 0x1000\n"        /* 3: A1 */
			      "R 0x2000\n"        /* 4: A2 */
			      "fork 5 6\n"        /* 5 */
			      "process 6\n"       /* 6 */
			      "W 0x3000\n"        /* 7: A3 */
			      "process 5\n"       /* 8 */
			      "R 0x4000\n";       /* 9: A4 */
/* Trace B: its own process 5 writes three times. */
static const char trace_b[] = "pagesim-trace 1\n"
			      "process 5\n"
			      "W 0x10000\n" /* 3: B1 */
			      "W 0x20000\n" /* 4: B2 */
			      "W 0x30000\n"; /* 5: B3 */
/* Trace C: one fetch of process 1. */
static const char trace_c[] = "pagesim-trace 1\n"
			      "X 0x50000\n"; /* 2: C1 */

/* What the merge handed out: each record, where it was read, and for an
 * event its fork's parent and child. */
struct seen {
	struct trace_rec recs[64];
	char where[64][256];
	uint32_t parent[64], child[64];
	size_t n;
};

static int collect(void *ctx, const struct trace_batch *b, struct ps_error *err)
{
	struct seen *s = ctx;

	(void)err;
	for (size_t i = 0; i < b->n; i++) {
		ck_assert_uint_lt(s->n, ARRAY_LEN(s->recs));
		s->recs[s->n] = b->recs[i];
		trace_batch_where(b, i, s->where[s->n], sizeof s->where[s->n]);
		if (b->recs[i].op == OP_EVENT) {
			const struct trace_event *ev = trace_events_get(b->events, b->recs[i].addr);

			s->parent[s->n] = ev->pid;
			s->child[s->n] = ev->child;
		}
		s->n++;
	}
	return 0;
}

/* The three traces as files; paths[] is malloc'd. */
static void write_traces(char *paths[3])
{
	paths[0] = write_tmp(trace_a, strlen(trace_a));
	paths[1] = write_tmp(trace_b, strlen(trace_b));
	paths[2] = write_tmp(trace_c, strlen(trace_c));
}

/* Remove the files of paths and free them. */
static void remove_traces(char *paths[3])
{
	for (int k = 0; k < 3; k++) {
		unlink(paths[k]);
		free(paths[k]);
	}
}

/* Merge paths with quantum q into s; returns interleave_run's result. */
static int merge(char *paths[3], uint64_t q, struct seen *s, struct pass_info *info, struct ps_error *err)
{
	const struct workload w = { .paths = (const char *const *)paths, .n = 3, .quantum = q };
	struct trace_options o = opts(TRACE_AUTO);

	memset(s, 0, sizeof *s);
	return interleave_run(&w, &o, collect, s, info, err);
}

/* One record the merge must hand out: the access (or, op OP_EVENT, the
 * fork with child) of pid at addr, read at line `line` of trace `trace`. */
struct want {
	uint32_t pid;
	uint8_t op;
	uint64_t addr;
	int trace, line;
	uint32_t child;
};

/* s must be exactly want[0..n), paths[k] being trace k. */
static void expect_records(const struct seen *s, char *paths[3], const struct want *want, size_t n)
{
	ck_assert_uint_eq(s->n, n);
	for (size_t k = 0; k < n; k++) {
		char where[300];

		snprintf(where, sizeof where, "%s:%d", paths[want[k].trace], want[k].line);
		ck_assert_uint_eq(s->recs[k].pid, want[k].pid);
		ck_assert_uint_eq(s->recs[k].op, want[k].op);
		ck_assert_str_eq(s->where[k], where);
		if (want[k].op == OP_EVENT) {
			ck_assert_uint_eq(s->parent[k], want[k].pid);
			ck_assert_uint_eq(s->child[k], want[k].child);
		} else {
			ck_assert_uint_eq(s->recs[k].addr, want[k].addr);
		}
	}
}

/* Merge the three traces with quantum q: the result must be want[0..n). */
static void expect_merge(uint64_t q, const struct want *want, size_t n)
{
	char *p[3];
	struct seen s;
	struct pass_info info;
	struct ps_error err;

	write_traces(p);
	ck_assert_msg(merge(p, q, &s, &info, &err) == 0, "%s", err.msg);
	ck_assert_uint_eq(info.records, n);
	ck_assert_str_eq(info.format, "native");
	expect_records(&s, p, want, n);
	remove_traces(p);
}

START_TEST(round_robin_quantum_two)
{
	/* Quantum 2, turns A, B, C, A, B, ...:
	 *   A: A1 A2 (its process 5 is the first seen: 1)  -- 2 accesses, turn over
	 *   B: B1 B2 (B's process 5 is new: 2)
	 *   C: C1 (C's process 1: 3), then C ends
	 *   A: fork 5 6 (an event takes no time; child 6 is new: 4), A3 (4), A4 (1)
	 *   B: B3, then B ends
	 *   A: ends
	 * so: A1 A2 B1 B2 C1 fork A3 A4 B3. */
	static const struct want want[] = {
		{ 1, OP_READ, 0x1000, 0, 3, 0 },   { 1, OP_READ, 0x2000, 0, 4, 0 },
		{ 2, OP_WRITE, 0x10000, 1, 3, 0 }, { 2, OP_WRITE, 0x20000, 1, 4, 0 },
		{ 3, OP_FETCH, 0x50000, 2, 2, 0 }, { 1, OP_EVENT, 0, 0, 5, 4 },
		{ 4, OP_WRITE, 0x3000, 0, 7, 0 },  { 1, OP_READ, 0x4000, 0, 9, 0 },
		{ 2, OP_WRITE, 0x30000, 1, 5, 0 },
	};

	expect_merge(2, want, ARRAY_LEN(want));
}
END_TEST

START_TEST(large_quantum_runs_each_trace_whole)
{
	/* Quantum 100: A whole (5 -> 1, child 6 -> 2), then B (5 -> 3),
	 * then C (1 -> 4). */
	static const struct want want[] = {
		{ 1, OP_READ, 0x1000, 0, 3, 0 },   { 1, OP_READ, 0x2000, 0, 4, 0 },
		{ 1, OP_EVENT, 0, 0, 5, 2 },       { 2, OP_WRITE, 0x3000, 0, 7, 0 },
		{ 1, OP_READ, 0x4000, 0, 9, 0 },   { 3, OP_WRITE, 0x10000, 1, 3, 0 },
		{ 3, OP_WRITE, 0x20000, 1, 4, 0 }, { 3, OP_WRITE, 0x30000, 1, 5, 0 },
		{ 4, OP_FETCH, 0x50000, 2, 2, 0 },
	};

	expect_merge(100, want, ARRAY_LEN(want));
}
END_TEST

START_TEST(bad_workloads_are_refused)
{
	char *p[3], missing[300];
	struct seen s;
	struct pass_info info;
	struct ps_error err;

	write_traces(p);
	ck_assert_int_eq(merge(p, 0, &s, &info, &err), -1);
	ck_assert_ptr_nonnull(strstr(err.msg, "quantum"));
	snprintf(missing, sizeof missing, "%s.missing", p[1]);
	free(p[1]);
	p[1] = strdup(missing);
	ck_assert_int_eq(merge(p, 2, &s, &info, &err), -1);
	ck_assert_ptr_nonnull(strstr(err.msg, missing));
	ck_assert_uint_eq(s.n, 0);
	remove_traces(p);
}
END_TEST

Suite *make_interleave_suite(void)
{
	const TTest *const tests[] = { round_robin_quantum_two, large_quantum_runs_each_trace_whole,
				       bad_workloads_are_refused };
	Suite *s = suite_create("merge");

	SUITE_ADD_TESTS(s, "merge", 0, tests);
	return s;
}
