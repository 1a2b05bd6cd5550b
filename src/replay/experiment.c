/*
 * experiment.c - loading experiment files with libyaml.
 *
 * The file is loaded as one YAML document (libyaml's document API) and
 * walked node by node; every node carries its start mark, so every error
 * names FILE:LINE:COLUMN (1-based). Each top-level key has one handler in
 * exp_keys[]; the same table gives the list of valid keys in messages and
 * the "did you mean" candidates.
 */
#include "config.h"

#include <assert.h>
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <yaml.h>

#include "replay/experiment.h"
#include "trace/interleave.h"
#include "util/numparse.h"
#include "machine/sim.h"
#include "util/suggest.h"
#include "machine/tlb.h"

/* The longest policy specification a mapping entry of policies: makes. */
#define EXP_SPEC_MAX 512

/* The most bytes of a file read (EXP_MAX_FILE_BYTES), into a buffer of
 * that size. Fuzz harnesses (configure --enable-fuzzing links them with a
 * copy of this file built with PAGESIM_FUZZ_SMALL_BUFFERS) read less, so
 * that a load does not map and poison 1 MiB an input. */
#ifdef PAGESIM_FUZZ_SMALL_BUFFERS
#define EXP_READ_MAX (64 << 10)
#define EXP_READ_LABEL "64 KiB, in a fuzz build"
#else
#define EXP_READ_MAX EXP_MAX_FILE_BYTES
#define EXP_READ_LABEL "1 MiB"
#endif

/* A loading in progress. */
struct exp_ctx {
	const char *file;
	yaml_document_t *doc;
	struct experiment *exp;
	struct ps_error *err;
	/* Machine keys whose meaning depends on others, checked at the end. */
	yaml_node_t *quota, *alloc, *tlb_flush, *shootdown_off;
	/* The late keys, read once every other key is: traces:, expect:. */
	yaml_node_t *traces, *expect;
	/* Where each plug-in is named, for its loading errors. */
	yaml_node_t *plugin_nodes[EXP_MAX_PLUGINS];
	/* policies:, as written: resolved once the plug-ins are loaded. */
	yaml_node_t *policy_nodes[EXP_MAX_POLICIES];
	char specs[EXP_MAX_POLICIES][EXP_SPEC_MAX];
};

/* Set err to "FILE:LINE:COL: message" for node; returns -1. */
static int __attribute__((format(printf, 3, 4)))
exp_fail(struct exp_ctx *c, const yaml_node_t *node, const char *fmt, ...)
{
	char msg[PS_ERROR_MAX];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	return ps_error_set(c->err, "%s:%lu:%lu: %s", c->file, (unsigned long)node->start_mark.line + 1,
			    (unsigned long)node->start_mark.column + 1, msg);
}

/* The text of a scalar node, or NULL (with err set, naming what) when the
 * node is not a scalar. */
static const char *exp_scalar(struct exp_ctx *c, const yaml_node_t *node, const char *what)
{
	if (node->type != YAML_SCALAR_NODE) {
		exp_fail(c, node, "%s must be a single value, not a %s", what,
			 node->type == YAML_SEQUENCE_NODE ? "list" : "mapping");
		return NULL;
	}
	return (const char *)node->data.scalar.value;
}

/* Parse scalar node as a whole number in [min, max] into *out. */
static int exp_u64(struct exp_ctx *c, const yaml_node_t *node, const char *what, uint64_t min,
		   uint64_t max, uint64_t *out)
{
	const char *s = exp_scalar(c, node, what);

	if (s == NULL)
		return -1;
	if (!num_parse_u64(s, min, max, out))
		return exp_fail(c, node, "%s: expected a whole number from %llu to %llu, got \"%s\"", what,
				(unsigned long long)min, (unsigned long long)max, s);
	return 0;
}

/* Parse scalar node as a number in [min, max] into *out. */
static int exp_double(struct exp_ctx *c, const yaml_node_t *node, const char *what, double min, double max,
		      double *out)
{
	const char *s = exp_scalar(c, node, what);

	if (s == NULL)
		return -1;
	if (!num_parse_double(s, out) || *out < min || *out > max)
		return exp_fail(c, node, "%s: expected a number from %g to %g, got \"%s\"", what, min, max, s);
	return 0;
}

/* Parse scalar node as true/false (also yes/no, on/off) into *out. */
static int exp_bool(struct exp_ctx *c, const yaml_node_t *node, const char *what, bool *out)
{
	static const char *const yes[] = { "true", "yes", "on" }, *const no[] = { "false", "no", "off" };
	const char *s = exp_scalar(c, node, what);

	if (s == NULL)
		return -1;
	for (size_t i = 0; i < 3; i++) {
		if (strcmp(s, yes[i]) == 0 || strcmp(s, no[i]) == 0) {
			*out = strcmp(s, yes[i]) == 0;
			return 0;
		}
	}
	return exp_fail(c, node, "%s: expected true or false, got \"%s\"", what, s);
}

/* A copy of s; NULL (with err set at node) when memory is short. */
static char *exp_strdup(struct exp_ctx *c, const yaml_node_t *node, const char *s)
{
	char *copy = strdup(s);

	if (copy == NULL)
		exp_fail(c, node, "out of memory");
	return copy;
}

/* The nodes of sequence node (n of them), or of a one-element list when
 * node is a scalar: lets `frames: 64` mean `frames: [64]`. */
static int exp_items(struct exp_ctx *c, yaml_node_t *node, const char *what, yaml_node_t **items,
		     size_t max, size_t *n)
{
	*n = 0;
	if (node->type == YAML_SCALAR_NODE) {
		items[(*n)++] = node;
		return 0;
	}
	if (node->type != YAML_SEQUENCE_NODE)
		return exp_fail(c, node, "%s must be a list or a single value, not a mapping", what);
	for (yaml_node_item_t *it = node->data.sequence.items.start; it < node->data.sequence.items.top; it++) {
		if (*n == max)
			return exp_fail(c, node, "%s: at most %zu entries", what, max);
		items[(*n)++] = yaml_document_get_node(c->doc, *it);
	}
	if (*n == 0)
		return exp_fail(c, node, "%s must not be empty", what);
	return 0;
}

/* A key/value handler of a mapping: parses value into the target. */
struct exp_key {
	const char *name;
	int (*parse)(struct exp_ctx *c, yaml_node_t *value, void *target);
};

/* Refuse key node k of mapping what when first (the same key earlier in
 * the mapping) is not NULL, naming both lines. Returns 0 or -1. */
static int exp_no_repeat(struct exp_ctx *c, const yaml_node_t *first, const yaml_node_t *k, const char *key,
			 const char *what)
{
	if (first == NULL)
		return 0;
	return exp_fail(c, k, "key \"%s\" appears twice in %s, on lines %lu and %lu", key, what,
			(unsigned long)first->start_mark.line + 1, (unsigned long)k->start_mark.line + 1);
}

/* Walk mapping node, handing each value to the handler of its key in
 * keys[0..nkeys) with target. Unknown and repeated keys are errors naming
 * the valid keys, or both lines (what names the mapping in messages). */
static int exp_walk_mapping(struct exp_ctx *c, yaml_node_t *node, const char *what,
			    const struct exp_key *keys, size_t nkeys, void *target)
{
	const char *names[48];
	const yaml_node_t *seen[48] = { NULL };

	assert(nkeys <= sizeof names / sizeof names[0] && "exp_walk_mapping: too many keys");
	if (node->type != YAML_MAPPING_NODE)
		return exp_fail(c, node, "%s must be a mapping of keys to values", what);
	for (size_t i = 0; i < nkeys; i++)
		names[i] = keys[i].name;
	for (yaml_node_pair_t *p = node->data.mapping.pairs.start; p < node->data.mapping.pairs.top; p++) {
		yaml_node_t *k = yaml_document_get_node(c->doc, p->key);
		const char *key = exp_scalar(c, k, "a key");
		size_t i = 0;

		if (key == NULL)
			return -1;
		while (i < nkeys && strcmp(key, keys[i].name) != 0)
			i++;
		if (i == nkeys) {
			char valid[768];
			size_t used = 0;
			const char *guess = suggest_closest(key, names, nkeys);

			valid[0] = '\0';
			for (size_t j = 0; j < nkeys && used < sizeof valid; j++)
				used += (size_t)snprintf(valid + used, sizeof valid - used, "%s%s", j ? ", " : "",
							 names[j]);
			if (guess != NULL)
				return exp_fail(c, k, "unknown key \"%s\" in %s (did you mean \"%s\"?); valid keys: %s",
						key, what, guess, valid);
			return exp_fail(c, k, "unknown key \"%s\" in %s; valid keys: %s", key, what, valid);
		}
		if (exp_no_repeat(c, seen[i], k, key, what) < 0)
			return -1;
		seen[i] = k;
		if (keys[i].parse(c, yaml_document_get_node(c->doc, p->value), target) < 0)
			return -1;
	}
	return 0;
}

/* ---- generated traces: {gen: zipf, pages: 2000, refs: 100000, ...} ---- */

static int exp_gen_kind(struct exp_ctx *c, yaml_node_t *v, void *t)
{
	struct gen_params *p = &((struct exp_trace *)t)->gen;
	const char *s = exp_scalar(c, v, "gen");
	const char *guess;
	enum gen_kind kind;

	if (s == NULL)
		return -1;
	if (!gen_kind_parse(s, &kind)) {
		guess = gen_kind_guess(s);
		return exp_fail(c, v, "unknown generator \"%s\"%s%s%s; valid: uniform, zipf, scan, loop, phases, mix",
				s, guess ? " (did you mean \"" : "", guess ? guess : "", guess ? "\"?)" : "");
	}
	p->kind = kind;
	return 0;
}

static int exp_gen_pages(struct exp_ctx *c, yaml_node_t *v, void *t)
{
	return exp_u64(c, v, "pages", 1, 1ULL << GEN_ADDR_BITS, &((struct exp_trace *)t)->gen.pages);
}

static int exp_gen_refs(struct exp_ctx *c, yaml_node_t *v, void *t)
{
	return exp_u64(c, v, "refs", 1, UINT64_MAX, &((struct exp_trace *)t)->gen.refs);
}

static int exp_gen_seed(struct exp_ctx *c, yaml_node_t *v, void *t)
{
	return exp_u64(c, v, "seed", 0, UINT64_MAX, &((struct exp_trace *)t)->gen.seed);
}

static int exp_gen_write_ratio(struct exp_ctx *c, yaml_node_t *v, void *t)
{
	return exp_double(c, v, "write-ratio", 0, 1, &((struct exp_trace *)t)->gen.write_ratio);
}

static int exp_gen_alpha(struct exp_ctx *c, yaml_node_t *v, void *t)
{
	return exp_double(c, v, "alpha", 1e-9, 1e9, &((struct exp_trace *)t)->gen.alpha);
}

static int exp_gen_sets(struct exp_ctx *c, yaml_node_t *v, void *t)
{
	return exp_u64(c, v, "sets", 1, UINT64_MAX, &((struct exp_trace *)t)->gen.sets);
}

static int exp_gen_set_size(struct exp_ctx *c, yaml_node_t *v, void *t)
{
	return exp_u64(c, v, "set-size", 1, UINT64_MAX, &((struct exp_trace *)t)->gen.set_size);
}

static int exp_gen_phase_length(struct exp_ctx *c, yaml_node_t *v, void *t)
{
	return exp_u64(c, v, "phase-length", 1, UINT64_MAX, &((struct exp_trace *)t)->gen.phase_length);
}

/* name: a short label for results and expect: (default: the spec). */
static int exp_gen_name(struct exp_ctx *c, yaml_node_t *v, void *t)
{
	struct exp_trace *tr = t;
	const char *s = exp_scalar(c, v, "name");

	if (s == NULL)
		return -1;
	if (*s == '\0')
		return exp_fail(c, v, "name must not be empty");
	return (tr->label = exp_strdup(c, v, s)) ? 0 : -1;
}

static const struct exp_key exp_gen_keys[] = {
	{ "gen", exp_gen_kind },
	{ "name", exp_gen_name },
	{ "pages", exp_gen_pages },
	{ "refs", exp_gen_refs },
	{ "seed", exp_gen_seed },
	{ "write-ratio", exp_gen_write_ratio },
	{ "alpha", exp_gen_alpha },
	{ "sets", exp_gen_sets },
	{ "set-size", exp_gen_set_size },
	{ "phase-length", exp_gen_phase_length },
};

/* The label of a generated trace: "gen:KIND:pages=N:refs=N:seed=S", then
 * the parameters that differ from the kind's defaults. */
static void exp_gen_label(const struct gen_params *p, char *buf, size_t size)
{
	struct gen_params def;
	size_t used;

	gen_params_init(&def, p->kind);
	used = (size_t)snprintf(buf, size, "gen:%s:pages=%llu:refs=%llu:seed=%llu", gen_kind_name(p->kind),
				(unsigned long long)p->pages, (unsigned long long)p->refs,
				(unsigned long long)p->seed);
	if (p->write_ratio != def.write_ratio && used < size)
		used += (size_t)snprintf(buf + used, size - used, ":write-ratio=%g", p->write_ratio);
	if (p->alpha != def.alpha && used < size)
		used += (size_t)snprintf(buf + used, size - used, ":alpha=%g", p->alpha);
	if (p->sets != def.sets && used < size)
		used += (size_t)snprintf(buf + used, size - used, ":sets=%llu", (unsigned long long)p->sets);
	if (p->set_size != def.set_size && used < size)
		used += (size_t)snprintf(buf + used, size - used, ":set-size=%llu", (unsigned long long)p->set_size);
	if (p->phase_length != def.phase_length && used < size)
		snprintf(buf + used, size - used, ":phase-length=%llu", (unsigned long long)p->phase_length);
}

/* A trace file path at node: a readable file. Returns 0 or -1. */
static int exp_trace_path(struct exp_ctx *c, yaml_node_t *node, const char *path)
{
	struct stat st;

	if (*path == '\0')
		return exp_fail(c, node, "a trace path must not be empty");
	if (strcmp(path, "-") == 0)
		return exp_fail(c, node, "an experiment cannot read standard input; name a file");
	if (access(path, R_OK) != 0)
		return exp_fail(c, node, "trace %s: %s", path, strerror(errno));
	if (stat(path, &st) == 0 && S_ISDIR(st.st_mode))
		return exp_fail(c, node, "trace %s: is a directory, not a trace file", path);
	return 0;
}

/* workload: the list of a workload's trace files. */
static int exp_wl_traces(struct exp_ctx *c, yaml_node_t *v, void *t)
{
	struct exp_trace *tr = t;
	yaml_node_t *items[INTERLEAVE_MAX_TRACES];
	size_t n;

	if (exp_items(c, v, "workload", items, INTERLEAVE_MAX_TRACES, &n) < 0)
		return -1;
	tr->workload_paths = calloc(n, sizeof *tr->workload_paths);
	if (tr->workload_paths == NULL)
		return exp_fail(c, v, "out of memory");
	for (size_t i = 0; i < n; i++) {
		const char *path = exp_scalar(c, items[i], "a workload's trace");

		if (path == NULL || exp_trace_path(c, items[i], path) < 0)
			return -1;
		if ((tr->workload_paths[tr->workload.n++] = exp_strdup(c, items[i], path)) == NULL)
			return -1;
	}
	tr->workload.paths = (const char *const *)tr->workload_paths;
	return 0;
}

static int exp_wl_quantum(struct exp_ctx *c, yaml_node_t *v, void *t)
{
	return exp_u64(c, v, "quantum", 1, UINT64_MAX, &((struct exp_trace *)t)->workload.quantum);
}

static const struct exp_key exp_workload_keys[] = {
	{ "workload", exp_wl_traces },
	{ "quantum", exp_wl_quantum },
	{ "name", exp_gen_name },
};

/* Does mapping node have the key name? */
static bool exp_has_key(struct exp_ctx *c, yaml_node_t *node, const char *name)
{
	for (yaml_node_pair_t *p = node->data.mapping.pairs.start;
	     node->type == YAML_MAPPING_NODE && p < node->data.mapping.pairs.top; p++) {
		yaml_node_t *k = yaml_document_get_node(c->doc, p->key);

		if (k->type == YAML_SCALAR_NODE && strcmp((const char *)k->data.scalar.value, name) == 0)
			return true;
	}
	return false;
}

/* A workload entry of traces (trace/interleave.h): {workload: [A, B], quantum:
 * Q, name: N}; its label is N, else "A+B:quantum=Q". */
static int exp_workload(struct exp_ctx *c, yaml_node_t *node, struct exp_trace *t)
{
	char label[1024];
	size_t used = 0;

	if (exp_walk_mapping(c, node, "a workload", exp_workload_keys,
			     sizeof exp_workload_keys / sizeof exp_workload_keys[0], t) < 0)
		return -1;
	if (t->workload.quantum == 0)
		t->workload.quantum = INTERLEAVE_DEFAULT_QUANTUM;
	if (t->label != NULL)
		return 0;
	for (size_t i = 0; i < t->workload.n && used < sizeof label; i++)
		used += (size_t)snprintf(label + used, sizeof label - used, "%s%s", i ? "+" : "", t->workload.paths[i]);
	if (used < sizeof label)
		snprintf(label + used, sizeof label - used, ":quantum=%llu", (unsigned long long)t->workload.quantum);
	t->label = exp_strdup(c, node, label);
	return t->label ? 0 : -1;
}

/* One entry of traces: a path, a generator mapping, or a workload. */
static int exp_trace(struct exp_ctx *c, yaml_node_t *node, struct exp_trace *t)
{
	char label[256];
	struct ps_error gen_err;

	if (node->type == YAML_SCALAR_NODE) {
		const char *path = (const char *)node->data.scalar.value;

		if (exp_trace_path(c, node, path) < 0)
			return -1;
		t->path = exp_strdup(c, node, path);
		t->label = exp_strdup(c, node, path);
		return t->path && t->label ? 0 : -1;
	}
	if (exp_has_key(c, node, "workload"))
		return exp_workload(c, node, t);
	gen_params_init(&t->gen, GEN_UNIFORM);
	t->gen.kind = (enum gen_kind)-1;
	if (exp_walk_mapping(c, node, "a generated trace", exp_gen_keys,
			     sizeof exp_gen_keys / sizeof exp_gen_keys[0], t) < 0)
		return -1;
	if ((int)t->gen.kind == -1)
		return exp_fail(c, node, "a trace is a file path or a mapping with gen: KIND "
				"(uniform, zipf, scan, loop, phases, mix)");
	if (t->gen.pages == 0 || t->gen.refs == 0)
		return exp_fail(c, node, "a generated trace needs pages and refs");
	/* Check the parameters now, where the error can name the line;
	 * without building the generator (a Zipf table of 2^27 pages took
	 * 14 s and 1 GB to load a five-line file). */
	t->gen.page_shift = c->exp->topt.page_shift;
	if (gen_check(&t->gen, &gen_err) < 0)
		return exp_fail(c, node, "%s", gen_err.msg);
	t->generated = true;
	if (t->label != NULL)
		return 0;
	exp_gen_label(&t->gen, label, sizeof label);
	t->label = exp_strdup(c, node, label);
	return t->label ? 0 : -1;
}

/* ---- top-level keys ---- */

static int exp_key_name(struct exp_ctx *c, yaml_node_t *v, void *t)
{
	const char *s = exp_scalar(c, v, "name");

	if (s == NULL)
		return -1;
	if (*s == '\0' || strchr(s, '/') != NULL)
		return exp_fail(c, v, "name must be non-empty and contain no '/', got \"%s\"", s);
	free(c->exp->name);
	return (c->exp->name = exp_strdup(c, v, s)) ? 0 : -1;
}

static int exp_key_output(struct exp_ctx *c, yaml_node_t *v, void *t)
{
	const char *s = exp_scalar(c, v, "output");
	struct stat st;
	bool exists;

	if (s == NULL)
		return -1;
	if (*s == '\0')
		return exp_fail(c, v, "output must name a directory");
	/* Said here, at the key, not when the sweep makes the directory. */
	exists = stat(s, &st) == 0;
	if (exists ? !S_ISDIR(st.st_mode) : errno == ENOTDIR)
		return exp_fail(c, v, exists ? "output: %s exists and is not a directory"
					     : "output: %s lies under a file that is not a directory", s);
	return (c->exp->output = exp_strdup(c, v, s)) ? 0 : -1;
}

/* traces are parsed after page-size (generators need it): keep the node. */
static int exp_key_traces(struct exp_ctx *c, yaml_node_t *v, void *t)
{
	c->traces = v;
	return 0;
}

/* The specification text of policies: entry node into spec ("aging" or,
 * from {name: aging, bits: 8}, "aging:bits=8"). Returns 0 or -1. */
static int exp_policy_text(struct exp_ctx *c, yaml_node_t *node, char *spec)
{
	yaml_node_pair_t *p, *start, *top;
	const char *name = NULL, *s;
	size_t used;

	if (node->type != YAML_MAPPING_NODE) {
		if ((s = exp_scalar(c, node, "a policy")) == NULL)
			return -1;
		if (*s == '\0')
			return exp_fail(c, node, "a policy name must not be empty");
		snprintf(spec, EXP_SPEC_MAX, "%s", s);
		return 0;
	}
	start = node->data.mapping.pairs.start;
	top = node->data.mapping.pairs.top;
	for (p = start; p < top; p++) {
		yaml_node_t *kn = yaml_document_get_node(c->doc, p->key);
		const char *k = exp_scalar(c, kn, "a key");
		const char *val = exp_scalar(c, yaml_document_get_node(c->doc, p->value), "a value");

		if (k == NULL || val == NULL)
			return -1;
		for (yaml_node_pair_t *q = start; q < p; q++) {
			yaml_node_t *qn = yaml_document_get_node(c->doc, q->key);

			if (strcmp((const char *)qn->data.scalar.value, k) == 0)
				return exp_no_repeat(c, qn, kn, k, "a policy mapping");
		}
		if (strcmp(k, "name") == 0)
			name = val;
	}
	if (name == NULL)
		return exp_fail(c, node, "a policy mapping needs a name: key");
	used = (size_t)snprintf(spec, EXP_SPEC_MAX, "%s", name);
	for (p = start; p < top; p++) {
		const char *k = (const char *)yaml_document_get_node(c->doc, p->key)->data.scalar.value;
		const char *val = (const char *)yaml_document_get_node(c->doc, p->value)->data.scalar.value;

		if (strcmp(k, "name") != 0 && used < EXP_SPEC_MAX)
			used += (size_t)snprintf(spec + used, EXP_SPEC_MAX - used, ":%s=%s", k, val);
	}
	return 0;
}

/* policies: is read whole now, its names resolved once the plug-ins are
 * loaded (exp_resolve_policies). */
static int exp_key_policies(struct exp_ctx *c, yaml_node_t *v, void *t)
{
	struct experiment *e = c->exp;

	if (exp_items(c, v, "policies", c->policy_nodes, EXP_MAX_POLICIES, &e->npolicies) < 0)
		return -1;
	for (size_t i = 0; i < e->npolicies; i++)
		if (exp_policy_text(c, c->policy_nodes[i], c->specs[i]) < 0)
			return -1;
	return 0;
}

/* Add the policy spec (written at node) as e->policies[*n]; a name
 * unknown or listed twice is an error at node. */
static int exp_add_policy(struct exp_ctx *c, yaml_node_t *node, const char *spec, size_t *n)
{
	struct experiment *e = c->exp;
	struct ps_error perr;

	if (*n == EXP_MAX_POLICIES)
		return exp_fail(c, node, "policies: at most %d", EXP_MAX_POLICIES);
	if (policy_spec_parse(spec, &e->policies[*n], &perr) < 0)
		return exp_fail(c, node, "%s", perr.msg);
	for (size_t j = 0; j < *n; j++)
		if (strcmp(e->policies[j].label, e->policies[*n].label) == 0)
			return exp_fail(c, node, "policy \"%s\" is listed twice", e->policies[*n].label);
	(*n)++;
	return 0;
}

/* Find every policy of policies: by name (the plug-ins loaded). "all"
 * stands for every policy pagesim knows, the built-in ones and then the
 * file's plug-ins', in the order 'pagesim policies' lists them. */
static int exp_resolve_policies(struct exp_ctx *c)
{
	struct experiment *e = c->exp;
	size_t written = e->npolicies, n = 0;

	for (size_t i = 0; i < written; i++) {
		if (strcmp(c->specs[i], "all") != 0) {
			if (exp_add_policy(c, c->policy_nodes[i], c->specs[i], &n) < 0)
				return -1;
			continue;
		}
		for (size_t k = 0; policy_at(k) != NULL; k++)
			if (exp_add_policy(c, c->policy_nodes[i], policy_at(k)->name, &n) < 0)
				return -1;
	}
	e->npolicies = n;
	return 0;
}

/* Add frames to the experiment; fails when the list is full. */
static int exp_add_frames(struct exp_ctx *c, yaml_node_t *at, uint64_t frames)
{
	struct experiment *e = c->exp;

	for (size_t i = 0; i < e->nframes; i++)
		if (e->frames[i] == frames)
			return exp_fail(c, at, "frames: %llu is listed twice", (unsigned long long)frames);
	if (e->nframes == EXP_MAX_FRAMES)
		return exp_fail(c, at, "frames: at most %d memory sizes", EXP_MAX_FRAMES);
	e->frames[e->nframes++] = (uint32_t)frames;
	return 0;
}

/* The frames range mapping: {from: A, to: B} doubles from A while <= B;
 * {from: A, to: B, step: S} adds S; {from: A, to: B, factor: F} multiplies
 * by F (1.001 <= F <= 1024, not necessarily whole; the bound keeps the
 * loop short, some 21,500 turns at most): the sizes are A * F^i, each
 * rounded to the nearest whole frame (halves up), while <= B, a size equal
 * to the one before it left out. x * F is computed by repeated IEEE
 * multiplication, so a whole F gives exactly A, AF, AF^2... */
struct exp_range {
	yaml_node_t *from, *to, *step, *factor;
};

static int exp_range_from(struct exp_ctx *c, yaml_node_t *v, void *t) { ((struct exp_range *)t)->from = v; return 0; }
static int exp_range_to(struct exp_ctx *c, yaml_node_t *v, void *t) { ((struct exp_range *)t)->to = v; return 0; }
static int exp_range_step(struct exp_ctx *c, yaml_node_t *v, void *t) { ((struct exp_range *)t)->step = v; return 0; }
static int exp_range_factor(struct exp_ctx *c, yaml_node_t *v, void *t) { ((struct exp_range *)t)->factor = v; return 0; }

static int exp_frames_range(struct exp_ctx *c, yaml_node_t *node)
{
	static const struct exp_key keys[] = {
		{ "from", exp_range_from }, { "to", exp_range_to },
		{ "step", exp_range_step }, { "factor", exp_range_factor },
	};
	const uint64_t limit = 1ULL << 31;
	struct exp_range r = { 0 };
	uint64_t from, to, step = 0;
	double factor = 2;

	if (exp_walk_mapping(c, node, "a frames range", keys, 4, &r) < 0)
		return -1;
	if (r.from == NULL || r.to == NULL)
		return exp_fail(c, node, "a frames range needs from: and to: (and step: or factor:, default factor 2)");
	if (r.step != NULL && r.factor != NULL)
		return exp_fail(c, r.factor, "a frames range takes step: or factor:, not both");
	if (exp_u64(c, r.from, "from", 1, limit, &from) < 0 || exp_u64(c, r.to, "to", from, limit, &to) < 0 ||
	    (r.step && exp_u64(c, r.step, "step", 1, limit, &step) < 0) ||
	    (r.factor && exp_double(c, r.factor, "factor", 1.001, 1024, &factor) < 0))
		return -1;
	if (step)
		for (uint64_t f = from; f <= to; f += step)
			if (exp_add_frames(c, node, f) < 0)
				return -1;
	for (double x = from, last = 0; !step && floor(x + 0.5) <= (double)to; x *= factor) {
		if (floor(x + 0.5) != last && exp_add_frames(c, node, (uint64_t)floor(x + 0.5)) < 0)
			return -1;
		last = floor(x + 0.5);
	}
	return 0;
}

static int exp_key_frames(struct exp_ctx *c, yaml_node_t *v, void *t)
{
	yaml_node_t *items[EXP_MAX_FRAMES];
	size_t n;

	if (v->type == YAML_MAPPING_NODE)
		return exp_frames_range(c, v);
	if (exp_items(c, v, "frames", items, EXP_MAX_FRAMES, &n) < 0)
		return -1;
	for (size_t i = 0; i < n; i++) {
		uint64_t f;

		if ((items[i]->type == YAML_MAPPING_NODE ? exp_frames_range(c, items[i])
		     : exp_u64(c, items[i], "frames", 1, 1ULL << 31, &f) < 0 ? -1
		     : exp_add_frames(c, items[i], f)) < 0)
			return -1;
	}
	return 0;
}

static int exp_key_seeds(struct exp_ctx *c, yaml_node_t *v, void *t)
{
	struct experiment *e = c->exp;

	e->seeds_given = true;
	yaml_node_t *items[EXP_MAX_SEEDS];
	uint64_t count;
	size_t n;

	if (v->type == YAML_SCALAR_NODE) {
		/* seeds: N means seeds 1..N. */
		if (exp_u64(c, v, "seeds", 1, EXP_MAX_SEEDS, &count) < 0)
			return -1;
		for (e->nseeds = 0; e->nseeds < count; e->nseeds++)
			e->seeds[e->nseeds] = e->nseeds + 1;
		return 0;
	}
	if (exp_items(c, v, "seeds", items, EXP_MAX_SEEDS, &n) < 0)
		return -1;
	for (e->nseeds = 0; e->nseeds < n; e->nseeds++) {
		if (exp_u64(c, items[e->nseeds], "a seed", 0, UINT64_MAX, &e->seeds[e->nseeds]) < 0)
			return -1;
		for (size_t j = 0; j < e->nseeds; j++)
			if (e->seeds[j] == e->seeds[e->nseeds])
				return exp_fail(c, items[e->nseeds], "seed %llu is listed twice",
						(unsigned long long)e->seeds[j]);
	}
	return 0;
}

static int exp_key_page_size(struct exp_ctx *c, yaml_node_t *v, void *t)
{
	const char *s = exp_scalar(c, v, "page-size");

	if (s == NULL)
		return -1;
	if (!num_parse_page_size(s, &c->exp->topt.page_shift))
		return exp_fail(c, v, "page-size: \"%s\" is not a power of two from 256 to 1G bytes", s);
	return 0;
}

static int exp_key_va_bits(struct exp_ctx *c, yaml_node_t *v, void *t)
{
	uint64_t bits;

	if (exp_u64(c, v, "va-bits", 32, 48, &bits) < 0)
		return -1;
	if (bits != 32 && bits != 48)
		return exp_fail(c, v, "va-bits: expected 32 or 48, got %llu", (unsigned long long)bits);
	c->exp->topt.va_bits = (unsigned)bits;
	return 0;
}

static int exp_key_swap_slots(struct exp_ctx *c, yaml_node_t *v, void *t)
{
	return exp_u64(c, v, "swap-slots", 1, UINT64_MAX, &c->exp->swap_slots);
}

/* shards: N, the shard count of `pagesim sweep --shard K` and of the
 * cluster scripts (replay/shard.h); 4096 at most (SHARD_MAX). */
static int exp_key_shards(struct exp_ctx *c, yaml_node_t *v, void *t)
{
	uint64_t n;

	(void)t;
	if (exp_u64(c, v, "shards", 1, 4096, &n) < 0)
		return -1;
	c->exp->shards = (unsigned)n;
	return 0;
}

static int exp_key_span(struct exp_ctx *c, yaml_node_t *v, void *t)
{
	const char *s = exp_scalar(c, v, "span");

	if (s == NULL)
		return -1;
	if (strcmp(s, "all") != 0 && strcmp(s, "first") != 0)
		return exp_fail(c, v, "span: expected all or first, got \"%s\"", s);
	c->exp->span_pages = strcmp(s, "all") == 0;
	return 0;
}

static int exp_key_format(struct exp_ctx *c, yaml_node_t *v, void *t)
{
	const char *s = exp_scalar(c, v, "format");

	if (s == NULL)
		return -1;
	if (!trace_format_parse(s, &c->exp->topt.format))
		return exp_fail(c, v, "format: unknown trace format \"%s\" (expected auto, lackey, addr-rw, pages, native or binary)", s);
	return 0;
}

static int exp_key_skip_bad(struct exp_ctx *c, yaml_node_t *v, void *t)
{
	return exp_bool(c, v, "skip-bad", &c->exp->topt.skip_bad);
}

/* path, a plug-in named in the experiment file: as it is when absolute,
 * else taken from the file's directory ("dir/path"). A copy, or NULL (err
 * set at node) when memory is short. */
static char *exp_plugin_path(struct exp_ctx *c, const yaml_node_t *node, const char *path)
{
	const char *slash = strrchr(c->file, '/');
	size_t dir = slash ? (size_t)(slash - c->file) + 1 : 0;
	char *out;

	if (path[0] == '/' || dir == 0)
		return exp_strdup(c, node, path);
	out = malloc(dir + strlen(path) + 1);
	if (out == NULL) {
		exp_fail(c, node, "out of memory");
		return NULL;
	}
	memcpy(out, c->file, dir);
	strcpy(out + dir, path);
	return out;
}

/* plugins: the files, resolved against the experiment file's directory;
 * loaded only once the whole file is known to be valid. */
static int exp_key_plugins(struct exp_ctx *c, yaml_node_t *v, void *t)
{
	yaml_node_t **items = c->plugin_nodes;
	struct experiment *e = c->exp;
	size_t n;

	if (exp_items(c, v, "plugins", items, EXP_MAX_PLUGINS, &n) < 0)
		return -1;
	for (e->nplugins = 0; e->nplugins < n; e->nplugins++) {
		const char *s = exp_scalar(c, items[e->nplugins], "a plug-in path");

		if (s == NULL)
			return -1;
		if (*s == '\0')
			return exp_fail(c, items[e->nplugins], "a plug-in path must not be empty");
		if ((e->plugins[e->nplugins] = exp_plugin_path(c, items[e->nplugins], s)) == NULL)
			return -1;
	}
	return 0;
}

/* ---- the VM model and the cost model (struct exp_machine) ---- */

void exp_machine_init(struct exp_machine *m)
{
	memset(m, 0, sizeof *m);
	cost_init(&m->cost);
}

bool exp_machine_is_plain(const struct exp_machine *m)
{
	struct vm_options vm = m->vm;
	const struct vm_options plain = { 0 };

	/* Spellings of the defaults: the default stack gap given, the ways
	 * of no TLB. */
	if (vm.stack_gap == SIM_DEFAULT_STACK_GAP)
		vm.stack_gap = 0;
	if (vm.tlb_entries == 0)
		vm.tlb_ways = 0;
	return vm_options_equal(&vm, &plain);
}

void exp_machine_describe(const struct exp_machine *m, char *buf, size_t size)
{
	const struct vm_options *vm = &m->vm;
	size_t used;

	used = (size_t)snprintf(buf, size,
				"strict=%d stack_gap=%llu tlb=%lu:%lu tlb_flush_on_switch=%d shootdown=%d "
				"count_page_tables=%d by_segment=%d scope=%s quota=%lu %s",
				vm->strict, (unsigned long long)(vm->stack_gap ? vm->stack_gap : SIM_DEFAULT_STACK_GAP),
				(unsigned long)vm->tlb_entries, (unsigned long)vm->tlb_ways, vm->tlb_flush_on_switch,
				!vm->no_shootdown, vm->count_page_tables, vm->by_segment,
				vm->scope_local ? "local" : "global", (unsigned long)vm->local_quota,
				/* only local scope has an allocation rule */
				!vm->scope_local ? "" : vm->local_alloc == LOCAL_ALLOC_PROPORTIONAL ? "alloc=proportional "
												   : "alloc=equal ");
	if (used < size)
		cost_describe(&m->cost, buf + used, size - used);
}

bool exp_scope_parse(const char *text, bool *local)
{
	if (strcmp(text, "global") != 0 && strcmp(text, "local") != 0)
		return false;
	*local = strcmp(text, "local") == 0;
	return true;
}

static int exp_key_strict(struct exp_ctx *c, yaml_node_t *v, void *t)
{
	return exp_bool(c, v, "strict", &c->exp->machine.vm.strict);
}

static int exp_key_stack_gap(struct exp_ctx *c, yaml_node_t *v, void *t)
{
	return exp_u64(c, v, "stack-gap", 1, EXP_MAX_STACK_GAP, &c->exp->machine.vm.stack_gap);
}

static int exp_key_tlb(struct exp_ctx *c, yaml_node_t *v, void *t)
{
	struct vm_options *vm = &c->exp->machine.vm;
	const char *s = exp_scalar(c, v, "tlb");
	struct ps_error terr;

	if (s == NULL)
		return -1;
	if (!tlb_parse_spec(s, &vm->tlb_entries, &vm->tlb_ways, &terr))
		return exp_fail(c, v, "tlb: %s", terr.msg);
	return 0;
}

static int exp_key_tlb_flush(struct exp_ctx *c, yaml_node_t *v, void *t)
{
	bool *flush = &c->exp->machine.vm.tlb_flush_on_switch;

	if (exp_bool(c, v, "tlb-flush-on-switch", flush) < 0)
		return -1;
	c->tlb_flush = *flush ? v : NULL;
	return 0;
}

static int exp_key_shootdown(struct exp_ctx *c, yaml_node_t *v, void *t)
{
	bool on;

	if (exp_bool(c, v, "shootdown", &on) < 0)
		return -1;
	c->exp->machine.vm.no_shootdown = !on;
	c->shootdown_off = on ? NULL : v;
	return 0;
}

static int exp_key_count_page_tables(struct exp_ctx *c, yaml_node_t *v, void *t)
{
	return exp_bool(c, v, "count-page-tables", &c->exp->machine.vm.count_page_tables);
}

/* by-segment: false only; sweeps and checks keep no per-segment rows. */
static int exp_key_by_segment(struct exp_ctx *c, yaml_node_t *v, void *t)
{
	if (exp_bool(c, v, "by-segment", &c->exp->machine.vm.by_segment) < 0)
		return -1;
	if (c->exp->machine.vm.by_segment)
		return exp_fail(c, v, "by-segment: sweeps and checks keep no per-segment breakdown; use pagesim "
				"run --by-segment");
	return 0;
}

static int exp_key_scope(struct exp_ctx *c, yaml_node_t *v, void *t)
{
	const char *s = exp_scalar(c, v, "scope");

	if (s == NULL)
		return -1;
	if (!exp_scope_parse(s, &c->exp->machine.vm.scope_local))
		return exp_fail(c, v, "scope: expected global or local, got \"%s\"", s);
	return 0;
}

static int exp_key_alloc(struct exp_ctx *c, yaml_node_t *v, void *t)
{
	const char *s = exp_scalar(c, v, "alloc");

	if (s == NULL)
		return -1;
	if (strcmp(s, "equal") != 0 && strcmp(s, "proportional") != 0)
		return exp_fail(c, v, "alloc: expected equal or proportional, got \"%s\"", s);
	c->exp->machine.vm.local_alloc = strcmp(s, "equal") == 0 ? LOCAL_ALLOC_EQUAL : LOCAL_ALLOC_PROPORTIONAL;
	c->alloc = v;
	return 0;
}

static int exp_key_quota(struct exp_ctx *c, yaml_node_t *v, void *t)
{
	uint64_t quota;

	if (exp_u64(c, v, "quota", 1, EXP_MAX_QUOTA, &quota) < 0)
		return -1;
	c->exp->machine.vm.local_quota = (uint32_t)quota;
	c->quota = v;
	return 0;
}

static int exp_key_device(struct exp_ctx *c, yaml_node_t *v, void *t)
{
	const char *s = exp_scalar(c, v, "device");
	enum cost_device d;

	if (s == NULL)
		return -1;
	if (!cost_device_parse(s, &d))
		return exp_fail(c, v, "device: expected hdd, ssd or nvme, got \"%s\"", s);
	cost_set_device(&c->exp->machine.cost, d);
	return 0;
}

/* One latency of the cost model: the key names the parameter. */
static int exp_cost_value(struct exp_ctx *c, yaml_node_t *v, enum cost_param p)
{
	const char *name = cost_param_name(p);
	const char *s = exp_scalar(c, v, name);
	size_t len = strlen(name);
	double value;

	if (s == NULL)
		return -1;
	if (!cost_value_parse(s, &value))
		return exp_fail(c, v, "%s: expected a time in %s from 0 to %g, got \"%s\"", name,
				strcmp(name + len - 2, "ns") == 0 ? "nanoseconds" : "microseconds", COST_MAX_VALUE, s);
	cost_set(&c->exp->machine.cost, p, value);
	return 0;
}

#define EXP_COST_KEY(fn, param)                                         \
	static int fn(struct exp_ctx *c, yaml_node_t *v, void *t)       \
	{                                                               \
		return exp_cost_value(c, v, param);                     \
	}
EXP_COST_KEY(exp_key_read_us, COST_READ_US)
EXP_COST_KEY(exp_key_write_us, COST_WRITE_US)
EXP_COST_KEY(exp_key_mem_ns, COST_MEM_NS)
EXP_COST_KEY(exp_key_tlb_miss_ns, COST_TLB_MISS_NS)
EXP_COST_KEY(exp_key_fault_us, COST_FAULT_US)
EXP_COST_KEY(exp_key_zero_us, COST_ZERO_US)
EXP_COST_KEY(exp_key_copy_us, COST_COPY_US)

/* The machine keys that only make sense with others. */
static int exp_machine_check(struct exp_ctx *c)
{
	const struct vm_options *vm = &c->exp->machine.vm;

	if (c->quota != NULL && !vm->scope_local)
		return exp_fail(c, c->quota, "quota: a frame quota per process needs scope: local");
	if (c->alloc != NULL && !vm->scope_local)
		return exp_fail(c, c->alloc, "alloc: a frame allocation rule needs scope: local");
	if (c->tlb_flush != NULL && vm->tlb_entries == 0)
		return exp_fail(c, c->tlb_flush, "tlb-flush-on-switch: there is no TLB to flush; add tlb: ENTRIES[:WAYS]");
	if (c->shootdown_off != NULL && vm->tlb_entries == 0)
		return exp_fail(c, c->shootdown_off, "shootdown: there is no TLB; add tlb: ENTRIES[:WAYS]");
	return 0;
}

/* ---- the expect: section (pagesim check) ---- */

/* expect: is parsed last (it names policies, traces and frames): keep
 * the node. */
static int exp_key_expect(struct exp_ctx *c, yaml_node_t *v, void *t)
{
	c->expect = v;
	return 0;
}

/* One requirement being read: its nodes, by key. */
struct exp_req_nodes {
	yaml_node_t *policy, *fewer, *as_good, *margin, *tolerance, *traces, *frames, *note;
};

#define EXP_REQ_KEY(field, key)                                                  \
	static int exp_req_##field(struct exp_ctx *c, yaml_node_t *v, void *t)  \
	{                                                                        \
		((struct exp_req_nodes *)t)->field = v;                          \
		return 0;                                                        \
	}
EXP_REQ_KEY(policy, "policy")
EXP_REQ_KEY(fewer, "fewer-faults-than")
EXP_REQ_KEY(as_good, "at-least-as-good-as")
EXP_REQ_KEY(margin, "margin")
EXP_REQ_KEY(tolerance, "tolerance")
EXP_REQ_KEY(traces, "traces")
EXP_REQ_KEY(frames, "frames")
EXP_REQ_KEY(note, "note")

/* The keys of a requirement. */
static const struct exp_key exp_req_keys[] = {
	{ "policy", exp_req_policy }, { "fewer-faults-than", exp_req_fewer },
	{ "at-least-as-good-as", exp_req_as_good }, { "margin", exp_req_margin },
	{ "tolerance", exp_req_tolerance }, { "traces", exp_req_traces },
	{ "frames", exp_req_frames }, { "note", exp_req_note },
};
#define EXP_REQ_NKEYS (sizeof exp_req_keys / sizeof exp_req_keys[0])

/* Check the shape of expect: v before any plug-in is loaded: a list of
 * mappings of requirement keys, none unknown or twice. What the keys name
 * is checked later (exp_expect), once the policies are known. */
static int exp_expect_shape(struct exp_ctx *c, yaml_node_t *v)
{
	yaml_node_t *items[EXP_MAX_EXPECTS];
	size_t count;

	if (exp_items(c, v, "expect", items, EXP_MAX_EXPECTS, &count) < 0)
		return -1;
	for (size_t i = 0; i < count; i++) {
		struct exp_req_nodes n = { 0 };

		if (exp_walk_mapping(c, items[i], "a requirement", exp_req_keys, EXP_REQ_NKEYS, &n) < 0)
			return -1;
	}
	return 0;
}

/* The index of the experiment policy labelled by scalar node v. */
static int exp_req_policy_index(struct exp_ctx *c, yaml_node_t *v, const char *what, size_t *out)
{
	const char *s = exp_scalar(c, v, what);
	const struct experiment *e = c->exp;

	if (s == NULL)
		return -1;
	for (size_t i = 0; i < e->npolicies; i++) {
		if (strcmp(e->policies[i].label, s) == 0) {
			*out = i;
			return 0;
		}
	}
	return exp_fail(c, v, "%s \"%s\" is not among the experiment's policies", what, s);
}

/* A margin: "5%" or 0.05, from 0 to 100%. */
static int exp_req_margin_value(struct exp_ctx *c, yaml_node_t *v, const char *what, double *out)
{
	const char *s = exp_scalar(c, v, what);
	char buf[64];
	size_t len;

	if (s == NULL)
		return -1;
	len = strlen(s);
	if (len > 0 && len < sizeof buf && s[len - 1] == '%') {
		memcpy(buf, s, len - 1);
		buf[len - 1] = '\0';
		if (num_parse_double(buf, out) && *out >= 0 && *out <= 100) {
			*out /= 100;
			return 0;
		}
	} else if (num_parse_double(s, out) && *out >= 0 && *out <= 1) {
		return 0;
	}
	return exp_fail(c, v, "%s: expected a percentage like 5%% or a fraction from 0 to 1, got \"%s\"", what, s);
}

/* Read one requirement of expect: into x. */
static int exp_expect_one(struct exp_ctx *c, yaml_node_t *node, struct exp_expect *x)
{
	const struct exp_key *keys = exp_req_keys;
	const struct experiment *e = c->exp;
	struct exp_req_nodes n = { 0 };
	yaml_node_t *items[EXP_MAX_FRAMES];
	size_t count;

	x->line = node->start_mark.line + 1;
	if (exp_walk_mapping(c, node, "a requirement", keys, EXP_REQ_NKEYS, &n) < 0)
		return -1;
	if (n.policy == NULL)
		return exp_fail(c, node, "a requirement needs policy:");
	if ((n.fewer == NULL) == (n.as_good == NULL))
		return exp_fail(c, node, "a requirement needs exactly one of fewer-faults-than: and at-least-as-good-as:");
	x->relation = n.fewer ? EXP_FEWER_FAULTS : EXP_AT_LEAST_AS_GOOD;
	if (n.fewer ? n.tolerance != NULL : n.margin != NULL)
		return exp_fail(c, n.fewer ? n.tolerance : n.margin,
				"fewer-faults-than takes margin:, at-least-as-good-as takes tolerance:");
	if (exp_req_policy_index(c, n.policy, "policy", &x->policy) < 0 ||
	    exp_req_policy_index(c, n.fewer ? n.fewer : n.as_good, n.fewer ? "fewer-faults-than" : "at-least-as-good-as",
				 &x->other) < 0)
		return -1;
	if (x->policy == x->other)
		return exp_fail(c, n.policy, "a requirement compares two different policies");
	x->margin = 0;
	if ((n.margin || n.tolerance) &&
	    exp_req_margin_value(c, n.margin ? n.margin : n.tolerance, n.margin ? "margin" : "tolerance", &x->margin) < 0)
		return -1;
	for (size_t i = 0; i < e->ntraces; i++)
		x->traces[i] = n.traces == NULL;
	for (size_t i = 0; i < e->nframes; i++)
		x->frames[i] = n.frames == NULL;
	if (n.traces != NULL) {
		if (exp_items(c, n.traces, "traces", items, EXP_MAX_FRAMES, &count) < 0)
			return -1;
		for (size_t k = 0; k < count; k++) {
			const char *s = exp_scalar(c, items[k], "a trace");
			size_t i = 0;

			if (s == NULL)
				return -1;
			while (i < e->ntraces && strcmp(e->traces[i].label, s) != 0)
				i++;
			if (i == e->ntraces)
				return exp_fail(c, items[k], "trace \"%s\" is not among the experiment's traces", s);
			x->traces[i] = true;
		}
	}
	if (n.frames != NULL) {
		if (exp_items(c, n.frames, "frames", items, EXP_MAX_FRAMES, &count) < 0)
			return -1;
		for (size_t k = 0; k < count; k++) {
			uint64_t f;
			size_t i = 0;

			if (exp_u64(c, items[k], "frames", 1, 1ULL << 31, &f) < 0)
				return -1;
			while (i < e->nframes && e->frames[i] != f)
				i++;
			if (i == e->nframes)
				return exp_fail(c, items[k], "frames: %llu is not among the experiment's frames",
						(unsigned long long)f);
			x->frames[i] = true;
		}
	}
	if (n.note != NULL) {
		const char *s = exp_scalar(c, n.note, "note");

		if (s == NULL || (x->note = exp_strdup(c, n.note, s)) == NULL)
			return -1;
	}
	return 0;
}

static int exp_expect(struct exp_ctx *c, yaml_node_t *v)
{
	yaml_node_t *items[EXP_MAX_EXPECTS];
	struct experiment *e = c->exp;

	if (exp_items(c, v, "expect", items, EXP_MAX_EXPECTS, &e->nexpects) < 0)
		return -1;
	for (size_t i = 0; i < e->nexpects; i++)
		if (exp_expect_one(c, items[i], &e->expects[i]) < 0)
			return -1;
	return 0;
}

/* The top-level keys, in the order the documentation lists them. The
 * traces handler stores its node in the walk's target (parsed last, once
 * page-size is known); the others write into c->exp. */
static const struct exp_key exp_top_keys[] = {
	{ "name", exp_key_name },
	{ "traces", exp_key_traces },
	{ "policies", exp_key_policies },
	{ "frames", exp_key_frames },
	{ "seeds", exp_key_seeds },
	{ "page-size", exp_key_page_size },
	{ "va-bits", exp_key_va_bits },
	{ "swap-slots", exp_key_swap_slots },
	{ "span", exp_key_span },
	{ "format", exp_key_format },
	{ "skip-bad", exp_key_skip_bad },
	{ "strict", exp_key_strict },
	{ "stack-gap", exp_key_stack_gap },
	{ "tlb", exp_key_tlb },
	{ "tlb-flush-on-switch", exp_key_tlb_flush },
	{ "shootdown", exp_key_shootdown },
	{ "count-page-tables", exp_key_count_page_tables },
	{ "by-segment", exp_key_by_segment },
	{ "scope", exp_key_scope },
	{ "quota", exp_key_quota },
	{ "alloc", exp_key_alloc },
	{ "device", exp_key_device },
	{ "read-us", exp_key_read_us },
	{ "write-us", exp_key_write_us },
	{ "mem-ns", exp_key_mem_ns },
	{ "tlb-miss-ns", exp_key_tlb_miss_ns },
	{ "fault-us", exp_key_fault_us },
	{ "zero-us", exp_key_zero_us },
	{ "copy-us", exp_key_copy_us },
	{ "plugins", exp_key_plugins },
	{ "output", exp_key_output },
	{ "shards", exp_key_shards },
	{ "expect", exp_key_expect },
};

/* The byte of text at libyaml's mark m, whose line and column count
 * characters, not bytes (UTF-8), after a byte-order mark it does not
 * count; 0 past the end. */
static unsigned char exp_byte_at(const unsigned char *text, size_t len, const yaml_mark_t *m)
{
	size_t i = len >= 3 && memcmp(text, "\xef\xbb\xbf", 3) == 0 ? 3 : 0;

	for (size_t line = 0; line < m->line && i < len; i++)
		line += text[i] == '\n';
	for (size_t col = 0; i < len; i++) {
		if ((text[i] & 0xc0) == 0x80) /* a continuation byte: same character */
			continue;
		if (col++ == m->column)
			return text[i];
	}
	return 0;
}

/* Set err to "path:LINE:COL: not valid YAML: ..." for parser's error in
 * text (len bytes). */
static int exp_yaml_error(const char *path, const yaml_parser_t *parser, const unsigned char *text, size_t len,
			  struct ps_error *err)
{
	const yaml_mark_t *m = parser->problem_mark.line || parser->problem_mark.column || !parser->context
			       ? &parser->problem_mark : &parser->context_mark;
	/* libyaml's words for a tab where a token must start say nothing of
	 * tabs (its other tab messages do). */
	const bool tab = exp_byte_at(text, len, &parser->problem_mark) == '\t' &&
			 (parser->problem == NULL || strstr(parser->problem, "tab") == NULL);

	return ps_error_set(err, "%s:%lu:%lu: not valid YAML: %s%s%s%s", path, (unsigned long)m->line + 1,
			    (unsigned long)m->column + 1, parser->problem ? parser->problem : "unknown error",
			    parser->context ? " " : "", parser->context ? parser->context : "",
			    tab ? " (a tab: YAML indents with spaces only)" : "");
}

/* Read the file at path into *text (malloc'd, *len bytes). A file of more
 * than EXP_MAX_FILE_BYTES is refused at the line and column of its first
 * byte beyond the limit. Returns 0 or -1 with err set. */
static int exp_read_text(const char *path, unsigned char **text, size_t *len, struct ps_error *err)
{
	FILE *f = fopen(path, "rb");
	unsigned long line = 1, col = 1;

	if (f == NULL)
		return ps_error_set(err, "%s: %s", path, strerror(errno));
	*text = malloc(EXP_READ_MAX + 1);
	if (*text == NULL) {
		fclose(f);
		return ps_error_set(err, "%s: out of memory", path);
	}
	*len = fread(*text, 1, EXP_READ_MAX + 1, f);
	if (ferror(f)) {
		int why = errno; /* a directory: EISDIR */

		fclose(f);
		return ps_error_set(err, "%s: %s", path, strerror(why));
	}
	fclose(f);
	if (*len <= EXP_READ_MAX)
		return 0;
	for (size_t i = 0; i < EXP_READ_MAX; i++, col++)
		if ((*text)[i] == '\n')
			line++, col = 0;
	return ps_error_set(err, "%s:%lu:%lu: the file is larger than %d bytes (" EXP_READ_LABEL "), the limit for an experiment file",
			    path, line, col, EXP_READ_MAX);
}

/* Walk the events of the whole text before any document is built:
 * refuse text nested deeper than EXP_MAX_DEPTH collections (libyaml's
 * cost grows with the square of the depth), a second document (the load
 * reads only the first, so what follows "---" or "..." would be ignored,
 * its errors too), and any YAML error. Returns 0 or -1 with err set at the
 * place. */
static int exp_check_stream(const char *path, const unsigned char *text, size_t len, struct ps_error *err)
{
	yaml_parser_t parser;
	yaml_event_t ev;
	int depth = 0, rc = 0, documents = 0;
	bool done = false;

	if (!yaml_parser_initialize(&parser))
		return ps_error_set(err, "%s: out of memory", path);
	yaml_parser_set_input_string(&parser, text, len);
	while (!done && rc == 0) {
		if (!yaml_parser_parse(&parser, &ev)) {
			rc = exp_yaml_error(path, &parser, text, len, err);
			break;
		}
		if (ev.type == YAML_DOCUMENT_START_EVENT && ++documents > 1)
			rc = ps_error_set(err, "%s:%lu:%lu: a second YAML document; an experiment file holds one",
					  path, (unsigned long)ev.start_mark.line + 1,
					  (unsigned long)ev.start_mark.column + 1);
		if (ev.type == YAML_SEQUENCE_START_EVENT || ev.type == YAML_MAPPING_START_EVENT) {
			if (++depth > EXP_MAX_DEPTH)
				rc = ps_error_set(err, "%s:%lu:%lu: lists and mappings nested more than %d deep, "
						  "the limit for an experiment file", path,
						  (unsigned long)ev.start_mark.line + 1,
						  (unsigned long)ev.start_mark.column + 1, EXP_MAX_DEPTH);
		} else if (ev.type == YAML_SEQUENCE_END_EVENT || ev.type == YAML_MAPPING_END_EVENT) {
			depth--;
		}
		done = ev.type == YAML_STREAM_END_EVENT;
		yaml_event_delete(&ev);
	}
	yaml_parser_delete(&parser);
	return rc;
}

/* Read the YAML document at path into doc, refusing a file beyond the
 * size and depth limits, a second document and any YAML error first
 * (exp_check_stream). Returns 0 or -1 with err set
 * ("path:LINE:COL: reason" for a YAML error or a limit). */
static int exp_read_document(const char *path, yaml_document_t *doc, struct ps_error *err)
{
	yaml_parser_t parser;
	unsigned char *text = NULL;
	size_t len = 0;
	int rc = exp_read_text(path, &text, &len, err);

	if (rc == 0)
		rc = exp_check_stream(path, text, len, err);
	if (rc == 0 && !yaml_parser_initialize(&parser))
		rc = ps_error_set(err, "%s: out of memory", path);
	if (rc == 0) {
		yaml_parser_set_input_string(&parser, text, len);
		if (!yaml_parser_load(&parser, doc))
			rc = exp_yaml_error(path, &parser, text, len, err);
		yaml_parser_delete(&parser);
	}
	free(text);
	return rc;
}

/* The default name: the file's base name without .yaml/.yml. */
static char *exp_default_name(const char *path)
{
	const char *base = strrchr(path, '/') ? strrchr(path, '/') + 1 : path;
	size_t len = strlen(base);

	if (len > 5 && strcmp(base + len - 5, ".yaml") == 0)
		len -= 5;
	else if (len > 4 && strcmp(base + len - 4, ".yml") == 0)
		len -= 4;
	return strndup(base, len);
}

/* Check the whole of root, every key and value, naming no policy yet:
 * nothing is loaded before this passes. Returns 0 or -1 with err set. */
static int exp_validate(struct exp_ctx *c, yaml_node_t *root)
{
	struct experiment *exp = c->exp;
	yaml_node_t *items[EXP_MAX_TRACES];
	int rc = exp_walk_mapping(c, root, "the experiment", exp_top_keys,
				  sizeof exp_top_keys / sizeof exp_top_keys[0], NULL);

	if (rc == 0)
		rc = exp_machine_check(c);
	if (rc == 0 && c->traces == NULL)
		rc = exp_fail(c, root, "the experiment needs traces: (files or generators)");
	if (rc == 0 && exp->npolicies == 0)
		rc = exp_fail(c, root, "the experiment needs policies: (run 'pagesim policies' for the list)");
	if (rc == 0 && exp->nframes == 0)
		rc = exp_fail(c, root, "the experiment needs frames: (a list, or {from: A, to: B})");
	if (rc == 0 && exp->topt.page_shift >= exp->topt.va_bits)
		rc = exp_fail(c, root, "page-size must be smaller than the %u-bit address space", exp->topt.va_bits);
	if (rc == 0)
		rc = exp_items(c, c->traces, "traces", items, EXP_MAX_TRACES, &exp->ntraces);
	for (size_t i = 0; rc == 0 && i < exp->ntraces; i++)
		rc = exp_trace(c, items[i], &exp->traces[i]);
	for (size_t i = 0; rc == 0 && i < exp->ntraces; i++)
		for (size_t j = 0; rc == 0 && j < i; j++)
			if (strcmp(exp->traces[i].label, exp->traces[j].label) == 0)
				rc = exp_fail(c, items[i], "trace \"%s\" is listed twice", exp->traces[i].label);
	if (rc == 0 && c->expect != NULL)
		rc = exp_expect_shape(c, c->expect);
	return rc;
}

/* Load every plug-in of the file with load(path, arg, err) (none when load
 * is NULL); a failure is reported at the plug-in's entry. */
static int exp_load_plugins(struct exp_ctx *c, exp_plugin_loader load, void *arg)
{
	for (size_t i = 0; load != NULL && i < c->exp->nplugins; i++) {
		struct ps_error why;

		if (load(c->exp->plugins[i], arg, &why) < 0)
			return exp_fail(c, c->plugin_nodes[i], "%s", why.msg);
	}
	return 0;
}

/* Set the name and output directory the file leaves out. */
static int exp_default_output(const char *path, struct experiment *exp, struct ps_error *err)
{
	size_t len;

	if (exp->name == NULL && (exp->name = exp_default_name(path)) == NULL)
		return ps_error_set(err, "out of memory");
	if (exp->output != NULL)
		return 0;
	len = strlen("results/") + strlen(exp->name) + 1;
	if ((exp->output = malloc(len)) == NULL)
		return ps_error_set(err, "out of memory");
	snprintf(exp->output, len, "results/%s", exp->name);
	return 0;
}

/* Load path into exp: validate the whole file, then load its plug-ins
 * (load, arg), then resolve the policy names and expect:. */
static int exp_parse(const char *path, struct experiment *exp, exp_plugin_loader load, void *arg,
		     struct ps_error *err)
{
	yaml_document_t doc;
	yaml_node_t *root;
	struct exp_ctx *c;
	int rc;

	if (exp_read_document(path, &doc, err) < 0)
		return -1;
	root = yaml_document_get_root_node(&doc);
	if (root == NULL) {
		yaml_document_delete(&doc);
		return ps_error_set(err, "%s: the file is empty; an experiment needs traces, policies and frames", path);
	}
	c = calloc(1, sizeof *c);
	if (c == NULL) {
		yaml_document_delete(&doc);
		return ps_error_set(err, "%s: out of memory", path);
	}
	*c = (struct exp_ctx){ .file = path, .doc = &doc, .exp = exp, .err = err };
	rc = exp_validate(c, root);
	if (rc == 0)
		rc = exp_load_plugins(c, load, arg);
	if (rc == 0)
		rc = exp_resolve_policies(c);
	if (rc == 0 && c->expect != NULL)
		rc = exp_expect(c, c->expect);
	free(c);
	yaml_document_delete(&doc);
	return rc == 0 ? exp_default_output(path, exp, err) : rc;
}

/* Reset exp to the defaults every key starts from. */
static void exp_defaults(struct experiment *exp, const char *path)
{
	memset(exp, 0, sizeof *exp);
	exp->file = strdup(path);
	exp->topt = (struct trace_options){ .format = TRACE_AUTO, .page_shift = 12, .va_bits = 48 };
	exp->swap_slots = SIM_DEFAULT_SWAP_SLOTS;
	exp->span_pages = true;
	exp_machine_init(&exp->machine);
	exp->seeds[0] = 1;
	exp->nseeds = 1;
}

int exp_load_with_plugins(const char *path, struct experiment *exp, exp_plugin_loader load, void *arg,
			  struct ps_error *err)
{
	exp_defaults(exp, path);
	if (exp->file == NULL)
		return ps_error_set(err, "out of memory");
	return exp_parse(path, exp, load, arg, err);
}

int exp_load(const char *path, struct experiment *exp, struct ps_error *err)
{
	return exp_load_with_plugins(path, exp, NULL, NULL, err);
}

void exp_free(struct experiment *exp)
{
	free(exp->file);
	free(exp->name);
	free(exp->output);
	for (size_t i = 0; i < EXP_MAX_TRACES; i++) {
		free(exp->traces[i].label);
		free(exp->traces[i].path);
		for (size_t k = 0; k < exp->traces[i].workload.n; k++)
			free(exp->traces[i].workload_paths[k]);
		free(exp->traces[i].workload_paths);
	}
	for (size_t i = 0; i < EXP_MAX_PLUGINS; i++)
		free(exp->plugins[i]);
	for (size_t i = 0; i < EXP_MAX_EXPECTS; i++)
		free(exp->expects[i].note);
	memset(exp, 0, sizeof *exp);
}
