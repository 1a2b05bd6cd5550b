/*
 * trace_source.c - plain, gzip and zstd byte sources.
 *
 * Every source reads the file through one raw buffer. trace_source_open()
 * fills it with at least the four bytes a magic number needs (or the whole
 * file, if shorter), so detection never seeks and standard input works.
 * Plain sources hand out the peeked bytes first and then read(2) straight
 * into the caller's buffer; compressed ones decompress from the raw buffer
 * into the caller's buffer.
 *
 * End of stream: a gzip member must reach Z_STREAM_END and a zstd frame
 * must be complete (ZSTD_decompressStream returned 0) when the file ends;
 * anything else is "truncated". After a gzip member, further bytes must
 * start another member; after a zstd frame, the decoder takes the next
 * frame (or skippable frame) by itself.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <zlib.h>
#include <zstd.h>

#include "trace/trace_source.h"

#ifdef PAGESIM_FUZZ_SMALL_BUFFERS
#define RAW_SIZE (4 * 1024) /* fuzz harnesses: see trace.c's TRACE_BUF_SIZE */
#else
#define RAW_SIZE (128 * 1024)
#endif

struct trace_source {
	int fd;
	bool own_fd; /* false for standard input */
	const char *name;
	enum trace_compression comp;
	unsigned char *raw;	 /* RAW_SIZE bytes of file data */
	size_t raw_pos, raw_len; /* unread bytes are raw[raw_pos .. raw_len) */
	bool raw_eof;		 /* read(2) has returned 0 */

	/* gzip */
	z_stream zs;
	bool zs_ready;	 /* inflateInit2 succeeded */
	bool in_member;	 /* inside a gzip member */
	bool any_member; /* at least one member has started */

	/* zstd */
	ZSTD_DStream *zd;
	size_t zd_hint; /* last ZSTD_decompressStream result; 0 = between frames */
};

/* Fill raw[raw_len ..] by one read(2), retrying on EINTR. Returns 0 (with
 * raw_eof set when the file ended) or -1 with err set. Bytes before raw_pos
 * are dropped first. */
static int source_fill_raw(struct trace_source *s, struct ps_error *err)
{
	ssize_t got;

	if (s->raw_pos > 0) {
		memmove(s->raw, s->raw + s->raw_pos, s->raw_len - s->raw_pos);
		s->raw_len -= s->raw_pos;
		s->raw_pos = 0;
	}
	do
		got = read(s->fd, s->raw + s->raw_len, RAW_SIZE - s->raw_len);
	while (got < 0 && errno == EINTR);
	if (got < 0)
		return ps_error_set(err, "%s: read error: %s", s->name, strerror(errno));
	if (got == 0)
		s->raw_eof = true;
	s->raw_len += (size_t)got;
	return 0;
}

/* Plain source: the peeked bytes, then the file itself. Returns bytes
 * copied, 0 at end of file, -1 on a read error. */
static ssize_t source_read_plain(struct trace_source *s, char *buf, size_t n, struct ps_error *err)
{
	ssize_t got;

	if (s->raw_pos < s->raw_len) {
		size_t k = s->raw_len - s->raw_pos;

		if (k > n)
			k = n;
		memcpy(buf, s->raw + s->raw_pos, k);
		s->raw_pos += k;
		return (ssize_t)k;
	}
	if (s->raw_eof)
		return 0;
	do
		got = read(s->fd, buf, n);
	while (got < 0 && errno == EINTR);
	if (got < 0)
		return ps_error_set(err, "%s: read error: %s", s->name, strerror(errno));
	if (got == 0)
		s->raw_eof = true;
	return got;
}

/* Gzip source: inflate until at least one byte is produced. Returns bytes
 * produced, 0 when the file ends between members, -1 when it ends inside
 * one or the data is corrupt. */
static ssize_t source_read_gzip(struct trace_source *s, char *buf, size_t n, struct ps_error *err)
{
	z_stream *z = &s->zs;

	if (n > UINT_MAX)
		n = UINT_MAX;
	z->next_out = (Bytef *)buf;
	z->avail_out = (uInt)n;
	while (z->avail_out == n) {
		int ret;

		if (s->raw_pos == s->raw_len) {
			if (!s->raw_eof && source_fill_raw(s, err) < 0)
				return -1;
			if (s->raw_pos == s->raw_len) {
				if (s->in_member)
					return ps_error_set(err, "%s: truncated gzip stream", s->name);
				return 0;
			}
		}
		if (!s->in_member) {
			if (s->any_member && s->raw[s->raw_pos] != 0x1f)
				return ps_error_set(
				    err, "%s: corrupt gzip stream (garbage after the compressed data)",
				    s->name);
			if (inflateReset(z) != Z_OK)
				return ps_error_set(err, "%s: corrupt gzip stream", s->name);
			s->in_member = true;
			s->any_member = true;
		}
		z->next_in = s->raw + s->raw_pos;
		z->avail_in = (uInt)(s->raw_len - s->raw_pos);
		ret = inflate(z, Z_NO_FLUSH);
		s->raw_pos = s->raw_len - z->avail_in;
		if (ret == Z_STREAM_END) {
			s->in_member = false;
		} else if (ret == Z_MEM_ERROR) {
			return ps_error_set(err, "%s: out of memory decompressing gzip data", s->name);
		} else if (ret != Z_OK && ret != Z_BUF_ERROR) {
			return ps_error_set(err, "%s: corrupt gzip stream (%s)", s->name,
					    z->msg != NULL ? z->msg : "bad data");
		}
	}
	return (ssize_t)(n - z->avail_out);
}

/* Zstd source: decompress until at least one byte is produced. Returns
 * bytes produced, 0 when the file ends between frames, -1 when it ends
 * inside one or the data is corrupt. */
static ssize_t source_read_zstd(struct trace_source *s, char *buf, size_t n, struct ps_error *err)
{
	ZSTD_outBuffer out = {buf, n, 0};

	for (;;) {
		ZSTD_inBuffer in = {s->raw + s->raw_pos, s->raw_len - s->raw_pos, 0};
		size_t ret;

		if (in.size == 0 && !s->raw_eof) {
			if (source_fill_raw(s, err) < 0)
				return -1;
			continue;
		}
		if (in.size == 0 && s->zd_hint == 0)
			return 0; /* the file ended between frames */
		ret = ZSTD_decompressStream(s->zd, &out, &in);
		s->raw_pos += in.pos;
		if (ZSTD_isError(ret))
			return ps_error_set(err, "%s: corrupt zstd stream (%s)", s->name,
					    ZSTD_getErrorName(ret));
		s->zd_hint = ret;
		if (out.pos > 0)
			return (ssize_t)out.pos;
		if (in.pos == 0) { /* no progress: more input, or there is none */
			if (s->raw_eof)
				return ps_error_set(err, "%s: truncated zstd stream", s->name);
			if (source_fill_raw(s, err) < 0)
				return -1;
		}
	}
}

ssize_t trace_source_read(struct trace_source *s, char *buf, size_t n, struct ps_error *err)
{
	switch (s->comp) {
	case TRACE_GZIP:
		return source_read_gzip(s, buf, n, err);
	case TRACE_ZSTD:
		return source_read_zstd(s, buf, n, err);
	case TRACE_PLAIN:
		break;
	}
	return source_read_plain(s, buf, n, err);
}

/* Set up the decoder for s->comp. Returns 0, or -1 with err set. */
static int source_init_decoder(struct trace_source *s, struct ps_error *err)
{
	if (s->comp == TRACE_GZIP) {
		memset(&s->zs, 0, sizeof s->zs);
		if (inflateInit2(&s->zs, 15 + 32) != Z_OK)
			return ps_error_set(err, "%s: cannot start gzip decompression", s->name);
		s->zs_ready = true;
	} else if (s->comp == TRACE_ZSTD) {
		s->zd = ZSTD_createDStream();
		if (s->zd == NULL || ZSTD_isError(ZSTD_initDStream(s->zd)))
			return ps_error_set(err, "%s: cannot start zstd decompression", s->name);
#ifdef PAGESIM_FUZZ_SMALL_BUFFERS
		/* Fuzz builds: a frame may ask for a window of up to 1 MiB, not
		 * zstd's default 128 MiB, which under ASan costs ~20 ms an input
		 * to allocate (a larger one fails as too much memory). */
		if (ZSTD_isError(ZSTD_DCtx_setParameter(s->zd, ZSTD_d_windowLogMax, 20)))
			return ps_error_set(err, "%s: cannot start zstd decompression", s->name);
#endif
	}
	return 0;
}

/* Do the four bytes at p start a zstd skippable frame (magic 0x184D2A5?,
 * little-endian)? The zstd decoder steps over such frames. */
static bool source_is_skippable_frame(const unsigned char *p)
{
	return (p[0] & 0xf0) == 0x50 && p[1] == 0x2a && p[2] == 0x4d && p[3] == 0x18;
}

/* The compressor that made the n bytes at p, when it is one pagesim does
 * not read (bzip2: "BZh" and a block size; xz: 0xfd "7zX"), else NULL. No
 * trace format starts so: without this, the format detection would call
 * the bytes garbage. */
static const char *source_unread_compression(const unsigned char *p, size_t n)
{
	if (n >= 4 && memcmp(p, "BZh", 3) == 0 && p[3] >= '1' && p[3] <= '9')
		return "bzip2";
	if (n >= 4 && memcmp(p, "\xfd" "7zX", 4) == 0)
		return "xz";
	return NULL;
}

struct trace_source *trace_source_open(const char *path, const char *name, struct ps_error *err)
{
	static const unsigned char gzip_magic[2] = {0x1f, 0x8b};
	static const unsigned char zstd_magic[4] = {0x28, 0xb5, 0x2f, 0xfd};
	struct trace_source *s = calloc(1, sizeof *s);
	struct stat st;
	const char *unread; /* a compression pagesim does not read */

	if (s == NULL || (s->raw = malloc(RAW_SIZE)) == NULL) {
		ps_error_set(err, "%s: out of memory", name);
		goto fail;
	}
	s->name = name;
	s->fd = -1;
	if (strcmp(path, "-") == 0) {
		s->fd = STDIN_FILENO;
	} else {
		s->fd = open(path, O_RDONLY | O_CLOEXEC);
		if (s->fd < 0) {
			ps_error_set(err, "%s: %s", name, strerror(errno));
			goto fail;
		}
		s->own_fd = true;
	}
	if (fstat(s->fd, &st) == 0 && S_ISDIR(st.st_mode)) {
		ps_error_set(err, "%s: %s", name, strerror(EISDIR));
		goto fail;
	}
	while (s->raw_len < sizeof zstd_magic && !s->raw_eof)
		if (source_fill_raw(s, err) < 0)
			goto fail;
	if ((unread = source_unread_compression(s->raw, s->raw_len)) != NULL) {
		ps_error_set(err, "%s: compressed with %s, which pagesim does not read; decompress it, or "
			     "compress it with gzip or zstd", name, unread);
		goto fail;
	}
	if (s->raw_len >= 2 && memcmp(s->raw, gzip_magic, 2) == 0)
		s->comp = TRACE_GZIP;
	else if (s->raw_len >= 4 && (memcmp(s->raw, zstd_magic, 4) == 0 || source_is_skippable_frame(s->raw)))
		s->comp = TRACE_ZSTD;
	if (source_init_decoder(s, err) < 0)
		goto fail;
	return s;
fail:
	trace_source_close(s);
	return NULL;
}

enum trace_compression trace_source_compression(const struct trace_source *s)
{
	return s->comp;
}

const char *trace_compression_name(enum trace_compression c)
{
	switch (c) {
	case TRACE_GZIP:
		return "gzip";
	case TRACE_ZSTD:
		return "zstd";
	case TRACE_PLAIN:
		break;
	}
	return "plain";
}

void trace_source_close(struct trace_source *s)
{
	if (s == NULL)
		return;
	if (s->zs_ready)
		inflateEnd(&s->zs);
	ZSTD_freeDStream(s->zd);
	if (s->own_fd)
		close(s->fd);
	free(s->raw);
	free(s);
}
