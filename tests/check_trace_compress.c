/*
 * check_trace_compress.c - gzip and zstd framing (trace_source.c): magic
 * detection, single and multi-part streams, truncation at every point,
 * bare magic, corrupt and trailing bytes, and random corruption.
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
#include "trace/trace_event.h"
#include "trace/trace_source.h"
#include "trace_helpers.h"

/* ---- compression ------------------------------------------------------- */

START_TEST(t_source_detects_magic)
{
	static const char text[] = " L 10,4\n";
	struct ps_error err;
	size_t glen, zlen;
	unsigned char *gz = gzip_bytes(text, 8, &glen);
	unsigned char *zs = zstd_bytes(text, 8, &zlen);
	static const struct {
		const char *name;
		enum trace_compression want;
	} names[] = {{"plain", TRACE_PLAIN}, {"gzip", TRACE_GZIP}, {"zstd", TRACE_ZSTD}};
	const void *data[] = {text, gz, zs};
	size_t len[] = {8, glen, zlen};

	for (int i = 0; i < 3; i++) {
		/* The name says nothing: every fixture is called ".txt". */
		char *path = write_tmp(data[i], len[i]);
		struct trace_source *s = trace_source_open(path, "x.txt", &err);
		char buf[64];
		ssize_t got, total = 0;

		ck_assert_ptr_nonnull(s);
		ck_assert_int_eq(trace_source_compression(s), names[i].want);
		while ((got = trace_source_read(s, buf + total, 1, &err)) > 0)
			total += got;
		ck_assert_int_eq(got, 0);
		ck_assert_int_eq(total, 8);
		ck_assert(memcmp(buf, text, 8) == 0);
		trace_source_close(s);
		unlink(path);
		free(path);
	}
	free(gz);
	free(zs);
}
END_TEST

/* Every compression, single and multi-part, gives the plain records. */
START_TEST(t_compressed_roundtrip)
{
	struct text t = {0};
	struct result plain, res;
	struct trace_options o = opts(TRACE_AUTO);
	compress_fn *fns[] = {gzip_bytes, zstd_bytes};

	for (int i = 0; i < 120000; i++)
		text_addf(&t, "%s %x,%d\n", i % 3 ? " L" : "I ", i * 64, 1 + i % 16);
	run_data(t.s, t.len, &o, NULL, &plain);
	ck_assert(!plain.failed);
	ck_assert_uint_eq(plain.n, 120000);
	for (int f = 0; f < 2; f++)
		for (unsigned parts = 1; parts <= 4; parts += 3) {
			size_t clen;
			unsigned char *c = compress_parts(fns[f], t.s, t.len, parts, &clen);

			run_data(c, clen, &o, NULL, &res);
			ck_assert_msg(!res.failed, "%s", res.msg);
			ck_assert_int_eq(res.format, TRACE_LACKEY);
			ck_assert_uint_eq(res.n, plain.n);
			ck_assert(memcmp(res.recs, plain.recs, plain.n * sizeof *plain.recs) == 0);
			result_free(&res);
			free(c);
		}
	/* Empty members and frames are harmless. */
	for (int f = 0; f < 2; f++) {
		size_t l1, l2, l3;
		unsigned char *e1 = fns[f]("", 0, &l1);
		unsigned char *d = fns[f](" L 10,4\n", 8, &l2);
		unsigned char *e2 = fns[f]("", 0, &l3);
		struct text all = {0};

		text_add(&all, e1, l1);
		text_add(&all, d, l2);
		text_add(&all, e2, l3);
		run_data(all.s, all.len, &o, NULL, &res);
		ck_assert_msg(!res.failed, "%s", res.msg);
		ck_assert_uint_eq(res.n, 1);
		result_free(&res);
		free(e1);
		free(d);
		free(e2);
		free(all.s);
	}
	result_free(&plain);
	free(t.s);
}
END_TEST

/* Cut a compressed stream short at many points: always "truncated", or
 * (for cuts inside a header) "corrupt", never a clean end or a crash. */
static void check_truncations(compress_fn *fn, const char *what, enum trace_format f)
{
	struct text t = {0};
	size_t clen;
	unsigned char *c;
	char want[64];

	for (int i = 0; i < 3000; i++)
		text_addf(&t, " S %x,8\n", i * 4096);
	c = compress_parts(fn, t.s, t.len, 2, &clen);
	snprintf(want, sizeof want, ": truncated %s stream", what);
	for (size_t cut = 4; cut < clen; cut += 1 + clen / 97) {
		struct trace_options o = opts(f);
		struct result res;

		o.skip_bad = true; /* which does not hide a broken stream */
		run_data(c, cut, &o, NULL, &res);
		ck_assert_msg(res.failed, "cut at %zu of %zu: no error", cut, clen);
		ck_assert_msg(strstr(res.msg, want) != NULL, "cut at %zu: %s", cut, res.msg);
		ck_assert_uint_le(res.n, 3000);
		for (size_t i = 0; i < res.n; i++)
			expect_rec(&res, i, (uint64_t)i * 4096, 8, OP_WRITE, 1);
		result_free(&res);
	}
	/* The last byte missing: exactly the truncation message. */
	{
		struct trace_options o = opts(TRACE_LACKEY);
		struct result res;

		run_data(c, clen - 1, &o, NULL, &res);
		expect_error(&res, want);
		result_free(&res);
	}
	free(c);
	free(t.s);
}

START_TEST(t_gzip_truncated)
{
	check_truncations(gzip_bytes, "gzip", TRACE_LACKEY);
	check_truncations(gzip_bytes, "gzip", TRACE_AUTO);
}
END_TEST

START_TEST(t_zstd_truncated)
{
	check_truncations(zstd_bytes, "zstd", TRACE_LACKEY);
	check_truncations(zstd_bytes, "zstd", TRACE_AUTO);
}
END_TEST

START_TEST(t_magic_only)
{
	struct trace_options o = opts(TRACE_LACKEY);
	struct result res;

	run_data("\x1f\x8b", 2, &o, NULL, &res);
	expect_error(&res, ": truncated gzip stream");
	result_free(&res);
	run_data("\x28\xb5\x2f\xfd", 4, &o, NULL, &res);
	expect_error(&res, ": truncated zstd stream");
	result_free(&res);
	/* Not quite a magic number: plain text (and a bad line). */
	run_data("\x1f\x8c\n", 3, &o, NULL, &res);
	expect_error(&res, ":1: expected a lackey record such as ' L 04222cd0,8'");
	result_free(&res);
}
END_TEST

START_TEST(t_compressed_corrupt_and_trailing)
{
	static const char text[] = " L 10,4\n S 20,8\n";
	struct trace_options o = opts(TRACE_LACKEY);
	struct result res;
	size_t glen, zlen;
	unsigned char *gz = gzip_bytes(text, strlen(text), &glen);
	unsigned char *zs = zstd_bytes(text, strlen(text), &zlen);
	struct text t = {0};

	/* Garbage after the last member or frame. */
	text_add(&t, gz, glen);
	text_add(&t, "junk", 4);
	run_data(t.s, t.len, &o, NULL, &res);
	expect_error(&res, ": corrupt gzip stream (garbage after the compressed data)");
	result_free(&res);
	t.len = 0;
	text_add(&t, zs, zlen);
	text_add(&t, "junk", 4);
	run_data(t.s, t.len, &o, NULL, &res);
	ck_assert(res.failed);
	ck_assert_msg(strstr(res.msg, ": corrupt zstd stream (") != NULL, "%s", res.msg);
	result_free(&res);

	/* A damaged checksum. */
	gz[glen - 5] ^= 0xff;
	run_data(gz, glen, &o, NULL, &res);
	expect_error(&res, ": corrupt gzip stream (incorrect data check)");
	result_free(&res);
	free(gz);
	free(zs);
	free(t.s);
}
END_TEST

/* Flip random bytes of compressed streams: errors or (rarely) wrong text,
 * but never a crash, a hang or a read past the buffers (run under ASan or
 * valgrind to see the last). */
START_TEST(t_compressed_fuzz)
{
	struct text t = {0};
	compress_fn *fns[] = {gzip_bytes, zstd_bytes};

	for (int i = 0; i < 2000; i++)
		text_addf(&t, " L %x,%d\n", i * 7919, 1 + i % 8);
	for (int f = 0; f < 2; f++) {
		size_t clen;
		unsigned char *c = compress_parts(fns[f], t.s, t.len, 2, &clen);

		for (int round = 0; round < 150; round++) {
			unsigned char *m = malloc(clen);
			struct trace_options o = opts(round % 2 ? TRACE_AUTO : TRACE_LACKEY);
			struct result res;

			memcpy(m, c, clen);
			for (int k = 1 + (int)rnd_below(4); k > 0; k--)
				m[2 + rnd_below(clen - 2)] ^= (unsigned char)(1 + rnd_below(255));
			o.skip_bad = round % 3 == 0;
			run_data(m, clen, &o, NULL, &res);
			if (res.failed)
				ck_assert(strncmp(res.msg, res.path, strlen(res.path)) == 0);
			result_free(&res);
			free(m);
		}
		free(c);
	}
	free(t.s);
}
END_TEST

Suite *make_trace_compress_suite(void)
{
	const TTest *const tc_tests[] = {
		t_source_detects_magic, t_magic_only, t_compressed_corrupt_and_trailing
	};
	const TTest *const big_tests[] = {
		t_compressed_roundtrip, t_gzip_truncated, t_zstd_truncated, t_compressed_fuzz
	};
	Suite *s = suite_create("trace_compress");

	SUITE_ADD_TESTS(s, "formats", 0, tc_tests);
	/* Bigger inputs: allow time for valgrind and sanitizers. */
	SUITE_ADD_TESTS(s, "streams", 300, big_tests);
	return s;
}
