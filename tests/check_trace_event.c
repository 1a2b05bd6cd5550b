/*
 * check_trace_event.c - the event table (trace_event.c): appends across
 * chunk boundaries with entries that never move, interned strings, names
 * and positions, a reader thread beside the appending one; and the static
 * rules (trace_event_check) and the native writer (trace_event_format).
 */
#include "config.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <check.h>

#include "check_suites.h"
#include "trace/trace_event.h"

/* A valid event number i, of every kind in turn, its fields made from i. */
static struct trace_event ev_make(uint64_t i, char *name, char *file)
{
	struct trace_event ev = {.pid = 1 + (uint32_t)(i % 7), .line = i + 1};

	snprintf(name, 16, "seg%llu", (unsigned long long)(i % 5));
	snprintf(file, 16, "file%llu", (unsigned long long)(i / 6 % 3));
	switch (i % 6) {
	case 0:
		ev.kind = EV_SEGMENT, ev.prot = EV_PROT_R, ev.backing = BACK_FILE;
		ev.addr = (i + 1) << 12, ev.len = 4096, ev.name = name, ev.file = file;
		break;
	case 1:
		ev.kind = EV_MMAP, ev.prot = EV_PROT_W, ev.backing = BACK_ZERO, ev.addr = i << 12,
		ev.len = i + 1;
		break;
	case 2:
		ev.kind = EV_MUNMAP, ev.addr = i << 12, ev.len = 1;
		break;
	case 3:
		ev.kind = EV_BRK, ev.addr = i;
		break;
	case 4:
		ev.kind = EV_FORK, ev.child = ev.pid + 1;
		break;
	default:
		ev.kind = EV_EXIT;
		break;
	}
	return ev;
}

static bool ev_equal(const struct trace_event *a, const struct trace_event *b)
{
	return a->kind == b->kind && a->prot == b->prot && a->backing == b->backing &&
	       a->shared == b->shared && a->pid == b->pid && a->child == b->child && a->addr == b->addr &&
	       a->len == b->len && a->offset == b->offset && a->max == b->max && a->line == b->line &&
	       (a->name == NULL ? b->name == NULL : b->name != NULL && strcmp(a->name, b->name) == 0) &&
	       (a->file == NULL ? b->file == NULL : b->file != NULL && strcmp(a->file, b->file) == 0);
}

START_TEST(t_table_basics)
{
	struct trace_events *t = trace_events_create("t.trace", false);
	const struct trace_event *kept[8];
	static const uint64_t probe[8] = {0, 1, 63, 64, 191, 192, 447, 448};
	const uint64_t n = 100000;
	char where[64];

	ck_assert_ptr_nonnull(t);
	ck_assert_uint_eq(trace_events_count(t), 0);
	ck_assert_str_eq(trace_events_name(t), "t.trace");
	ck_assert(!trace_events_records(t));
	for (uint64_t i = 0; i < n; i++) {
		char name[16], file[16];
		struct trace_event ev = ev_make(i, name, file);

		QUIET_ASSERT(trace_events_add(t, &ev) == i);
		memset(name, 'x', sizeof name - 1); /* the table keeps copies */
		memset(file, 'x', sizeof file - 1);
		if (i == 448)
			for (int k = 0; k < 8; k++)
				kept[k] = trace_events_get(t, probe[k]);
	}
	ck_assert_uint_eq(trace_events_count(t), n);
	/* Entries never moved, and all read back. */
	for (int k = 0; k < 8; k++)
		ck_assert_ptr_eq(kept[k], trace_events_get(t, probe[k]));
	for (uint64_t i = 0; i < n; i++) {
		char name[16], file[16];
		struct trace_event ev = ev_make(i, name, file);

		QUIET_ASSERT(ev_equal(trace_events_get(t, i), &ev));
	}
	/* Equal strings are one pointer; different ones are not. */
	ck_assert_ptr_eq(trace_events_get(t, 0)->file, trace_events_get(t, 6 * 3)->file);
	ck_assert_ptr_eq(trace_events_get(t, 0)->name, trace_events_get(t, 6 * 5)->name);
	ck_assert_ptr_ne(trace_events_get(t, 0)->file, trace_events_get(t, 6)->file);
	ck_assert_ptr_ne(trace_events_get(t, 0)->name, trace_events_get(t, 6)->name);

	/* Positions. */
	ck_assert_int_eq(trace_events_where(t, 12, where, sizeof where), 10);
	ck_assert_str_eq(where, "t.trace:12");
	ck_assert_int_eq(trace_events_set_source(t, "t.bin", true), 0);
	ck_assert(trace_events_records(t));
	trace_events_where(t, 7, where, sizeof where);
	ck_assert_str_eq(where, "t.bin: record 7");
	{
		const struct trace_rec recs[2] = {{.op = OP_READ, .size = 1, .pid = 1},
						  {.op = OP_EVENT, .pid = 1}};
		const uint64_t lines[2] = {3, 9};
		struct trace_batch b = {.recs = recs, .lines = lines, .events = t, .n = 2};

		trace_batch_where(&b, 1, where, sizeof where);
		ck_assert_str_eq(where, "t.bin: record 9");
		b.lines = NULL;
		ck_assert_int_eq(trace_batch_where(&b, 1, where, sizeof where), 0);
		ck_assert_str_eq(where, "");
		b.lines = lines;
		b.events = NULL;
		ck_assert_int_eq(trace_batch_where(&b, 0, where, sizeof where), 0);
	}
	trace_events_destroy(t);
	trace_events_destroy(NULL);
	/* A NULL name is "". */
	t = trace_events_create(NULL, true);
	ck_assert_str_eq(trace_events_name(t), "");
	trace_events_destroy(t);
}
END_TEST

/* One thread appends, another reads every event published so far (the
 * way cells.c's workers do), under a lock that only orders the two. */
struct race {
	struct trace_events *t;
	pthread_mutex_t lock;
	uint64_t published, total;
	bool bad;
};

static void *race_reader(void *arg)
{
	struct race *r = arg;
	uint64_t seen = 0;

	while (seen < r->total) {
		uint64_t upto;

		pthread_mutex_lock(&r->lock);
		upto = r->published;
		pthread_mutex_unlock(&r->lock);
		for (; seen < upto; seen++) {
			char name[16], file[16];
			struct trace_event want = ev_make(seen, name, file);

			if (!ev_equal(trace_events_get(r->t, seen), &want))
				r->bad = true;
		}
	}
	return NULL;
}

START_TEST(t_table_concurrent)
{
	struct race r = {.t = trace_events_create("race", false), .total = 200000};
	pthread_t th;

	pthread_mutex_init(&r.lock, NULL);
	ck_assert_int_eq(pthread_create(&th, NULL, race_reader, &r), 0);
	for (uint64_t i = 0; i < r.total; i++) {
		char name[16], file[16];
		struct trace_event ev = ev_make(i, name, file);

		QUIET_ASSERT(trace_events_add(r.t, &ev) == i);
		if (i % 97 == 0 || i + 1 == r.total) {
			pthread_mutex_lock(&r.lock);
			r.published = i + 1;
			pthread_mutex_unlock(&r.lock);
		}
	}
	pthread_join(th, NULL);
	ck_assert(!r.bad);
	pthread_mutex_destroy(&r.lock);
	trace_events_destroy(r.t);
}
END_TEST

/* Events of every kind, each valid, and the line trace_event_format
 * writes for it. */
static const struct {
	struct trace_event ev;
	const char *line;
} event_lines[] = {
	{ { .kind = EV_SEGMENT, .prot = 5, .backing = BACK_FILE, .pid = 1, .addr = 0x8048000, .len = 0x3000,
	    .name = "code", .file = "a.out" },
	  "segment code 0x8048000 0x3000 r-x file=a.out" },
	{ { .kind = EV_SEGMENT, .prot = 3, .backing = BACK_FILE, .pid = 1, .addr = 0x804b000, .len = 0x1000,
	    .offset = 0x3000, .name = "data", .file = "a.out" },
	  "segment data 0x804b000 0x1000 rw- file=a.out offset=0x3000" },
	{ { .kind = EV_SEGMENT, .prot = 3, .backing = BACK_ZERO, .pid = 1, .addr = 0x1000, .len = 1, .name = "bss" },
	  "segment bss 0x1000 0x1 rw- zero" },
	{ { .kind = EV_SEGMENT, .prot = 3, .backing = BACK_STACK, .pid = 1, .addr = 0x1000, .len = 1,
	    .max = 0x8000, .name = "stack" },
	  "segment stack 0x1000 0x1 rw- stack max=0x8000" },
	{ { .kind = EV_SEGMENT, .backing = BACK_STACK, .pid = 1, .addr = 0x1000, .len = 1, .name = "s" },
	  "segment s 0x1000 0x1 --- stack" },
	{ { .kind = EV_MMAP, .prot = 3, .backing = BACK_FILE, .shared = true, .pid = 1, .addr = 0x40000000,
	    .len = 0x4000, .file = "d" },
	  "mmap 0x40000000 0x4000 rw- shared file=d" },
	{ { .kind = EV_MMAP, .prot = 1, .backing = BACK_FILE, .pid = 1, .addr = 0x1000, .len = 0x4000,
	    .offset = 0x1000, .file = "d" },
	  "mmap 0x1000 0x4000 r-- private file=d offset=0x1000" },
	{ { .kind = EV_MMAP, .prot = 7, .backing = BACK_ZERO, .pid = 1, .addr = 0x1000, .len = 0x4000 },
	  "mmap 0x1000 0x4000 rwx anon" },
	{ { .kind = EV_MUNMAP, .pid = 1, .addr = 0x1000, .len = 0x1000 }, "munmap 0x1000 0x1000" },
	{ { .kind = EV_BRK, .pid = 1, .addr = 0x1234 }, "brk 0x1234" },
	{ { .kind = EV_FORK, .pid = 1, .child = 2 }, "fork 1 2" },
	{ { .kind = EV_EXIT, .pid = 9 }, "exit 9" },
	{ { .kind = EV_MPROTECT, .prot = 1, .pid = 1, .addr = 0x2000, .len = 0x3000 }, "mprotect 0x2000 0x3000 r--" },
};

START_TEST(t_event_kinds_and_format)
{
	char line[256], why[256];

	for (size_t i = 0; i < ARRAY_LEN(event_lines); i++) {
		ck_assert_msg(trace_event_check(&event_lines[i].ev, 48, 12, why, sizeof why), "case %zu: %s", i,
			      why);
		ck_assert_int_eq(trace_event_format(&event_lines[i].ev, line, sizeof line),
				 (int)strlen(event_lines[i].line));
		ck_assert_str_eq(line, event_lines[i].line);
	}
	ck_assert_str_eq(trace_event_kind_name(EV_SEGMENT), "segment");
	ck_assert_str_eq(trace_event_kind_name(EV_MUNMAP), "munmap");
	ck_assert_str_eq(trace_event_kind_name(EV_EXIT), "exit");
	ck_assert_str_eq(trace_event_kind_name(0), "event");
	ck_assert_str_eq(trace_event_kind_name(EV_MPROTECT), "mprotect");
	ck_assert_str_eq(trace_event_kind_name(8), "event");
}
END_TEST

/* The rules only a hand-built (or binary) event can break: fields its
 * kind does not use, and combinations the text grammar cannot write. */
START_TEST(t_event_check_fields)
{
	static const struct {
		struct trace_event ev;
		const char *why;
	} cases[] = {
	    {{.kind = EV_BRK, .pid = 1, .len = 1}, "brk events have no length (it must be 0)"},
	    {{.kind = EV_MUNMAP, .pid = 1, .addr = 0x1000, .len = 1, .prot = 1},
	     "munmap events have no protection, backing, file, offset or max (they must be 0)"},
	    {{.kind = EV_EXIT, .pid = 1, .addr = 4}, "exit events have no address (it must be 0)"},
	    {{.kind = EV_MPROTECT, .pid = 1, .addr = 0x1000, .len = 1, .prot = 1, .backing = BACK_ZERO},
	     "mprotect events have no backing, file, offset or max (they must be 0)"},
	    {{.kind = EV_MPROTECT, .pid = 1, .addr = 0x1000, .len = 1, .prot = 8},
	     "prot 0x8 is not a combination of r (1), w (2) and x (4)"},
	    {{.kind = EV_FORK, .pid = 1, .child = 0}, "child pid 0 (must be 1..4294967295)"},
	    {{.kind = EV_EXIT, .pid = 1, .child = 2}, "exit events have no child pid (it must be 0)"},
	    {{.kind = EV_EXIT, .pid = 1, .name = "x"}, "exit events have no name"},
	    {{.kind = EV_EXIT, .pid = 0}, "pid 0 (must be 1..4294967295)"},
	    {{.kind = EV_MMAP, .pid = 1, .addr = 0x1000, .len = 1, .backing = BACK_STACK},
	     "an mmap cannot be a stack (stacks are segments)"},
	    {{.kind = EV_MMAP, .pid = 1, .addr = 0x1000, .len = 1, .backing = BACK_ZERO, .shared = true},
	     "'shared anon' mappings are not modeled (map a file shared, or use anon)"},
	    {{.kind = EV_MMAP, .pid = 1, .addr = 0x1000, .len = 1, .backing = BACK_ZERO, .offset = 4096},
	     "only a file mapping has an offset (it must be 0)"},
	    {{.kind = EV_MMAP, .pid = 1, .addr = 0x1000, .len = 1, .backing = BACK_FILE},
	     "file name is empty"},
	    {{.kind = EV_MMAP, .pid = 1, .addr = 0x1000, .len = 1, .backing = BACK_FILE, .file = "a\tb"},
	     "file name holds a blank or control character (byte 0x09)"},
	    {{.kind = EV_MMAP, .pid = 1, .addr = 0x1000, .len = 1, .backing = BACK_FILE, .file = "a\x7f"},
	     "file name holds a blank or control character (byte 0x7f)"},
	    {{.kind = EV_SEGMENT, .pid = 1, .addr = 0x1000, .len = 1, .backing = BACK_ZERO},
	     "segment name is empty"},
	    {{.kind = EV_SEGMENT, .pid = 1, .addr = 0x1000, .len = 1, .backing = 0, .name = "a"},
	     "unknown backing 0 (1 zero, 2 file, 3 stack)"},
	};
	char why[256];

	for (size_t i = 0; i < ARRAY_LEN(cases); i++) {
		ck_assert_msg(!trace_event_check(&cases[i].ev, 48, 12, why, sizeof why), "case %zu accepted",
			      i);
		ck_assert_str_eq(why, cases[i].why);
	}
	/* Bytes above 0x7f are fine in file names (UTF-8). */
	{
		struct trace_event ev = {.kind = EV_MMAP,
					 .pid = 1,
					 .addr = 0x1000,
					 .len = 1,
					 .backing = BACK_FILE,
					 .file = "d\xc3\xa9j\xc3\xa0"};

		ck_assert(trace_event_check(&ev, 48, 12, why, sizeof why));
	}
}
END_TEST

Suite *make_trace_event_suite(void)
{
	const TTest *const tc_tests[] = {
		t_table_basics, t_table_concurrent, t_event_kinds_and_format, t_event_check_fields
	};
	Suite *s = suite_create("trace_event");

	SUITE_ADD_TESTS(s, "table", 120, tc_tests);
	return s;
}
