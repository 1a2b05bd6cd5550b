/*
 * fuzz_machine.c - libFuzzer harness: VM events through the machine.
 *
 * Input: four option bytes, then a native trace (accesses and events:
 * fork, exit, segments, mmap, munmap, brk). The trace is decoded once
 * (its first FUZZ_MAX_RECS records) and replayed once, on one machine:
 *
 *   byte 0  the policy: policy_at(byte % count)
 *   byte 1  bits 0-3: frames 1..16; bit 4: a TLB of 4 entries (2-way);
 *           bit 5: count page tables; bit 6: local scope; bit 7: strict
 *   byte 2  bits 0-2: local quota (0: none); bit 3: va_bits 32 (else 48);
 *           bit 4: span pages; bit 5: flush the TLB on a switch; bit 6:
 *           no shootdown; bit 7: per-segment counters; skip_bad always
 *   byte 3  bits 0-1: swap slots 4, 16, 1024 or the default; bits 2-7:
 *           the batch sizes the records are fed in
 *
 * The counters are checked against the identities sim.h states.
 */
#include "config.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz_common.h"
#include "machine/sim.h"
#include "policies/registry.h"
#include "replay/future.h"

#define FUZZ_MAX_RECS 4096

struct collect {
	struct trace_rec recs[FUZZ_MAX_RECS];
	uint64_t lines[FUZZ_MAX_RECS];
	size_t n;
};

static void collect(void *ctx, const struct trace_batch *b)
{
	struct collect *c = ctx;
	size_t k = b->n < FUZZ_MAX_RECS - c->n ? b->n : FUZZ_MAX_RECS - c->n;

	memcpy(c->recs + c->n, b->recs, k * sizeof *b->recs);
	memcpy(c->lines + c->n, b->lines, k * sizeof *b->lines);
	c->n += k;
}

static size_t policy_count(void)
{
	size_t n = 0;

	while (policy_at(n) != NULL)
		n++;
	return n;
}

static void check_stats(const struct sim_stats *st, uint32_t frames, const char *what)
{
	if (st->refs != st->reads + st->writes + st->fetches ||
	    st->faults != st->zero_fills + st->file_reads + st->swap_reads + st->minor_faults + st->cow_copies +
			      st->cow_reuses ||
	    st->dirty_evictions != st->swap_writes + st->file_writebacks || st->dirty_evictions > st->evictions ||
	    st->resident + st->pt_frames > frames)
		fuzz_fail("%s: inconsistent counters: refs %" PRIu64 " (R %" PRIu64 " W %" PRIu64 " X %" PRIu64
			  "), faults %" PRIu64 " (zero %" PRIu64 " file %" PRIu64 " swap %" PRIu64 " minor %" PRIu64
			  " cow %" PRIu64 "+%" PRIu64 "), evictions %" PRIu64 " (dirty %" PRIu64 " = swap writes %" PRIu64
			  " + file writebacks %" PRIu64 "), resident %" PRIu64 " + pt %" PRIu64 " of %" PRIu32,
			  what, st->refs, st->reads, st->writes, st->fetches, st->faults, st->zero_fills, st->file_reads,
			  st->swap_reads, st->minor_faults, st->cow_copies, st->cow_reuses, st->evictions,
			  st->dirty_evictions, st->swap_writes, st->file_writebacks, st->resident, st->pt_frames, frames);
}

/* The machine's options from the input's first four bytes: the policy,
 * 1..16 frames, the TLB, page tables in frames, local scope and its quota,
 * strict, 32 or 48 bits, spanning, switches and shootdowns, by-segment and
 * the swap size. Returns the batch-size pattern (the rest of byte 3). */
static unsigned machine_options(const uint8_t *data, struct sim_config *cfg, struct trace_options *opt)
{
	static const uint64_t swap[4] = {4, 16, 1024, SIM_DEFAULT_SWAP_SLOTS};
	static size_t npolicies;

	if (npolicies == 0)
		npolicies = policy_count();
	cfg->policy = policy_at(data[0] % npolicies);
	cfg->frames = 1 + (data[1] & 15);
	if (data[1] & 16) {
		cfg->vm.tlb_entries = 4;
		cfg->vm.tlb_ways = 2;
	}
	cfg->vm.count_page_tables = data[1] & 32;
	cfg->vm.scope_local = data[1] & 64;
	cfg->vm.strict = data[1] & 128;
	cfg->vm.local_quota = cfg->vm.scope_local ? data[2] & 7 : 0;
	cfg->va_bits = opt->va_bits = data[2] & 8 ? 32 : 48;
	cfg->span_pages = data[2] & 16;
	cfg->vm.tlb_flush_on_switch = data[2] & 32;
	cfg->vm.no_shootdown = data[2] & 64;
	cfg->vm.by_segment = data[2] & 128;
	cfg->swap_slots = swap[data[3] & 3];
	return data[3] >> 2;
}

/* Replay the n records of c on a machine made from cfg, in batches whose
 * sizes follow pattern, and check its counters; what names the case. */
static void machine_replay(const struct sim_config *cfg, const struct collect *c, struct trace_events *events,
			   unsigned pattern, const char *what)
{
	struct ps_error err = {{0}};
	struct sim_stats st;
	struct sim *s = sim_create(cfg, &err);

	if (s == NULL) {
		/* Some combinations are refused; the refusal must say why. */
		if (err.msg[0] == '\0')
			fuzz_fail("%s: sim_create failed without a message", what);
		return;
	}
	for (size_t at = 0, call = 0; at < c->n; call++) {
		size_t step = (size_t[]){1, 7, 64, FUZZ_MAX_RECS}[(pattern >> (2 * (call % 3))) & 3];
		size_t k = step < c->n - at ? step : c->n - at;
		struct trace_batch b = {.recs = c->recs + at, .lines = c->lines + at, .events = events, .n = k};

		if (sim_feed_batch(s, &b, &err) < 0) {
			if (err.msg[0] == '\0')
				fuzz_fail("%s: sim_feed failed without a message", what);
			break;
		}
		at += k;
	}
	sim_get_stats(s, &st);
	check_stats(&st, cfg->frames, what);
	if (cfg->vm.by_segment) {
		size_t nseg;

		sim_segments(s, &nseg);
	}
	sim_destroy(s);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct collect c;
	struct trace_options opt = {.name = FUZZ_NAME, .format = TRACE_NATIVE, .skip_bad = true,
				    .page_shift = FUZZ_PAGE_SHIFT};
	struct sim_config cfg = {.page_shift = FUZZ_PAGE_SHIFT, .seed = 1};
	struct ps_error err = {{0}};
	struct future fut = {NULL, 0};
	struct trace_events *events;
	struct fuzz_decoded d;
	char what[128];
	unsigned pattern;

	if (size < 4 || fuzz_is_compressed(data + 4, size - 4))
		return -1;
	pattern = machine_options(data, &cfg, &opt);
	events = trace_events_create(FUZZ_NAME, false);
	if (events == NULL)
		abort();
	opt.events = events;
	c.n = 0;
	fuzz_decode(fuzz_store(data + 4, size - 4), &opt, 0xff, FUZZ_MAX_RECS, collect, &c, &d);
	snprintf(what, sizeof what, "%s, %" PRIu32 " frames, %zu records", cfg.policy->name, cfg.frames, c.n);
	if (cfg.policy->needs_future) {
		struct future_builder *b = future_begin(FUZZ_PAGE_SHIFT, cfg.span_pages);

		if (b == NULL || future_add(b, c.recs, c.n, &err) < 0)
			fuzz_fail("%s: the look-ahead: %s", what, err.msg);
		future_finish(b, &fut);
		cfg.future = fut.next_use;
		cfg.future_len = fut.len;
	}
	machine_replay(&cfg, &c, events, pattern, what);
	future_free(&fut);
	trace_events_destroy(events);
	return 0;
}
