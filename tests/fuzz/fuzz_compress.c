/*
 * fuzz_compress.c - libFuzzer harness: the gzip and zstd framing.
 *
 * Input: a compressed trace as it would be on disk (gzip members, zstd
 * frames, skippable frames), starting with a gzip or zstd magic (others
 * are rejected). It is opened with format detection and skip_bad, so what
 * is tested is the decompression and its end-of-stream rules, not the
 * text parsers (fuzz_text). Inputs that expand past FUZZ_MAX_TEXT bytes
 * are rejected.
 */
#include "config.h"

#include "fuzz_common.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const struct trace_options opt = {
	    .name = FUZZ_NAME, .format = TRACE_AUTO, .skip_bad = true, .va_bits = 48, .page_shift = FUZZ_PAGE_SHIFT};
	struct fuzz_decoded d;

	if (!fuzz_is_compressed(data, size) || fuzz_too_big(data, size))
		return -1;
	fuzz_decode(fuzz_store(data, size), &opt, 0xff, 0, NULL, NULL, &d);
	return 0;
}
