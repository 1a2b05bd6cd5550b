/*
 * trace_helpers.h - fixtures shared by the trace reader suites
 * (check_trace_*.c): temporary files, byte strings, reading a whole trace
 * into a result, expected records and errors, compressed bytes, a
 * deterministic random stream, and sample traces of each kind.
 *
 * Fixtures are written with mkstemp under $TESTTMP (or /tmp) and unlinked
 * as soon as they are open.
 */
#ifndef PAGESIM_TRACE_HELPERS_H
#define PAGESIM_TRACE_HELPERS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "util/error.h"
#include "trace/trace.h"

/* A growing byte string, always NUL-terminated; {0} is empty. */
struct text {
	char *s;
	size_t len, cap;
};

/* Records read from one trace, or the error that stopped it. */
struct result {
	struct trace_rec *recs;
	size_t n, cap;
	bool opened; /* trace_open succeeded */
	bool failed; /* open or read returned an error */
	char msg[PS_ERROR_MAX];
	enum trace_format format;
	uint64_t skipped;
	char first_skip[PS_ERROR_MAX];
	char path[4096]; /* the fixture's path */
};

/* A single bad line and the message it must give (check_bad_lines). */
struct bad_line {
	const char *line;
	const char *why;
};

/* A compressor: data[0..len) to a malloc'd stream of *out_len bytes. */
typedef unsigned char *compress_fn(const void *data, size_t len, size_t *out_len);

/* The directory for temporary files: $TESTTMP if set (created if need
 * be), else /tmp. */
const char *tmp_base(void);
/* Write len bytes to a new temporary file; return its malloc'd path. */
char *write_tmp(const void *data, size_t len);
/* A fresh path under the temporary directory, ending in suffix (no file
 * is left there); malloc'd. */
char *tmp_name(const char *suffix);

/* Append n bytes at p to t. */
void text_add(struct text *t, const void *p, size_t n);
/* Append a formatted line (under 512 bytes) to t. */
void __attribute__((format(printf, 2, 3))) text_addf(struct text *t, const char *fmt, ...);

/* Options for format f: 4 KiB pages, 48-bit addresses, repeat marks
 * (read_all checks them). */
struct trace_options opts(enum trace_format f);
/* Read everything from r in batches of sizes drawn from batch[] in turn
 * (0-terminated; NULL means 4096), into res; checks that errors stick and
 * that the end stays the end. */
void read_all(struct trace_reader *r, const size_t *batch, struct result *res);
/* Open the file at path with o and read it all in batches (see read_all);
 * a trace that does not open leaves res->failed and res->msg set. */
void run_path(const char *path, const struct trace_options *o, const size_t *batch, struct result *res);
/* Write data to a fixture, open it with o and read it all into res. */
void run_data(const void *data, size_t len, const struct trace_options *o, const size_t *batch,
	      struct result *res);
/* run_data() on the string s with opts(f). */
void run_text(const char *s, enum trace_format f, struct result *res);
/* Open "-" with data as standard input and read it all. */
void run_stdin(const void *data, size_t len, enum trace_format f, struct result *res);
/* Free what res holds. */
void result_free(struct result *res);
/* Check that res ended with exactly "PATH<suffix>". */
void expect_error(const struct result *res, const char *suffix);
/* Check record i of res: address, size, operation and pid, no flags. */
void expect_rec(const struct result *res, size_t i, uint64_t addr, unsigned size, enum access_op op,
		uint32_t pid);
/* A record as expect_rec checks it. */
struct want_rec {
	uint64_t addr;
	unsigned size;
	enum access_op op;
	uint32_t pid;
};
/* Read text as format f, then detected: each time it must read without
 * error, as format f, exactly the n records of want. */
void expect_text_recs(const char *text, enum trace_format f, const struct want_rec *want, size_t n);
/* For each entry of bad (ended by a NULL line): the text header (if not
 * NULL), good, the bad line, good again, read with opts(f) and va_bits,
 * must give the first good record and then exactly "PATH:N: <why>" on the
 * bad line; with skip_bad the bad line is skipped and counted instead
 * (unless the error is fatal). */
void check_bad_lines(enum trace_format f, const char *header, const char *good,
		     const struct bad_line *bad, unsigned va_bits);

/* gzip-compress data as one member. */
unsigned char *gzip_bytes(const void *data, size_t len, size_t *out_len);
/* zstd-compress data as one frame. */
unsigned char *zstd_bytes(const void *data, size_t len, size_t *out_len);
/* Compress data in `parts` pieces (members or frames) one after another. */
unsigned char *compress_parts(compress_fn *fn, const char *data, size_t len, unsigned parts,
			      size_t *out_len);

/* Deterministic pseudo-random numbers (xorshift64*), the same sequence in
 * every test (each runs in its own process). */
uint64_t rnd(void);
/* A deterministic pseudo-random number below n. */
uint64_t rnd_below(uint64_t n);

/* A small lackey trace: banner lines, I, L, S and M records. */
extern const char lackey_sample[];
/* Check that res is lackey_sample's six records. */
void check_lackey_sample(const struct result *res);

/* Make random records for format f and the text that encodes them (about
 * lines lines, CRLF endings if crlf), in varied spellings; returns the
 * text, and the records in *recs_out[0..*n_out). */
char *random_trace(enum trace_format f, size_t lines, bool crlf, struct trace_rec **recs_out,
		   size_t *n_out);

/* The bytes of a binary trace: a header (with version, header size,
 * record size and flags as given, padded to header_size when that is
 * sane) and then recs[0..n) encoded. */
struct text bin_bytes(uint32_t version, uint32_t header_size, uint32_t record_size, uint32_t flags,
		      const struct trace_rec *recs, size_t n);

#endif
