/*
 * outfile.h - an output file written whole or not at all, optionally
 * compressed: what `pagesim gen` and `pagesim convert` write traces with.
 *
 * A named output PATH is written as PATH.tmp.PID and renamed into place by
 * outfile_close() only when everything was written, so an error or a
 * signal (SIGINT, SIGTERM, SIGHUP) never leaves a half-written
 * PATH behind: while a named outfile is open, those signals remove the
 * temporary file and then kill the process as before. The file is flushed
 * to disk before the rename and its directory after it. A symbolic link
 * is followed (its target is replaced, the link stays); an existing PATH
 * that is not a regular file (a FIFO, /dev/null, /dev/full) is written
 * through, never replaced (files_resolve_output). A name ending in
 * ".gz" is gzip-compressed (zlib's default level 6), one ending in ".zst"
 * zstd-compressed (level 3, with a checksum). "-" is standard output,
 * never compressed and never closed.
 *
 * The signal handlers are process-wide, so at most one named outfile may
 * be open at a time.
 */
#ifndef PAGESIM_OUTFILE_H
#define PAGESIM_OUTFILE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "util/error.h"

struct outfile;

/* Open path for writing as described above. Returns NULL with err set
 * ("cannot create PATH: reason", ...) on failure. */
struct outfile *outfile_open(const char *path, struct ps_error *err);

/* Append n bytes (compressed if the name says so). Returns 0 or -1 with
 * err set ("cannot write PATH: reason"). */
int outfile_write(struct outfile *f, const void *buf, size_t n, struct ps_error *err);

/* Finish the output and free f. With ok, end the compressed stream, close
 * the file and rename it into place; without ok (the caller failed), or if
 * any of that fails, remove the temporary file instead. Stores the bytes
 * the output holds in *bytes (when not NULL; the size of the file as
 * written, compressed or not). Returns 0, or -1 (with err set unless ok
 * was false). */
int outfile_close(struct outfile *f, bool ok, uint64_t *bytes, struct ps_error *err);

#endif
