/*
 * fuzz_binary.c - libFuzzer harness: one decoding of a binary trace.
 *
 * Input: [options][batch sizes][file]. Options: skip_bad (bit 0), va_bits
 * (bits 1-2: 32, 39, 48, 64), page size (bits 3-4: 4 KiB, 256 B, 64 KiB,
 * 1 GiB), version-3 codes (bit 5), events allowed (bit 6), no repeat
 * marks (bit 7: fuzz_decode checks the marks made); the second
 * byte as in fuzz_text. The file is read as --format binary; when it does
 * not start with the magic "PGSIMBIN", the magic is put in front, so every
 * input reaches the header check -- or with bit 5 a whole version-3 header
 * (with flag 0x1 if bit 6), so that every input is decoded as version-3
 * codes.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "fuzz_common.h"
#include "trace/trace_binary.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const unsigned va_bits[4] = {32, 39, 48, 64}, page_shift[4] = {12, 8, 16, 30};
	static uint8_t buf[TRACE_BINARY_HEADER_SIZE + (1u << 20)];
	struct trace_options opt = {.name = FUZZ_NAME, .format = TRACE_BINARY};
	const uint8_t *file;
	size_t len;
	struct fuzz_decoded d;

	if (size < 2)
		return -1;
	file = data + 2;
	len = size - 2;
	if (len < TRACE_BINARY_MAGIC_LEN || memcmp(file, TRACE_BINARY_MAGIC, TRACE_BINARY_MAGIC_LEN) != 0) {
		size_t head = data[0] & 0x20 ? TRACE_BINARY_HEADER_SIZE : TRACE_BINARY_MAGIC_LEN;

		if (len > sizeof buf - head)
			return -1;
		trace_binary_header(buf, 3, data[0] & 0x40 ? TRACE_BINARY_FLAG_EVENTS : 0);
		memcpy(buf + head, file, len);
		file = buf;
		len += head;
	}
	opt.skip_bad = data[0] & 1;
	opt.va_bits = va_bits[(data[0] >> 1) & 3];
	opt.page_shift = page_shift[(data[0] >> 3) & 3];
	opt.mark_repeats = !(data[0] & 0x80);
	fuzz_decode(fuzz_store(file, len), &opt, data[1], 0, NULL, NULL, &d);
	return 0;
}
