/*
 * fuzz_compress.c - libFuzzer harness: the gzip and zstd framing.
 *
 * Input: a compressed trace as it would be on disk (gzip members, zstd
 * frames, skippable frames), starting with a gzip or zstd magic (others
 * are rejected). It is opened with format detection and skip_bad, so what
 * is tested is the decompression and its end-of-stream rules, not the
 * text parsers (fuzz_text). Inputs that expand past FUZZ_MAX_TEXT (64 KiB)
 * are rejected. A zstd frame whose window is over 64 KiB (as the zstd
 * program writes a stream of unknown size: 2 or 8 MiB) makes the reader
 * allocate that window, which under ASan costs ~20 times the rest of the
 * input; only one such input in 16 (by a hash of its bytes) is decoded.
 * The first frame's header is all this looks at: a later frame's window
 * is bounded by the fuzz build's limit of 1 MiB (trace_source.c), past
 * which the reader refuses the frame (a 128 MiB window, zstd's default
 * limit, cost 18 ms an input under ASan and slowed the campaign 10-fold).
 */
#include "config.h"

#include <string.h>

#define ZSTD_STATIC_LINKING_ONLY /* ZSTD_getFrameHeader */
#include <zstd.h>

#include "fuzz_common.h"

/* Decompressed bytes an input may expand to: enough for several refills of
 * the reader's buffer (8 KiB in fuzz builds) and the raw buffer (4 KiB);
 * more only measures the text parsers, which fuzz_text covers. */
#define FUZZ_MAX_TEXT (64u << 10)

/* Does data start with a zstd frame asking for a window over 64 KiB? */
static bool big_window(const uint8_t *data, size_t size)
{
	ZSTD_frameHeader h;

	return size >= 4 && memcmp(data, "\x28\xb5\x2f\xfd", 4) == 0 && ZSTD_getFrameHeader(&h, data, size) == 0 &&
	       h.windowSize > (64u << 10);
}

static uint32_t hash(const uint8_t *data, size_t size)
{
	uint32_t h = 2166136261u;

	for (size_t i = 0; i < size; i++)
		h = (h ^ data[i]) * 16777619u;
	return h;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const struct trace_options opt = {
	    .name = FUZZ_NAME, .format = TRACE_AUTO, .skip_bad = true, .va_bits = 48, .page_shift = FUZZ_PAGE_SHIFT};
	struct fuzz_decoded d;

	if (!fuzz_is_compressed(data, size) || (big_window(data, size) && hash(data, size) % 16 != 0) ||
	    fuzz_too_big(data, size, FUZZ_MAX_TEXT))
		return -1;
	fuzz_decode(fuzz_store(data, size), &opt, 0xff, 0, NULL, NULL, &d);
	return 0;
}
