/*
 * trace_binary.h - pagesim's compact binary trace format (traces/FORMAT.md,
 * section "binary"): a versioned header, then fixed-size little-endian
 * records that mirror struct trace_rec byte for byte.
 *
 * This module knows the layout: it checks a header, turns file records
 * into host records (a no-op on little-endian hosts) and validates them,
 * and it writes the format. trace.c owns the reading: it finds the magic
 * after decompression and reads the records straight into the caller's
 * array, with no line machinery.
 */
#ifndef PAGESIM_TRACE_BINARY_H
#define PAGESIM_TRACE_BINARY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "error.h"
#include "outfile.h"
#include "trace.h"

#define TRACE_BINARY_MAGIC "PGSIMBIN" /* 8 bytes, no terminator in the file */
#define TRACE_BINARY_MAGIC_LEN 8
#define TRACE_BINARY_VERSION 1
#define TRACE_BINARY_HEADER_SIZE 32   /* the header this version writes */
#define TRACE_BINARY_HEADER_MAX 4096  /* the largest header_size a reader accepts */
#define TRACE_BINARY_RECORD_SIZE 16

/* Do the n bytes at p start with the magic? (False when n < 8.) */
bool trace_binary_sniff(const void *p, size_t n);

/* Check the header at p, of which n bytes are available (the whole file
 * if it is shorter than TRACE_BINARY_HEADER_MAX), after the magic has been
 * seen. Returns the header size (the offset of the first record), or 0
 * with why set to the reason, without "FILE: " ("unsupported binary trace
 * version 2 (this pagesim reads version 1)"). */
size_t trace_binary_check_header(const void *p, size_t n, char *why, size_t why_len);

/* Write the header of this version into out. */
void trace_binary_header(unsigned char out[TRACE_BINARY_HEADER_SIZE]);

/* One record from / to its 16 file bytes, by explicit byte assembly:
 * correct on any host (the bulk functions below use them on big-endian
 * hosts, and memcpy on little-endian ones). */
void trace_binary_get(const unsigned char *p, struct trace_rec *rec);
void trace_binary_put(const struct trace_rec *rec, unsigned char *p);

/* Turn n records read from a file, in place, into host records. */
void trace_binary_to_host(struct trace_rec *recs, size_t n);

/* Encode n records into out (16 * n bytes). */
void trace_binary_encode(const struct trace_rec *recs, size_t n, unsigned char *out);

/* The index of the first of recs[0..n) that version 1 refuses (an unknown
 * op, a nonzero flags byte, size 0, pid 0, or bytes at or beyond
 * addr_max + 1 = 2^va_bits), or n if all are valid. */
size_t trace_binary_find_bad(const struct trace_rec *recs, size_t n, uint64_t addr_max);

/* Why trace_binary_find_bad refused rec, without "FILE: record N: ". */
void trace_binary_why(const struct trace_rec *rec, unsigned va_bits, char *why, size_t why_len);

/* Write the header to out. Returns 0 or -1 with err set. */
int trace_binary_write_header(struct outfile *out, struct ps_error *err);

/* Append n records to out. Returns 0 or -1 with err set. */
int trace_binary_write(struct outfile *out, const struct trace_rec *recs, size_t n, struct ps_error *err);

/* What trace_binary_convert did. */
struct trace_binary_stats {
	const char *format; /* the input's format name */
	uint64_t records;   /* records written */
	uint64_t skipped;   /* input records or lines skipped (skip_bad) */
	uint64_t bytes;     /* bytes of the output (compressed, if it is) */
	char first_skip[PS_ERROR_MAX];
};

/* Read the trace at in (any format the readers accept, opened with opt)
 * and write it in the binary format to out, an outfile path ("-", or
 * compressed by its .gz or .zst suffix, written whole or not at all).
 * Fills *st. Returns 0, or -1 with err set (and no out left behind). */
int trace_binary_convert(const char *in, const struct trace_options *opt, const char *out,
			 struct trace_binary_stats *st, struct ps_error *err);

#endif
