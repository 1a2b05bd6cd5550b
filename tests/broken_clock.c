/*
 * broken_clock.c - a test-only plug-in: clock with the accessed bit
 * ignored, so the hand evicts whatever it points at (with frames filled in
 * order and never freed, that is FIFO). tests/e2e-check.sh loads it to show
 * that `pagesim check` fails, with the right rows, when a change breaks
 * clock's use of the accessed bit.
 *
 * Built with -DBAD_VICTIM=K it is "bad-victim": its K-th eviction names a
 * frame that does not exist (cfg->frames), which pagesim must refuse with
 * an error naming the policy instead of crashing (tests/e2e-plugin.sh).
 *
 * Built with -DCTOR_MARKER it is "ctor-marker": a constructor writes the
 * file $PAGESIM_TEST_MARKER names as soon as it is loaded, so a test can
 * tell whether pagesim loaded it. Built with -DHUGE_STATE it is
 * "huge-state": it asks for SIZE_MAX bytes of state (tests/e2e-plugin.sh).
 *
 * Built with -DLOOP_FOREVER it is "looping": its first eviction says
 * "looping: evict() never returns" on standard error and never returns,
 * like a plug-in with a bug in evict(); a sweep must still stop at a
 * second Ctrl-C (tests/e2e-sweep.sh).
 */
#include <pagesim/policy.h>
#ifdef LOOP_FOREVER
#include <unistd.h>
#endif

#ifdef CTOR_MARKER
#include <stdio.h>
#include <stdlib.h>

/* Write "loaded" into the file $PAGESIM_TEST_MARKER names, if any. */
__attribute__((constructor)) static void ctor_marker(void)
{
	const char *path = getenv("PAGESIM_TEST_MARKER");
	FILE *f = path != NULL && *path != '\0' ? fopen(path, "w") : NULL;

	if (f != NULL) {
		fputs("loaded\n", f);
		fclose(f);
	}
}
#endif

struct broken_clock_state {
	uint32_t frames, hand;
	uint64_t evictions;
};

/* Bytes of state for cfg (huge-state: absurdly many). */
static size_t broken_clock_state_size(const struct policy_config *cfg)
{
	(void)cfg;
#ifdef HUGE_STATE
	return SIZE_MAX;
#else
	return sizeof(struct broken_clock_state);
#endif
}

/* The hand starts at frame 0. */
static void broken_clock_init(void *state, const struct policy_config *cfg)
{
	struct broken_clock_state *s = state;

	s->frames = cfg->frames;
	s->hand = 0;
}

/* Nothing to record: the bug is that admission and use are both ignored. */
static void broken_clock_admit(void *state, uint32_t frame, const struct policy_ref *ref)
{
	(void)state;
	(void)frame;
	(void)ref;
}

/* The frame under the hand, whatever its accessed bit; the hand moves on. */
static uint32_t broken_clock_evict(void *state)
{
	struct broken_clock_state *s = state;
	uint32_t victim = s->hand;

	s->hand = (s->hand + 1) % s->frames;
#ifdef LOOP_FOREVER
	/* Say so (tests wait for it), then spin. */
	static const char msg[] = "looping: evict() never returns\n";
	ssize_t said = write(2, msg, sizeof msg - 1);

	(void)said;
	for (volatile uint64_t spins = 0;; spins++)
		;
#endif
#ifdef BAD_VICTIM
	if (++s->evictions == BAD_VICTIM)
		return s->frames;
#endif
	return victim;
}

/* Frames are never freed in these tests. */
static void broken_clock_forget(void *state, uint32_t frame)
{
	(void)state;
	(void)frame;
}

#if defined LOOP_FOREVER
#define BROKEN_CLOCK_NAME "looping"
#define BROKEN_CLOCK_SUMMARY "TEST ONLY: its first eviction never returns"
#elif defined BAD_VICTIM
#define BROKEN_CLOCK_NAME "bad-victim"
#define BROKEN_CLOCK_SUMMARY "TEST ONLY: its 3rd eviction names a frame that does not exist"
#elif defined(CTOR_MARKER)
#define BROKEN_CLOCK_NAME "ctor-marker"
#define BROKEN_CLOCK_SUMMARY "TEST ONLY: broken-clock that marks its loading in $PAGESIM_TEST_MARKER"
#elif defined(HUGE_STATE)
#define BROKEN_CLOCK_NAME "huge-state"
#define BROKEN_CLOCK_SUMMARY "TEST ONLY: asks for SIZE_MAX bytes of state"
#else
#define BROKEN_CLOCK_NAME "broken-clock"
#define BROKEN_CLOCK_SUMMARY "TEST ONLY: clock that ignores the accessed bit (FIFO in disguise)"
#endif

static const struct policy broken_clock = {
	.abi = PAGESIM_POLICY_ABI,
	.name = BROKEN_CLOCK_NAME,
	.summary = BROKEN_CLOCK_SUMMARY,
	.state_size = broken_clock_state_size,
	.init = broken_clock_init,
	.admit = broken_clock_admit,
	.evict = broken_clock_evict,
	.forget = broken_clock_forget,
};

const struct policy *const pagesim_plugin_policies[] = { &broken_clock, NULL };
