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
 *
 * When the options byte names lackey (not auto), the text is also parsed
 * in memory twice, with lackey's fast path and by the general grammar
 * alone (parse_ctx.general_only), bad lines stepped over: the two must
 * give the same records, errors and line numbers.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz_common.h"
#include "trace/trace_parse.h"

/* Parse text[0..len) (ending in '\n') as lackey, stepping over bad lines,
 * into recs (room for len + 2) and the refused lines' numbers and
 * messages into log; returns the records. */
static size_t parse_all(const char *text, size_t len, unsigned va_bits, bool general_only, struct trace_rec *recs,
			uint64_t *lines, char *log, size_t log_len)
{
	struct parse_ctx c;
	const char *p = text, *end = text + len;
	size_t n = 0, used = 0;

	trace_parse_init(&c, TRACE_LACKEY, va_bits, 12);
	c.general_only = general_only;
	log[0] = '\0';
	while (p < end) {
		n += trace_parse_batch(&c, &p, end, recs + n, lines + n, 2 + (len - n) % 7);
		if (c.status != PARSE_OK) {
			used += (size_t)snprintf(log + used, log_len - used, "%llu:%d:%s\n",
						 (unsigned long long)c.line, (int)c.status, c.why);
			if (used >= log_len)
				used = log_len - 1;
			trace_parse_skip_line(&c, &p, end);
		}
	}
	return n;
}

/* The lackey fast path against the general grammar (see the top). */
static void lackey_paths_agree(const uint8_t *data, size_t size, unsigned va_bits)
{
	char *text = malloc(size + 1), log[2][4096];
	struct trace_rec *recs[2] = {calloc(size + 2, sizeof *recs[0]), calloc(size + 2, sizeof *recs[1])};
	uint64_t *lines[2] = {calloc(size + 2, sizeof *lines[0]), calloc(size + 2, sizeof *lines[1])};
	size_t n[2];

	if (text == NULL || recs[0] == NULL || recs[1] == NULL || lines[0] == NULL || lines[1] == NULL)
		abort();
	memcpy(text, data, size);
	text[size] = '\n';
	for (int general = 0; general < 2; general++)
		n[general] = parse_all(text, size + 1, va_bits, general, recs[general], lines[general], log[general],
				       sizeof log[general]);
	if (n[0] != n[1] || memcmp(recs[0], recs[1], n[0] * sizeof *recs[0]) != 0 ||
	    memcmp(lines[0], lines[1], n[0] * sizeof *lines[0]) != 0 || strcmp(log[0], log[1]) != 0)
		abort();
	free(text);
	free(recs[0]);
	free(recs[1]);
	free(lines[0]);
	free(lines[1]);
}

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
	if (opt.format == TRACE_LACKEY)
		lackey_paths_agree(data + 2, size - 2, opt.va_bits);
	return 0;
}
