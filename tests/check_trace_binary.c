/*
 * check_trace_binary.c - the binary format (trace_binary.c): its layout,
 * round trips through the converter's writer (plain and compressed), the
 * conversion itself, every header and record error, skip_bad, truncation,
 * standard input and random corruption.
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
#include "trace/trace_binary3.h"
#include "trace/trace_binary_writer.h"
#include "trace/convert.h"
#include "trace/trace_event.h"
#include "trace/trace_source.h"
#include "trace_helpers.h"

/* ---- binary ------------------------------------------------------------ */

/* n random valid records: all three operations, pids and sizes over their
 * whole ranges, addresses below 2^47 with a few touching the 48-bit end. */
static struct trace_rec *random_recs(size_t n)
{
	struct trace_rec *recs = malloc(n * sizeof *recs);

	ck_assert_ptr_nonnull(recs);
	for (size_t i = 0; i < n; i++) {
		struct trace_rec r = {
		    .addr = rnd() & ((UINT64_C(1) << 47) - 1),
		    .pid = rnd_below(4) ? 1 : 1 + (uint32_t)rnd_below(UINT32_MAX),
		    .size = (uint16_t)(rnd_below(8) ? 1 + rnd_below(16) : 1 + rnd_below(65535)),
		    .op = (uint8_t)rnd_below(3),
		};

		if (rnd_below(100) == 0)
			r.addr = (UINT64_C(1) << 48) - r.size; /* the last bytes of the space */
		recs[i] = r;
	}
	return recs;
}

/* Make recs[0..n) look like a program's trace in places, so that version
 * 3 meets every case: runs of repeats (one longer than a run tag holds),
 * sequential fetches, nearby data, a pid that changes; returns recs. */
static struct trace_rec *program_like(struct trace_rec *recs, size_t n)
{
	for (size_t i = 1; i < n; i++) {
		const struct trace_rec *prev = &recs[i - 1];

		if (i % 7 < 3 || (i >= 1000 && i < 3100))
			recs[i] = *prev;
		else if (i % 11 == 0 && prev->addr < UINT64_C(1) << 46)
			recs[i] = (struct trace_rec){.addr = prev->addr + prev->size, .pid = prev->pid, .size = 4,
						     .op = OP_FETCH};
		else if (i % 13 == 0 && prev->addr > 64)
			recs[i] = (struct trace_rec){.addr = prev->addr - 64, .pid = prev->pid, .size = prev->size,
						     .op = (uint8_t)(i % 2)};
	}
	return recs;
}

/* Write recs[0..n) as a binary trace of version `version` to a new file
 * ending in suffix (".gz" and ".zst" compress), in pieces of `chunk`
 * records, the way the converter does; returns the malloc'd path. */
static char *write_bin_version(const struct trace_rec *recs, size_t n, size_t chunk, const char *suffix,
			       unsigned version)
{
	char *path = tmp_name(suffix);
	struct ps_error err;
	struct outfile *out = outfile_open(path, &err);
	static struct trace_binary_writer w; /* 64 KiB: not on the stack */
	uint64_t bytes;
	struct stat st;

	ck_assert_msg(out != NULL, "%s", err.msg);
	ck_assert_int_eq(trace_binary_writer_start(&w, out, version, 0, &err), 0);
	for (size_t done = 0; done < n; done += chunk)
		ck_assert_int_eq(trace_binary_writer_put(&w, recs + done, n - done < chunk ? n - done : chunk, &err), 0);
	ck_assert_int_eq(trace_binary_writer_finish(&w, &err), 0);
	ck_assert_msg(outfile_close(out, true, &bytes, &err) == 0, "%s", err.msg);
	ck_assert_int_eq(stat(path, &st), 0);
	ck_assert_uint_eq(bytes, (uint64_t)st.st_size);
	if (suffix[0] == '\0' && version == 2)
		ck_assert_uint_eq(bytes, TRACE_BINARY_HEADER_SIZE + n * TRACE_BINARY_RECORD_SIZE);
	return path;
}

/* write_bin_version of version 2. */
static char *write_bin(const struct trace_rec *recs, size_t n, size_t chunk, const char *suffix)
{
	return write_bin_version(recs, n, chunk, suffix, 2);
}

/* Read t (format auto, batches as run_data takes them; NULL: one size)
 * and check that it gives exactly want[0..n). */
static void expect_bin_records(const struct text *t, const size_t *batches, const struct trace_rec *want, size_t n)
{
	struct trace_options o = opts(TRACE_AUTO);
	struct result res;

	run_data(t->s, t->len, &o, batches, &res);
	ck_assert_msg(!res.failed, "%s", res.msg);
	ck_assert_uint_eq(res.n, n);
	ck_assert(memcmp(res.recs, want, n * sizeof *want) == 0);
	result_free(&res);
}

static struct text bin_v1(const struct trace_rec *recs, size_t n)
{
	return bin_bytes(1, TRACE_BINARY_HEADER_SIZE, TRACE_BINARY_RECORD_SIZE, 0, recs, n);
}

static const struct trace_rec bin_sample[] = {
    {.addr = 0x1000, .pid = 1, .size = 4, .op = OP_READ},
    {.addr = 0x7ffff000, .pid = 2, .size = 8, .op = OP_WRITE},
    {.addr = 0x401000, .pid = 4000000000u, .size = 65535, .op = OP_FETCH},
    {.addr = 0xfffffffffff8, .pid = 1, .size = 8, .op = OP_WRITE},
};

START_TEST(t_binary_layout)
{
	static const unsigned char want_header[TRACE_BINARY_HEADER_SIZE] = {
	    'P', 'G', 'S', 'I', 'M', 'B', 'I', 'N', 2, 0, 0, 0, 32, 0, 0, 0, 16, 0, 0, 0, 0, 0, 0, 0,
	};
	static const unsigned char want_rec[16] = {0x08, 0x07, 0x06, 0x05, 0x04, 0x03, 0x02, 0x01,
						   0x44, 0x33, 0x22, 0x11, 0x34, 0x12, 2, 0};
	const struct trace_rec rec = {.addr = 0x0102030405060708u, .pid = 0x11223344u, .size = 0x1234, .op = 2};
	unsigned char h[TRACE_BINARY_HEADER_SIZE], b[16], many[sizeof bin_sample];
	struct trace_rec back, host[4];
	struct trace_binary_info info;
	char why[256];

	trace_binary_header(h, 2, 0);
	ck_assert(memcmp(h, want_header, sizeof h) == 0);
	ck_assert(trace_binary_sniff(h, sizeof h));
	ck_assert(!trace_binary_sniff(h, 7));
	ck_assert(!trace_binary_sniff("PGSIMBIX", 8));
	ck_assert_uint_eq(trace_binary_check_header(h, sizeof h, &info, why, sizeof why), 32);
	ck_assert_uint_eq(info.version, 2);
	ck_assert_uint_eq(info.flags, 0);
	trace_binary_header(h, 2, TRACE_BINARY_FLAG_EVENTS);
	ck_assert_uint_eq(h[20], 1);
	ck_assert_uint_eq(trace_binary_check_header(h, sizeof h, &info, why, sizeof why), 32);
	ck_assert_uint_eq(info.flags, TRACE_BINARY_FLAG_EVENTS);

	/* The byte assembly, which big-endian hosts use, is exact here too. */
	trace_binary_put(&rec, b);
	ck_assert(memcmp(b, want_rec, 16) == 0);
	memset(&back, 0xff, sizeof back);
	trace_binary_get(b, &back);
	ck_assert(memcmp(&back, &rec, sizeof rec) == 0);

	/* The bulk encoder agrees with it; decoding in place undoes it. */
	trace_binary_encode(bin_sample, 4, many);
	for (int i = 0; i < 4; i++) {
		trace_binary_put(&bin_sample[i], b);
		ck_assert(memcmp(many + 16 * i, b, 16) == 0);
	}
	memcpy(host, many, sizeof host);
	trace_binary_to_host(host, 4);
	ck_assert(memcmp(host, bin_sample, sizeof host) == 0);

	ck_assert_str_eq(trace_format_name(TRACE_BINARY), "binary");
	ck_assert_int_eq(TRACE_BINARY, 5); /* the existing values are kept */
}
END_TEST

START_TEST(t_binary_roundtrip)
{
	static const char *const suffixes[] = {"", ".gz", ".zst"};
	static const size_t batches[][5] = {
	    {4096, 0}, {1, 0}, {3, 1000, 2, 77, 0}, {65536, 0}, {5000, 0},
	};
	size_t n = 70001;
	struct trace_rec *recs = program_like(random_recs(n), n);

	for (int s = 0; s < 6; s++) {
		char *path = write_bin_version(recs, n, s % 3 == 0 ? n : 1 + rnd_below(9000), suffixes[s % 3],
					       s < 3 ? 2 : 3);

		for (size_t b = 0; b < ARRAY_LEN(batches); b++) {
			struct trace_options o = opts(b % 2 ? TRACE_BINARY : TRACE_AUTO);
			struct result res;

			o.skip_bad = b == 4;
			run_path(path, &o, batches[b], &res);
			ck_assert_msg(!res.failed, "%s: %s", suffixes[s % 3], res.msg);
			ck_assert_int_eq(res.format, TRACE_BINARY);
			ck_assert_uint_eq(res.n, n);
			ck_assert_uint_eq(res.skipped, 0);
			ck_assert_msg(memcmp(res.recs, recs, n * sizeof *recs) == 0, "%s, batch pattern %zu",
				      suffixes[s % 3], b);
			result_free(&res);
		}
		unlink(path);
		free(path);
	}
	/* The header alone is an empty trace, with or without extra header bytes. */
	for (uint32_t hs = 32; hs <= 64; hs += 32) {
		struct text t = bin_bytes(1, hs, 16, 0, NULL, 0);
		struct trace_options o = opts(TRACE_AUTO);
		struct result res;

		run_data(t.s, t.len, &o, NULL, &res);
		ck_assert_msg(!res.failed, "%s", res.msg);
		ck_assert_uint_eq(res.n, 0);
		ck_assert_int_eq(res.format, TRACE_BINARY);
		result_free(&res);
		free(t.s);
	}
	/* A longer header (a later minor addition) is stepped over. */
	{
		struct text t = bin_bytes(1, 200, 16, 0, bin_sample, 4);

		expect_bin_records(&t, NULL, bin_sample, 4);
		free(t.s);
	}
	free(recs);
}
END_TEST

/* Text traces of every format, converted by trace_convert to plain,
 * gzip and zstd binary files, read back as the same records. */
START_TEST(t_binary_convert)
{
	static const enum trace_format formats[] = {TRACE_LACKEY, TRACE_ADDR_RW, TRACE_PAGES, TRACE_NATIVE};
	static const char *const suffixes[] = {".bin", ".bin.gz", ".bin.zst"};

	for (size_t fi = 0; fi < 4; fi++) {
		size_t n;
		struct trace_rec *want;
		char *text = random_trace(formats[fi], 20000, fi == 1, &want, &n);
		char *in = write_tmp(text, strlen(text));
		struct trace_options o = opts(TRACE_AUTO);

		for (int s = 0; s < 3; s++) {
			char *out = tmp_name(suffixes[s]);
			struct trace_convert_stats st;
			struct ps_error err;
			struct result res;
			struct stat sb;

			ck_assert_msg(trace_convert(in, &o, TRACE_BINARY_VERSION, out, &st, &err) == 0, "%s", err.msg);
			ck_assert_str_eq(st.format, trace_format_name(formats[fi]));
			ck_assert_uint_eq(st.records, n);
			ck_assert_uint_eq(st.skipped, 0);
			ck_assert_int_eq(stat(out, &sb), 0);
			ck_assert_uint_eq(st.bytes, (uint64_t)sb.st_size);
			run_path(out, &o, NULL, &res);
			ck_assert_msg(!res.failed, "%s", res.msg);
			ck_assert_int_eq(res.format, TRACE_BINARY);
			ck_assert_uint_eq(res.n, n);
			ck_assert(memcmp(res.recs, want, n * sizeof *want) == 0);
			result_free(&res);

			/* Binary to binary: the same bytes. */
			if (s == 0) {
				char *again = tmp_name(".bin");
				struct trace_convert_stats st2;
				struct text a = {0}, b = {0};
				char buf[65536];
				FILE *f;
				size_t k;

				ck_assert_msg(trace_convert(out, &o, TRACE_BINARY_VERSION, again, &st2, &err) == 0, "%s", err.msg);
				ck_assert_str_eq(st2.format, "binary");
				for (int i = 0; i < 2; i++) {
					f = fopen(i ? again : out, "rb");
					ck_assert_ptr_nonnull(f);
					while ((k = fread(buf, 1, sizeof buf, f)) > 0)
						text_add(i ? &b : &a, buf, k);
					fclose(f);
				}
				ck_assert_uint_eq(a.len, b.len);
				ck_assert(memcmp(a.s, b.s, a.len) == 0);
				free(a.s);
				free(b.s);
				unlink(again);
				free(again);
			}
			unlink(out);
			free(out);
		}
		unlink(in);
		free(in);
		free(text);
		free(want);
	}
}
END_TEST

/* A conversion that fails leaves neither OUT nor its temporary file. */
START_TEST(t_binary_convert_fails_cleanly)
{
	char dir[4096], in[4200], out[4200];
	struct text t = {0};
	struct trace_options o = opts(TRACE_AUTO);
	struct trace_convert_stats st;
	struct ps_error err;
	DIR *d;
	struct dirent *e;

	snprintf(dir, sizeof dir, "%s/check_trace-convert-XXXXXX", tmp_base());
	ck_assert_ptr_nonnull(mkdtemp(dir));
	snprintf(in, sizeof in, "%s/in.lackey", dir);
	snprintf(out, sizeof out, "%s/out.bin.zst", dir);
	for (int i = 0; i < 50000; i++)
		text_addf(&t, " L %x,4\n", i * 4096);
	text_addf(&t, "oops\n");
	{
		FILE *f = fopen(in, "wb");

		ck_assert_ptr_nonnull(f);
		ck_assert_uint_eq(fwrite(t.s, 1, t.len, f), t.len);
		ck_assert_int_eq(fclose(f), 0);
	}
	ck_assert_int_eq(trace_convert(in, &o, TRACE_BINARY_VERSION, out, &st, &err), -1);
	ck_assert_msg(strstr(err.msg, ":50001: expected a lackey record") != NULL, "%s", err.msg);
	ck_assert_uint_eq(st.records, 50000);
	/* A missing input creates nothing either. */
	ck_assert_int_eq(trace_convert("/nonexistent/in", &o, TRACE_BINARY_VERSION, out, &st, &err), -1);
	ck_assert_str_eq(err.msg, "/nonexistent/in: No such file or directory");
	/* Neither does an output that cannot be created. */
	snprintf(out, sizeof out, "%s/no/such/dir.bin", dir);
	ck_assert_int_eq(trace_convert(in, &o, TRACE_BINARY_VERSION, out, &st, &err), -1);
	ck_assert_msg(strstr(err.msg, "cannot create ") != NULL, "%s", err.msg);
	d = opendir(dir);
	ck_assert_ptr_nonnull(d);
	while ((e = readdir(d)) != NULL)
		ck_assert_msg(e->d_name[0] == '.' || strcmp(e->d_name, "in.lackey") == 0, "left behind: %s",
			      e->d_name);
	closedir(d);
	unlink(in);
	rmdir(dir);
	free(t.s);
}
END_TEST

/* Read the bytes t as a trace with format f (and skip_bad), expecting the
 * error "PATH<suffix>" after `records` records. */
static void expect_bin_error_of(const struct text *t, enum trace_format f, bool skip_bad,
				const struct trace_rec *want, size_t records, const char *suffix)
{
	static const size_t batches[][4] = {{4096, 0}, {1, 0}, {2, 3, 0}};

	for (size_t b = 0; b < ARRAY_LEN(batches); b++) {
		struct trace_options o = opts(f);
		struct result res;

		o.skip_bad = skip_bad;
		run_data(t->s, t->len, &o, batches[b], &res);
		expect_error(&res, suffix);
		ck_assert_msg(res.n == records, "%zu records before '%s', want %zu", res.n, suffix, records);
		if (records > 0)
			ck_assert(memcmp(res.recs, want, records * sizeof *res.recs) == 0);
		result_free(&res);
	}
}

/* expect_bin_error_of (auto-detected, no skip_bad) with va_bits-bit
 * addresses, read one record a batch: a version-3 batch then never
 * reaches the file's last 32 bytes, which the decoder's slow path takes
 * (and the validation after it checks record by record). */
static void expect_bin_error_va(const struct text *t, unsigned va_bits, const struct trace_rec *want,
				size_t records, const char *suffix)
{
	static const size_t ones[] = {1, 0};
	struct trace_options o = opts(TRACE_AUTO);
	struct result res;

	o.va_bits = va_bits;
	run_data(t->s, t->len, &o, ones, &res);
	expect_error(&res, suffix);
	ck_assert_msg(res.n == records, "%zu records before '%s', want %zu", res.n, suffix, records);
	ck_assert(memcmp(res.recs, want, records * sizeof *res.recs) == 0);
	result_free(&res);
}

/* expect_bin_error_of with the records of bin_sample before the error. */
static void expect_bin_error(const struct text *t, enum trace_format f, bool skip_bad, size_t records,
			     const char *suffix)
{
	expect_bin_error_of(t, f, skip_bad, bin_sample, records, suffix);
}

/* Headers with one field wrong, read with format and skip_bad; each is
 * refused before any record with ": <why>". */
static const struct bad_header {
	uint32_t version, header_size, record_size, flags;
	enum trace_format format;
	bool skip_bad;
	const char *why;
} bad_headers[] = {
    {0, 32, 16, 0, TRACE_AUTO, true, ": unsupported binary trace version 0 (this pagesim reads versions 1 to 3)"},
    {4, 32, 16, 0, TRACE_AUTO, true, ": unsupported binary trace version 4 (this pagesim reads versions 1 to 3)"},
    /* a big-endian writer's 1 */
    {0x01000000, 32, 16, 0, TRACE_BINARY, false,
     ": unsupported binary trace version 16777216 (this pagesim reads versions 1 to 3)"},
    {1, 32, 24, 0, TRACE_AUTO, true,
     ": binary trace record size 24 is not supported (version 1 records are 16 bytes)"},
    {1, 16, 16, 0, TRACE_AUTO, true, ": binary trace header size 16 is out of range (32..4096 bytes)"},
    {1, 5000, 16, 0, TRACE_AUTO, true, ": binary trace header size 5000 is out of range (32..4096 bytes)"},
    {1, 32, 16, 4, TRACE_AUTO, true, ": unknown binary trace header flags 0x4 (version 1 defines none)"},
    /* the events flag is version 2's */
    {1, 32, 16, 1, TRACE_AUTO, true, ": unknown binary trace header flags 0x1 (version 1 defines none)"},
    {2, 32, 16, 5, TRACE_AUTO, true,
     ": unknown binary trace header flags 0x4 (version 2 defines 0x1, may hold events)"},
    {2, 32, 24, 0, TRACE_AUTO, true,
     ": binary trace record size 24 is not supported (version 2 records are 16 bytes)"},
};

START_TEST(t_binary_header_errors)
{
	struct text t;
	struct result res;
	struct trace_options o = opts(TRACE_AUTO);

	/* Not the magic: with auto, not binary at all; with --format binary, refused. */
	t = bin_v1(bin_sample, 4);
	t.s[7] = 'X';
	run_data(t.s, t.len, &o, NULL, &res);
	ck_assert(res.failed);
	ck_assert_msg(strstr(res.msg, "cannot tell the trace format") != NULL, "%s", res.msg);
	result_free(&res);
	expect_bin_error(&t, TRACE_BINARY, true, 0, ": not a binary trace (it does not start with \"PGSIMBIN\")");
	free(t.s);
	/* A text trace as binary, and a binary trace as text. */
	{
		struct trace_options ob = opts(TRACE_BINARY);

		run_data(" L 10,4\n", 8, &ob, NULL, &res);
		expect_error(&res, ": not a binary trace (it does not start with \"PGSIMBIN\")");
		result_free(&res);
	}
	t = bin_v1(bin_sample, 4);
	{
		struct trace_options ol = opts(TRACE_LACKEY);

		run_data(t.s, t.len, &ol, NULL, &res);
		ck_assert(res.failed);
		ck_assert_uint_eq(res.n, 0);
		ck_assert_msg(strstr(res.msg, ":1: ") != NULL, "%s", res.msg);
		result_free(&res);
	}
	free(t.s);

	/* Versions, record size, header size, flags. */
	for (size_t i = 0; i < ARRAY_LEN(bad_headers); i++) {
		const struct bad_header *c = &bad_headers[i];

		t = bin_bytes(c->version, c->header_size, c->record_size, c->flags, bin_sample, 4);
		expect_bin_error(&t, c->format, c->skip_bad, 0, c->why);
		free(t.s);
	}
	/* Truncated headers. */
	t = bin_v1(NULL, 0);
	t.len = 8;
	expect_bin_error(&t, TRACE_AUTO, true, 0, ": truncated binary trace header (8 of 32 bytes)");
	t.len = 20;
	expect_bin_error(&t, TRACE_AUTO, true, 0, ": truncated binary trace header (20 of 32 bytes)");
	free(t.s);
	t = bin_bytes(1, 64, 16, 0, NULL, 0);
	t.len = 40;
	expect_bin_error(&t, TRACE_AUTO, true, 0, ": truncated binary trace header (40 of 64 bytes)");
	free(t.s);
	/* Fewer than 8 bytes of the magic: text (and then not a format). */
	run_data("PGSIM\n", 6, &o, NULL, &res);
	ck_assert(res.failed);
	ck_assert_msg(strstr(res.msg, "cannot tell the trace format") != NULL, "%s", res.msg);
	result_free(&res);
}
END_TEST

/* Records with one field wrong (or, with why NULL, right at an edge),
 * read in a space of va_bits bits. */
static const struct bad_record {
	struct trace_rec rec;
	unsigned va_bits;
	const char *why;
} bad_records[] = {
    {{.addr = 0x10, .pid = 1, .size = 4, .op = 3}, 48,
     "unknown operation 3 (version 1 has 0 read, 1 write and 2 fetch; 3..255 are reserved)"},
    {{.addr = 0x10, .pid = 1, .size = 4, .op = 255}, 48,
     "unknown operation 255 (version 1 has 0 read, 1 write and 2 fetch; 3..255 are reserved)"},
    {{.addr = 0x10, .pid = 1, .size = 4, .op = 1, .flags = 0x80}, 48,
     "flags byte 0x80 is reserved and must be 0"},
    {{.addr = 0x10, .pid = 1, .size = 0, .op = 0}, 48, "size 0 (must be 1..65535)"},
    {{.addr = 0, .pid = 1, .size = 0, .op = 0}, 64, "size 0 (must be 1..65535)"},
    {{.addr = 0x10, .pid = 0, .size = 4, .op = 0}, 48, "pid 0 (must be 1..4294967295)"},
    {{.addr = UINT64_C(1) << 48, .pid = 1, .size = 1, .op = 0}, 48,
     "address 0x1000000000000 is beyond the 48-bit virtual address space"},
    {{.addr = 0xfffffffffffc, .pid = 1, .size = 8, .op = 1}, 48,
     "access of 8 bytes at 0xfffffffffffc runs past the end of the 48-bit virtual address space"},
    {{.addr = 0x7ffff000, .pid = 2, .size = 8, .op = 1}, 32, NULL}, /* fits */
    {{.addr = UINT64_C(0x100000000), .pid = 1, .size = 1, .op = 0}, 32,
     "address 0x100000000 is beyond the 32-bit virtual address space"},
    {{.addr = 0xffffffff, .pid = 1, .size = 2, .op = 0}, 32,
     "access of 2 bytes at 0xffffffff runs past the end of the 32-bit virtual address space"},
    {{.addr = UINT64_MAX - 7, .pid = 1, .size = 8, .op = 0}, 64, NULL}, /* the very last bytes */
    {{.addr = UINT64_MAX - 2, .pid = 1, .size = 8, .op = 0}, 64,
     "access of 8 bytes at 0xfffffffffffffffd runs past the end of the 64-bit virtual address space"},
    {{.addr = UINT64_MAX, .pid = 1, .size = 1, .op = 2}, 63,
     "address 0xffffffffffffffff is beyond the 63-bit virtual address space"},
};

START_TEST(t_binary_record_errors)
{
	for (size_t c = 0; c < ARRAY_LEN(bad_records); c++) {
		/* Record 3 is the case; the others fit in 32 bits. */
		const struct trace_rec recs[6] = {bin_sample[0], bin_sample[1], bad_records[c].rec,
						  bin_sample[2], bin_sample[1], bin_sample[0]};
		struct text t = bin_v1(recs, 6);
		struct trace_options o = opts(TRACE_AUTO);
		struct result res;
		char want[512];

		o.va_bits = bad_records[c].va_bits;
		run_data(t.s, t.len, &o, NULL, &res);
		if (bad_records[c].why == NULL) {
			ck_assert_msg(!res.failed, "case %zu: %s", c, res.msg);
			ck_assert_uint_eq(res.n, 6);
			ck_assert(memcmp(res.recs, recs, sizeof recs) == 0);
			result_free(&res);
			free(t.s);
			continue;
		}
		/* Without skip_bad: the two records before it, then the error, in any batch size. */
		snprintf(want, sizeof want, ": record 3: %s", bad_records[c].why);
		expect_error(&res, want);
		ck_assert_uint_eq(res.n, 2);
		result_free(&res);
		for (size_t batch = 1; batch <= 3; batch++) {
			size_t b[2] = {batch, 0};

			run_data(t.s, t.len, &o, b, &res);
			expect_error(&res, want);
			ck_assert_uint_eq(res.n, 2);
			ck_assert(memcmp(res.recs, recs, 2 * sizeof *recs) == 0);
			result_free(&res);
		}
		/* With skip_bad: the other five, and the message kept. */
		o.skip_bad = true;
		for (size_t batch = 1; batch <= 4096; batch *= 4) {
			size_t b[2] = {batch, 0};

			run_data(t.s, t.len, &o, b, &res);
			ck_assert_msg(!res.failed, "case %zu: %s", c, res.msg);
			ck_assert_uint_eq(res.n, 5);
			ck_assert(memcmp(res.recs, recs, 2 * sizeof *recs) == 0);
			ck_assert(memcmp(res.recs + 2, recs + 3, 3 * sizeof *recs) == 0);
			ck_assert_uint_eq(res.skipped, 1);
			ck_assert_msg(strncmp(res.first_skip, res.path, strlen(res.path)) == 0 &&
					  strcmp(res.first_skip + strlen(res.path), want) == 0,
				      "first skip: %s", res.first_skip);
			result_free(&res);
		}
		free(t.s);
	}
}
END_TEST

/* Many bad records at random places, found across block and batch
 * boundaries: skip_bad keeps exactly the good ones, in order, and names
 * the first bad one; without it, the error names it after the records
 * before it. */
START_TEST(t_binary_skip_many)
{
	size_t n = 20000, good = 0, first_bad = SIZE_MAX;
	struct trace_rec *recs = random_recs(n), *want = malloc(n * sizeof *want);
	static const size_t batches[][4] = {{4096, 0}, {1, 0}, {63, 65, 0}, {64, 0}};

	ck_assert_ptr_nonnull(want);
	for (size_t i = 0; i < n; i++) {
		/* Scattered bad records, and a damaged run of 1,000. */
		if (rnd_below(97) == 0 || i == n - 1 || (i >= 5000 && i < 6000)) {
			switch (rnd_below(4)) {
			case 0: recs[i].op = (uint8_t)(3 + rnd_below(253)); break;
			case 1: recs[i].size = 0; break;
			case 2: recs[i].pid = 0; break;
			default: recs[i].addr |= UINT64_C(1) << (48 + rnd_below(16)); break;
			}
			if (first_bad == SIZE_MAX)
				first_bad = i;
		} else {
			want[good++] = recs[i];
		}
	}
	for (size_t b = 0; b < ARRAY_LEN(batches); b++) {
		char *path = write_bin(recs, n, n, b == 2 ? ".zst" : "");
		struct trace_options o = opts(TRACE_AUTO);
		struct result res;
		char prefix[64];

		o.skip_bad = true;
		run_path(path, &o, batches[b], &res);
		ck_assert_msg(!res.failed, "%s", res.msg);
		ck_assert_uint_eq(res.n, good);
		ck_assert_uint_eq(res.skipped, n - good);
		ck_assert(memcmp(res.recs, want, good * sizeof *want) == 0);
		snprintf(prefix, sizeof prefix, ": record %zu: ", first_bad + 1);
		ck_assert_msg(strstr(res.first_skip, prefix) != NULL, "%s", res.first_skip);
		result_free(&res);

		o.skip_bad = false;
		run_path(path, &o, batches[b], &res);
		ck_assert(res.failed);
		ck_assert_msg(strstr(res.msg, prefix) != NULL, "%s", res.msg);
		ck_assert_uint_eq(res.n, first_bad);
		result_free(&res);
		unlink(path);
		free(path);
	}
	free(recs);
	free(want);
}
END_TEST

/* trace_read_lines says where each record was read as trace_read_batch
 * does: by a first number where the batch is whole (line0), else in
 * lines[]. A version-2 and a version-3 file of 20,000 records, with
 * scattered bad records and a run of 1,000 skipped (skip_bad), read in
 * batches of 4096 and 63. */
START_TEST(t_binary_lines_by_number)
{
	enum { N = 20000 };
	struct trace_rec *recs = random_recs(N);
	static uint64_t want[N], got[N];
	static struct trace_rec buf[4096];

	for (size_t i = 0; i < N; i++)
		if ((i >= 5000 && i < 6000) || i % 4999 == 4998)
			recs[i].size = 0;
	for (unsigned version = 2; version <= 3; version++)
		for (size_t max = 63; max <= 4096; max += 4096 - 63) {
			char *path = write_bin_version(recs, N, N, "", version);
			struct trace_options o = opts(TRACE_AUTO);
			struct ps_error err;
			struct trace_reader *r;
			size_t n = 0, m = 0, by_number = 0;
			ssize_t k;
			uint64_t line0;

			o.skip_bad = true;
			r = trace_open(path, &o, &err);
			ck_assert_msg(r != NULL, "%s", err.msg);
			while ((k = trace_read_batch(r, buf, want + n, max, &err)) > 0)
				n += (size_t)k;
			ck_assert_int_eq(k, 0);
			trace_close(r);
			r = trace_open(path, &o, &err);
			ck_assert_msg(r != NULL, "%s", err.msg);
			while ((k = trace_read_lines(r, buf, got + m, max, &line0, &err)) > 0) {
				if (line0 != 0) {
					for (ssize_t i = 0; i < k; i++)
						got[m + (size_t)i] = line0 + (uint64_t)i;
					by_number++;
				}
				m += (size_t)k;
			}
			ck_assert_int_eq(k, 0);
			trace_close(r);
			ck_assert_uint_eq(m, n);
			ck_assert_uint_lt(n, N - 1000);
			ck_assert(memcmp(got, want, n * sizeof *want) == 0);
			/* Most batches are whole; those with a bad record are not. */
			ck_assert_msg(by_number > 0, "version %u, batches of %zu", version, max);
			ck_assert_uint_lt(by_number, (n + max - 1) / max);
			unlink(path);
			free(path);
		}
	free(recs);
}
END_TEST

START_TEST(t_binary_truncated)
{
	struct text t = bin_v1(bin_sample, 4);
	size_t full = t.len;

	/* A partial last record: the whole ones, then the error, skip_bad or not. */
	for (size_t cut = 1; cut < 16; cut += 4) {
		char want[128];

		t.len = full - cut;
		snprintf(want, sizeof want, ": record 4: truncated record (the input ends after %zu of its 16 bytes)",
			 16 - cut);
		expect_bin_error(&t, TRACE_AUTO, false, 3, want);
		expect_bin_error(&t, TRACE_BINARY, true, 3, want);
	}
	/* The same inside a complete zstd frame and a gzip member. */
	for (int f = 0; f < 2; f++) {
		size_t clen;
		unsigned char *c = (f ? zstd_bytes : gzip_bytes)(t.s, full - 3, &clen);
		struct text ct = {0};

		text_add(&ct, c, clen);
		expect_bin_error(&ct, TRACE_AUTO, true, 3,
				 ": record 4: truncated record (the input ends after 13 of its 16 bytes)");
		free(ct.s);
		free(c);
	}
	/* A compressed stream cut short: whole records, then the stream's own error. */
	{
		size_t n = 30000, clen;
		struct trace_rec *recs = random_recs(n);
		struct text big = bin_v1(recs, n);
		unsigned char *c = zstd_bytes(big.s, big.len, &clen);
		struct trace_options o = opts(TRACE_AUTO);
		struct result res;

		o.skip_bad = true;
		run_data(c, clen - 1000, &o, NULL, &res);
		expect_error(&res, ": truncated zstd stream");
		ck_assert_uint_lt(res.n, n);
		ck_assert(res.n == 0 || memcmp(res.recs, recs, res.n * sizeof *recs) == 0);
		result_free(&res);
		free(c);
		free(big.s);
		free(recs);
	}
	free(t.s);
}
END_TEST

START_TEST(t_binary_stdin)
{
	struct text t = bin_v1(bin_sample, 4);
	struct result res;
	size_t clen;
	unsigned char *c;

	run_stdin(t.s, t.len, TRACE_AUTO, &res);
	ck_assert_msg(!res.failed, "%s", res.msg);
	ck_assert_int_eq(res.format, TRACE_BINARY);
	ck_assert_uint_eq(res.n, 4);
	ck_assert(memcmp(res.recs, bin_sample, sizeof bin_sample) == 0);
	result_free(&res);

	c = zstd_bytes(t.s, t.len, &clen);
	run_stdin(c, clen, TRACE_BINARY, &res);
	ck_assert_msg(!res.failed, "%s", res.msg);
	ck_assert_uint_eq(res.n, 4);
	ck_assert(memcmp(res.recs, bin_sample, sizeof bin_sample) == 0);
	result_free(&res);
	free(c);

	run_stdin(t.s, t.len - 1, TRACE_AUTO, &res);
	ck_assert_uint_eq(res.n, 3);
	ck_assert_str_eq(res.msg, "<stdin>: record 4: truncated record (the input ends after 15 of its 16 bytes)");
	result_free(&res);
	free(t.s);
}
END_TEST

/* A version-3 file made by hand: the header, then codes. */
static struct text bin_v3(const char *codes, size_t len)
{
	struct text t = bin_bytes(3, TRACE_BINARY_HEADER_SIZE, TRACE_BINARY_RECORD_SIZE, 0, NULL, 0);

	text_add(&t, codes, len);
	return t;
}

/* recs[0..n) as a version-3 file, coded by trace_binary3_encode. */
static struct text bin3_of(const struct trace_rec *recs, size_t n)
{
	struct text t = bin_v3("", 0);
	struct trace_binary3_state st = {0};
	unsigned char out[TRACE_BINARY3_MAX_OUT];

	for (size_t i = 0; i < n; i++)
		text_add(&t, out, trace_binary3_encode(&st, &recs[i], out));
	text_add(&t, out, trace_binary3_flush(&st, out));
	return t;
}

/* Flip random bytes of a binary trace (version 1, then 3), plain or compressed: records that
 * pass are valid, errors name the file; nothing crashes. */
START_TEST(t_binary_fuzz)
{
	size_t n = 3000;
	struct trace_rec *recs = program_like(random_recs(n), n);
	struct text t1 = bin_v1(recs, n), t3 = bin3_of(recs, n);

	for (int round = 0; round < 600; round++) {
		const struct text t = round < 300 ? t1 : t3;
		unsigned char *m = malloc(t.len), *data = m;
		size_t len = t.len - (round % 5 == 0 ? rnd_below(40) : 0), clen = len;
		struct trace_options o = opts(round % 2 ? TRACE_AUTO : TRACE_BINARY);
		struct result res;

		memcpy(m, t.s, t.len);
		for (int k = 1 + (int)rnd_below(8); k > 0; k--)
			m[rnd_below(round % 3 ? len : 48)] ^= (unsigned char)(1 + rnd_below(255));
		if (round % 4 == 3)
			data = zstd_bytes(m, len, &clen);
		o.skip_bad = round % 3 == 0;
		o.va_bits = 32 + (unsigned)rnd_below(33);
		run_data(data, clen, &o, NULL, &res);
		if (res.failed)
			ck_assert(strncmp(res.msg, res.path, strlen(res.path)) == 0);
		for (size_t i = 0; i < res.n; i++) {
			QUIET_ASSERT(res.recs[i].size >= 1 && res.recs[i].op <= OP_FETCH && res.recs[i].pid >= 1 &&
				     res.recs[i].flags == 0);
			if (o.va_bits < 64)
				QUIET_ASSERT(res.recs[i].addr + res.recs[i].size - 1 < UINT64_C(1) << o.va_bits);
			else
				QUIET_ASSERT(res.recs[i].addr + res.recs[i].size - 1 >= res.recs[i].addr);
		}
		result_free(&res);
		if (data != m)
			free(data);
		free(m);
	}
	free(t1.s);
	free(t3.s);
	free(recs);
}
END_TEST


/* Five records coded by hand (traces/FORMAT.md, "Version 3 records"). */
static const char v3_codes[] = "\xc4\x01\x80\x40" /* R, size 1 in the tag, pid 1, delta +0x1000 (zigzag 0x2000) */
			       "\x92\x80\x80\x01" /* X, size 4, delta +0x2000 from fetch's 0 (zigzag 0x4000) */
			       "\x12"		  /* X, size 4, at the end of the last fetch: 0x2004 */
			       "\x17";		  /* a run: 2 more of the last */

/* What v3_codes say. */
static const struct trace_rec v3_want[] = {
    {.addr = 0x1000, .pid = 1, .size = 1, .op = OP_READ},  {.addr = 0x2000, .pid = 1, .size = 4, .op = OP_FETCH},
    {.addr = 0x2004, .pid = 1, .size = 4, .op = OP_FETCH}, {.addr = 0x2004, .pid = 1, .size = 4, .op = OP_FETCH},
    {.addr = 0x2004, .pid = 1, .size = 4, .op = OP_FETCH},
};

START_TEST(t_binary3_by_hand)
{
	struct text t = bin_v3(v3_codes, sizeof v3_codes - 1);
	struct trace_binary3_state st = {0};
	unsigned char out[8 * TRACE_BINARY3_MAX_OUT];
	size_t k = 0;
	static const size_t ones[] = {1, 0};

	expect_bin_records(&t, ones, v3_want, ARRAY_LEN(v3_want));
	/* The encoder writes exactly these codes. */
	for (size_t i = 0; i < ARRAY_LEN(v3_want); i++)
		k += trace_binary3_encode(&st, &v3_want[i], out + k);
	k += trace_binary3_flush(&st, out + k);
	ck_assert_uint_eq(k, sizeof v3_codes - 1);
	ck_assert(memcmp(out, v3_codes, k) == 0);
	free(t.s);
}
END_TEST

/* The version-3 reader marks repeats as it decodes (trace_repeats_of);
 * read_all checks every batch's marks against pageref_mark_repeats. Here
 * the stream changes process every 3 records on the same few pages, and
 * its accesses cross page ends, in batches of several sizes, with pages
 * of 256 bytes and of 4 KiB; no record repeats the last exactly, so no
 * run tag makes the reader mark the batch again. */
START_TEST(t_binary3_repeat_marks)
{
	enum { N = 5000 };
	static struct trace_rec recs[N];
	static const size_t batches[] = {4096, 1, 37, 700, 0};
	struct text t;

	for (size_t i = 0; i < N; i++)
		recs[i] = (struct trace_rec){
			.addr = (i % 5 == 0 ? 0x2000 : 0x1000) + (i * 13) % 0x1000 - 2, .pid = 1 + (uint32_t)(i / 3 % 2),
			.size = 4, .op = (uint8_t)(i % 3),
		};
	t = bin3_of(recs, N);
	for (unsigned shift = 8; shift <= 12; shift += 4) {
		struct trace_options o = opts(TRACE_AUTO);
		struct result res;

		o.page_shift = shift;
		run_data(t.s, t.len, &o, batches, &res);
		ck_assert_msg(!res.failed, "%s", res.msg);
		ck_assert_uint_eq(res.n, N);
		result_free(&res);
	}
	/* The marks are handed out when asked for, and only then. */
	for (unsigned ask = 0; ask <= 1; ask++) {
		char *path = write_tmp(t.s, t.len);
		struct trace_options o = opts(TRACE_AUTO);
		struct ps_error err;
		struct trace_reader *r;
		struct trace_rec buf[64];
		unsigned shift = 0;

		o.mark_repeats = ask;
		o.page_shift = 8;
		r = trace_open(path, &o, &err);
		ck_assert_msg(r != NULL, "%s", err.msg);
		ck_assert_int_eq(trace_read(r, buf, 64, &err), 64);
		if (ask) {
			ck_assert_ptr_nonnull(trace_repeats_of(r, &shift));
			ck_assert_uint_eq(shift, 8);
		} else {
			ck_assert_ptr_null(trace_repeats_of(r, &shift));
		}
		trace_close(r);
		unlink(path);
		free(path);
	}
	free(t.s);
}
END_TEST

/* Damaged version-3 codes: the records before, then an error naming the
 * record after them; skip_bad skips none of these (the coding is lost). */
START_TEST(t_binary3_errors)
{
	static const struct {
		const char *tail;
		size_t len;
		const char *why;
	} cases[] = {
	    {"\xc4\x01\x80", 3, ": record 6: truncated record (the input ends 3 bytes into its coding)"},
	    {"\x03\x00\x10", 3, ": record 6: truncated record (the input ends 3 bytes into its coding)"},
	    {"\x0b", 1, ": record 6: corrupt version-3 record: tag 0x0b is reserved"},
	    {"\x07\x00", 2, ": record 6: corrupt version-3 record: a run of other than 1..1024 records"},
	    {"\x07\x81\x08", 3, ": record 6: corrupt version-3 record: a run of other than 1..1024 records"},
	    {"\x00\x80\x80\x04", 4,
	     ": record 6: corrupt version-3 record (tag 0x00): a field is over 10 bytes or out of range"},
	    {"\xc4\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\x01", 12,
	     ": record 6: corrupt version-3 record (tag 0xc4): a field is over 10 bytes or out of range"},
	};

	for (size_t c = 0; c < ARRAY_LEN(cases); c++) {
		struct text t = bin_v3(v3_codes, sizeof v3_codes - 1);

		text_add(&t, cases[c].tail, cases[c].len);
		expect_bin_error_of(&t, TRACE_AUTO, false, v3_want, 5, cases[c].why);
		expect_bin_error_of(&t, TRACE_BINARY, true, v3_want, 5, cases[c].why);
		free(t.s);
	}
	/* In-range values the validation refuses: a run before any access
	 * repeats a zeroed record (size 0); pid 0. These skip_bad skips. */
	{
		struct text t = bin_v3("\x0f", 1);

		expect_bin_error(&t, TRACE_AUTO, false, 0, ": record 1: size 0 (must be 1..65535)");
		free(t.s);
		t = bin_v3("\xc4\x00\x02", 3);
		expect_bin_error(&t, TRACE_AUTO, false, 0, ": record 1: pid 0 (must be 1..4294967295)");
		free(t.s);
	}
	/* The same in the middle of a long stream of accesses (v3_codes
	 * without its run), where the decoder's fast loop validates as it
	 * decodes (trace_binary3_check): a size 0 and a pid 0 from varints,
	 * and an address beyond 32 bits. */
	{
		static const struct {
			const char *code;
			size_t len;
			unsigned va_bits;
			const char *why;
		} mid[] = {
		    {"\x00\x00", 2, 48, ": record 4: size 0 (must be 1..65535)"},
		    {"\x44\x00", 2, 48, ": record 4: pid 0 (must be 1..4294967295)"},
		    {"\x84\x80\x80\x80\x80\x20", 6, 32,
		     ": record 4: address 0x100001001 is beyond the 32-bit virtual address space"},
		};

		for (size_t c = 0; c < ARRAY_LEN(mid); c++) {
			struct text t = bin_v3(v3_codes, sizeof v3_codes - 2);

			text_add(&t, mid[c].code, mid[c].len);
			for (int k = 0; k < 64; k++)
				text_add(&t, "\x12", 1); /* fetches after it: the fast loop's room */
			expect_bin_error_va(&t, mid[c].va_bits, v3_want, 3, mid[c].why);
			free(t.s);
		}
	}
}
END_TEST

Suite *make_trace_binary_suite(void)
{
	const TTest *const bin_tests[] = {
		t_binary_layout, t_binary_roundtrip, t_binary_convert, t_binary_convert_fails_cleanly,
		t_binary_header_errors, t_binary_record_errors, t_binary_skip_many, t_binary_lines_by_number,
		t_binary_truncated,
		t_binary_stdin, t_binary_fuzz, t_binary3_by_hand, t_binary3_repeat_marks, t_binary3_errors
	};
	Suite *s = suite_create("trace_binary");

	SUITE_ADD_TESTS(s, "binary", 300, bin_tests);
	return s;
}
