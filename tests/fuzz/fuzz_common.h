/*
 * fuzz_common.h - what the libFuzzer harnesses in tests/fuzz/ share: the
 * memfd an input goes through to reach the readers as a file, the
 * decompression-bomb guard, and one checked decoding of a trace.
 *
 * Each harness does one decoding (or one load, one parse) per input and
 * takes its few options from the input's first byte(s), so it runs at
 * thousands of executions per second; tests/fuzz_trace.c keeps the
 * cross-checks between decodings, sampled. Built only with ./configure
 * CC=clang --enable-fuzzing, against a copy of the trace readers built with
 * PAGESIM_FUZZ_SMALL_BUFFERS (small line and raw buffers); run them with
 * scripts/fuzz NAME.
 */
#ifndef PAGESIM_FUZZ_COMMON_H
#define PAGESIM_FUZZ_COMMON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "trace/trace.h"
#include "trace/trace_event.h"

#define FUZZ_PAGE_SHIFT 12
#define FUZZ_NAME "fuzz.trace"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* A broken contract: print "HARNESS: what" and abort (libFuzzer reports a
 * crash). */
void fuzz_fail(const char *fmt, ...) __attribute__((format(printf, 1, 2), noreturn));

/* Store data in the harness's memfd (made on first use) and return the
 * path that opens it, /proc/self/fd/N. */
const char *fuzz_store(const uint8_t *data, size_t size);

/* Does data start with the gzip or a zstd (or skippable frame) magic? */
bool fuzz_is_compressed(const uint8_t *data, size_t size);

/* Is data a compressed stream that expands past limit bytes (a bomb only
 * measures the parser's speed)? */
bool fuzz_too_big(const uint8_t *data, size_t size, size_t limit);

/* What one checked decoding produced. */
struct fuzz_decoded {
	bool opened, failed;
	enum trace_format format;
	uint64_t records, events, skipped;
};

/* Check the event placeholder r of a trace in format f, read at line,
 * against its table t and traces/FORMAT.md; abort (fuzz_fail) if it
 * breaks a rule. index numbers it in messages. */
void fuzz_check_event(const struct trace_rec *r, const struct trace_events *t, uint64_t line, enum trace_format f,
		      unsigned va_bits, unsigned page_shift, uint64_t index);

/* Check access record r of a trace in format f against traces/FORMAT.md
 * (fields, the address space, what each format can hold); abort if it
 * breaks a rule. */
void fuzz_check_rec(const struct trace_rec *r, enum trace_format f, unsigned va_bits, unsigned page_shift,
		    uint64_t index);

/* Called with each batch a decoding hands out (after its checks), the
 * reader still open (its event table alive). */
typedef void fuzz_batch_fn(void *ctx, const struct trace_batch *b);

/* Open path with opt and read it to the end (or its error) in batches
 * whose sizes cycle through the low bits of batch_pattern (1..4096),
 * checking every record and event against traces/FORMAT.md and the
 * reader's contract (lines go up, -1 is sticky and has a message, skips
 * only with skip_bad). Each batch goes to fn when it is not NULL. Stops
 * after max_records records (0: no limit). */
void fuzz_decode(const char *path, const struct trace_options *opt, unsigned batch_pattern, uint64_t max_records,
		 fuzz_batch_fn *fn, void *ctx, struct fuzz_decoded *out);

#endif
