/*
 * trace_source.h - the bytes of a trace, decompressed.
 *
 * A source is a file or standard input ("-"), read sequentially and never
 * seeked, so a pipe works as well as a file. The first bytes are peeked
 * into a buffer to recognise gzip (1f 8b) or zstd (28 b5 2f fd, or the
 * 5? 2a 4d 18 of a skippable frame) by their magic numbers; the file name
 * plays no part. Concatenated gzip members and zstd frames are read as
 * one stream. A compressed stream that stops in the middle, or is
 * corrupt, is an error, never a crash and never a silent end.
 */
#ifndef PAGESIM_TRACE_SOURCE_H
#define PAGESIM_TRACE_SOURCE_H

#include <stddef.h>
#include <sys/types.h>

#include "util/error.h"

enum trace_compression {
	TRACE_PLAIN = 0,
	TRACE_GZIP,
	TRACE_ZSTD,
};

struct trace_source;

/* Open path ("-" is standard input, which is not closed later) and detect
 * its compression. name is how errors call the file ("<stdin>" for "-");
 * the source keeps the pointer, so it must outlive the source. Returns NULL
 * with err set to "NAME: reason" on failure. */
struct trace_source *trace_source_open(const char *path, const char *name, struct ps_error *err);

/* Copy up to n decompressed bytes into buf (n > 0). Returns the number of
 * bytes (> 0), 0 at the clean end of the stream, or -1 with err set to
 * "NAME: reason" (read error, truncated or corrupt compressed data). */
ssize_t trace_source_read(struct trace_source *s, char *buf, size_t n, struct ps_error *err);

/* The compression detected by trace_source_open. */
enum trace_compression trace_source_compression(const struct trace_source *s);

/* "plain", "gzip" or "zstd". */
const char *trace_compression_name(enum trace_compression c);

/* Close the file (not standard input) and free the source. NULL is ignored. */
void trace_source_close(struct trace_source *s);

#endif
