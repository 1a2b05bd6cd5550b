/*
 * merge.c - joining the shards of a sweep (merge.h). Every part is read
 * whole and checked against the first one's manifest (shard.c) before
 * anything is written; OUT then gets the files the runner would have
 * written (runner.c), in the same formats: the rows are carried over as
 * the shards wrote them, with their results.csv header, so columns added
 * later pass through untouched.
 */
#include "config.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "replay/merge.h"
#include "replay/runner.h"
#include "replay/shard.h"
#include "report/report.h"
#include "util/files.h"
#include "util/numparse.h"

/* One cell of the experiment, as the first part's manifest lists it. */
struct merge_cell {
	size_t trace;
	const char *policy; /* into that manifest's text */
	uint32_t frames;
	uint64_t seed;
	unsigned owner;     /* the shard that makes it */
	const char *row;    /* its CSV line (into a part's cells file), or NULL */
	size_t part;        /* the part it came from */
};

/* One shard's output directory, read. */
struct merge_part {
	const char *dir;
	char *manifest, *body;  /* shard.txt, and where its traces start */
	char *version, *experiment, *options; /* its stamp lines' values */
	unsigned index, count;
	char *summary;          /* summary.json */
	char *header;           /* results.csv's first line */
	char **cells;           /* each trace's cells file, or NULL */
};

/* The state of one merge_run call. */
struct merge {
	struct merge_part *parts;
	size_t nparts;
	const char **traces;    /* labels, into parts[0].manifest */
	size_t ntraces;
	struct merge_cell *cells;
	size_t ncells;
	size_t *order;          /* cell indexes by (trace, policy, frames, seed) */
	const char **stamps;    /* each trace's "#trace" line, or NULL */
};

/* Read the file path whole into a new NUL-terminated *text. Returns 0, 1
 * when it does not exist, or -1 with err set (a NUL byte inside is an
 * error: the parts are text). */
static int merge_slurp(const char *path, char **text, struct ps_error *err)
{
	size_t len;

	if ((*text = files_read_whole(path, &len, err)) == NULL)
		return errno == ENOENT ? 1 : -1;
	if (strlen(*text) != len) {
		free(*text);
		*text = NULL;
		return ps_error_set(err, "%s: holds a NUL byte (a damaged part)", path);
	}
	return 0;
}

/* Cut the line at *cursor off (its newline becomes NUL) and return it,
 * moving *cursor past it; NULL at the end of the text or before a line
 * without its newline. */
static char *merge_line(char **cursor)
{
	char *line = *cursor, *nl = strchr(line, '\n');

	if (nl == NULL)
		return NULL;
	*nl = '\0';
	*cursor = nl + 1;
	return line;
}

/* The value of the manifest's line lineno, which must start with key and
 * a space. NULL with err set when it does not. */
static char *merge_stamp_line(const struct merge_part *p, char **cursor, int lineno, const char *key,
			      struct ps_error *err)
{
	char *line = merge_line(cursor);
	size_t k = strlen(key);

	if (line == NULL || strncmp(line, key, k) != 0 || line[k] != ' ') {
		ps_error_set(err, "%s/%s:%d: expected \"%s ...\" (a damaged part)", p->dir, SHARD_MANIFEST, lineno, key);
		return NULL;
	}
	return line + k + 1;
}

/* Read part p's shard.txt and its stamp lines (the body is parsed from the
 * first part only, merge_cells). Returns 0 or -1 with err set. */
static int merge_read_manifest(struct merge_part *p, struct ps_error *err)
{
	char path[4096], *cursor, *magic, *shard;
	size_t len;
	int rc;

	snprintf(path, sizeof path, "%s/%s", p->dir, SHARD_MANIFEST);
	if ((rc = merge_slurp(path, &p->manifest, err)) != 0)
		return rc < 0 ? -1 : ps_error_set(err, "%s: not a shard of a sweep (no %s): make the parts with "
						  "'pagesim sweep EXP --shard K/N'", p->dir, SHARD_MANIFEST);
	len = strlen(p->manifest);
	if (len < 5 || strcmp(p->manifest + len - 5, "\nend\n") != 0)
		return ps_error_set(err, "%s: cut short (no end line): a half-written or damaged part", path);
	cursor = p->manifest;
	magic = merge_line(&cursor);
	if (magic == NULL || strcmp(magic, "#pagesim-shard 1") != 0)
		return ps_error_set(err, "%s:1: expected \"#pagesim-shard 1\" (a damaged part)", path);
	if ((shard = merge_stamp_line(p, &cursor, 2, "shard", err)) == NULL ||
	    (p->version = merge_stamp_line(p, &cursor, 3, "pagesim", err)) == NULL ||
	    (p->experiment = merge_stamp_line(p, &cursor, 4, "experiment", err)) == NULL ||
	    (p->options = merge_stamp_line(p, &cursor, 5, "options", err)) == NULL)
		return -1;
	if (sscanf(shard, "%u/%u", &p->index, &p->count) != 2 || p->index < 1 || p->index > p->count)
		return ps_error_set(err, "%s:2: expected \"shard K/N\" (a damaged part)", path);
	p->body = cursor;
	return 0;
}

/* The value of summary.json's member key (its text up to the line's end,
 * without a trailing comma) in buf, or "" when it has none. */
static void merge_summary_value(const char *summary, const char *key, char *buf, size_t size)
{
	char pattern[64];
	const char *at, *end;
	size_t n;

	snprintf(pattern, sizeof pattern, "\n  \"%s\": ", key);
	buf[0] = '\0';
	if ((at = strstr(summary, pattern)) == NULL)
		return;
	at += strlen(pattern);
	end = strchr(at, '\n');
	n = end ? (size_t)(end - at) : strlen(at);
	if (n > 0 && at[n - 1] == ',')
		n--;
	snprintf(buf, size, "%.*s", (int)n, at);
}

/* Read part p's summary.json (which must say the shard is complete) and
 * its results.csv header. Returns 0 or -1 with err set. */
static int merge_read_outputs(struct merge_part *p, struct ps_error *err)
{
	char path[4096], status[64], *csv = NULL, *nl;
	int rc;

	snprintf(path, sizeof path, "%s/summary.json", p->dir);
	if ((rc = merge_slurp(path, &p->summary, err)) != 0)
		return rc < 0 ? -1 : ps_error_set(err, "%s: missing: a half-written part", path);
	merge_summary_value(p->summary, "status", status, sizeof status);
	if (strcmp(status, "\"complete\"") != 0)
		return ps_error_set(err, "%s: status %s, not \"complete\": a half-written part; finish it with "
				    "'pagesim sweep EXP --shard %u/%u --resume'", path, status[0] ? status : "missing",
				    p->index, p->count);
	snprintf(path, sizeof path, "%s/results.csv", p->dir);
	if ((rc = merge_slurp(path, &csv, err)) != 0)
		return rc < 0 ? -1 : ps_error_set(err, "%s: missing: a half-written part", path);
	if ((nl = strchr(csv, '\n')) == NULL) {
		free(csv);
		return ps_error_set(err, "%s:1: expected the header line (a damaged part)", path);
	}
	nl[1] = '\0';
	p->header = csv;
	return 0;
}

/* Check that part p belongs with part first: same version, machine
 * options, experiment and shard count, another shard, the same cells.
 * Returns 0 or -1 with err set. */
static int merge_compare(const struct merge_part *p, const struct merge_part *first, struct ps_error *err)
{
	if (strcmp(p->version, first->version) != 0)
		return ps_error_set(err, "%s: made by pagesim %s, but %s by pagesim %s: merge parts of one version",
				    p->dir, p->version, first->dir, first->version);
	if (strcmp(p->options, first->options) != 0)
		return ps_error_set(err, "%s: made with other machine options than %s: merge parts of one experiment",
				    p->dir, first->dir);
	if (strcmp(p->experiment, first->experiment) != 0)
		return ps_error_set(err, "%s: a shard of another experiment than %s (experiment %s, not %s)", p->dir,
				    first->dir, p->experiment, first->experiment);
	if (p->count != first->count)
		return ps_error_set(err, "%s: shard %u/%u, but %s is shard %u/%u: the parts must split the experiment "
				    "the same way", p->dir, p->index, p->count, first->dir, first->index, first->count);
	if (strcmp(p->body, first->body) != 0)
		return ps_error_set(err, "%s/%s: lists other cells than %s's though their stamps agree (a damaged part)",
				    p->dir, SHARD_MANIFEST, first->dir);
	if (strcmp(p->header, first->header) != 0)
		return ps_error_set(err, "%s/results.csv:1: other columns than %s/results.csv", p->dir, first->dir);
	return 0;
}

/* Parse one "cell" line's fields (after "cell\t") into c. */
static bool merge_parse_cell(char *line, size_t ntraces, unsigned count, struct merge_cell *c)
{
	char *field[5], *cursor = line;
	uint64_t t, frames, owner;

	for (int i = 0; i < 5; i++) {
		field[i] = cursor;
		cursor = strchr(cursor, '\t');
		if ((cursor == NULL) != (i == 4))
			return false;
		if (cursor != NULL)
			*cursor++ = '\0';
	}
	if (!num_parse_u64(field[0], 0, ntraces ? ntraces - 1 : 0, &t) || ntraces == 0 ||
	    !num_parse_u64(field[2], 1, UINT32_MAX, &frames) || !num_parse_u64(field[3], 0, UINT64_MAX, &c->seed) ||
	    !num_parse_u64(field[4], 1, count, &owner))
		return false;
	c->trace = (size_t)t;
	c->policy = field[1];
	c->frames = (uint32_t)frames;
	c->owner = (unsigned)owner;
	return true;
}

/* Parse the first part's manifest body: its traces and cells. Returns 0
 * or -1 with err set. */
static int merge_cells(struct merge *m, struct ps_error *err)
{
	struct merge_part *p = &m->parts[0];
	char *cursor = p->body, *line;
	size_t lines = 0, lineno = 5;

	for (const char *c = cursor; *c; c++)
		lines += *c == '\n';
	m->traces = calloc(lines + 1, sizeof *m->traces);
	m->cells = calloc(lines + 1, sizeof *m->cells);
	if (m->traces == NULL || m->cells == NULL)
		return ps_error_set(err, "out of memory");
	while ((line = merge_line(&cursor)) != NULL && ++lineno) {
		if (strncmp(line, "trace\t", 6) == 0 && m->ncells == 0)
			m->traces[m->ntraces++] = line + 6;
		else if (strncmp(line, "cell\t", 5) == 0 &&
			 merge_parse_cell(line + 5, m->ntraces, p->count, &m->cells[m->ncells]))
			m->ncells++;
		else if (strcmp(line, "end") != 0 || *cursor != '\0')
			return ps_error_set(err, "%s/%s:%zu: expected a trace, cell or end line (a damaged part)", p->dir,
					    SHARD_MANIFEST, lineno);
	}
	return 0;
}

/* The merge whose cells merge_order sorts (qsort has no context). */
static const struct merge *merge_sorting;

/* Order cells by trace, policy, frames and seed. */
static int merge_key_cmp(const struct merge_cell *x, const struct merge_cell *y)
{
	int c;

	if (x->trace != y->trace)
		return x->trace < y->trace ? -1 : 1;
	if ((c = strcmp(x->policy, y->policy)) != 0)
		return c;
	if (x->frames != y->frames)
		return x->frames < y->frames ? -1 : 1;
	return x->seed < y->seed ? -1 : x->seed > y->seed;
}

/* qsort's comparison of two cell indexes of merge_sorting. */
static int merge_cell_cmp(const void *a, const void *b)
{
	return merge_key_cmp(&merge_sorting->cells[*(const size_t *)a], &merge_sorting->cells[*(const size_t *)b]);
}

/* Sort m->order for merge_find. Returns 0 or -1 with err set. */
static int merge_order(struct merge *m, struct ps_error *err)
{
	if ((m->order = calloc(m->ncells + 1, sizeof *m->order)) == NULL)
		return ps_error_set(err, "out of memory");
	for (size_t i = 0; i < m->ncells; i++)
		m->order[i] = i;
	merge_sorting = m;
	qsort(m->order, m->ncells, sizeof *m->order, merge_cell_cmp);
	return 0;
}

/* The cell key describes, or NULL. */
static struct merge_cell *merge_find(const struct merge *m, const struct merge_cell *key)
{
	size_t lo = 0, hi = m->ncells;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int cmp = merge_key_cmp(&m->cells[m->order[mid]], key);

		if (cmp == 0)
			return &m->cells[m->order[mid]];
		if (cmp < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

/* Describe cell c in buf: "TRACE lru at 64 frames (seed 1)". */
static const char *merge_describe(const struct merge *m, const struct merge_cell *c, char *buf, size_t size)
{
	snprintf(buf, size, "%s %s at %" PRIu32 " frames (seed %" PRIu64 ")", m->traces[c->trace], c->policy,
		 c->frames, c->seed);
	return buf;
}

/* Take row line (lineno of path, in part pi's cells file of trace t) as
 * its cell's result. Returns 0 or -1 with err set: a row that is no cell
 * of the experiment, or one another part has too. */
static int merge_take_row(struct merge *m, size_t pi, size_t t, char *line, const char *path, size_t lineno,
			  struct ps_error *err)
{
	struct merge_cell key = { .trace = t, .policy = line }, *c;
	char *frames, *seed, *csv, what[1024];
	uint64_t fv;

	if ((frames = strchr(line, '\t')) == NULL || (seed = strchr(frames + 1, '\t')) == NULL ||
	    (csv = strchr(seed + 1, '\t')) == NULL)
		return ps_error_set(err, "%s:%zu: expected policy, frames, seed and a CSV row (a damaged part)", path,
				    lineno);
	*frames++ = *seed++ = *csv++ = '\0';
	if (!num_parse_u64(frames, 1, UINT32_MAX, &fv) || !num_parse_u64(seed, 0, UINT64_MAX, &key.seed))
		return ps_error_set(err, "%s:%zu: expected whole frames and seed (a damaged part)", path, lineno);
	key.frames = (uint32_t)fv;
	if ((c = merge_find(m, &key)) == NULL)
		return ps_error_set(err, "%s:%zu: %s is no cell of the experiment (a damaged part)", path, lineno,
				    merge_describe(m, &key, what, sizeof what));
	if (c->row != NULL)
		return ps_error_set(err, "%s is in two parts, %s and %s (shard %u/%u makes it): merge each shard once",
				    merge_describe(m, c, what, sizeof what), m->parts[c->part].dir, m->parts[pi].dir,
				    c->owner, m->parts[0].count);
	c->row = csv;
	c->part = pi;
	return 0;
}

/* Read part pi's cells file of trace t, if it has one, and take its rows.
 * Returns 0 or -1 with err set. */
static int merge_read_cells(struct merge *m, size_t pi, size_t t, struct ps_error *err)
{
	struct merge_part *p = &m->parts[pi];
	char name[64], path[4096], *cursor, *line;
	size_t lineno = 1;
	int rc;

	runner_cells_name(m->traces[t], name, sizeof name);
	snprintf(path, sizeof path, "%s/cells/%s", p->dir, name);
	if ((rc = merge_slurp(path, &p->cells[t], err)) != 0)
		return rc < 0 ? -1 : 0;
	cursor = p->cells[t];
	line = merge_line(&cursor);
	if (line == NULL || strcmp(line, p->options) != 0)
		return ps_error_set(err, "%s:1: not the machine options of %s/%s (a damaged part)", path, p->dir,
				    SHARD_MANIFEST);
	while ((line = merge_line(&cursor)) != NULL) {
		lineno++;
		if (lineno == 2 && strncmp(line, "#trace ", 7) == 0) {
			if (m->stamps[t] == NULL)
				m->stamps[t] = line;
		} else if (merge_take_row(m, pi, t, line, path, lineno, err) < 0) {
			return -1;
		}
	}
	if (*cursor != '\0')
		return ps_error_set(err, "%s:%zu: cut short (a half-written part)", path, lineno + 1);
	return 0;
}

/* Check that every cell has its row; else name the first missing one,
 * how many are, and the shard that should have made it. Returns 0 or -1
 * with err set. */
static int merge_check_complete(const struct merge *m, struct ps_error *err)
{
	const struct merge_cell *first = NULL;
	const char *dir = NULL;
	char what[1024];
	size_t missing = 0;

	for (size_t i = 0; i < m->ncells; i++)
		if (m->cells[i].row == NULL && missing++ == 0)
			first = &m->cells[i];
	if (first == NULL)
		return 0;
	for (size_t p = 0; p < m->nparts; p++)
		if (m->parts[p].index == first->owner)
			dir = m->parts[p].dir;
	merge_describe(m, first, what, sizeof what);
	if (dir != NULL)
		return ps_error_set(err, "%s is missing (%zu missing in all): shard %u/%u should have made it, but %s lacks "
				    "it; rerun that shard with --resume", what, missing, first->owner, m->parts[0].count, dir);
	return ps_error_set(err, "%s is missing (%zu missing in all): shard %u/%u should have made it, and no part given "
			    "is that shard", what, missing, first->owner, m->parts[0].count);
}

/* ---- writing OUT ---- */

/* Write OUT/cells/NAME.tsv of every trace: the machine options, the
 * trace's identity line, its rows in the experiment's order. */
static int merge_write_cells(const struct merge *m, const char *out, struct ps_error *err)
{
	char dir[4096], name[64];
	struct files_memfile mf;

	snprintf(dir, sizeof dir, "%s/cells", out);
	if (files_mkdirs(dir, err) < 0)
		return -1;
	for (size_t t = 0; t < m->ntraces; t++) {
		runner_cells_name(m->traces[t], name, sizeof name);
		if (files_memfile_open(&mf, dir, name, err) < 0)
			return -1;
		fprintf(mf.f, "%s\n", m->parts[0].options);
		if (m->stamps[t] != NULL)
			fprintf(mf.f, "%s\n", m->stamps[t]);
		for (size_t i = 0; i < m->ncells; i++)
			if (m->cells[i].trace == t)
				fprintf(mf.f, "%s\t%" PRIu32 "\t%" PRIu64 "\t%s\n", m->cells[i].policy, m->cells[i].frames,
					m->cells[i].seed, m->cells[i].row);
		if (files_memfile_commit(&mf, err) < 0)
			return -1;
	}
	return 0;
}

/* Write OUT/results.csv: the parts' header, then every row in order. */
static int merge_write_results(const struct merge *m, const char *out, struct ps_error *err)
{
	struct files_memfile mf;

	if (files_memfile_open(&mf, out, "results.csv", err) < 0)
		return -1;
	fputs(m->parts[0].header, mf.f);
	for (size_t i = 0; i < m->ncells; i++)
		fprintf(mf.f, "%s\n", m->cells[i].row);
	return files_memfile_commit(&mf, err);
}

/* Write the "shards" member of the merged summary: each part's shard,
 * directory, host, start, wall time and threads. */
static void merge_write_shards(FILE *f, const struct merge *m)
{
	char host[512], started[64], wall[64], threads[64];

	fputs("  \"shards\": [", f);
	for (size_t p = 0; p < m->nparts; p++) {
		const struct merge_part *part = &m->parts[p];

		merge_summary_value(part->summary, "host", host, sizeof host);
		merge_summary_value(part->summary, "started", started, sizeof started);
		merge_summary_value(part->summary, "wall_seconds", wall, sizeof wall);
		merge_summary_value(part->summary, "threads", threads, sizeof threads);
		fprintf(f, "%s\n    {\"shard\": \"%u/%u\", \"directory\": ", p ? "," : "", part->index, part->count);
		report_json_string(f, part->dir);
		fprintf(f, ", \"host\": %s, \"started\": %s, \"wall_seconds\": %s, \"threads\": %s}", host, started,
			wall, threads);
	}
	fputs("\n  ],\n", f);
}

/* Write OUT/summary.json: the first part's, with the status given, the
 * whole experiment's cell counts, the longest shard's wall time, no
 * "shard" member, and a "shards" list (merge_write_shards). */
static int merge_write_summary(const struct merge *m, const char *out, const char *status, struct ps_error *err)
{
	struct files_memfile mf;
	double wall = 0;
	const char *line = m->parts[0].summary;

	for (size_t p = 0; p < m->nparts; p++) {
		char value[64];

		merge_summary_value(m->parts[p].summary, "wall_seconds", value, sizeof value);
		if (strtod(value, NULL) > wall)
			wall = strtod(value, NULL);
	}
	if (files_memfile_open(&mf, out, "summary.json", err) < 0)
		return -1;
	while (*line) {
		const char *nl = strchr(line, '\n');
		int n = nl ? (int)(nl - line + 1) : (int)strlen(line);

		if (strncmp(line, "  \"status\": ", 12) == 0)
			fprintf(mf.f, "  \"status\": \"%s\",\n", status);
		else if (strncmp(line, "  \"wall_seconds\": ", 18) == 0)
			fprintf(mf.f, "  \"wall_seconds\": %.3f,\n", wall);
		else if (strncmp(line, "  \"cells\": ", 11) == 0 || strncmp(line, "  \"cells_done\": ", 16) == 0)
			fprintf(mf.f, "%.*s %zu,\n", (int)(strchr(line, ':') - line + 1), line, m->ncells);
		else if (strncmp(line, "  \"cells_failed\": ", 18) == 0) {
			fputs("  \"cells_failed\": 0,\n", mf.f);
			merge_write_shards(mf.f, m);
		} else if (strncmp(line, "  \"shard\": ", 11) != 0)
			fprintf(mf.f, "%.*s", n, line);
		line += n;
	}
	return files_memfile_commit(&mf, err);
}

/* ---- the merge ---- */

/* Is out the directory dir (the same file), so writing it would replace
 * a part? */
static bool merge_same_dir(const char *out, const char *dir)
{
	struct stat a, b;

	return stat(out, &a) == 0 && stat(dir, &b) == 0 && a.st_dev == b.st_dev && a.st_ino == b.st_ino;
}

/* Read and check every part against the first: stamps, status, shard
 * numbers given once, and that none is out. Returns 0 or -1 with err set. */
static int merge_read_parts(struct merge *m, const char *out, struct ps_error *err)
{
	for (size_t i = 0; i < m->nparts; i++) {
		struct merge_part *p = &m->parts[i];

		if (merge_same_dir(out, p->dir))
			return ps_error_set(err, "%s: is the output directory too; merge into another directory", p->dir);
		if (merge_read_manifest(p, err) < 0 || merge_read_outputs(p, err) < 0 ||
		    (i > 0 && merge_compare(p, &m->parts[0], err) < 0))
			return -1;
		for (size_t j = 0; j < i; j++)
			if (m->parts[j].index == p->index)
				return ps_error_set(err, "%s: shard %u/%u again (%s is that shard too): merge each shard once",
						    p->dir, p->index, p->count, m->parts[j].dir);
	}
	return 0;
}

/* Take every part's rows, checking none is missing or twice. Returns 0 or
 * -1 with err set. */
static int merge_gather(struct merge *m, struct ps_error *err)
{
	if (merge_cells(m, err) < 0 || merge_order(m, err) < 0)
		return -1;
	if ((m->stamps = calloc(m->ntraces + 1, sizeof *m->stamps)) == NULL)
		return ps_error_set(err, "out of memory");
	for (size_t i = 0; i < m->nparts; i++) {
		if ((m->parts[i].cells = calloc(m->ntraces + 1, sizeof *m->parts[i].cells)) == NULL)
			return ps_error_set(err, "out of memory");
		for (size_t t = 0; t < m->ntraces; t++)
			if (merge_read_cells(m, i, t, err) < 0)
				return -1;
	}
	return merge_check_complete(m, err);
}

/* Free what m holds. */
static void merge_free(struct merge *m)
{
	for (size_t i = 0; m->parts && i < m->nparts; i++) {
		struct merge_part *p = &m->parts[i];

		for (size_t t = 0; p->cells && t < m->ntraces; t++)
			free(p->cells[t]);
		free(p->cells);
		free(p->manifest);
		free(p->summary);
		free(p->header);
	}
	free(m->parts);
	free(m->traces);
	free(m->cells);
	free(m->order);
	free(m->stamps);
}

int merge_run(const char *out, const char *const *dirs, size_t n, struct merge_counts *counts,
	      struct ps_error *err)
{
	struct merge m = { .nparts = n };
	int rc = 0;

	*counts = (struct merge_counts){ .parts = n };
	if (n == 0 || (m.parts = calloc(n, sizeof *m.parts)) == NULL)
		return ps_error_set(err, n ? "out of memory" : "merge: no shard directories given");
	for (size_t i = 0; i < n; i++)
		m.parts[i].dir = dirs[i];
	if (merge_read_parts(&m, out, err) < 0 || merge_gather(&m, err) < 0 || files_mkdirs(out, err) < 0 ||
	    merge_write_summary(&m, out, "running", err) < 0 || merge_write_cells(&m, out, err) < 0 ||
	    merge_write_results(&m, out, err) < 0 || merge_write_summary(&m, out, "complete", err) < 0)
		rc = -1;
	counts->cells = m.ncells;
	counts->shards = m.parts[0].count;
	merge_free(&m);
	return rc;
}
