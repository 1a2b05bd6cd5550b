/*
 * experiment.h - experiment files: which traces, policies, memory sizes
 * and seeds to compare, on which machine, and where the results go.
 *
 * The simplest file:
 *
 *   name: demo
 *   traces: [traces/ls.lackey.zst]
 *   policies: [fifo, lru, clock, random]
 *   frames: [64, 256]
 *   seeds: 3
 *   output: results/demo
 *
 * Every key is listed in experiments/README.md. Trace and output paths
 * are relative to the directory pagesim runs in, plug-in paths to the
 * file's directory. Errors name FILE:LINE:COLUMN and the valid keys or
 * values.
 */
#ifndef PAGESIM_EXPERIMENT_H
#define PAGESIM_EXPERIMENT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "machine/cost.h"
#include "util/error.h"
#include "trace/gen.h"
#include "trace/pass.h"
#include "policies/registry.h"
#include "machine/sim.h"
#include "trace/trace.h"

#define EXP_MAX_TRACES 256
#define EXP_MAX_POLICIES 64
#define EXP_MAX_FRAMES 256
#define EXP_MAX_SEEDS 1000
#define EXP_MAX_PLUGINS 16
#define EXP_MAX_EXPECTS 64

/* The limits of an experiment file, checked before it is parsed: its size
 * in bytes, and how deep lists and mappings may nest (the deepest the keys
 * use is 4: expect: > a requirement > its traces: list). */
#define EXP_MAX_FILE_BYTES (1 << 20)
#define EXP_MAX_DEPTH 16

/* The limits of the VM model's options, here and in pagesim run. */
#define EXP_MAX_STACK_GAP (1ULL << 48)  /* bytes */
#define EXP_MAX_QUOTA (1ULL << 31)      /* frames */

/* The machine options of the VM model and of the cost model, as an
 * experiment file (or pagesim run's command line) sets them. A run copies
 * vm into its sim_config's vm whole. */
struct exp_machine {
	struct vm_options vm;
	struct cost_model cost;
};

/* The defaults: the VM model's options off (shootdowns on, global scope),
 * the default cost model. */
void exp_machine_init(struct exp_machine *m);

/* Are the VM model's options all at their defaults (the cost model aside)?
 * Then a run of a trace without VM events is the classic one, and shortcuts
 * like the sweep's one-pass LRU curve give the same rows. */
bool exp_machine_is_plain(const struct exp_machine *m);

/* Describe m in one line of space-separated key=value pairs ("strict=0
 * stack_gap=65536 tlb=0:0 ... device=ssd read_us=100 ..."), every option
 * with its value: the sweep stamps cells files with it. */
void exp_machine_describe(const struct exp_machine *m, char *buf, size_t size);

/* Parse a replacement scope: "global" or "local" (*local set). */
bool exp_scope_parse(const char *text, bool *local);

/* A requirement of the expect: section, checked by `pagesim check`:
 * "policy has fewer faults than other by at least margin" (fewer), or
 * "policy has at most (1 + margin) times other's faults" (at least as
 * good as), on each chosen trace and frame count, beyond the 95%
 * confidence intervals of both means. */
enum exp_relation { EXP_FEWER_FAULTS, EXP_AT_LEAST_AS_GOOD };

struct exp_expect {
	size_t policy, other;        /* indexes into experiment.policies */
	enum exp_relation relation;
	double margin;               /* fewer: margin; at-least-as-good: tolerance */
	bool traces[EXP_MAX_TRACES]; /* which traces it applies to */
	bool frames[EXP_MAX_FRAMES]; /* which frame counts (by index) */
	char *note;                  /* free text shown with the rows, or NULL */
	unsigned long line;          /* where it is written */
};

/* One trace of an experiment: a file, or a workload to generate. */
struct exp_trace {
	char *label;            /* the name results use: the path, "gen:zipf:...",
				   or "A+B:quantum=Q" */
	char *path;             /* the file; NULL for a generated trace or a workload */
	bool generated;
	struct gen_params gen;  /* when generated */
	char **workload_paths;  /* a workload's traces (trace/interleave.h), else NULL */
	struct workload workload; /* a workload: its paths, n (0: not one), quantum */
};

struct experiment {
	char *file;             /* the experiment file, as given */
	char *name;
	char *output;           /* results directory */
	struct exp_trace traces[EXP_MAX_TRACES];
	size_t ntraces;
	struct policy_spec policies[EXP_MAX_POLICIES];
	size_t npolicies;
	uint32_t frames[EXP_MAX_FRAMES];
	size_t nframes;
	uint64_t seeds[EXP_MAX_SEEDS];
	size_t nseeds;
	struct trace_options topt; /* format, page size, address width, skip-bad */
	uint64_t swap_slots;
	bool span_pages;
	struct exp_machine machine;     /* the VM model and the cost model */
	char *plugins[EXP_MAX_PLUGINS]; /* plug-in files, resolved against the file's directory */
	size_t nplugins;
	bool seeds_given;               /* the file has a seeds: key */
	unsigned shards;                /* shards: N, or 0 (replay/shard.h) */
	struct exp_expect expects[EXP_MAX_EXPECTS];
	size_t nexpects;
};

/* Load and check the experiment file at path into exp (which the caller
 * frees with exp_free, also after a failure). Returns 0, or -1 with err
 * set to "FILE:LINE:COLUMN: reason". Plug-ins are not loaded: a policy
 * name no built-in policy has is an error (see exp_load_with_plugins). */
int exp_load(const char *path, struct experiment *exp, struct ps_error *err);

/* Load one plug-in file: returns 0, or -1 with err set ("PATH: reason"). */
typedef int (*exp_plugin_loader)(const char *path, void *arg, struct ps_error *err);

/* exp_load, loading the file's plug-ins with load(path, arg, err) once the
 * whole file has been checked (every key and value but the policy names)
 * and before the policy names are looked up. A relative plug-in path is
 * taken from the experiment file's directory; a plug-in that fails to
 * load is reported at its entry ("FILE:LINE:COLUMN: PATH: reason"). */
int exp_load_with_plugins(const char *path, struct experiment *exp, exp_plugin_loader load, void *arg,
			  struct ps_error *err);

/* Free what exp_load allocated. */
void exp_free(struct experiment *exp);

#endif
