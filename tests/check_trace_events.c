/*
 * check_trace_events.c - the VM events of the native and binary formats
 * (trace_parse.c, trace_binary.c): every event kind and spelling, every
 * static error, lines, event tables, round trips through binary and
 * corrupt payloads.
 *
 * Fixtures come from trace_helpers.h.
 */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <check.h>
#include <zlib.h>
#include <zstd.h>

#include "check_suites.h"
#include "util/outfile.h"
#include "trace/trace.h"
#include "trace/trace_binary.h"
#include "trace/convert.h"
#include "trace/trace_event.h"
#include "trace/trace_source.h"
#include "trace_helpers.h"

/* ---- events ------------------------------------------------------------ */

/* The example of issue 3, with its line numbers in comments. */
static const char ev_example[] = "pagesim-trace 1\n"                                         /* 1 */
				 "process 1\n"                                               /* 2 */
				 "segment code  0x08048000 0x3000 r-x file=a.out offset=0\n" /* 3 */
				 "segment data  0x0804b000 0x1000 rw- file=a.out offset=0x3000\n"
				 "segment bss   0x0804c000 0x2000 rw- zero\n"
				 "segment stack 0xbfffe000 0x2000 rw- stack max=0x800000\n"
				 "mmap   0x40000000 0x4000 rw- shared file=data.bin offset=0\n"
				 "mmap   0x50000000 0x2000 rw- private file=data.bin\n"
				 "mmap   0x60000000 0x10000 rw- anon\n" /* 9 */
				 "R 0x08048010\n"
				 "W 0x40000008\n"
				 "X 0x08048020\n"
				 "munmap 0x40000000 0x1000\n" /* 13 */
				 "brk    0x0804e000\n"
				 "fork   1 2\n"
				 "process 2\n"
				 "exit   2\n"; /* 17 */

/* Its events, in order (line numbers as read from the text). */
static const struct trace_event ev_example_events[] = {
    {.kind = EV_SEGMENT, .prot = EV_PROT_R | EV_PROT_X, .backing = BACK_FILE, .pid = 1, .addr = 0x08048000,
     .len = 0x3000, .line = 3, .name = "code", .file = "a.out"},
    {.kind = EV_SEGMENT, .prot = EV_PROT_R | EV_PROT_W, .backing = BACK_FILE, .pid = 1, .addr = 0x0804b000,
     .len = 0x1000, .offset = 0x3000, .line = 4, .name = "data", .file = "a.out"},
    {.kind = EV_SEGMENT, .prot = EV_PROT_R | EV_PROT_W, .backing = BACK_ZERO, .pid = 1, .addr = 0x0804c000,
     .len = 0x2000, .line = 5, .name = "bss"},
    {.kind = EV_SEGMENT, .prot = EV_PROT_R | EV_PROT_W, .backing = BACK_STACK, .pid = 1, .addr = 0xbfffe000,
     .len = 0x2000, .max = 0x800000, .line = 6, .name = "stack"},
    {.kind = EV_MMAP, .prot = EV_PROT_R | EV_PROT_W, .backing = BACK_FILE, .shared = true, .pid = 1,
     .addr = 0x40000000, .len = 0x4000, .line = 7, .file = "data.bin"},
    {.kind = EV_MMAP, .prot = EV_PROT_R | EV_PROT_W, .backing = BACK_FILE, .pid = 1, .addr = 0x50000000,
     .len = 0x2000, .line = 8, .file = "data.bin"},
    {.kind = EV_MMAP, .prot = EV_PROT_R | EV_PROT_W, .backing = BACK_ZERO, .pid = 1, .addr = 0x60000000,
     .len = 0x10000, .line = 9},
    {.kind = EV_MUNMAP, .pid = 1, .addr = 0x40000000, .len = 0x1000, .line = 13},
    {.kind = EV_BRK, .pid = 1, .addr = 0x0804e000, .line = 14},
    {.kind = EV_FORK, .pid = 1, .child = 2, .line = 15},
    {.kind = EV_EXIT, .pid = 2, .line = 17},
};

/* Its records: the index of each record's event (-1: an access), and lines. */
static const int ev_example_index[] = {0, 1, 2, 3, 4, 5, 6, -1, -1, -1, 7, 8, 9, 10};
static const uint64_t ev_example_lines[] = {3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 17};

/* A decoding with its lines and its events (a caller-owned table). */
struct evresult {
	struct result res;
	uint64_t *lines;
	struct trace_events *events;
	bool may_have_events;
};

/* Open path with o (its events going into a new table of ours) and read
 * it all with trace_read_batch in batches drawn from batch[] (0-terminated;
 * NULL: 4096). */
static void ev_run_path(const char *path, const struct trace_options *o0, const size_t *batch, struct evresult *er)
{
	struct trace_options o = *o0;
	struct result *res = &er->res;
	struct ps_error err;
	struct trace_reader *r;
	size_t bi = 0, cap = 0;

	memset(er, 0, sizeof *er);
	snprintf(res->path, sizeof res->path, "%s", path);
	er->events = trace_events_create("before open", false);
	ck_assert_ptr_nonnull(er->events);
	o.events = er->events;
	r = trace_open(path, &o, &err);
	if (r == NULL) {
		res->failed = true;
		snprintf(res->msg, sizeof res->msg, "%s", err.msg);
		return;
	}
	res->opened = true;
	ck_assert(trace_events_of(r) == er->events);
	for (;;) {
		size_t want = batch == NULL ? 4096 : batch[bi];
		ssize_t got;

		if (batch != NULL && batch[++bi] == 0)
			bi = 0;
		if (res->n + want > cap) {
			cap = (res->n + want) * 2;
			res->recs = realloc(res->recs, cap * sizeof *res->recs);
			er->lines = realloc(er->lines, cap * sizeof *er->lines);
			ck_assert(res->recs != NULL && er->lines != NULL);
		}
		got = trace_read_batch(r, res->recs + res->n, er->lines + res->n, want, &err);
		if (got < 0) {
			res->failed = true;
			snprintf(res->msg, sizeof res->msg, "%s", err.msg);
			break;
		}
		ck_assert_uint_le((size_t)got, want);
		if (got == 0)
			break;
		res->n += (size_t)got;
	}
	res->format = trace_format_of(r);
	res->skipped = trace_skipped(r);
	snprintf(res->first_skip, sizeof res->first_skip, "%s", trace_first_skip(r));
	er->may_have_events = trace_may_have_events(r);
	trace_close(r); /* the table is ours: it stays */
	ck_assert_str_eq(trace_events_name(er->events), path);
}

static void ev_run_text(const char *text, size_t len, const struct trace_options *o, const size_t *batch,
			struct evresult *er)
{
	char *path = write_tmp(text, len);

	ev_run_path(path, o, batch, er);
	unlink(path);
	free(path);
}

static void ev_free(struct evresult *er)
{
	result_free(&er->res);
	free(er->lines);
	trace_events_destroy(er->events);
	memset(er, 0, sizeof *er);
}

static bool ev_str_eq(const char *a, const char *b)
{
	return (a == NULL && b == NULL) || (a != NULL && b != NULL && strcmp(a, b) == 0);
}

/* Are events a and b the same, line aside? */
static bool ev_same(const struct trace_event *a, const struct trace_event *b)
{
	return a->kind == b->kind && a->prot == b->prot && a->backing == b->backing && a->shared == b->shared &&
	       a->pid == b->pid && a->child == b->child && a->addr == b->addr && a->len == b->len &&
	       a->offset == b->offset && a->max == b->max && ev_str_eq(a->name, b->name) &&
	       ev_str_eq(a->file, b->file);
}

/* er holds exactly the example's records, events and (text) lines. */
static void ev_check_example(const struct evresult *er, bool binary)
{
	const struct result *res = &er->res;
	uint64_t recno = 1;

	ck_assert_msg(!res->failed, "%s", res->msg);
	ck_assert(er->may_have_events);
	ck_assert_uint_eq(res->n, ARRAY_LEN(ev_example_index));
	ck_assert_uint_eq(trace_events_count(er->events), ARRAY_LEN(ev_example_events));
	ck_assert(trace_events_records(er->events) == binary);
	for (size_t i = 0; i < res->n; i++) {
		const struct trace_rec *r = &res->recs[i];
		int e = ev_example_index[i];

		if (e < 0) {
			ck_assert_uint_le(r->op, OP_FETCH);
			ck_assert_uint_eq(r->size, 1);
		} else {
			const struct trace_event *ev = trace_events_get(er->events, r->addr);

			ck_assert_uint_eq(r->op, OP_EVENT);
			ck_assert_uint_eq(r->addr, (uint64_t)e);
			ck_assert_uint_eq(r->size, 0);
			ck_assert_uint_eq(r->flags, ev_example_events[e].kind);
			ck_assert_uint_eq(r->pid, ev_example_events[e].pid);
			ck_assert_msg(ev_same(ev, &ev_example_events[e]), "event %d differs", e);
			ck_assert_uint_eq(ev->line, er->lines[i]);
		}
		if (binary) {
			ck_assert_uint_eq(er->lines[i], recno);
			recno += e < 0 ? 1 : 1 + trace_binary_event_records(&ev_example_events[e]);
		} else {
			ck_assert_uint_eq(er->lines[i], ev_example_lines[i]);
		}
	}
	ck_assert_uint_eq(res->recs[7].addr, 0x08048010);
	ck_assert_uint_eq(res->recs[13].pid, 2);
	/* Equal file names are one pointer. */
	ck_assert_ptr_eq(trace_events_get(er->events, 0)->file, trace_events_get(er->events, 1)->file);
	ck_assert_ptr_eq(trace_events_get(er->events, 4)->file, trace_events_get(er->events, 5)->file);
}

START_TEST(t_events_example)
{
	static const size_t batches[][4] = {{4096, 0}, {1, 0}, {2, 0}, {3, 0}, {2, 1, 3, 0}};

	for (size_t b = 0; b < ARRAY_LEN(batches); b++) {
		struct trace_options o = opts(b % 2 ? TRACE_NATIVE : TRACE_AUTO);
		struct evresult er;

		ev_run_text(ev_example, strlen(ev_example), &o, batches[b], &er);
		ck_assert_int_eq(er.res.format, TRACE_NATIVE);
		ev_check_example(&er, false);
		ev_free(&er);
	}
}
END_TEST

/* Every spelling the grammar allows, and what each becomes. */
START_TEST(t_events_variants)
{
	static const char text[] = "pagesim-trace 1\n"
				   "process 7\n"
				   "segment heap_1.x-y 4096 8192 --- anon   # a comment\n"
				   "\tsegment _s 0x10000 1 -w- stack\r\n"
				   "segment f 0x20000 0x10 --x file=/lib/x86_64/libc.so.6 offset=8192\n"
				   "mmap 0x30000 100 r-- private anon\n"
				   "mmap 0x40000 0x1000 rwx private file=f@1#2 offset=0x1000 # c\n"
				   "munmap 0x30000 4096\n"
				   "brk 0x12345\n"
				   "fork 4294967295 1\n"
				   "exit 4294967295\n"
				   "segment top 0xfffffffff000 0x1000 r-- zero\n"
				   "process 9\n"
				   "brk 0\n";
	const struct trace_event want[] = {
	    {.kind = EV_SEGMENT, .backing = BACK_ZERO, .pid = 7, .addr = 4096, .len = 8192, .name = "heap_1.x-y"},
	    {.kind = EV_SEGMENT, .prot = EV_PROT_W, .backing = BACK_STACK, .pid = 7, .addr = 0x10000, .len = 1,
	     .name = "_s"},
	    {.kind = EV_SEGMENT, .prot = EV_PROT_X, .backing = BACK_FILE, .pid = 7, .addr = 0x20000, .len = 0x10,
	     .offset = 8192, .name = "f", .file = "/lib/x86_64/libc.so.6"},
	    {.kind = EV_MMAP, .prot = EV_PROT_R, .backing = BACK_ZERO, .pid = 7, .addr = 0x30000, .len = 100},
	    {.kind = EV_MMAP, .prot = 7, .backing = BACK_FILE, .pid = 7, .addr = 0x40000, .len = 0x1000,
	     .offset = 0x1000, .file = "f@1#2"},
	    {.kind = EV_MUNMAP, .pid = 7, .addr = 0x30000, .len = 4096},
	    {.kind = EV_BRK, .pid = 7, .addr = 0x12345},
	    {.kind = EV_FORK, .pid = 4294967295u, .child = 1},
	    {.kind = EV_EXIT, .pid = 4294967295u},
	    {.kind = EV_SEGMENT, .prot = EV_PROT_R, .backing = BACK_ZERO, .pid = 7, .addr = 0xfffffffff000,
	     .len = 0x1000, .name = "top"},
	    {.kind = EV_BRK, .pid = 9, .addr = 0},
	};
	static const uint64_t lines[] = {3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 14};
	struct trace_options o = opts(TRACE_AUTO);
	struct evresult er;

	ev_run_text(text, strlen(text), &o, NULL, &er);
	ck_assert_msg(!er.res.failed, "%s", er.res.msg);
	ck_assert_uint_eq(er.res.n, ARRAY_LEN(want));
	for (size_t i = 0; i < ARRAY_LEN(want); i++) {
		const struct trace_event *ev = trace_events_get(er.events, er.res.recs[i].addr);
		char line[512], why[256];
		struct trace_options o2 = opts(TRACE_NATIVE);
		struct evresult again;
		struct text t = {0};

		ck_assert_uint_eq(er.res.recs[i].op, OP_EVENT);
		ck_assert_msg(ev_same(ev, &want[i]), "event %zu differs", i);
		ck_assert_uint_eq(er.lines[i], lines[i]);
		ck_assert_uint_eq(ev->line, lines[i]);
		ck_assert(trace_event_check(ev, 48, 12, why, sizeof why));
		/* trace_event_format writes a line that reads back as the same event. */
		ck_assert_int_lt(trace_event_format(ev, line, sizeof line), (int)sizeof line);
		text_addf(&t, "pagesim-trace 1\nprocess %u\n%s\n", (unsigned)ev->pid, line);
		ev_run_text(t.s, t.len, &o2, NULL, &again);
		ck_assert_msg(!again.res.failed, "'%s': %s", line, again.res.msg);
		ck_assert_uint_eq(again.res.n, 1);
		ck_assert_msg(ev_same(trace_events_get(again.events, 0), ev), "'%s' reads back differently", line);
		ev_free(&again);
		free(t.s);
	}
	ev_free(&er);

	/* A short buffer gets what fits, and the length it needed. */
	{
		char small[8];
		int need = trace_event_format(&want[7], small, sizeof small);

		ck_assert_int_eq(need, (int)strlen("fork 4294967295 1"));
		ck_assert_str_eq(small, "fork 42");
	}
}
END_TEST

/* Lines too long for a field, filled in by t_events_errors. */
static char long_name[128], long_file[300], long_field[80];

/* Bad event lines in a 48-bit space, each with its message. */
static struct bad_line events_bad[] = {
    {"segment", "expected NAME ('segment NAME ADDR LEN PROT BACKING', BACKING: file=F [offset=O], zero, anon"
		" or stack [max=M])"},
    {"segment code 0x1000 0x1000 r-x", "expected BACKING ('segment NAME ADDR LEN PROT BACKING', BACKING:"
				       " file=F [offset=O], zero, anon or stack [max=M])"},
    {"segment 1code 0x1000 0x1000 r-x zero", "segment name must start with a letter or '_' and hold only"
					     " letters, digits, '_', '.' and '-'"},
    {"segment c@de 0x1000 0x1000 r-x zero", "segment name must start with a letter or '_' and hold only"
					    " letters, digits, '_', '.' and '-'"},
    {long_name, "segment name is longer than 63 characters"},
    {"segment code 0x1001 0x1000 r-x zero", "address 0x1001 is not page-aligned (pages of 4096 bytes)"},
    {"segment code zz 0x1000 r-x zero", "expected ADDR as a number (0x-hex or decimal), got 'zz'"},
    {"segment code 0x1000 0x zero r-x", "expected LEN as a number (0x-hex or decimal), got '0x'"},
    {"segment code 0x1000 0 r-x zero", "length 0 (must be at least 1 byte)"},
    {"segment code 0x1000 0x1000 rwz zero",
     "expected PROT as three characters [r-][w-][x-] such as r-x, got 'rwz'"},
    {"segment code 0x1000 0x1000 rw zero",
     "expected PROT as three characters [r-][w-][x-] such as r-x, got 'rw'"},
    {"segment code 0x1000 0x1000 R-X zero",
     "expected PROT as three characters [r-][w-][x-] such as r-x, got 'R-X'"},
    {"segment code 0x1000 0x1000 r-x heap",
     "expected BACKING: file=F [offset=O], zero, anon or stack [max=M], got 'heap'"},
    {"segment code 0x1000 0x1000 r-x zero extra", "expected the end of the line after 'zero', got 'extra'"},
    {"segment code 0x1000 0x1000 r-x stack max=zz", "expected max M as a number (0x-hex or decimal), got 'zz'"},
    {"segment code 0x1000 0x1000 r-x stack 5", "expected max=M or the end of the line after 'stack', got '5'"},
    {"segment code 0x1000 0x1000 r-x stack max=1 5",
     "expected the end of the line after 'max=1', got '5'"},
    {"segment code 0x1000 0x1000 r-x file=", "expected a file name after 'file='"},
    {long_file, "file name is longer than 255 characters"},
    {"segment code 0x1000 0x1000 r-x file=a offset=0x10",
     "offset 0x10 is not page-aligned (pages of 4096 bytes)"},
    {"segment code 0x1000 0x1000 r-x file=a offset=x", "expected offset O as a number (0x-hex or decimal), got 'x'"},
    {"segment code 0x1000 0x1000 r-x file=a x",
     "expected offset=O or the end of the line after 'file=a', got 'x'"},
    {"segment code 0x1000 0x1000 r-x file=a offset=0 x", "expected the end of the line after 'offset=0', got 'x'"},
    {"segment code 0xfffffffff000 0x2000 r-x zero",
     "segment of 0x2000 bytes at 0xfffffffff000 runs past the end of the 48-bit virtual address space"},
    {"segment code 0x1000000000000 0x1000 r-x zero",
     "address 0x1000000000000 is beyond the 48-bit virtual address space"},
    {"segment code 0x1000 0x10000000000000000 r-x zero", "LEN does not fit in 64 bits"},
    {"mmap", "expected ADDR ('mmap ADDR LEN PROT shared|private file=F [offset=O]' or"
	     " 'mmap ADDR LEN PROT anon')"},
    {"mmap 0x1000 0x1000 rw-", "expected shared, private or anon ('mmap ADDR LEN PROT shared|private"
			       " file=F [offset=O]' or 'mmap ADDR LEN PROT anon')"},
    {"mmap 0x1000 0x1000 rw- shared anon",
     "'shared anon' mappings are not modeled (map a file shared, or use anon)"},
    {"mmap 0x1000 0x1000 rw- shared", "expected file=F after 'shared'"},
    {"mmap 0x1000 0x1000 rw- private", "expected file=F or anon after 'private'"},
    {"mmap 0x1000 0x1000 rw- private zero", "expected file=F or anon after 'private', got 'zero'"},
    {"mmap 0x1000 0x1000 rw- shared x", "expected file=F after 'shared', got 'x'"},
    {"mmap 0x1000 0x1000 rw- zero", "expected shared, private or anon after PROT, got 'zero'"},
    {"mmap 0x1000 0x1000 rw- anon x", "expected the end of the line after 'anon', got 'x'"},
    {"mmap 0x1000 0x1000 rw- private anon x", "expected the end of the line after 'anon', got 'x'"},
    {"mmap 0x1000 0x1000 rw- shared file=f offset=0 x", "expected the end of the line after 'offset=0', got 'x'"},
    {"mmap 0x1800 0x1000 rw- anon", "address 0x1800 is not page-aligned (pages of 4096 bytes)"},
    {"mmap 0x1000 0 rw- anon", "length 0 (must be at least 1 byte)"},
    {"mmap 0x1000 0x1000 rw- shared file=f offset=0x800",
     "offset 0x800 is not page-aligned (pages of 4096 bytes)"},
    {"mmap 0xffffffff0000 0x10001 rw- anon",
     "mmap of 0x10001 bytes at 0xffffffff0000 runs past the end of the 48-bit virtual address space"},
    {"munmap", "expected ADDR ('munmap ADDR LEN')"},
    {"munmap 0x1000", "expected LEN ('munmap ADDR LEN')"},
    {"munmap 0x1000 0x1000 0x1000", "expected the end of the line after '0x1000', got '0x1000'"},
    {"munmap 0x1001 0x1000", "address 0x1001 is not page-aligned (pages of 4096 bytes)"},
    {"munmap 0x1000 0", "length 0 (must be at least 1 byte)"},
    {"munmap 0x1000 0x1000#c", "expected LEN as a number (0x-hex or decimal), got '0x1000#c'"},
    {"mprotect 0x1000 0x1000", "expected PROT ('mprotect ADDR LEN PROT')"},
    {"mprotect 0x1000 0x1000 rwz", "expected PROT as three characters [r-][w-][x-] such as r-x, got 'rwz'"},
    {"mprotect 0x1800 0x1000 r--", "address 0x1800 is not page-aligned (pages of 4096 bytes)"},
    {"mprotect 0x1000 0x1000 r-- anon", "expected the end of the line after 'r--', got 'anon'"},
    {"brk", "expected ADDR ('brk ADDR')"},
    {"brk x", "expected ADDR as a number (0x-hex or decimal), got 'x'"},
    {"brk 0x1000000000000", "address 0x1000000000000 is beyond the 48-bit virtual address space"},
    {"brk 1 2", "expected the end of the line after '1', got '2'"},
    {long_field, "expected ADDR as a number (0x-hex or decimal), got"
		 " 'zzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzz...'"},
    {"fork", "expected PARENT ('fork PARENT CHILD')"},
    {"fork 2", "expected CHILD ('fork PARENT CHILD')"},
    {"fork 0 2", "expected PARENT as a pid in 1..4294967295, got '0'"},
    {"fork 0x1 2", "expected PARENT as a pid in 1..4294967295, got '0x1'"},
    {"fork 1 4294967296", "expected CHILD as a pid in 1..4294967295, got '4294967296'"},
    {"fork 3 3", "fork of process 3 into itself (the child needs a pid of its own)"},
    {"fork 1 2 3", "expected the end of the line after '2', got '3'"},
    {"exit", "expected PID ('exit PID')"},
    {"exit 0", "expected PID as a pid in 1..4294967295, got '0'"},
    {"exit 2#bye", "expected PID as a pid in 1..4294967295, got '2#bye'"},
    {"exit 1 2", "expected the end of the line after '1', got '2'"},
    {"exits 1", "expected R, W, X, M, process, segment, mmap, munmap, mprotect, brk, fork or exit"},
    {"Mmap 0x1000 0x1000 rw- anon", "expected R, W, X, M, process, segment, mmap, munmap, mprotect, brk, fork or exit"},
    {NULL, NULL},
};
/* Lines bad only because of the end of a 64-bit space. */
static const struct bad_line events_bad64[] = {
    {"segment code 0xfffffffffffff000 0x2000 r-x zero",
     "segment of 0x2000 bytes at 0xfffffffffffff000 runs past the end of the 64-bit virtual address space"},
    {"munmap 0xfffffffffffff000 0xffffffffffffffff",
     "munmap of 0xffffffffffffffff bytes at 0xfffffffffffff000 runs past the end of the 64-bit virtual"
     " address space"},
    {NULL, NULL},
};
/* Lines bad only because of the end of a 32-bit space. */
static const struct bad_line events_bad32[] = {
    {"mmap 0xffff0000 0x10001 rw- anon",
     "mmap of 0x10001 bytes at 0xffff0000 runs past the end of the 32-bit virtual address space"},
    {"brk 0x100000000", "address 0x100000000 is beyond the 32-bit virtual address space"},
    {NULL, NULL},
};

START_TEST(t_events_errors)
{
	snprintf(long_name, sizeof long_name, "segment %064d 0x1000 0x1000 r-x zero", 0);
	long_name[8] = 'n';
	snprintf(long_file, sizeof long_file, "segment x 0x1000 0x1000 r-x file=%0256d", 0);
	memset(long_field, 'z', 60);
	memcpy(long_field, "brk ", 4);
	long_field[60] = '\0';
	check_bad_lines(TRACE_NATIVE, "pagesim-trace 1", "R 0x10", events_bad, 48);
	check_bad_lines(TRACE_NATIVE, "pagesim-trace 1", "R 0x10", events_bad64, 64);
	check_bad_lines(TRACE_NATIVE, "pagesim-trace 1", "R 0x10", events_bad32, 32);
}
END_TEST

/* The edges that are fine: the longest name and file name, the last page. */
START_TEST(t_events_edges)
{
	struct text t = {0};
	struct trace_options o = opts(TRACE_NATIVE);
	struct evresult er;
	char name[64], file[256];

	memset(name, 'n', 63);
	name[63] = '\0';
	memset(file, 'f', 255);
	file[255] = '\0';
	text_addf(&t, "pagesim-trace 1\n");
	text_addf(&t, "segment %s 0 1 r-- zero\n", name);
	text_addf(&t, "segment s 0x1000 0x1000 r-- file=");
	text_add(&t, file, 255);
	text_addf(&t, " offset=0xfffffffffffff000\n");
	text_addf(&t, "mmap 0xfffffffff000 0x1000 --- anon\n");
	ev_run_text(t.s, t.len, &o, (const size_t[]){1, 0}, &er);
	ck_assert_msg(!er.res.failed, "%s", er.res.msg);
	ck_assert_uint_eq(er.res.n, 3);
	ck_assert_str_eq(trace_events_get(er.events, 0)->name, name);
	ck_assert_str_eq(trace_events_get(er.events, 1)->file, file);
	ck_assert_uint_eq(trace_events_get(er.events, 1)->offset, 0xfffffffffffff000u);
	ev_free(&er);
	free(t.s);

	/* Page size 64 KiB: 0x10000 is aligned, 0x1000 is not. */
	o.page_shift = 16;
	ev_run_text("pagesim-trace 1\nmunmap 0x10000 1\nmunmap 0x1000 1\n", 48, &o, NULL, &er);
	ck_assert_uint_eq(er.res.n, 1);
	expect_error(&er.res, ":3: address 0x1000 is not page-aligned (pages of 65536 bytes)");
	ev_free(&er);
}
END_TEST

/* Lines of accesses, M halves and events, over batch boundaries; the lines
 * of the other text formats. */
START_TEST(t_events_lines)
{
	static const char text[] = "pagesim-trace 1\n" /* 1 */
				   "M 0x10 4\n"         /* 2: two records */
				   "\n"
				   "exit 3\n"           /* 4 */
				   "M 0x20 4\n"         /* 5 */
				   "# c\n"
				   "M 0x30 4\n"         /* 7 */
				   "fork 1 2\n"         /* 8 */
				   "R 0x40\n";          /* 9 */
	static const uint64_t want[] = {2, 2, 4, 5, 5, 7, 7, 8, 9};
	static const size_t batches[][4] = {{4096, 0}, {1, 0}, {2, 0}, {3, 0}, {1, 2, 0}};

	for (size_t b = 0; b < ARRAY_LEN(batches); b++) {
		struct trace_options o = opts(TRACE_AUTO);
		struct evresult er;

		ev_run_text(text, strlen(text), &o, batches[b], &er);
		ck_assert_msg(!er.res.failed, "%s", er.res.msg);
		ck_assert_uint_eq(er.res.n, ARRAY_LEN(want));
		for (size_t i = 0; i < ARRAY_LEN(want); i++)
			ck_assert_msg(er.lines[i] == want[i], "batch pattern %zu, record %zu: line %llu, want %llu", b,
				      i, (unsigned long long)er.lines[i], (unsigned long long)want[i]);
		ck_assert_uint_eq(er.res.recs[1].op, OP_WRITE);
		ck_assert_uint_eq(er.res.recs[2].op, OP_EVENT);
		ck_assert_uint_eq(er.res.recs[2].flags, EV_EXIT);
		ck_assert_uint_eq(er.res.recs[2].pid, 3);
		ck_assert_uint_eq(trace_events_get(er.events, 1)->line, 8);
		ev_free(&er);
	}
	/* Pages: several records on one line; lackey: an M; with skip_bad, the
	 * skipped lines still count. */
	{
		struct trace_options o = opts(TRACE_PAGES);
		struct evresult er;
		static const uint64_t pw[] = {1, 1, 1, 3, 4, 4};

		o.skip_bad = true;
		ev_run_text("1 2 3\nx\n4\n5,6\n", 14, &o, (const size_t[]){2, 0}, &er);
		ck_assert_uint_eq(er.res.n, 6);
		ck_assert_uint_eq(er.res.skipped, 1);
		for (size_t i = 0; i < 6; i++)
			ck_assert_uint_eq(er.lines[i], pw[i]);
		ck_assert(!er.may_have_events);
		ck_assert_uint_eq(trace_events_count(er.events), 0);
		ev_free(&er);

		o = opts(TRACE_LACKEY);
		ev_run_text("==1== x\n M 10,4\n L 20,4\n", 24, &o, (const size_t[]){1, 0}, &er);
		ck_assert_uint_eq(er.res.n, 3);
		ck_assert_uint_eq(er.lines[0], 2);
		ck_assert_uint_eq(er.lines[1], 2);
		ck_assert_uint_eq(er.lines[2], 3);
		ck_assert(!er.may_have_events);
		ev_free(&er);
	}
}
END_TEST

/* The reader's own table and a caller's: trace_events_of, trace_read's
 * placeholders, the table outliving the reader, batch_where. */
START_TEST(t_events_tables)
{
	char *path = write_tmp(ev_example, strlen(ev_example));
	struct trace_options o = opts(TRACE_AUTO);
	struct trace_events *mine = trace_events_create("mine", true);
	struct trace_rec recs[32];
	uint64_t lines[32];
	struct ps_error err;
	struct trace_reader *r;
	const struct trace_events *own;
	char where[256];
	ssize_t n;

	/* Own table. */
	r = trace_open(path, &o, &err);
	ck_assert_msg(r != NULL, "%s", err.msg);
	own = trace_events_of(r);
	ck_assert_ptr_nonnull(own);
	ck_assert_str_eq(trace_events_name(own), path);
	ck_assert(!trace_events_records(own));
	n = trace_read(r, recs, 32, &err);
	ck_assert_int_eq(n, 14);
	ck_assert_uint_eq(trace_events_count(own), 11);
	ck_assert_str_eq(trace_events_get(own, 3)->name, "stack");
	trace_close(r);

	/* A caller's table keeps its events after trace_close, and is renamed. */
	o.events = mine;
	r = trace_open(path, &o, &err);
	ck_assert_ptr_eq(trace_events_of(r), mine);
	ck_assert_str_eq(trace_events_name(mine), path);
	ck_assert(!trace_events_records(mine));
	n = trace_read_batch(r, recs, lines, 32, &err);
	ck_assert_int_eq(n, 14);
	trace_close(r);
	ck_assert_uint_eq(trace_events_count(mine), 11);
	ck_assert_str_eq(trace_events_get(mine, 0)->file, "a.out");
	{
		const struct trace_batch b = {.recs = recs, .lines = lines, .events = mine, .n = (size_t)n};
		char want[4200];

		ck_assert_int_gt(trace_batch_where(&b, 13, where, sizeof where), 0);
		snprintf(want, sizeof want, "%s:17", path);
		ck_assert_str_eq(where, want);
		ck_assert_int_eq(trace_batch_where(&(struct trace_batch){.recs = recs, .n = 1}, 0, where, sizeof where),
				 0);
		ck_assert_str_eq(where, "");
	}
	/* Reading the trace again appends: indexes go on. */
	r = trace_open(path, &o, &err);
	n = trace_read(r, recs, 32, &err);
	trace_close(r);
	ck_assert_int_eq(n, 14);
	ck_assert_uint_eq(recs[0].addr, 11);
	ck_assert_uint_eq(trace_events_count(mine), 22);
	trace_events_destroy(mine);
	unlink(path);
	free(path);
}
END_TEST

/* Converts the trace at in with o to a new temporary file whose name ends
 * in suffix; the conversion must succeed. Returns the new file's name (the
 * caller unlinks and frees it) and fills st. */
static char *ev_convert(const char *in, const struct trace_options *o, const char *suffix,
			struct trace_convert_stats *st)
{
	char *out = tmp_name(suffix);
	struct ps_error err;

	ck_assert_msg(trace_convert(in, o, out, st, &err) == 0, "%s: %s", suffix, err.msg);
	return out;
}

/* Converts text (written to a temporary file, removed after) with o to a
 * temporary binary trace, reads that back into er (the caller frees it)
 * and removes it; the conversion must succeed. Fills st. */
static void ev_convert_text_and_read(const char *text, const struct trace_options *o, struct trace_convert_stats *st,
				     struct evresult *er)
{
	char *in = write_tmp(text, strlen(text));
	char *out = ev_convert(in, o, ".bin", st);

	ev_run_path(out, o, NULL, er);
	unlink(out);
	free(out);
	unlink(in);
	free(in);
}

/* Converting the binary trace at bin (first written as st1 says) to
 * binary again keeps the events flag and the bytes. */
static void ev_check_binary_to_binary(const char *bin, const struct trace_options *o,
				      const struct trace_convert_stats *st1)
{
	struct trace_convert_stats st2;
	char *again = ev_convert(bin, o, ".bin", &st2);
	struct stat a, b;
	struct evresult er;

	ck_assert_uint_eq(st2.events, 11);
	ck_assert_int_eq(stat(bin, &a), 0);
	ck_assert_int_eq(stat(again, &b), 0);
	ck_assert_int_eq(a.st_size, b.st_size);
	ck_assert_uint_eq(st1->bytes, (uint64_t)a.st_size);
	ev_run_path(again, o, NULL, &er);
	ev_check_example(&er, true);
	ev_free(&er);
	unlink(again);
	free(again);
}

/* Native with events, converted to binary (plain and compressed), reads
 * back as the same records and events, in any batch size; a trace without
 * events converts without the header flag. */
START_TEST(t_events_binary_roundtrip)
{
	static const char *const suffixes[] = {".bin", ".bin.gz", ".bin.zst"};
	static const size_t batches[][4] = {{4096, 0}, {1, 0}, {2, 0}, {3, 0}, {5, 4, 0}};
	char *in = write_tmp(ev_example, strlen(ev_example));
	struct trace_options o = opts(TRACE_AUTO);
	struct trace_convert_stats st;
	struct evresult er;

	for (int s = 0; s < 3; s++) {
		char *out = ev_convert(in, &o, suffixes[s], &st);

		ck_assert_uint_eq(st.records, 14);
		ck_assert_uint_eq(st.events, 11);
		for (size_t b = 0; b < ARRAY_LEN(batches); b++) {
			o.format = b % 2 ? TRACE_BINARY : TRACE_AUTO;
			ev_run_path(out, &o, batches[b], &er);
			ck_assert_int_eq(er.res.format, TRACE_BINARY);
			ev_check_example(&er, true);
			ev_free(&er);
			o.format = TRACE_AUTO;
		}
		if (s == 0)
			ev_check_binary_to_binary(out, &o, &st);
		unlink(out);
		free(out);
	}
	unlink(in);
	free(in);

	/* Without events: no flag, the reader says so. */
	ev_convert_text_and_read(" L 10,4\n S 20,4\n", &o, &st, &er);
	ck_assert_uint_eq(st.events, 0);
	ck_assert(!er.res.failed);
	ck_assert(!er.may_have_events);
	ck_assert_uint_eq(er.lines[1], 2);
	ev_free(&er);
	/* A native trace without event lines still may have them: flagged. */
	ev_convert_text_and_read("pagesim-trace 1\nR 0x10\n", &o, &st, &er);
	ck_assert(!er.res.failed);
	ck_assert(er.may_have_events);
	ck_assert_uint_eq(er.res.n, 1);
	ev_free(&er);
}
END_TEST

/* A version-2 file built by hand: the header (flags as given), then
 * items, each an access or an event, encoded. */
struct bin_item {
	bool is_event;
	struct trace_rec rec;
	struct trace_event ev;
};

static struct text bin_v2(uint32_t flags, const struct bin_item *items, size_t n)
{
	struct text t = bin_bytes(2, TRACE_BINARY_HEADER_SIZE, TRACE_BINARY_RECORD_SIZE, flags, NULL, 0);

	for (size_t i = 0; i < n; i++) {
		unsigned char buf[(1 + TRACE_BINARY_EVENT_MAX_RECORDS) * TRACE_BINARY_RECORD_SIZE];

		if (items[i].is_event) {
			text_add(&t, buf, trace_binary_encode_event(&items[i].ev, buf));
		} else {
			trace_binary_put(&items[i].rec, buf);
			text_add(&t, buf, TRACE_BINARY_RECORD_SIZE);
		}
	}
	return t;
}

static const struct bin_item bin_items[] = {
    {.rec = {.addr = 0x1000, .pid = 1, .size = 4, .op = OP_READ}},
    {.is_event = true, .ev = {.kind = EV_SEGMENT, .prot = 5, .backing = BACK_FILE, .pid = 1, .addr = 0x8000,
			      .len = 0x3000, .offset = 0x2000, .name = "code", .file = "a.out"}},
    {.rec = {.addr = 0x2000, .pid = 2, .size = 8, .op = OP_WRITE}},
    {.is_event = true, .ev = {.kind = EV_FORK, .pid = 1, .child = 2}},
    {.rec = {.addr = 0x3000, .pid = 1, .size = 1, .op = OP_FETCH}},
};
/* Record numbers of bin_items: code takes 1 + 4 records, fork 1 + 3. */
static const uint64_t bin_items_recno[] = {1, 2, 7, 8, 12};

/* The byte offsets of the segment event in the file of bin_items: its
 * event record is record 2 (at 32 + 16), its payload starts at 32 + 32. */
enum { HEAD = 32 + 16, PAY = 32 + 32 };
static const struct corrupt_case {
	size_t at;        /* byte to change */
	unsigned char to; /* its new value */
	const char *why;
} corrupt_cases[] = {
    {HEAD + 15, 9, "unknown event kind 9 (1 segment, 2 mmap, 3 munmap, 4 brk, 5 fork, 6 exit, 7 mprotect)"},
    {HEAD + 15, 0, "unknown event kind 0 (1 segment, 2 mmap, 3 munmap, 4 brk, 5 fork, 6 exit, 7 mprotect)"},
    {HEAD + 15, EV_MMAP, "mmap events have no name"},
    {HEAD + 15, EV_EXIT, "exit events have no name"},
    {HEAD + 8, 0, "pid 0 (must be 1..4294967295)"},
    {HEAD + 0, 1, "event record: address field 0x1 is reserved and must be 0"},
    {HEAD + 12, 5, "event record: 5 payload records, its payload needs 4"},
    {PAY + 36, 8, "prot 0x8 is not a combination of r (1), w (2) and x (4)"},
    {PAY + 37, 4, "unknown backing 4 (1 zero, 2 file, 3 stack)"},
    {PAY + 37, BACK_ZERO, "only a file mapping has a file name"},
    {PAY + 38, 1, "a segment cannot be shared (map the file with 'mmap ... shared')"},
    {PAY + 38, 2, "event payload: shared byte 2 (must be 0 or 1)"},
    {PAY + 39, 64, "event payload: name length 64 (at most 63)"},
    {PAY + 41, 2, "event payload: file name length 517 (at most 255)"},
    {PAY + 39, 0, "event payload: padding byte 53 is 0x2e, not 0"},
    {PAY + 39, 40, "event record: 4 payload records, its payload needs 6"},
    {PAY + 45, 1, "event payload: reserved byte 45 is 0x01, not 0"},
    {PAY + 63, 1, "event payload: padding byte 63 is 0x01, not 0"},
    {PAY + 48, '9', "segment name must start with a letter or '_' and hold only letters, digits, '_', '.'"
		    " and '-'"},
    {PAY + 49, 0, "event payload: a name holds a NUL byte"},
    {PAY + 52, ' ', "file name holds a blank or control character (byte 0x20)"},
    {PAY + 0, 1, "address 0x8001 is not page-aligned (pages of 4096 bytes)"},
    {PAY + 9, 0, "length 0 (must be at least 1 byte)"},
    {PAY + 17, 0x28, "offset 0x2800 is not page-aligned (pages of 4096 bytes)"},
    {PAY + 24, 1, "only a stack has a max (it must be 0)"},
    {PAY + 32, 1, "segment events have no child pid (it must be 0)"},
    {PAY + 7, 1, "address 0x100000000008000 is beyond the 48-bit virtual address space"},
};

/* The uncorrupted file of bin_items reads as bin_items, lines and all. */
static void check_binary_good(const struct text *good)
{
	struct trace_options o = opts(TRACE_AUTO);
	struct evresult er;

	ev_run_text(good->s, good->len, &o, (const size_t[]){1, 0}, &er);
	ck_assert_msg(!er.res.failed, "%s", er.res.msg);
	ck_assert_uint_eq(er.res.n, 5);
	for (size_t i = 0; i < 5; i++) {
		ck_assert_uint_eq(er.lines[i], bin_items_recno[i]);
		if (bin_items[i].is_event)
			ck_assert(ev_same(trace_events_get(er.events, er.res.recs[i].addr), &bin_items[i].ev));
		else
			ck_assert(memcmp(&er.res.recs[i], &bin_items[i].rec, sizeof er.res.recs[i]) == 0);
	}
	ck_assert_uint_eq(trace_events_get(er.events, 1)->line, 8);
	ev_free(&er);
}

/* good with case k (number c) applied: an error naming record 2, read in
 * many batch sizes; with skip_bad the event goes whole and the rest reads
 * on. */
static void check_binary_corrupt_case(const struct text *good, size_t c, const struct corrupt_case *k)
{
	struct text t = {0};
	char want[512];

	text_add(&t, good->s, good->len);
	ck_assert_uint_ne((unsigned char)t.s[k->at], k->to);
	t.s[k->at] = (char)k->to;
	snprintf(want, sizeof want, ": record 2: %s", k->why);
	for (size_t batch = 1; batch <= 4096; batch *= 4) {
		struct trace_options o = opts(TRACE_AUTO);
		struct evresult er;
		size_t bs[2] = {batch, 0};

		ev_run_text(t.s, t.len, &o, bs, &er);
		ck_assert_msg(er.res.failed, "case %zu accepted", c);
		ck_assert_uint_eq(er.res.n, 1);
		expect_error(&er.res, want);
		ev_free(&er);

		o.skip_bad = true;
		ev_run_text(t.s, t.len, &o, bs, &er);
		ck_assert_msg(!er.res.failed, "case %zu: %s", c, er.res.msg);
		ck_assert_uint_eq(er.res.skipped, 1);
		ck_assert_msg(strstr(er.res.first_skip, want) != NULL, "%s", er.res.first_skip);
		ck_assert_uint_eq(trace_events_count(er.events), 1);
		if (k->at == HEAD + 12) {
			/* A payload said to be one record longer takes the access after it. */
			ck_assert_uint_eq(er.res.n, 3);
			ck_assert_uint_eq(er.lines[1], 8);
			ev_free(&er);
			continue;
		}
		ck_assert_msg(er.res.n == 4, "case %zu, batch %zu: %zu records", c, batch, er.res.n);
		ck_assert_uint_eq(er.lines[1], 7);
		ck_assert_uint_eq(er.res.recs[2].op, OP_EVENT);
		ck_assert_uint_eq(er.lines[2], 8);
		ev_free(&er);
	}
	free(t.s);
}

/* A payload cut by the end of the input: fatal, whatever the batch. */
static void check_binary_payload_cut(void)
{
	for (size_t cut = 1; cut <= 4 * 16; cut += 21) {
		struct text t = bin_v2(TRACE_BINARY_FLAG_EVENTS, bin_items, 2);
		char want[256];
		size_t have = 4 * 16 - cut;

		t.len -= cut;
		snprintf(want, sizeof want, ": record 2: truncated event (the input ends after %zu of its 64 payload bytes)",
			 have);
		for (size_t batch = 1; batch <= 4096; batch *= 8) {
			struct trace_options o = opts(TRACE_AUTO);
			struct evresult er;
			size_t bs[2] = {batch, 0};

			o.skip_bad = batch > 1;
			ev_run_text(t.s, t.len, &o, bs, &er);
			expect_error(&er.res, want);
			ck_assert_uint_eq(er.res.n, 1);
			ev_free(&er);
		}
		free(t.s);
	}
}

/* Events in a file whose header does not declare them, and in version 1;
 * an unknown operation in version 2. */
static void check_binary_undeclared_events(void)
{
	struct text t = bin_v2(0, bin_items, ARRAY_LEN(bin_items));
	struct trace_options o = opts(TRACE_AUTO);
	struct evresult er;

	ev_run_text(t.s, t.len, &o, NULL, &er);
	expect_error(&er.res, ": record 2: an event record (operation 3) in a trace whose header does not declare"
			      " events (flag 0x1)");
	ck_assert(!er.may_have_events);
	ev_free(&er);
	t.s[8] = 1;
	ev_run_text(t.s, t.len, &o, NULL, &er);
	expect_error(&er.res, ": record 2: unknown operation 3 (version 1 has 0 read, 1 write and 2 fetch; 3..255"
			      " are reserved)");
	ev_free(&er);
	free(t.s);
	t = bin_v2(TRACE_BINARY_FLAG_EVENTS, bin_items, 1);
	{
		struct trace_rec bad = {.addr = 0x10, .pid = 1, .size = 1, .op = 4};
		unsigned char b[16];

		trace_binary_put(&bad, b);
		text_add(&t, b, 16);
	}
	ev_run_text(t.s, t.len, &o, NULL, &er);
	expect_error(&er.res, ": record 2: unknown operation 4 (version 2 has 0 read, 1 write, 2 fetch and 3 event;"
			      " 4..255 are reserved)");
	ev_free(&er);
	free(t.s);
}

/* A huge payload count is skipped whole with skip_bad. */
static void check_binary_huge_payload(void)
{
	struct text t = bin_v2(TRACE_BINARY_FLAG_EVENTS, bin_items, 1);
	struct trace_rec head = {.pid = 1, .size = 100, .op = OP_EVENT, .flags = EV_EXIT};
	unsigned char b[16];
	struct trace_options o = opts(TRACE_AUTO);
	struct evresult er;

	trace_binary_put(&head, b);
	text_add(&t, b, 16);
	memset(b, 0xab, 16);
	for (int i = 0; i < 100; i++)
		text_add(&t, b, 16);
	trace_binary_put(&bin_items[2].rec, b);
	text_add(&t, b, 16);
	o.skip_bad = true;
	/* Its payload past the batch, partly in it (more than the 23 records
	 * a payload may have), and wholly in it. */
	for (size_t bi = 0; bi < 3; bi++) {
		size_t bs[2] = {bi == 0 ? 3 : bi == 1 ? 50 : 4096, 0};

		ev_run_text(t.s, t.len, &o, bs, &er);
		ck_assert_msg(!er.res.failed, "%s", er.res.msg);
		ck_assert_uint_eq(er.res.n, 2);
		ck_assert_uint_eq(er.lines[1], 103);
		ck_assert_msg(strstr(er.res.first_skip,
				     ": record 2: event record: 100 payload records (an event has 3..23)") != NULL,
			      "%s", er.res.first_skip);
		ev_free(&er);
	}
	free(t.s);
}

/* Corrupt payloads and event records of a version-2 file: each error names
 * the event's record, with skip_bad the event goes whole and the rest
 * reads on. */
START_TEST(t_events_binary_corrupt)
{
	struct text good = bin_v2(TRACE_BINARY_FLAG_EVENTS, bin_items, ARRAY_LEN(bin_items));

	check_binary_good(&good);
	for (size_t c = 0; c < ARRAY_LEN(corrupt_cases); c++)
		check_binary_corrupt_case(&good, c, &corrupt_cases[c]);
	check_binary_payload_cut();
	check_binary_undeclared_events();
	check_binary_huge_payload();
	free(good.s);
}
END_TEST

/* Flip random bytes of a binary file full of events: what is read is
 * valid, errors name the file, nothing crashes. */
START_TEST(t_events_binary_fuzz)
{
	struct bin_item items[400];
	struct text t;

	for (size_t i = 0; i < ARRAY_LEN(items); i++)
		items[i] = bin_items[i % ARRAY_LEN(bin_items)];
	t = bin_v2(TRACE_BINARY_FLAG_EVENTS, items, ARRAY_LEN(items));
	for (int round = 0; round < 300; round++) {
		unsigned char *m = malloc(t.len);
		size_t len = t.len - (round % 5 == 0 ? rnd_below(100) : 0);
		struct trace_options o = opts(TRACE_AUTO);
		struct evresult er;
		static const size_t batches[][2] = {{1, 0}, {2, 0}, {3, 0}, {4096, 0}};

		memcpy(m, t.s, t.len);
		for (int k = 1 + (int)rnd_below(8); k > 0; k--)
			m[32 + rnd_below(len - 32)] ^= (unsigned char)(1 + rnd_below(255));
		o.skip_bad = round % 2 == 0;
		ev_run_text((const char *)m, len, &o, batches[round % 4], &er);
		if (er.res.failed)
			ck_assert(strncmp(er.res.msg, er.res.path, strlen(er.res.path)) == 0);
		for (size_t i = 0; i < er.res.n; i++) {
			const struct trace_rec *r = &er.res.recs[i];

			if (r->op == OP_EVENT) {
				const struct trace_event *ev;
				char why[256];

				QUIET_ASSERT(r->addr < trace_events_count(er.events));
				ev = trace_events_get(er.events, r->addr);
				QUIET_ASSERT(ev->kind == r->flags && ev->pid == r->pid && r->size == 0);
				QUIET_ASSERT(trace_event_check(ev, 48, 12, why, sizeof why));
				QUIET_ASSERT(ev->line == er.lines[i]);
			} else {
				QUIET_ASSERT(r->size >= 1 && r->op <= OP_FETCH && r->pid >= 1 && r->flags == 0);
			}
			QUIET_ASSERT(i == 0 || er.lines[i] > er.lines[i - 1]);
		}
		ev_free(&er);
		free(m);
	}
	free(t.s);
}
END_TEST

Suite *make_trace_events_suite(void)
{
	const TTest *const ev_tests[] = {
		t_events_example, t_events_variants, t_events_errors, t_events_edges, t_events_lines,
		t_events_tables, t_events_binary_roundtrip, t_events_binary_corrupt, t_events_binary_fuzz
	};
	Suite *s = suite_create("trace_events");

	SUITE_ADD_TESTS(s, "events", 300, ev_tests);
	return s;
}
