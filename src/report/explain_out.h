/*
 * explain_out.h - what `pagesim explain` says about one page reference
 * (struct explain_step, filled in by replay/explain.c), and the printers
 * of its styles: the table (as text, CSV or JSON), OSTEP's
 * paging-policy.py -c lines, and vmsim's one action per access.
 *
 * The formats, exactly (README, "Explaining a replay", has examples):
 *
 * table, text: a header, then one line per reference: ref (its index in
 * the trace, from 0, counting every page reference), line, pid, address,
 * page, op (R, W, X), outcome, victim (PAGE>swap, PAGE>file or
 * PAGE>drop; "+N" when a fault evicted N more), tlb (hit/miss, only with
 * a TLB), the running hits, faults and dirty evictions, then the frames
 * after the reference in the policy's own order: the lists its describe()
 * gives (policy.h), separated by " | ", each item PAGE (pid:PAGE when the
 * trace has several processes), ">" before the item a hand points at, "*"
 * after the page this reference loaded or touched, and its values in
 * brackets: 7*[A=1]. An event is one line "event: TEXT" under its line.
 * Colour (outcomes, the changed page) only when printing to a terminal
 * and NO_COLOR is unset or empty.
 *
 * table, CSV: a header; one row per reference or event; columns ref,
 * line, pid, address, page, op, outcome, victim_pid, victim_page,
 * victim_fate, victims, tlb, hits, faults, dirty_evictions, frames,
 * event (frames as in the text, without colour).
 *
 * table, JSON: {"steps": [...], "summary": RUN} where each step is an
 * object of the CSV's fields (frames as lists of items) and RUN is
 * exactly what `pagesim run --output json` prints for the same cell.
 *
 * ostep: "Access: %d  %s %s -> %12s <- %s Replaced:%s [Hits:%d
 * Misses:%d]" as paging-policy.py prints it, then a blank line,
 * "FINALSTATS hits H   misses M   hitrate R" and a blank line.
 *
 * vmsim: one action per reference ("hit", "page fault - no eviction",
 * "page fault - evict clean", "page fault - evict dirty", "segfault",
 * "ignored (process killed)"), then the totals.
 */
#ifndef PAGESIM_EXPLAIN_OUT_H
#define PAGESIM_EXPLAIN_OUT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "machine/sim.h"
#include "report/report.h"

enum explain_outcome {
	EXPLAIN_HIT,
	EXPLAIN_ZERO_FILL,
	EXPLAIN_STACK_GROWTH, /* a zero fill that grew a stack */
	EXPLAIN_FILE_READ,
	EXPLAIN_SWAP_READ,
	EXPLAIN_MINOR,        /* found in a frame already: no I/O */
	EXPLAIN_COW_COPY,
	EXPLAIN_COW_REUSE,
	EXPLAIN_SEGFAULT,
	EXPLAIN_IGNORED,      /* a reference of a killed process */
};

/* What became of an evicted page. */
enum explain_fate { EXPLAIN_TO_SWAP, EXPLAIN_TO_FILE, EXPLAIN_DROPPED };

struct explain_victim {
	uint32_t frame, pid;
	uint64_t page;
	enum explain_fate fate;
};

/* The most victims one reference lists (a copy-on-write fault, or page
 * tables in frames, may evict more; the rest are only counted). */
#define EXPLAIN_VICTIMS 4

/* One item of the frames view: the policy's item with its page named. */
struct explain_item {
	uint32_t frame; /* POLICY_VIEW_GHOST for a ghost */
	uint32_t pid;
	uint64_t page;
	bool mark;      /* a hand points here */
	bool changed;   /* the page this reference loaded or touched */
	unsigned nvalues;
	const char *key[POLICY_VIEW_VALUES];
	uint64_t value[POLICY_VIEW_VALUES];
};

struct explain_list {
	const char *name;   /* valid while the view is */
	size_t first, n;    /* its items: items[first .. first + n) */
};

/* The frames after a reference, in the policy's order. */
struct explain_view {
	struct explain_list *lists;
	size_t nlists, lists_cap;
	struct explain_item *items;
	size_t nitems, items_cap;
	bool many_pids;     /* name pages pid:page */
	bool failed;        /* memory was short: the view is incomplete */
};

struct explain_step {
	bool is_event;
	const char *event;  /* the event as a native trace line */
	uint64_t ref;       /* page reference index, from 0 */
	uint64_t line;      /* where the record was read (0: unknown) */
	uint32_t pid;
	uint64_t addr, page;
	char op;            /* 'R', 'W', 'X' */
	enum explain_outcome outcome;
	int tlb;            /* -1: no TLB; 0: miss; 1: hit */
	struct explain_victim victims[EXPLAIN_VICTIMS];
	unsigned nvictims;  /* listed in victims */
	uint64_t evictions; /* all of them, listed or not */
	uint64_t hits, faults, dirty_evictions; /* running totals, after it */
	const struct explain_view *view;        /* NULL for events */
};

enum explain_style { EXPLAIN_TABLE, EXPLAIN_OSTEP, EXPLAIN_VMSIM };

/* A printer: where, how, and what it must remember between steps. */
struct explain_out {
	FILE *out;
	enum explain_style style;
	enum report_style output; /* text, csv or json (table style) */
	bool color;
	bool tlb;                 /* show the tlb column */
	const char *policy;       /* the policy's name (ostep's list ends) */
	const char *view_names;   /* the lists' names, for the header */
	uint64_t steps;           /* printed so far */
	uint64_t *loaded;         /* ostep, other than fifo and lru: the pages */
	size_t nloaded, loaded_cap; /* in memory in the order they came in */
};

/* Should output to out be coloured: a terminal, and NO_COLOR unset or
 * empty? */
bool explain_out_color(FILE *out);

/* The name of an outcome, as the table prints it: "hit", "zero fill". */
const char *explain_outcome_name(enum explain_outcome o);

/* Print the header (table style), nothing for the others. */
void explain_out_begin(struct explain_out *o);

/* Print one step in o's style. Returns false when memory was short. */
bool explain_out_step(struct explain_out *o, const struct explain_step *st);

/* Print the end: the summary row (run's output for the cell: text table,
 * or in JSON the object), ostep's FINALSTATS or vmsim's totals. window
 * (text table only) says which references were shown. Frees what o
 * holds. */
void explain_out_end(struct explain_out *o, const struct run_result *summary, const char *window);

#endif
