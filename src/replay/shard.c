/*
 * shard.c - the partition of an experiment's cells into shards, its cost
 * model (shard.h), and the manifest each shard writes for pagesim merge:
 *
 *   #pagesim-shard 1
 *   shard K/N
 *   pagesim VERSION REVISION
 *   experiment HASH
 *   options #pagesim-sweep-cells 2 page_size=4096 ...
 *   trace<TAB>LABEL                      (one per trace, in order)
 *   cell<TAB>T<TAB>POLICY<TAB>FRAMES<TAB>SEED<TAB>SHARD   (every cell, in order)
 *   end
 *
 * Every part of a sweep has the same manifest but for its shard line; the
 * end line tells a whole file from a cut one.
 */
#include "config.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "replay/experiment.h"
#include "replay/shard.h"
#include "util/numparse.h"

size_t shard_seeds_of(const struct experiment *exp, size_t p)
{
	return exp->policies[p].policy->uses_seed ? exp->nseeds : 1;
}

size_t shard_cells_per_trace(const struct experiment *exp)
{
	size_t n = 0;

	for (size_t p = 0; p < exp->npolicies; p++)
		n += exp->nframes * shard_seeds_of(exp, p);
	return n;
}

size_t shard_cells(const struct experiment *exp)
{
	return exp->ntraces * shard_cells_per_trace(exp);
}

/* The size in bytes of trace t's file, or 0 (generated, or unreadable). */
static uint64_t shard_file_size(const struct exp_trace *t)
{
	struct stat st;

	if (t->generated || t->path == NULL || stat(t->path, &st) != 0 || !S_ISREG(st.st_mode))
		return 0;
	return (uint64_t)st.st_size;
}

/* Does name end in suffix? */
static bool shard_ends_with(const char *name, const char *suffix)
{
	size_t n = strlen(name), k = strlen(suffix);

	return n >= k && strcmp(name + n - k, suffix) == 0;
}

uint64_t shard_trace_work(const struct exp_trace *t)
{
	uint64_t size = shard_file_size(t);

	if (t->generated)
		return t->gen.refs ? t->gen.refs : 1;
	if (size == 0)
		return 1 << 20;
	if (shard_ends_with(t->path, ".zst"))
		return size * 5;
	if (shard_ends_with(t->path, ".gz"))
		return size * 3 / 2;
	return size / 14 + 1;
}

/* Do the memory sizes of policy p share one curve (shard.h)? */
static bool shard_shares_curve(const struct experiment *exp, size_t p)
{
	const struct policy_spec *ps = &exp->policies[p];

	if (!exp_machine_is_plain(&exp->machine))
		return false;
	if (strcmp(ps->policy->name, "lru") == 0)
		return true;
	return strcmp(ps->policy->name, "opt") == 0 && ps->params[0] == 0;
}

/* A unit of the partition: the frames of one (trace, policy, seed). */
struct shard_unit {
	size_t trace;
	size_t first, count, stride; /* its cells: first + i * stride, i < count */
	uint64_t cost;
};

/* Sort units by falling cost, then by position in the experiment. */
static int shard_unit_cmp(const void *a, const void *b)
{
	const struct shard_unit *x = a, *y = b;

	if (x->cost != y->cost)
		return x->cost > y->cost ? -1 : 1;
	return x->first < y->first ? -1 : x->first > y->first;
}

/* Fill units (one per trace, policy and seed) with their cells and costs.
 * Returns their number. */
static size_t shard_units(const struct experiment *exp, struct shard_unit *units)
{
	size_t n = 0, cell = 0;

	for (size_t t = 0; t < exp->ntraces; t++) {
		uint64_t w = shard_trace_work(&exp->traces[t]);

		for (size_t p = 0; p < exp->npolicies; p++) {
			uint64_t machines = shard_shares_curve(exp, p) ? 1 : exp->nframes;

			/* Cells run frames-major, seeds-minor: seed s's
			 * unit takes every nseeds-th cell from the s-th. */
			for (size_t s = 0; s < shard_seeds_of(exp, p); s++)
				units[n++] = (struct shard_unit){ .trace = t, .first = cell + s,
								  .count = exp->nframes,
								  .stride = shard_seeds_of(exp, p), .cost = w * machines };
			cell += exp->nframes * shard_seeds_of(exp, p);
		}
	}
	return n;
}

/* Place unit u on the shard whose total with it is smallest (its trace's
 * decoding counted once per shard), recording it in owner. */
static void shard_place(const struct experiment *exp, const struct shard_unit *u, unsigned count,
			uint64_t *load, bool *decodes, uint32_t *owner)
{
	uint64_t w = shard_trace_work(&exp->traces[u->trace]);
	unsigned best = 0;
	uint64_t best_total = UINT64_MAX;

	for (unsigned k = 0; k < count; k++) {
		uint64_t total = load[k] + u->cost + (decodes[k * exp->ntraces + u->trace] ? 0 : w);

		if (total < best_total) {
			best_total = total;
			best = k;
		}
	}
	load[best] = best_total;
	decodes[best * exp->ntraces + u->trace] = true;
	for (size_t i = 0; i < u->count; i++)
		owner[u->first + i * u->stride] = best + 1;
}

int shard_plan(const struct experiment *exp, unsigned count, uint32_t *owner, uint64_t *cost,
	       struct ps_error *err)
{
	size_t units_max = exp->ntraces * exp->npolicies * exp->nseeds + 1, n;
	struct shard_unit *units = calloc(units_max, sizeof *units);
	uint64_t *load = calloc(count, sizeof *load);
	bool *decodes = calloc((size_t)count * exp->ntraces + 1, sizeof *decodes);
	int rc = 0;

	if (units == NULL || load == NULL || decodes == NULL) {
		rc = ps_error_set(err, "out of memory");
	} else {
		n = shard_units(exp, units);
		qsort(units, n, sizeof *units, shard_unit_cmp);
		for (size_t i = 0; i < n; i++)
			shard_place(exp, &units[i], count, load, decodes, owner);
		if (cost != NULL)
			memcpy(cost, load, count * sizeof *cost);
	}
	free(units);
	free(load);
	free(decodes);
	return rc;
}

#define SHARD_FNV_BASIS 0xcbf29ce484222325ULL

/* The FNV-1a hash h continued over the string s and a separator. */
static uint64_t shard_fnv(uint64_t h, const char *s)
{
	for (const unsigned char *p = (const unsigned char *)s; *p; p++)
		h = (h ^ *p) * 0x100000001b3ULL;
	return (h ^ '\n') * 0x100000001b3ULL;
}

void shard_experiment_hash(const struct experiment *exp, char *buf, size_t size)
{
	uint64_t h = shard_fnv(SHARD_FNV_BASIS, exp->name);
	char num[64];

	for (size_t t = 0; t < exp->ntraces; t++) {
		snprintf(num, sizeof num, "size=%" PRIu64, shard_file_size(&exp->traces[t]));
		h = shard_fnv(shard_fnv(h, exp->traces[t].label), num);
	}
	for (size_t p = 0; p < exp->npolicies; p++)
		h = shard_fnv(shard_fnv(h, exp->policies[p].label), exp->policies[p].policy->uses_seed ? "s" : "d");
	for (size_t f = 0; f < exp->nframes; f++) {
		snprintf(num, sizeof num, "frames=%" PRIu32, exp->frames[f]);
		h = shard_fnv(h, num);
	}
	for (size_t s = 0; s < exp->nseeds; s++) {
		snprintf(num, sizeof num, "seed=%" PRIu64, exp->seeds[s]);
		h = shard_fnv(h, num);
	}
	snprintf(buf, size, "%016" PRIx64, h);
}

int shard_parse(const char *text, unsigned default_count, unsigned *index, unsigned *count,
		struct ps_error *err)
{
	const char *slash = strchr(text, '/');
	char k[32];
	uint64_t kv, nv = default_count;

	if (slash == NULL && default_count == 0)
		return ps_error_set(err, "--shard %s: expected K/N (shard K of N, 1 <= K <= N <= %d)", text, SHARD_MAX);
	snprintf(k, sizeof k, "%.*s", slash ? (int)(slash - text) : (int)strlen(text), text);
	if ((slash && !num_parse_u64(slash + 1, 1, SHARD_MAX, &nv)) || !num_parse_u64(k, 1, nv, &kv))
		return ps_error_set(err, "--shard %s: expected K/N with 1 <= K <= N <= %d", text, SHARD_MAX);
	*index = (unsigned)kv;
	*count = (unsigned)nv;
	return 0;
}

void shard_write_manifest(FILE *f, const struct experiment *exp, unsigned index, unsigned count,
			  const uint32_t *owner, const char *options)
{
	char hash[32];
	size_t cell = 0;

	shard_experiment_hash(exp, hash, sizeof hash);
	fprintf(f, "#pagesim-shard 1\nshard %u/%u\npagesim %s %s\nexperiment %s\noptions %s", index, count,
		PACKAGE_VERSION, PAGESIM_GIT_REVISION, hash, options);
	for (size_t t = 0; t < exp->ntraces; t++)
		fprintf(f, "trace\t%s\n", exp->traces[t].label);
	for (size_t t = 0; t < exp->ntraces; t++)
		for (size_t p = 0; p < exp->npolicies; p++)
			for (size_t fr = 0; fr < exp->nframes; fr++)
				for (size_t s = 0; s < shard_seeds_of(exp, p); s++, cell++)
					fprintf(f, "cell\t%zu\t%s\t%" PRIu32 "\t%" PRIu64 "\t%" PRIu32 "\n", t,
						exp->policies[p].label, exp->frames[fr], exp->seeds[s], owner[cell]);
	fputs("end\n", f);
}
