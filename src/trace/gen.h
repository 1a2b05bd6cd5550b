/*
 * gen.h - seeded synthetic workloads: a reference-string generator.
 *
 * A generator yields `refs` page references (a page number in [0, pages)
 * and a read/write flag), one per gen_next() call, and optionally a byte
 * address inside each page (gen_addr()). Everything is a function of the
 * parameters and the seed alone: the same parameters give the same
 * sequence on any machine. No I/O, no printing; `pagesim gen` (cmd_gen.c)
 * formats the references as a trace. See gen.c for the exact recipes.
 */
#ifndef PAGESIM_GEN_H
#define PAGESIM_GEN_H

#include <stdbool.h>
#include <stdint.h>

#include "util/error.h"

enum gen_kind {
	GEN_UNIFORM = 0, /* pages uniformly from [0, pages) */
	GEN_ZIPF,        /* Zipf(alpha) over pages; ranks scattered by a hash */
	GEN_SCAN,        /* 0, 1, ..., refs-1 once (refs <= pages) */
	GEN_LOOP,        /* 0, 1, ..., pages-1, 0, 1, ... */
	GEN_PHASES,      /* working sets: uniform in a window, moving every phase */
	GEN_MIX,         /* 60% Zipf hot set, 20% sequential runs, 20% uniform */
};

/* Largest Zipf domain (zipf: pages; mix: the hot set): its CDF is one
 * double per page. */
#define GEN_ZIPF_MAX_PAGES (1ULL << 27)

/* The largest page number times the page size must stay below 2^48, the
 * address width trace readers accept by default. */
#define GEN_ADDR_BITS 48

struct gen_params {
	enum gen_kind kind;
	uint64_t pages;        /* N >= 1 */
	uint64_t refs;         /* references to produce */
	uint64_t seed;
	double write_ratio;    /* fraction of writes, 0..1 */
	double alpha;          /* zipf and mix: Zipf exponent, > 0 (1 allowed) */
	uint64_t sets;         /* phases: number of working sets K >= 1 */
	uint64_t set_size;     /* phases: pages per working set S, 1..N; 0 = max(1, N/8) */
	uint64_t phase_length; /* phases: references per phase L; 0 = 10 * S */
	unsigned page_shift;   /* log2 page size for gen_addr, 8..30 */
};

struct gen;

/* Fill p with the defaults for kind: seed 1, no writes, alpha 1, 4 sets
 * of the default size and length, 4096-byte pages. pages and refs are 0:
 * the caller must set them. */
void gen_params_init(struct gen_params *p, enum gen_kind kind);

/* Check p as gen_create does, without building anything (no Zipf table:
 * cheap whatever the pages). Returns 0, or -1 with err set to gen_create's
 * one-line reason. gen_create may still fail on memory. */
int gen_check(const struct gen_params *p, struct ps_error *err);

/* Build a generator for p (copied). Returns NULL with err set to a
 * one-line reason when p is inconsistent (pages 0, scan refs > pages,
 * set size > pages, alpha <= 0, an address beyond 2^48, ...) or memory
 * is short. */
struct gen *gen_create(const struct gen_params *p, struct ps_error *err);

/* The next reference: stores its page and whether it writes. Returns
 * false (storing nothing) once refs references have been produced. */
bool gen_next(struct gen *g, uint64_t *page, bool *write);

/* A byte address inside page for a 4-byte access: page << page_shift plus
 * a 4-aligned offset in [0, page size - 4] from the generator's own offset
 * stream, so asking for addresses never changes the page sequence. */
uint64_t gen_addr(struct gen *g, uint64_t page);

/* zipf and mix: the page that Zipf rank `rank` (1 = most popular) maps
 * to; rank must be 1..pages (zipf) or 1..hot set size (mix). */
uint64_t gen_rank_page(const struct gen *g, uint64_t rank);

/* The parameters in use, with the phases defaults (set size, phase
 * length) resolved. */
const struct gen_params *gen_params_of(const struct gen *g);

/* mix: the number of pages in the Zipf hot set; 0 for the other kinds. */
uint64_t gen_hot_pages(const struct gen *g);

/* Free g and all it owns. NULL is ignored. */
void gen_free(struct gen *g);

/* "uniform", "zipf", "scan", "loop", "phases", "mix". */
const char *gen_kind_name(enum gen_kind k);

/* Parse a kind name; false if unknown. */
bool gen_kind_parse(const char *name, enum gen_kind *out);

/* The kind name closest to a misspelt name (suggest.h), or NULL. */
const char *gen_kind_guess(const char *name);

#endif
