/*
 * gen.c - seeded synthetic workloads.
 *
 * Random streams. The seed starts one SplitMix64 generator (rng.h), whose
 * first four outputs seed four independent streams, in this order:
 *   1. pages:   every draw that picks a page, a set or a mix component;
 *   2. writes:  one draw per reference, only when 0 < write ratio < 1;
 *   3. offsets: one draw per gen_addr() call;
 *   4. layout:  the rank hash offset and the phase windows.
 * So changing the write ratio, the page size or the output format never
 * changes which pages are referenced.
 *
 * A uniform real u in [0, 1) is the top 53 bits of a draw times 2^-53.
 * A reference writes when u < write ratio (computed exactly in integers:
 * bits < ratio * 2^53).
 *
 * The kinds, with N pages and R references:
 *   uniform  page = below(N).
 *   zipf     rank r in 1..N with P(r) = r^-alpha / sum_k k^-alpha; the page
 *            of rank r is hash(r) (below). The CDF is precomputed once (N
 *            doubles) and searched by binary search; a guide table of
 *            G + 1 entries, G the power of two >= N capped at 2^22
 *            (guide[k] = the first index whose CDF exceeds k / G), narrows
 *            each search to the ranks whose CDF interval can hold u, so a
 *            draw touches a few cache lines, not log2(N) of them.
 *   scan     0, 1, ..., R - 1: one pass, R <= N (loop repeats).
 *   loop     i mod N for the i-th reference (from 0).
 *   phases   K working sets of S pages each. Set k is the window
 *            [w_k, w_k + S) with w_k = below(N - S + 1) drawn from a
 *            generator seeded at (layout seed + 1 + k), so windows may overlap
 *            and need no memory. The first phase uses set below(K); every
 *            L references the process moves to a different set drawn
 *            uniformly among the other K - 1 (stays when K = 1). Within a
 *            phase, page = w_k + below(S).
 *   mix      For each reference, c = below(5):
 *              c = 0, 1, 2 (60%): Zipf(alpha) over a hot set of
 *                H = max(1, N / 16) ranks; rank r is page hash(r), so the
 *                hot pages are scattered over all N pages;
 *              c = 3 (20%): the next page of the current sequential run;
 *                when no run is under way, a new one starts at below(N)
 *                with length min(N, 64 + below(4033)), i.e. 64..4096
 *                pages, wrapping from N - 1 to 0. Runs interleave with the
 *                other traffic, like a table scan beside hot lookups;
 *              c = 4 (20%): page = below(N).
 *
 * The rank hash is a seeded multiplicative (Fibonacci) hash that is a
 * bijection of [0, N): hash(r) = (a * (r - 1) + b) mod N, where a is the
 * first integer >= max(1, floor(N / phi)) coprime with N (phi the golden
 * ratio: consecutive ranks land as far apart as possible) and b = below(N),
 * the first draw of the layout stream. Rank 1 is therefore not page 0, and hot pages
 * are not adjacent. The products stay below 2^64 because the Zipf domain
 * is at most 2^27 ranks and mix needs N <= 16 * 2^27.
 */
#include "config.h"

#include <assert.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "trace/gen.h"
#include "util/rng.h"
#include "util/suggest.h"

#define GEN_GUIDE_SHIFT_MAX 22
#define GEN_SCAN_RUN_MIN 64
#define GEN_SCAN_RUN_MAX 4096
#define GEN_MIX_HOT_DIVISOR 16
#define GEN_U53 (1ULL << 53)

/* A Zipf sampler over ranks 0..n-1 (rank 1 of the model is index 0). */
struct gen_zipf {
	double *cdf;          /* n entries, nondecreasing, cdf[n - 1] == 1 */
	uint32_t *guide;      /* (1 << guide_shift) + 1 entries */
	uint64_t n;
	unsigned guide_shift;
};

struct gen {
	struct gen_params p;
	uint64_t produced;
	struct rng pages, writes, offsets;
	uint64_t write_threshold;  /* write iff top 53 bits < this; 2^53 = always */
	uint64_t offset_slots;     /* 4-byte slots per page */
	uint64_t hash_mul, hash_add;
	struct gen_zipf zipf;      /* zipf: over N; mix: over the hot set */
	uint64_t hot;              /* mix: hot set size H */
	uint64_t cursor;           /* loop: next page */
	uint64_t layout_seed;      /* phases: set k's window is drawn from layout_seed + 1 + k */
	uint64_t set, window, phase_left;
	uint64_t run_page, run_left; /* mix: the sequential run under way */
};

static const char *const gen_kind_names[] = {
	[GEN_UNIFORM] = "uniform", [GEN_ZIPF] = "zipf",     [GEN_SCAN] = "scan",
	[GEN_LOOP] = "loop",       [GEN_PHASES] = "phases", [GEN_MIX] = "mix",
};

const char *gen_kind_name(enum gen_kind k)
{
	return (unsigned)k < sizeof gen_kind_names / sizeof gen_kind_names[0] ? gen_kind_names[k] : "?";
}

bool gen_kind_parse(const char *name, enum gen_kind *out)
{
	for (size_t i = 0; i < sizeof gen_kind_names / sizeof gen_kind_names[0]; i++) {
		if (strcmp(name, gen_kind_names[i]) == 0) {
			*out = (enum gen_kind)i;
			return true;
		}
	}
	return false;
}

const char *gen_kind_guess(const char *name)
{
	return suggest_closest(name, gen_kind_names, sizeof gen_kind_names / sizeof gen_kind_names[0]);
}

void gen_params_init(struct gen_params *p, enum gen_kind kind)
{
	*p = (struct gen_params){
		.kind = kind,
		.seed = 1,
		.write_ratio = 0.0,
		.alpha = 1.0,
		.sets = 4,
		.page_shift = 12,
	};
}

/* Greatest common divisor of a and b (gcd(a, 0) == a). */
static uint64_t gen_gcd(uint64_t a, uint64_t b)
{
	while (b != 0) {
		uint64_t t = a % b;

		a = b;
		b = t;
	}
	return a;
}

/* Build z for Zipf(alpha) over n ranks (1 <= n <= GEN_ZIPF_MAX_PAGES).
 * Returns false when memory is short (z then owns nothing). */
static bool gen_zipf_init(struct gen_zipf *z, uint64_t n, double alpha)
{
	unsigned shift = 0;
	uint64_t guides, i = 0;
	double total = 0.0;

	assert(n >= 1 && n <= GEN_ZIPF_MAX_PAGES);
	while (shift < GEN_GUIDE_SHIFT_MAX && (1ULL << shift) < n)
		shift++;
	guides = 1ULL << shift;
	z->n = n;
	z->guide_shift = shift;
	z->cdf = malloc(n * sizeof *z->cdf);
	z->guide = malloc((guides + 1) * sizeof *z->guide);
	if (z->cdf == NULL || z->guide == NULL) {
		free(z->cdf);
		free(z->guide);
		z->cdf = NULL;
		z->guide = NULL;
		return false;
	}
	for (uint64_t r = 0; r < n; r++) {
		total += pow((double)(r + 1), -alpha);
		z->cdf[r] = total;
	}
	for (uint64_t r = 0; r < n; r++)
		z->cdf[r] /= total;
	z->cdf[n - 1] = 1.0;
	for (uint64_t k = 0; k < guides; k++) {
		double threshold = (double)k / (double)guides;

		while (z->cdf[i] <= threshold)
			i++;
		z->guide[k] = (uint32_t)i;
	}
	z->guide[guides] = (uint32_t)(n - 1);
	return true;
}

/* Draw a rank index in [0, n) from z: the first index whose CDF exceeds u.
 * guide[k] <= answer <= guide[k + 1] because k / G <= u < (k + 1) / G
 * (exact: G is a power of two). */
static inline uint64_t gen_zipf_draw(const struct gen_zipf *z, struct rng *r)
{
	uint64_t bits = rng_next(r) >> 11;
	double u = (double)bits * (1.0 / (double)GEN_U53);
	uint64_t k = bits >> (53 - z->guide_shift);
	uint64_t lo = z->guide[k], hi = z->guide[k + 1];

	while (lo < hi) {
		uint64_t mid = lo + (hi - lo) / 2;

		if (z->cdf[mid] > u)
			hi = mid;
		else
			lo = mid + 1;
	}
	return lo;
}

int gen_check(const struct gen_params *p, struct ps_error *err)
{
	if ((unsigned)p->kind >= sizeof gen_kind_names / sizeof gen_kind_names[0])
		return ps_error_set(err, "unknown workload kind %d", (int)p->kind);
	if (p->pages == 0)
		return ps_error_set(err, "pages must be at least 1");
	if (p->page_shift < 8 || p->page_shift > 30)
		return ps_error_set(err, "page size must be 2^8..2^30 bytes");
	if (p->pages > (1ULL << (GEN_ADDR_BITS - p->page_shift)))
		return ps_error_set(err, "%llu pages of %llu bytes exceed the %d-bit address space",
				    (unsigned long long)p->pages, 1ULL << p->page_shift, GEN_ADDR_BITS);
	if (!(p->write_ratio >= 0.0 && p->write_ratio <= 1.0))
		return ps_error_set(err, "write ratio must be from 0 to 1");
	if ((p->kind == GEN_ZIPF || p->kind == GEN_MIX) && !(p->alpha > 0.0 && isfinite(p->alpha)))
		return ps_error_set(err, "alpha must be a number > 0");
	if (p->kind == GEN_ZIPF && p->pages > GEN_ZIPF_MAX_PAGES)
		return ps_error_set(err, "zipf supports at most %llu pages (its CDF takes 8 bytes a page)",
				    GEN_ZIPF_MAX_PAGES);
	if (p->kind == GEN_MIX && p->pages / GEN_MIX_HOT_DIVISOR > GEN_ZIPF_MAX_PAGES)
		return ps_error_set(err, "mix supports at most %llu pages (a hot set of 1/%d of them)",
				    GEN_ZIPF_MAX_PAGES * GEN_MIX_HOT_DIVISOR, GEN_MIX_HOT_DIVISOR);
	if (p->kind == GEN_SCAN && p->refs > p->pages)
		return ps_error_set(err, "scan is one pass: refs (%llu) must not exceed pages (%llu); "
				    "loop repeats",
				    (unsigned long long)p->refs, (unsigned long long)p->pages);
	if (p->kind == GEN_PHASES) {
		if (p->sets == 0)
			return ps_error_set(err, "phases needs at least 1 set");
		if (p->set_size > p->pages)
			return ps_error_set(err, "set size (%llu) exceeds pages (%llu)",
					    (unsigned long long)p->set_size, (unsigned long long)p->pages);
	}
	return 0;
}

struct gen *gen_create(const struct gen_params *p, struct ps_error *err)
{
	struct rng master;
	struct gen *g;
	uint64_t n;

	if (gen_check(p, err) < 0)
		return NULL;
	g = calloc(1, sizeof *g);
	if (g == NULL) {
		ps_error_set(err, "out of memory");
		return NULL;
	}
	g->p = *p;
	n = p->pages;
	rng_seed(&master, p->seed);
	rng_seed(&g->pages, rng_next(&master));
	rng_seed(&g->writes, rng_next(&master));
	rng_seed(&g->offsets, rng_next(&master));
	g->layout_seed = rng_next(&master);
	g->write_threshold = (uint64_t)(p->write_ratio * (double)GEN_U53);
	g->offset_slots = (1ULL << p->page_shift) / 4;

	g->hash_mul = (uint64_t)((double)n * 0.6180339887498949);
	if (g->hash_mul == 0)
		g->hash_mul = 1;
	while (gen_gcd(g->hash_mul, n) != 1)
		g->hash_mul++;
	{
		struct rng layout;

		rng_seed(&layout, g->layout_seed);
		g->hash_add = rng_below(&layout, n);
	}

	if (p->kind == GEN_PHASES) {
		if (g->p.set_size == 0)
			g->p.set_size = n / 8 ? n / 8 : 1;
		if (g->p.phase_length == 0)
			g->p.phase_length = 10 * g->p.set_size;
	}
	if (p->kind == GEN_ZIPF || p->kind == GEN_MIX) {
		uint64_t domain = n;

		if (p->kind == GEN_MIX) {
			g->hot = n / GEN_MIX_HOT_DIVISOR ? n / GEN_MIX_HOT_DIVISOR : 1;
			domain = g->hot;
		}
		if (!gen_zipf_init(&g->zipf, domain, p->alpha)) {
			free(g);
			ps_error_set(err, "out of memory for the Zipf table of %llu pages",
				     (unsigned long long)domain);
			return NULL;
		}
	}
	return g;
}

/* The page of Zipf rank index i (rank i + 1) for zipf and mix, whose
 * domains keep hash_mul * i + hash_add below 2^64 (see the top). */
static inline uint64_t gen_hash_rank(const struct gen *g, uint64_t i)
{
	return (g->hash_mul * i + g->hash_add) % g->p.pages;
}

uint64_t gen_rank_page(const struct gen *g, uint64_t rank)
{
	assert(rank >= 1 && rank <= g->p.pages);
	return (uint64_t)(((unsigned __int128)g->hash_mul * (rank - 1) + g->hash_add) % g->p.pages);
}

const struct gen_params *gen_params_of(const struct gen *g)
{
	return &g->p;
}

uint64_t gen_hot_pages(const struct gen *g)
{
	return g->hot;
}

/* phases: make set the current working set: its window and a fresh
 * phase of phase_length references. */
static void gen_enter_set(struct gen *g, uint64_t set)
{
	struct rng w;

	rng_seed(&w, g->layout_seed + 1 + set);
	g->set = set;
	g->window = rng_below(&w, g->p.pages - g->p.set_size + 1);
	g->phase_left = g->p.phase_length;
}

/* phases: the next page, moving to another set when the phase ends. */
static uint64_t gen_phases_page(struct gen *g)
{
	if (g->phase_left == 0) {
		uint64_t k = g->p.sets;

		if (g->produced == 0 || k == 1) {
			gen_enter_set(g, g->produced == 0 ? rng_below(&g->pages, k) : 0);
		} else {
			uint64_t next = rng_below(&g->pages, k - 1);

			gen_enter_set(g, next >= g->set ? next + 1 : next);
		}
	}
	g->phase_left--;
	return g->window + rng_below(&g->pages, g->p.set_size);
}

/* mix: the next page (see the recipe at the top of the file). */
static uint64_t gen_mix_page(struct gen *g)
{
	uint64_t n = g->p.pages, c = rng_below(&g->pages, 5), page;

	if (c < 3)
		return gen_hash_rank(g, gen_zipf_draw(&g->zipf, &g->pages));
	if (c == 4)
		return rng_below(&g->pages, n);
	if (g->run_left == 0) {
		uint64_t span = GEN_SCAN_RUN_MAX - GEN_SCAN_RUN_MIN + 1;
		uint64_t len = GEN_SCAN_RUN_MIN + rng_below(&g->pages, span);

		g->run_page = rng_below(&g->pages, n);
		g->run_left = len < n ? len : n;
	}
	page = g->run_page;
	g->run_page = page + 1 == n ? 0 : page + 1;
	g->run_left--;
	return page;
}

bool gen_next(struct gen *g, uint64_t *page, bool *write)
{
	uint64_t pg;

	if (g->produced == g->p.refs)
		return false;
	switch (g->p.kind) {
	case GEN_UNIFORM:
		pg = rng_below(&g->pages, g->p.pages);
		break;
	case GEN_ZIPF:
		pg = gen_hash_rank(g, gen_zipf_draw(&g->zipf, &g->pages));
		break;
	case GEN_SCAN:
		pg = g->produced;
		break;
	case GEN_LOOP:
		pg = g->cursor;
		g->cursor = pg + 1 == g->p.pages ? 0 : pg + 1;
		break;
	case GEN_PHASES:
		pg = gen_phases_page(g);
		break;
	case GEN_MIX:
		pg = gen_mix_page(g);
		break;
	default:
		assert(!"gen_next: unknown kind");
		return false;
	}
	g->produced++;
	*page = pg;
	if (g->write_threshold == 0)
		*write = false;
	else if (g->write_threshold >= GEN_U53)
		*write = true;
	else
		*write = (rng_next(&g->writes) >> 11) < g->write_threshold;
	return true;
}

uint64_t gen_addr(struct gen *g, uint64_t page)
{
	return (page << g->p.page_shift) + 4 * rng_below(&g->offsets, g->offset_slots);
}

void gen_free(struct gen *g)
{
	if (g == NULL)
		return;
	free(g->zipf.cdf);
	free(g->zipf.guide);
	free(g);
}
