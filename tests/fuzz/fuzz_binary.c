/*
 * fuzz_binary.c - libFuzzer harness: one decoding of a binary trace.
 *
 * Input: [options][batch sizes][file]. Options: skip_bad (bit 0), va_bits
 * (bits 1-2: 32, 39, 48, 64), page size (bits 3-4: 4 KiB, 256 B, 64 KiB,
 * 1 GiB); the second byte as in fuzz_text. The file is read as
 * --format binary; when it does not start with the magic "PGSIMBIN", the
 * magic is put in front, so every input reaches the header check.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "fuzz_common.h"
#include "trace/trace_binary.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const unsigned va_bits[4] = {32, 39, 48, 64}, page_shift[4] = {12, 8, 16, 30};
	static uint8_t buf[TRACE_BINARY_MAGIC_LEN + (1u << 20)];
	struct trace_options opt = {.name = FUZZ_NAME, .format = TRACE_BINARY};
	const uint8_t *file;
	size_t len;
	struct fuzz_decoded d;

	if (size < 2)
		return -1;
	file = data + 2;
	len = size - 2;
	if (len < TRACE_BINARY_MAGIC_LEN || memcmp(file, TRACE_BINARY_MAGIC, TRACE_BINARY_MAGIC_LEN) != 0) {
		if (len > sizeof buf - TRACE_BINARY_MAGIC_LEN)
			return -1;
		memcpy(buf, TRACE_BINARY_MAGIC, TRACE_BINARY_MAGIC_LEN);
		memcpy(buf + TRACE_BINARY_MAGIC_LEN, file, len);
		file = buf;
		len += TRACE_BINARY_MAGIC_LEN;
	}
	opt.skip_bad = data[0] & 1;
	opt.va_bits = va_bits[(data[0] >> 1) & 3];
	opt.page_shift = page_shift[(data[0] >> 3) & 3];
	fuzz_decode(fuzz_store(file, len), &opt, data[1], 0, NULL, NULL, &d);
	return 0;
}
