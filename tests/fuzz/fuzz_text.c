/*
 * fuzz_text.c - libFuzzer harness: one decoding of a text trace.
 *
 * Input: [options][batch sizes][text]. The options byte picks the format
 * (bits 0-2: lackey, addr-rw, pages, native, auto, and lackey, native,
 * pages again), skip_bad (bit 3), va_bits (bits 4-5: 32, 39, 48, 64) and
 * the page size (bits 6-7: 4 KiB, 256 B, 64 KiB, 1 GiB); the second byte
 * the batch sizes trace_read_batch is called with (2 bits a call: 1, 2, 3
 * or 4096). The text is decoded once, every record and event checked
 * (fuzz_common.c). Compressed text is left to fuzz_compress.
 */
#include "config.h"

#include "fuzz_common.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const enum trace_format formats[8] = {TRACE_LACKEY, TRACE_ADDR_RW, TRACE_PAGES, TRACE_NATIVE,
						     TRACE_AUTO,   TRACE_LACKEY,  TRACE_NATIVE, TRACE_PAGES};
	static const unsigned va_bits[4] = {32, 39, 48, 64}, page_shift[4] = {12, 8, 16, 30};
	struct trace_options opt = {.name = FUZZ_NAME};
	struct fuzz_decoded d;

	if (size < 2)
		return -1;
	if (fuzz_is_compressed(data + 2, size - 2))
		return -1; /* fuzz_compress's inputs */
	opt.format = formats[data[0] & 7];
	opt.skip_bad = data[0] & 8;
	opt.va_bits = va_bits[(data[0] >> 4) & 3];
	opt.page_shift = page_shift[data[0] >> 6];
	fuzz_decode(fuzz_store(data + 2, size - 2), &opt, data[1], 0, NULL, NULL, &d);
	return 0;
}
