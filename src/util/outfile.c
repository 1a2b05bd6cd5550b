/*
 * outfile.c - whole-or-nothing output files, plain, gzip or zstd.
 *
 * Bytes go to the descriptor by write(2) (retrying short writes and
 * EINTR), through a zlib gzFile on a duplicate of the descriptor for
 * ".gz", or through a zstd stream context for ".zst". The compressed forms
 * do not depend on how the caller splits its writes.
 */
#include "config.h"

#include <assert.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>
#include <zstd.h>

#include "util/files.h"
#include "util/outfile.h"

#define OUTFILE_ZSTD_LEVEL 3

/* SIGXFSZ is not among them: main() ignores it, so a write past the
 * file-size limit fails with EFBIG and goes the error path. */
static const int outfile_signals[] = { SIGINT, SIGTERM, SIGHUP };
#define OUTFILE_NSIGNALS (sizeof outfile_signals / sizeof outfile_signals[0])

struct outfile {
	enum { SINK_PLAIN, SINK_GZIP, SINK_ZSTD } kind;
	int fd;
	bool to_stdout;
	bool direct;	  /* written through: not a regular file (files_resolve_output) */
	const char *name; /* for messages: the path, or "standard output" */
	char *path;	  /* the final name, a link resolved (NULL for standard output) */
	uint64_t bytes;	  /* written to fd by write_all */
	gzFile gz;
	ZSTD_CCtx *zc;
	char *zbuf;
	size_t zcap;
	struct sigaction saved[OUTFILE_NSIGNALS];
};

/* The temporary file the signal handler removes ("" when none). */
static char outfile_tmp_path[PATH_MAX];

/* On one of outfile_signals: remove the temporary file, then die of the
 * same signal. Only async-signal-safe calls. */
static void outfile_on_signal(int sig)
{
	if (outfile_tmp_path[0] != '\0')
		unlink(outfile_tmp_path);
	signal(sig, SIG_DFL);
	raise(sig);
}

/* Install (or, with restore, put back) the handlers of outfile_signals. */
static void outfile_trap_signals(struct sigaction *saved, bool restore)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof sa);
	sa.sa_handler = outfile_on_signal;
	sigemptyset(&sa.sa_mask);
	for (size_t i = 0; i < OUTFILE_NSIGNALS; i++) {
		if (restore)
			sigaction(outfile_signals[i], &saved[i], NULL);
		else
			sigaction(outfile_signals[i], &sa, &saved[i]);
	}
}

/* Does s end with suffix? */
static bool ends_with(const char *s, const char *suffix)
{
	size_t n = strlen(s), k = strlen(suffix);

	return n >= k && strcmp(s + n - k, suffix) == 0;
}

/* Write all n bytes of buf to f's descriptor, retrying short writes and
 * EINTR. Returns 0 or -1 with err set. */
static int write_all(struct outfile *f, const char *buf, size_t n, struct ps_error *err)
{
	while (n > 0) {
		ssize_t k = write(f->fd, buf, n);

		if (k < 0 && errno == EINTR)
			continue;
		if (k < 0)
			return ps_error_set(err, "cannot write %s: %s", f->name, strerror(errno));
		buf += k;
		n -= (size_t)k;
		f->bytes += (uint64_t)k;
	}
	return 0;
}

/* Set up f's compressor for f->kind. Returns 0 or -1 with err set. */
static int start_compressor(struct outfile *f, struct ps_error *err)
{
	if (f->kind == SINK_GZIP) {
		int dup_fd = dup(f->fd);

		if (dup_fd < 0 || (f->gz = gzdopen(dup_fd, "wb")) == NULL) {
			if (dup_fd >= 0)
				close(dup_fd);
			return ps_error_set(err, "cannot start gzip output for %s", f->name);
		}
		gzbuffer(f->gz, 1u << 18);
	} else if (f->kind == SINK_ZSTD) {
		f->zcap = ZSTD_CStreamOutSize();
		f->zc = ZSTD_createCCtx();
		f->zbuf = malloc(f->zcap);
		if (f->zc == NULL || f->zbuf == NULL ||
		    ZSTD_isError(ZSTD_CCtx_setParameter(f->zc, ZSTD_c_compressionLevel, OUTFILE_ZSTD_LEVEL)) ||
		    ZSTD_isError(ZSTD_CCtx_setParameter(f->zc, ZSTD_c_checksumFlag, 1)))
			return ps_error_set(err, "cannot start zstd output for %s", f->name);
	}
	return 0;
}

/* Release f and everything it holds (not the descriptor); remove the
 * temporary file when remove_tmp, and put the signal handlers back. */
static void outfile_free(struct outfile *f, bool remove_tmp)
{
	if (!f->to_stdout && !f->direct) {
		if (remove_tmp)
			unlink(outfile_tmp_path);
		outfile_trap_signals(f->saved, true);
		outfile_tmp_path[0] = '\0';
	}
	ZSTD_freeCCtx(f->zc);
	free(f->zbuf);
	free(f->path);
	free(f);
}

/* Open f->path itself for writing (not a regular file: a FIFO, a device).
 * Returns 0, or -1 with err set and f freed. */
static int outfile_open_direct(struct outfile *f, struct ps_error *err)
{
	f->fd = files_open_direct(f->path);
	if (f->fd >= 0)
		return 0;
	ps_error_set(err, "cannot write %s: %s", f->path, strerror(errno));
	outfile_free(f, false);
	return -1;
}

/* Create f->path's temporary file, with the signal handlers that remove
 * it. Returns 0, or -1 with err set and f freed. */
static int outfile_open_tmp(struct outfile *f, struct ps_error *err)
{
	if ((size_t)snprintf(outfile_tmp_path, sizeof outfile_tmp_path, "%s.tmp.%ld", f->path,
			     (long)getpid()) >= sizeof outfile_tmp_path) {
		outfile_tmp_path[0] = '\0';
		ps_error_set(err, "output name too long: %s", f->path);
		free(f->path);
		free(f);
		return -1;
	}
	outfile_trap_signals(f->saved, false);
	f->fd = open(outfile_tmp_path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0666);
	if (f->fd >= 0)
		return 0;
	ps_error_set(err, "cannot create %s: %s", f->path, strerror(errno));
	outfile_free(f, false);
	return -1;
}

struct outfile *outfile_open(const char *path, struct ps_error *err)
{
	struct outfile *f = calloc(1, sizeof *f);

	if (f == NULL) {
		ps_error_set(err, "out of memory");
		return NULL;
	}
	f->to_stdout = strcmp(path, "-") == 0;
	f->kind = SINK_PLAIN;
	if (f->to_stdout) {
		f->fd = STDOUT_FILENO;
		f->name = "standard output";
	} else {
		assert(outfile_tmp_path[0] == '\0' && "outfile_open: another named outfile is open");
		if (ends_with(path, ".gz"))
			f->kind = SINK_GZIP;
		else if (ends_with(path, ".zst"))
			f->kind = SINK_ZSTD;
		if (files_resolve_output(path, &f->path, &f->direct, err) < 0) {
			free(f->path);
			free(f);
			return NULL;
		}
		f->name = f->path;
		if (f->direct ? outfile_open_direct(f, err) < 0 : outfile_open_tmp(f, err) < 0)
			return NULL;
	}
	if (start_compressor(f, err) < 0) {
		if (!f->to_stdout)
			close(f->fd);
		outfile_free(f, true);
		return NULL;
	}
	return f;
}

/* Compress in through f's zstd context with mode, writing what comes out.
 * Returns 0 or -1 with err set. */
static int write_zstd(struct outfile *f, const void *buf, size_t n, ZSTD_EndDirective mode,
		      struct ps_error *err)
{
	ZSTD_inBuffer in = { buf, n, 0 };
	bool done;

	do {
		ZSTD_outBuffer out = { f->zbuf, f->zcap, 0 };
		size_t left = ZSTD_compressStream2(f->zc, &out, &in, mode);

		if (ZSTD_isError(left))
			return ps_error_set(err, "zstd compression of %s failed: %s", f->name,
					    ZSTD_getErrorName(left));
		if (write_all(f, f->zbuf, out.pos, err) < 0)
			return -1;
		done = mode == ZSTD_e_end ? left == 0 : in.pos == in.size;
	} while (!done);
	return 0;
}

int outfile_write(struct outfile *f, const void *buf, size_t n, struct ps_error *err)
{
	switch (f->kind) {
	case SINK_GZIP:
		while (n > 0) { /* gzwrite takes an unsigned count */
			unsigned k = n > (1u << 30) ? 1u << 30 : (unsigned)n;

			if (gzwrite(f->gz, buf, k) != (int)k) {
				int zerr;
				const char *msg = gzerror(f->gz, &zerr);

				return ps_error_set(err, "cannot write %s: %s", f->name,
						    zerr == Z_ERRNO ? strerror(errno) : msg);
			}
			buf = (const char *)buf + k;
			n -= k;
		}
		return 0;
	case SINK_ZSTD:
		return write_zstd(f, buf, n, ZSTD_e_continue, err);
	default:
		return write_all(f, buf, n, err);
	}
}

int outfile_close(struct outfile *f, bool ok, uint64_t *bytes, struct ps_error *err)
{
	int rc = ok ? 0 : -1;
	struct stat st;

	if (!ok)
		err = NULL; /* the caller's error stands */
	if (f->kind == SINK_GZIP) {
		int zrc = gzclose(f->gz);

		if (rc == 0 && zrc != Z_OK)
			rc = ps_error_set(err, "cannot finish the gzip stream of %s", f->name);
		if (rc == 0 && fstat(f->fd, &st) == 0)
			f->bytes = (uint64_t)st.st_size; /* gzip wrote through its own descriptor */
	} else if (f->kind == SINK_ZSTD && rc == 0) {
		rc = write_zstd(f, NULL, 0, ZSTD_e_end, err);
	}
	if (rc == 0 && !f->to_stdout && !f->direct && fsync(f->fd) != 0 && errno != EINVAL)
		rc = ps_error_set(err, "cannot write %s: %s", f->name, strerror(errno));
	if (!f->to_stdout && close(f->fd) != 0 && rc == 0)
		rc = ps_error_set(err, "cannot write %s: %s", f->name, strerror(errno));
	if (rc == 0 && !f->to_stdout && !f->direct) {
		if (rename(outfile_tmp_path, f->path) != 0)
			rc = ps_error_set(err, "cannot write %s: %s", f->path, strerror(errno));
		else
			rc = files_sync_dir_of(f->path, err);
	}
	if (bytes != NULL)
		*bytes = f->bytes;
	outfile_free(f, rc != 0);
	return rc;
}
