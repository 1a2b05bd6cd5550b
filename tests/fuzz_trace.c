/*
 * fuzz_trace.c - libFuzzer harness for the trace readers and the replay.
 *
 * Built only by ./configure CC=clang --enable-fuzzing; run it through
 * scripts/fuzz. Each input is written to a memfd and opened as
 * /proc/self/fd/N, so it goes through the same open/read/decompress path as
 * a trace on disk (gzip and zstd inputs are recognised by their magic, so
 * the decompressors get fuzzed too).
 *
 * Every input is decoded 24 times: in each format (auto, lackey, addr-rw,
 * pages, native, binary), with and without skip_bad, with va_bits 32 and
 * 48, and with the batch size of trace_read_batch() cycling through 1, 2, 3
 * and a full batch, so a modify record split over two calls and an event
 * at a batch boundary are exercised. Errors are expected; what the harness
 * checks is the contract:
 *
 *  - every record obeys traces/FORMAT.md: op and size in range, flags 0,
 *    pid >= 1, every byte below 2^va_bits, and the per-format shape
 *    (pages: a 1-byte read of a page start, addr-rw and lackey: pid 1);
 *    an event placeholder (native and binary only) has size 0, its kind
 *    in flags and its pid, and indexes an event of that kind in the
 *    reader's table that trace_event_check accepts, read at its line;
 *  - lines never go backwards (binary: record numbers always go up);
 *  - trace_read never returns more than asked, and after -1 only -1, with
 *    a message;
 *  - skip_bad only ever adds records: without it the records are a prefix
 *    of those with it, and a trace read cleanly both ways is read the same;
 *  - auto detection decodes exactly as the detected format given
 *    explicitly (the two fill the buffer differently).
 *
 * The first accesses of each skip_bad decoding are then replayed through
 * a small machine with one registered policy, picked by the input's hash
 * (4 frames, a swap device of 8 slots; for one input in 8 also one with a
 * roomy swap device), OPT with its look-ahead, and the counters are
 * checked against the identities in sim.h.
 *
 * This is the heavy, sampled harness: 24 decodings an input, kept for the
 * cross-checks between them. Each input path has its own fast harness in
 * tests/fuzz/ (fuzz_text, fuzz_binary, fuzz_compress, fuzz_machine, ...),
 * one decoding or replay an input; fuzz there first. Events are
 * left out of the replay: the identities checked here are those of
 * anonymous memory (an event may kill a process, whose later references
 * are then not counted).
 *
 * A broken check aborts, which libFuzzer reports as a crash. Inputs that
 * decompress to more than FUZZ_MAX_TEXT bytes are rejected (a 4 KiB zstd
 * frame can expand to 100+ MiB, which only measures the parser's speed);
 * set FUZZ_TRACE_MAX_TEXT to raise the limit, e.g. to replay real traces.
 */
#include "config.h"

#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include <zlib.h>
#include <zstd.h>

#include "replay/future.h"
#include "policies/registry.h"
#include "machine/sim.h"
#include "trace/trace.h"
#include "trace/trace_event.h"
#include "fuzz/fuzz_common.h"

#define FUZZ_MAX_TEXT (4u << 20) /* decompressed bytes, default limit */
#define FUZZ_MAX_RECS 4096       /* records kept for the replay */
#define FUZZ_FRAMES 4
#define FUZZ_SWAP_SLOTS 8
#define FUZZ_BIG_SWAP 1024

/* What one decoding of the input produced. */
struct fuzz_run {
	bool opened;
	enum trace_format format; /* as reported by the reader */
	bool failed;              /* trace_read returned -1 */
	char msg[PS_ERROR_MAX];   /* the open or read error */
	uint64_t records;
	uint64_t events;          /* ... of which event placeholders */
	uint64_t hash;            /* of all records (and events), in order */
	uint64_t skipped;
	/* For the skip_bad run: the hash of its first prefix_len records. */
	uint64_t prefix_len, prefix_hash;
	size_t kept; /* records stored in fuzz_recs */
};

static const char *fuzz_path; /* the memfd holding the input (fuzz_store) */
static size_t fuzz_max_text = FUZZ_MAX_TEXT;
static struct trace_rec fuzz_recs[FUZZ_MAX_RECS];
static struct trace_rec fuzz_batch[4096];
static uint64_t fuzz_lines[4096];

/* Read the decompression limit from the environment, once. */
static void fuzz_setup(void)
{
	static bool done;
	const char *limit = getenv("FUZZ_TRACE_MAX_TEXT");

	if (done)
		return;
	done = true;
	if (limit != NULL && *limit != '\0')
		fuzz_max_text = (size_t)strtoull(limit, NULL, 0);
}

/* ---- decoding ---- */

/* Fold one record into h (FNV-1a over its fields). */
static uint64_t fuzz_hash_rec(uint64_t h, const struct trace_rec *r)
{
	const uint64_t fields[4] = {r->addr, r->pid, r->size, (uint64_t)r->op << 8 | r->flags};

	for (unsigned i = 0; i < 4; i++)
		for (unsigned b = 0; b < 64; b += 8) {
			h ^= (fields[i] >> b) & 0xff;
			h *= UINT64_C(0x100000001b3);
		}
	return h;
}

/* Fold an event into h: every field but its line, strings included. */
static uint64_t fuzz_hash_event(uint64_t h, const struct trace_event *ev)
{
	const uint64_t fields[9] = {ev->kind, ev->prot, ev->backing, ev->shared, ev->pid, ev->child,
				    ev->addr ^ ev->len, ev->offset, ev->max};
	const char *strs[2] = {ev->name != NULL ? ev->name : "", ev->file != NULL ? ev->file : ""};

	for (unsigned i = 0; i < 9; i++)
		for (unsigned b = 0; b < 64; b += 8) {
			h ^= (fields[i] >> b) & 0xff;
			h *= UINT64_C(0x100000001b3);
		}
	for (unsigned i = 0; i < 2; i++)
		for (const char *p = strs[i];; p++) {
			h ^= (unsigned char)*p;
			h *= UINT64_C(0x100000001b3);
			if (*p == '\0')
				break;
		}
	return h;
}

/* Open the input (in the memfd) with opt for cross_decode. On failure keep
 * the message in run and return NULL; otherwise check what the reader
 * says of its format and its events, note them in run, return it. */
static struct trace_reader *fuzz_open(const struct trace_options *opt, struct fuzz_run *run)
{
	struct ps_error err = {{0}};
	struct trace_reader *r = trace_open(fuzz_path, opt, &err);

	if (r == NULL) {
		if (err.msg[0] == '\0')
			fuzz_fail("trace_open failed without a message");
		snprintf(run->msg, sizeof run->msg, "%s", err.msg);
		return NULL;
	}
	run->opened = true;
	run->format = trace_format_of(r);
	if (trace_events_of(r) == NULL)
		fuzz_fail("trace_events_of is NULL");
	if (trace_may_have_events(r) && run->format != TRACE_NATIVE && run->format != TRACE_BINARY)
		fuzz_fail("a %s trace may have events", trace_format_name(run->format));
	if (run->format == TRACE_AUTO || (opt->format != TRACE_AUTO && run->format != opt->format))
		fuzz_fail("trace_format_of is %s after opening as %s", trace_format_name(run->format),
			  trace_format_name(opt->format));
	return r;
}

/* Check the n records of fuzz_batch (their lines in fuzz_lines) read
 * from a trace with the table events, after line *last_line, and count
 * them into run and *hash as cross_decode says. */
static void fuzz_take_batch(struct fuzz_run *run, const struct trace_events *events, ssize_t n, unsigned va_bits,
			    bool keep, uint64_t *hash, uint64_t *last_line)
{
	for (ssize_t i = 0; i < n; i++) {
		const struct trace_rec *rec = &fuzz_batch[i];
		uint64_t line = fuzz_lines[i];

		if (line == 0 || line < *last_line || (run->format == TRACE_BINARY && line == *last_line))
			fuzz_fail("%s record %" PRIu64 ": line %" PRIu64 " after line %" PRIu64,
				  trace_format_name(run->format), run->records, line, *last_line);
		*last_line = line;
		if (rec->op == OP_EVENT) {
			fuzz_check_event(rec, events, line, run->format, va_bits, FUZZ_PAGE_SHIFT, run->records);
			*hash = fuzz_hash_event(*hash, trace_events_get(events, rec->addr));
			run->events++;
		} else {
			fuzz_check_rec(rec, run->format, va_bits, FUZZ_PAGE_SHIFT, run->records);
			if (keep && run->kept < FUZZ_MAX_RECS)
				fuzz_recs[run->kept++] = *rec;
		}
		*hash = fuzz_hash_rec(*hash, rec);
		if (++run->records == run->prefix_len)
			run->prefix_hash = *hash;
	}
}

/* Decode the input (in the memfd) with format, skip_bad and va_bits into
 * *run. Records up to FUZZ_MAX_RECS are kept in fuzz_recs when keep.
 * prefix_len (from the run without skip_bad) says which prefix to hash. */
static void cross_decode(enum trace_format format, bool skip_bad, unsigned va_bits, bool keep,
			uint64_t prefix_len, struct fuzz_run *run)
{
	static const size_t batch_sizes[] = {1, 2, 3, sizeof fuzz_batch / sizeof fuzz_batch[0]};
	const struct trace_options opt = {
	    .format = format,
	    .page_shift = FUZZ_PAGE_SHIFT,
	    .va_bits = va_bits,
	    .skip_bad = skip_bad,
	    .name = FUZZ_NAME,
	};
	struct ps_error err = {{0}};
	struct trace_reader *r;
	uint64_t hash = UINT64_C(0xcbf29ce484222325), last_line = 0;

	memset(run, 0, sizeof *run);
	run->prefix_len = prefix_len;
	run->prefix_hash = hash;
	r = fuzz_open(&opt, run);
	if (r == NULL)
		return;
	for (unsigned call = 0;; call++) {
		size_t max = batch_sizes[call % 4];
		ssize_t n = trace_read_batch(r, fuzz_batch, fuzz_lines, max, &err);

		if (n < 0) {
			struct ps_error again = {{0}};

			if (err.msg[0] == '\0')
				fuzz_fail("trace_read failed without a message");
			if (trace_read_batch(r, fuzz_batch, fuzz_lines, max, &again) != -1 ||
			    strcmp(again.msg, err.msg) != 0)
				fuzz_fail("trace_read did not fail again after \"%s\"", err.msg);
			run->failed = true;
			snprintf(run->msg, sizeof run->msg, "%s", err.msg);
			break;
		}
		if (n == 0)
			break;
		if ((size_t)n > max)
			fuzz_fail("trace_read returned %zd records, %zu asked", n, max);
		fuzz_take_batch(run, trace_events_of(r), n, va_bits, keep, &hash, &last_line);
	}
	run->hash = hash;
	run->skipped = trace_skipped(r);
	if ((run->skipped == 0) != (trace_first_skip(r)[0] == '\0'))
		fuzz_fail("%" PRIu64 " lines skipped, first skip \"%s\"", run->skipped, trace_first_skip(r));
	if (!skip_bad && run->skipped != 0)
		fuzz_fail("%" PRIu64 " lines skipped without skip_bad", run->skipped);
	trace_close(r);
}

/* The decodings with and without skip_bad of the same format agree:
 * strict's records are a prefix of lenient's, and equal when strict read
 * to the end. */
static void fuzz_compare_skip(const struct fuzz_run *strict, const struct fuzz_run *lenient, unsigned va_bits)
{
	const char *f = trace_format_name(strict->format);

	if (strict->opened != lenient->opened)
		fuzz_fail("%s/%u: opens with skip_bad %s, without %s", f, va_bits,
			  lenient->opened ? "yes" : "no", strict->opened ? "yes" : "no");
	if (!strict->opened)
		return;
	if (lenient->records < strict->records || lenient->prefix_hash != strict->hash)
		fuzz_fail("%s/%u: the %" PRIu64 " records read without skip_bad are not the first"
			  " of the %" PRIu64 " read with it",
			  f, va_bits, strict->records, lenient->records);
	if (!strict->failed &&
	    (lenient->failed || lenient->skipped != 0 || lenient->records != strict->records))
		fuzz_fail("%s/%u: a clean trace reads differently with skip_bad (%" PRIu64 " vs %" PRIu64
			  " records, %" PRIu64 " skipped, %s)",
			  f, va_bits, lenient->records, strict->records, lenient->skipped,
			  lenient->failed ? lenient->msg : "no error");
}

/* An auto-detected decoding equals the explicit one of the same format. */
static void fuzz_compare_auto(const struct fuzz_run *autod, const struct fuzz_run *explicit, unsigned va_bits,
			      bool skip_bad)
{
	if (!autod->opened)
		return;
	if (!explicit->opened || autod->records != explicit->records || autod->hash != explicit->hash ||
	    autod->failed != explicit->failed || autod->skipped != explicit->skipped ||
	    strcmp(autod->msg, explicit->msg) != 0)
		fuzz_fail("auto-detected %s/%u%s differs from explicit: %" PRIu64 " vs %" PRIu64
			  " records, %" PRIu64 " vs %" PRIu64 " skipped, error \"%s\" vs \"%s\"",
			  trace_format_name(autod->format), va_bits, skip_bad ? " (skip_bad)" : "",
			  autod->records, explicit->records, autod->skipped, explicit->skipped, autod->msg,
			  explicit->msg);
}

/* ---- replay ---- */

struct fuzz_evictions {
	uint64_t count;
};

static void fuzz_on_evict(void *ctx, uint32_t frame, uint32_t pid, uint64_t vpn, bool dirty)
{
	struct fuzz_evictions *ev = ctx;

	if (frame >= FUZZ_FRAMES || pid == 0)
		fuzz_fail("eviction of frame %" PRIu32 " (pid %" PRIu32 ")", frame, pid);
	ev->count++;
}

/* Replay recs[0..n) on a machine with policy p and check the counters. */
static void fuzz_replay(const struct policy *p, const struct trace_rec *recs, size_t n, unsigned va_bits,
			uint64_t swap_slots, bool span)
{
	struct sim_config cfg = {
	    .policy = p,
	    .frames = FUZZ_FRAMES,
	    .page_shift = FUZZ_PAGE_SHIFT,
	    .va_bits = va_bits,
	    .swap_slots = swap_slots,
	    .seed = n,
	    .span_pages = span,
	};
	struct ps_error err = {{0}};
	struct future fut = {NULL, 0};
	struct fuzz_evictions ev = {0};
	struct sim_stats st;
	struct sim *s;
	bool failed = false;

	if (p == NULL)
		return;
	if (p->needs_future) {
		struct future_builder *b = future_begin(FUZZ_PAGE_SHIFT, span);

		if (b == NULL)
			return;
		if (future_add(b, recs, n, &err) < 0) {
			future_abandon(b);
			return;
		}
		future_finish(b, &fut);
		cfg.future = fut.next_use;
		cfg.future_len = fut.len;
	}
	s = sim_create(&cfg, &err);
	if (s == NULL)
		fuzz_fail("sim_create(%s): %s", p->name, err.msg);
	sim_set_evict_hook(s, fuzz_on_evict, &ev);
	/* Feed in uneven batches: 1, 2, 3, 5, 8, ... records. */
	for (size_t at = 0, step = 1, prev = 1; at < n;) {
		size_t k = step < n - at ? step : n - at;

		if (sim_feed(s, recs + at, k, &err) < 0) {
			struct ps_error again;

			if (err.msg[0] == '\0')
				fuzz_fail("sim_feed(%s) failed without a message", p->name);
			if (sim_feed(s, recs, 1, &again) != -1 || strcmp(again.msg, err.msg) != 0)
				fuzz_fail("sim_feed(%s) did not fail again after \"%s\"", p->name, err.msg);
			failed = true;
			break;
		}
		at += k;
		k = step + prev;
		prev = step;
		step = k;
	}
	sim_get_stats(s, &st);
	if (st.refs != st.reads + st.writes + st.fetches || st.hits + st.faults != st.refs ||
	    st.faults != st.zero_fills + st.swap_reads || st.evictions > st.faults ||
	    st.faults - st.evictions > FUZZ_FRAMES || st.dirty_evictions > st.evictions ||
	    st.swap_writes != st.dirty_evictions || st.distinct_pages > st.faults ||
	    (!failed && ev.count != st.evictions) || (!failed && st.refs < n) || (!failed && !span && st.refs != n))
		fuzz_fail("%s%s, swap %" PRIu64 ", %zu records%s: inconsistent counters: refs %" PRIu64
			  " = R %" PRIu64 " + W %" PRIu64 " + X %" PRIu64 ", hits %" PRIu64 ", faults %" PRIu64
			  " (zero %" PRIu64 ", swap-in %" PRIu64 "), evictions %" PRIu64 " (hook %" PRIu64
			  ", dirty %" PRIu64 "), swap writes %" PRIu64 ", distinct %" PRIu64,
			  p->name, span ? " (span)" : "", swap_slots, n, failed ? " (failed)" : "", st.refs,
			  st.reads, st.writes, st.fetches, st.hits, st.faults, st.zero_fills, st.swap_reads,
			  st.evictions, ev.count, st.dirty_evictions, st.swap_writes, st.distinct_pages);
	sim_destroy(s);
	future_free(&fut);
}

/* A hash of the current input: picks the sampled replays. */
static uint64_t fuzz_sample;

/* Replay recs on one registered policy picked by the input's hash (every
 * one of them used to be replayed, 216 machines an input, which held the
 * harness to ~9 inputs a second; fuzz_machine replays one machine an
 * input with the VM options), and one input in 8 also on a machine with a
 * roomy swap. */
static void fuzz_replay_all(const struct trace_rec *recs, size_t n, unsigned va_bits, int format)
{
	size_t count = 0, i;

	while (policy_registry[count] != NULL)
		count++;
	i = (size_t)((fuzz_sample + (uint64_t)format * 7 + va_bits) % count);
	fuzz_replay(policy_registry[i], recs, n, va_bits, FUZZ_SWAP_SLOTS, (i + va_bits) % 2 == 0);
	if ((fuzz_sample >> 8) % 8 == 0)
		fuzz_replay(policy_find(va_bits == 32 ? "clock" : "lru"), recs, n, va_bits, FUZZ_BIG_SWAP,
			    va_bits == 32);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const unsigned va_bits_list[] = {32, 48};
	struct fuzz_run strict[TRACE_BINARY + 1], lenient[TRACE_BINARY + 1], autod;

	fuzz_setup();
	if (fuzz_too_big(data, size, fuzz_max_text))
		return -1; /* a decompression bomb: not worth keeping */
	fuzz_path = fuzz_store(data, size);
	fuzz_sample = UINT64_C(0xcbf29ce484222325);
	for (size_t i = 0; i < size; i++)
		fuzz_sample = (fuzz_sample ^ data[i]) * UINT64_C(0x100000001b3);
	for (unsigned v = 0; v < 2; v++) {
		unsigned va_bits = va_bits_list[v];

		for (int f = TRACE_LACKEY; f <= TRACE_BINARY; f++) {
			cross_decode((enum trace_format)f, false, va_bits, false, 0, &strict[f]);
			cross_decode((enum trace_format)f, true, va_bits, true, strict[f].records, &lenient[f]);
			fuzz_compare_skip(&strict[f], &lenient[f], va_bits);
			if (lenient[f].kept > 0)
				fuzz_replay_all(fuzz_recs, lenient[f].kept, va_bits, f);
		}
		for (int skip = 0; skip < 2; skip++) {
			struct fuzz_run *explicit = skip ? lenient : strict;

			cross_decode(TRACE_AUTO, skip, va_bits, false, 0, &autod);
			if (autod.opened)
				fuzz_compare_auto(&autod, &explicit[autod.format], va_bits, skip);
		}
	}
	return 0;
}
