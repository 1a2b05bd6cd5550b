/* policy_harness.c - the strict fake machine of policy_harness.h. */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "check_suites.h"
#include "policy_harness.h"

/* Fail unless frame is a resident frame of h: no policy may ask about
 * another (the real host asserts it); with no_bits, fail on any read. */
static void ph_check_read(const struct policy_harness *h, uint32_t frame)
{
	QUIET_ASSERT_MSG(!h->no_bits, "%s read a hardware bit of frame %u", h->policy->name, (unsigned)frame);
	QUIET_ASSERT_MSG(frame < h->frames && h->resident[frame],
			 "%s asked the host about frame %u, which is not resident", h->policy->name,
			 (unsigned)frame);
}

/* Host: is frame's accessed bit set? */
static bool ph_host_accessed(void *machine, uint32_t frame)
{
	struct policy_harness *h = machine;

	ph_check_read(h, frame);
	h->bit_reads++;
	return h->accessed[frame];
}

/* Host: return frame's accessed bit and clear it. */
static bool ph_host_test_and_clear(void *machine, uint32_t frame)
{
	struct policy_harness *h = machine;
	bool was;

	ph_check_read(h, frame);
	h->bit_reads++;
	was = h->accessed[frame];
	h->accessed[frame] = false;
	return was;
}

/* Host: is frame dirty? */
static bool ph_host_dirty(void *machine, uint32_t frame)
{
	struct policy_harness *h = machine;

	ph_check_read(h, frame);
	h->dirty_reads++;
	return h->dirty[frame];
}

/* Host: the time of the reference being served. */
static uint64_t ph_host_now(void *machine)
{
	return ((struct policy_harness *)machine)->now;
}

void ph_open_full(struct policy_harness *h, const struct policy *policy, uint32_t frames,
		  const double *params, uint64_t seed)
{
	ck_assert_uint_le(frames, PH_MAX_FRAMES);
	memset(h, 0, sizeof(*h));
	h->policy = policy;
	h->frames = frames;
	h->host = (struct policy_host){.machine = h,
				       .accessed = ph_host_accessed,
				       .test_and_clear_accessed = ph_host_test_and_clear,
				       .dirty = ph_host_dirty,
				       .now = ph_host_now};
	for (size_t i = 0; policy->params != NULL && policy->params[i].name != NULL; i++) {
		ck_assert_uint_lt(i, POLICY_MAX_PARAMS);
		h->params[i] = params != NULL ? params[i] : policy->params[i].def;
	}
	h->cfg = (struct policy_config){.frames = frames,
					.seed = seed,
					.host = &h->host,
					.params = policy->params != NULL ? h->params : NULL};
	h->state = calloc(1, policy->state_size(&h->cfg));
	ck_assert_ptr_nonnull(h->state);
	policy->init(h->state, &h->cfg);
}

void ph_open(struct policy_harness *h, const struct policy *policy, uint32_t frames, const double *params)
{
	ph_open_full(h, policy, frames, params, 1);
}

void ph_open_seeded(struct policy_harness *h, const struct policy *policy, uint32_t frames, uint64_t seed)
{
	ph_open_full(h, policy, frames, NULL, seed);
}

void ph_close(struct policy_harness *h)
{
	free(h->state);
	h->state = NULL;
}

void ph_admit_ref(struct policy_harness *h, uint32_t frame, struct policy_ref ref)
{
	QUIET_ASSERT_MSG(frame < h->frames && !h->resident[frame], "admit into frame %u, not free",
			 (unsigned)frame);
	ref.now = h->now;
	h->resident[frame] = true;
	h->accessed[frame] = true;
	h->dirty[frame] = ref.write;
	h->pid_in[frame] = ref.pid;
	h->page_in[frame] = ref.page;
	h->policy->admit(h->state, frame, &ref);
	h->now++;
}

void ph_admit(struct policy_harness *h, uint32_t frame, uint64_t page)
{
	ph_admit_pid(h, frame, 1, page);
}

void ph_admit_pid(struct policy_harness *h, uint32_t frame, uint32_t pid, uint64_t page)
{
	ph_admit_ref(h, frame, (struct policy_ref){.next_use = POLICY_NEVER, .page = page, .pid = pid});
}

void ph_admit_write(struct policy_harness *h, uint32_t frame, bool write)
{
	ph_admit_ref(h, frame, (struct policy_ref){.next_use = POLICY_NEVER, .page = frame, .write = write});
}

void ph_admit_next(struct policy_harness *h, uint32_t frame, uint64_t next_use)
{
	ph_admit_ref(h, frame, (struct policy_ref){.next_use = next_use, .page = frame});
}

void ph_hit_ref(struct policy_harness *h, uint32_t frame, bool write, uint64_t next_use)
{
	struct policy_ref ref = {.now = h->now, .next_use = next_use, .write = write};

	QUIET_ASSERT_MSG(frame < h->frames && h->resident[frame], "hit on frame %u, not resident",
			 (unsigned)frame);
	ref.page = h->page_in[frame];
	ref.pid = h->pid_in[frame];
	h->accessed[frame] = true;
	h->dirty[frame] |= write;
	if (h->policy->touch != NULL)
		h->policy->touch(h->state, frame, &ref);
	h->now++;
}

void ph_hit(struct policy_harness *h, uint32_t frame)
{
	ph_hit_ref(h, frame, false, POLICY_NEVER);
}

void ph_hit_write(struct policy_harness *h, uint32_t frame, bool write)
{
	ph_hit_ref(h, frame, write, POLICY_NEVER);
}

void ph_hit_next(struct policy_harness *h, uint32_t frame, uint64_t next_use)
{
	ph_hit_ref(h, frame, false, next_use);
}

/* Check that victim, just named by the policy, is resident; free it. Its
 * bits stay as they were (the next admit() sets them afresh). */
static uint32_t ph_take_victim(struct policy_harness *h, uint32_t victim)
{
	QUIET_ASSERT_MSG(victim < h->frames, "%s evicted frame %u of %u", h->policy->name, (unsigned)victim,
			 (unsigned)h->frames);
	QUIET_ASSERT_MSG(h->resident[victim], "%s evicted frame %u, not resident", h->policy->name,
			 (unsigned)victim);
	h->resident[victim] = false;
	return victim;
}

uint32_t ph_evict(struct policy_harness *h)
{
	return ph_take_victim(h, h->policy->evict(h->state));
}

void ph_forget(struct policy_harness *h, uint32_t frame)
{
	QUIET_ASSERT_MSG(frame < h->frames && h->resident[frame], "forget frame %u, not resident",
			 (unsigned)frame);
	h->resident[frame] = false;
	h->accessed[frame] = false;
	h->dirty[frame] = false;
	h->policy->forget(h->state, frame);
}

void ph_forget_page(struct policy_harness *h, uint64_t page)
{
	for (uint32_t f = 0; f < h->frames; f++)
		if (h->resident[f] && h->pid_in[f] == 1 && h->page_in[f] == page) {
			ph_forget(h, f);
			return;
		}
	ck_abort_msg("ph_forget_page: page %llu is not resident", (unsigned long long)page);
}

uint64_t ph_tick(struct policy_harness *h, uint64_t now)
{
	uint64_t next;

	h->now = now;
	next = h->policy->tick(h->state, now);
	QUIET_ASSERT(next > now);
	return next;
}

void ph_bits(struct policy_harness *h, uint32_t f, bool accessed, bool dirty)
{
	QUIET_ASSERT(f < h->frames && h->resident[f]);
	h->accessed[f] = accessed;
	h->dirty[f] = dirty;
}

void ph_set_all_bits(struct policy_harness *h, bool value)
{
	for (uint32_t f = 0; f < h->frames; f++)
		h->accessed[f] = value;
}

int64_t ph_ref_full(struct policy_harness *h, uint32_t pid, uint64_t page, uint64_t next_use)
{
	struct policy_ref ref = {.now = h->now, .next_use = next_use, .page = page, .pid = pid};
	uint32_t f, free_frame = UINT32_MAX;
	int64_t result = PH_FREE;

	for (f = 0; f < h->frames; f++) {
		if (h->resident[f] && h->pid_in[f] == pid && h->page_in[f] == page) {
			ph_hit_ref(h, f, false, next_use);
			return PH_HIT;
		}
		if (!h->resident[f] && free_frame == UINT32_MAX)
			free_frame = f;
	}
	f = free_frame;
	if (f == UINT32_MAX) {
		uint32_t victim = h->policy->evict_for != NULL && !h->plain_evict
				      ? h->policy->evict_for(h->state, &ref)
				      : h->policy->evict(h->state);

		f = ph_take_victim(h, victim);
		h->last_victim = f;
		result = (int64_t)h->page_in[f];
	}
	ph_admit_ref(h, f, ref);
	return result;
}

int64_t ph_ref_pid(struct policy_harness *h, uint32_t pid, uint64_t page)
{
	return ph_ref_full(h, pid, page, POLICY_NEVER);
}

int64_t ph_ref(struct policy_harness *h, uint64_t page)
{
	return ph_ref_pid(h, 1, page);
}

void ph_play(struct policy_harness *h, const uint64_t *pages, const int64_t *want, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		int64_t got = ph_ref(h, pages[i]);

		ck_assert_msg(got == want[i], "%s: step %zu (page %llu): got %lld, want %lld",
			      h->policy->name, i, (unsigned long long)pages[i], (long long)got,
			      (long long)want[i]);
	}
}

uint64_t *ph_next_uses(const uint64_t *pages, size_t n)
{
	uint64_t *next = malloc((n ? n : 1) * sizeof(*next));
	uint64_t last[4096];

	ck_assert_ptr_nonnull(next);
	for (size_t p = 0; p < ARRAY_LEN(last); p++)
		last[p] = POLICY_NEVER;
	for (size_t i = n; i-- > 0;) {
		QUIET_ASSERT(pages[i] < ARRAY_LEN(last));
		next[i] = last[pages[i]];
		last[pages[i]] = i;
	}
	return next;
}

void ph_replay(const struct policy *policy, uint32_t frames, const uint64_t *pages, size_t n,
	       struct ph_replay_result *out)
{
	struct policy_harness *h = malloc(sizeof(*h));
	uint64_t *next = ph_next_uses(pages, n);

	ck_assert_ptr_nonnull(h);
	memset(out, 0, sizeof(*out));
	ph_open(h, policy, frames, NULL);
	for (size_t i = 0; i < n; i++) {
		int64_t r = ph_ref_full(h, 1, pages[i], next[i]);

		if (r == PH_HIT)
			continue;
		out->faults++;
		if (r == PH_FREE)
			continue;
		if (out->evictions < ARRAY_LEN(out->victim_frame)) {
			out->victim_frame[out->evictions] = h->last_victim;
			out->victim_page[out->evictions] = (uint64_t)r;
		}
		out->evictions++;
	}
	ph_close(h);
	free(h);
	free(next);
}

/* One step of ph_script() at *pos: perform it and check what it says;
 * move *pos past it. step is its number, for messages. */
static void ph_script_step(struct policy_harness *h, const char *name, int step, const char **pos)
{
	const char *p = *pos, *start = *pos;
	uint32_t pid = 1;
	unsigned long n;
	char *end;
	int len;

	while (*p != '\0' && *p != ' ')
		p++;
	*pos = p;
	len = (int)(p - start);
	p = start;
	n = strtoul(p, &end, 10);
	if (end != p && *end == ':') { /* a process prefix */
		pid = (uint32_t)n;
		p = end + 1;
	}
	if (*p >= 'A' && *p <= 'Z') {
		ph_admit_pid(h, (uint32_t)strtoul(p + 1, NULL, 10), pid, (uint64_t)*p);
	} else if (*p >= '0' && *p <= '9') {
		uint64_t page = strtoull(p, &end, 10);
		int64_t want = *end == 'F'   ? PH_FREE
			       : *end == 'H' ? PH_HIT
					     : (int64_t)strtoll(end + 1, NULL, 10);
		int64_t got = ph_ref_pid(h, pid, page);

		ck_assert_msg(got == want, "%s: step %d (%.*s): result %lld, want %lld", name, step, len,
			      start, (long long)got, (long long)want);
	} else if (*p == 'e' && p[1] == '*') {
		ph_evict(h);
	} else if (*p == 'e') {
		uint32_t got = ph_evict(h), want = (uint32_t)strtoul(p + 1, NULL, 10);

		ck_assert_msg(got == want, "%s: step %d (%.*s): victim f%u, want f%u", name, step, len, start,
			      (unsigned)got, (unsigned)want);
	} else if (*p == 'h') {
		ph_hit(h, (uint32_t)strtoul(p + 1, NULL, 10));
	} else if (*p == 'f') {
		ph_forget(h, (uint32_t)strtoul(p + 1, NULL, 10));
	} else if (*p == 'x') {
		ph_forget_page(h, strtoull(p + 1, NULL, 10));
	} else if (*p == '+' || *p == '-') {
		uint32_t f = (uint32_t)strtoul(p + 1, NULL, 10);

		ck_assert_msg(f < h->frames, "%s: step %d (%.*s): no such frame", name, step, len, start);
		ck_assert_msg(h->accessed[f] == (*p == '+'), "%s: step %d (%.*s): accessed bit of f%u is %s",
			      name, step, len, start, (unsigned)f, h->accessed[f] ? "set" : "clear");
	} else {
		ck_abort_msg("%s: step %d (%.*s): not a step", name, step, len, start);
	}
}

void ph_script(struct policy_harness *h, const char *name, const char *script)
{
	const char *p = script;

	for (int step = 1; *p != '\0'; step++) {
		while (*p == ' ')
			p++;
		if (*p != '\0')
			ph_script_step(h, name, step, &p);
	}
}

void ph_run_case(const struct ph_case *c, bool no_bits, bool plain_evict)
{
	struct policy_harness h;

	ph_open(&h, c->policy, c->frames, c->params);
	h.no_bits = no_bits;
	h.plain_evict = plain_evict;
	ph_script(&h, c->name, c->script);
	ph_close(&h);
}
