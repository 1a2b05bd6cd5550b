/*
 * results.c - read a results.csv back: an RFC 4180 record reader, then
 * grouping of rows into (trace, page_size, policy, frames) cells with the
 * mean, minimum and maximum of every numeric column; and the faults table
 * printed from them.
 *
 * The record reader works a character at a time from a stream and keeps the
 * fields of one record in one growing buffer, NUL-separated. It counts
 * physical lines, so an error names the line where the bad record starts
 * (or where an unterminated quote opened), even when quoted fields span
 * lines. Result files are small (one row per run), so cells are found by a
 * linear search within their trace.
 */
#include "config.h"

#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "report/results.h"

/* The key columns, then the metrics in enum results_metric order. */
enum { COL_TRACE, COL_POLICY, COL_FRAMES, COL_PAGE_SIZE, COL_SEED, COL_METRICS };
#define NCOLUMNS (COL_METRICS + RM_COUNT)

static const char *const column_names[NCOLUMNS] = {
	"trace", "policy", "frames", "page_size", "seed",
	"refs", "reads", "writes", "fetches", "distinct_pages", "faults", "fault_rate",
	"evictions", "dirty_evictions", "swap_writes", "swap_reads", "hits",
	"clean_evictions", "zero_fills", "faults_per_1000", "skipped_lines",
	"file_reads", "minor_faults", "cow_copies", "cow_reuses", "stack_growths", "segfaults",
	"ignored_refs", "file_writebacks", "file_writes", "tlb_hits", "tlb_misses", "tlb_shootdowns",
	"pt_frames", "resident", "processes", "est_time_ms", "eat_ns", "mean_resident", "space_time",
};

/* Columns from here on may be missing (older files): they read as NaN. */
#define FIRST_OPTIONAL (COL_METRICS + RM_FILE_READS)

const char *results_metric_name(enum results_metric m)
{
	return (unsigned)m < RM_COUNT ? column_names[COL_METRICS + m] : "?";
}

/* Metrics that are decimal fractions rather than whole counts. */
static bool metric_is_fraction(enum results_metric m)
{
	return m == RM_FAULT_RATE || m == RM_FAULTS_PER_1000 || m == RM_EST_TIME_MS || m == RM_EAT_NS ||
	       m == RM_MEAN_RESIDENT;
}

/* ---- RFC 4180 records --------------------------------------------------- */

struct csv {
	FILE *in;
	const char *name;
	unsigned long line;      /* physical line of the next character */
	unsigned long rec_line;  /* line where the current record started */
	char *buf;               /* the record's fields, each NUL-terminated */
	size_t len, cap;
	size_t *offs;            /* start of each field in buf */
	size_t nfields, capfields;
	bool last_quoted;        /* was the record's only field quoted? */
	results_row_fn *on_row;  /* called with each data row, or NULL */
	void *on_row_ctx;
};

static int csv_put(struct csv *c, char ch, struct ps_error *err)
{
	if (c->len == c->cap) {
		size_t cap = c->cap ? 2 * c->cap : 256;
		char *p = realloc(c->buf, cap);

		if (p == NULL)
			return ps_error_set(err, "%s: out of memory", c->name);
		c->buf = p;
		c->cap = cap;
	}
	c->buf[c->len++] = ch;
	return 0;
}

static int csv_field_start(struct csv *c, struct ps_error *err)
{
	if (c->nfields == c->capfields) {
		size_t cap = c->capfields ? 2 * c->capfields : 32;
		size_t *p = realloc(c->offs, cap * sizeof *p);

		if (p == NULL)
			return ps_error_set(err, "%s: out of memory", c->name);
		c->offs = p;
		c->capfields = cap;
	}
	c->offs[c->nfields++] = c->len;
	return 0;
}

static const char *csv_field(const struct csv *c, size_t i)
{
	return c->buf + c->offs[i];
}

/* Read one record. Returns 1 with the fields in c, 0 at the end of the
 * input, -1 on a malformed record (err set to "name:line: problem"). */
static int csv_record(struct csv *c, struct ps_error *err)
{
	int ch = getc(c->in);

	c->len = 0;
	c->nfields = 0;
	c->rec_line = c->line;
	c->last_quoted = false;
	if (ch == EOF)
		return ferror(c->in) ? ps_error_set(err, "%s:%lu: read error: %s", c->name, c->line,
						    strerror(errno))
				     : 0;
	for (;;) {
		bool quoted = ch == '"';

		if (csv_field_start(c, err) < 0)
			return -1;
		if (quoted) {
			unsigned long open_line = c->line;

			for (;;) {
				ch = getc(c->in);
				if (ch == EOF)
					return ps_error_set(err, "%s:%lu: unterminated quoted field", c->name,
							    open_line);
				if (ch == '"') {
					ch = getc(c->in);
					if (ch != '"')
						break;
				} else if (ch == '\n') {
					c->line++;
				} else if (ch == '\0') {
					return ps_error_set(err, "%s:%lu: NUL byte in a field", c->name, c->line);
				}
				if (csv_put(c, (char)ch, err) < 0)
					return -1;
			}
		} else {
			while (ch != ',' && ch != '\n' && ch != '\r' && ch != EOF) {
				if (ch == '"')
					return ps_error_set(err, "%s:%lu: quote inside an unquoted field "
							    "(quote the whole field and double the quote)",
							    c->name, c->line);
				if (ch == '\0')
					return ps_error_set(err, "%s:%lu: NUL byte in a field", c->name, c->line);
				if (csv_put(c, (char)ch, err) < 0)
					return -1;
				ch = getc(c->in);
			}
		}
		if (csv_put(c, '\0', err) < 0)
			return -1;
		c->last_quoted = quoted;
		if (ch == '\r') {
			ch = getc(c->in);
			if (ch != '\n')
				return ps_error_set(err, "%s:%lu: carriage return not followed by a line feed",
						    c->name, c->line);
		}
		if (ch == ',') {
			ch = getc(c->in);
			continue;
		}
		if (ch == '\n') {
			c->line++;
			return 1;
		}
		if (ch == EOF)
			return ferror(c->in) ? ps_error_set(err, "%s:%lu: read error: %s", c->name, c->line,
							    strerror(errno))
					     : 1;
		return ps_error_set(err, "%s:%lu: unexpected '%c' after a closing quote", c->name, c->line,
				    ch);
	}
}

/* ---- grouping ------------------------------------------------------------ */

/* Parse a whole decimal number (digits only) no larger than max. */
static bool parse_whole(const char *s, uint64_t max, uint64_t *out)
{
	uint64_t v = 0;

	if (*s == '\0')
		return false;
	for (; *s; s++) {
		if (*s < '0' || *s > '9')
			return false;
		if (v > (max - (uint64_t)(*s - '0')) / 10)
			return false;
		v = 10 * v + (uint64_t)(*s - '0');
	}
	*out = v;
	return true;
}

/* Parse a non-negative finite decimal fraction ("0.017586", "1e-3"). */
static bool parse_fraction(const char *s, double *out)
{
	char *end;
	double v;

	if (!((*s >= '0' && *s <= '9') || *s == '.'))
		return false;
	errno = 0;
	v = strtod(s, &end);
	if (*end != '\0' || errno == ERANGE || !isfinite(v) || v < 0)
		return false;
	*out = v;
	return true;
}

static char *dup_string(const char *s)
{
	size_t n = strlen(s) + 1;
	char *p = malloc(n);

	return p ? memcpy(p, s, n) : NULL;
}

size_t results_policy_index(const struct results *r, const char *name)
{
	for (size_t i = 0; i < r->npolicies; i++)
		if (strcmp(r->policies[i], name) == 0)
			return i;
	return (size_t)-1;
}

/* The index of policy name, added if new; (size_t)-1 when out of memory. */
static size_t results_intern_policy(struct results *r, const char *name)
{
	size_t i = results_policy_index(r, name);
	char **p;

	if (i != (size_t)-1)
		return i;
	p = realloc(r->policies, (r->npolicies + 1) * sizeof *p);
	if (p == NULL)
		return (size_t)-1;
	r->policies = p;
	if ((p[r->npolicies] = dup_string(name)) == NULL)
		return (size_t)-1;
	return r->npolicies++;
}

/* The (name, page_size) trace, added if new; NULL when out of memory. */
static struct results_trace *results_intern_trace(struct results *r, const char *name,
						  uint64_t page_size, unsigned long line)
{
	struct results_trace *t;

	for (size_t i = 0; i < r->ntraces; i++)
		if (r->traces[i].page_size == page_size && strcmp(r->traces[i].name, name) == 0)
			return &r->traces[i];
	t = realloc(r->traces, (r->ntraces + 1) * sizeof *t);
	if (t == NULL)
		return NULL;
	r->traces = t;
	t = &r->traces[r->ntraces];
	memset(t, 0, sizeof *t);
	if ((t->name = dup_string(name)) == NULL)
		return NULL;
	t->page_size = page_size;
	t->line = line;
	r->ntraces++;
	return t;
}

/* The cell of t for (policy, frames), added (empty) if new; NULL when out
 * of memory. Cells are unsorted until results_read finishes. */
static struct results_cell *trace_intern_cell(struct results_trace *t, size_t policy, uint32_t frames)
{
	struct results_cell *c;

	for (size_t i = 0; i < t->ncells; i++)
		if (t->cells[i].policy == policy && t->cells[i].frames == frames)
			return &t->cells[i];
	c = realloc(t->cells, (t->ncells + 1) * sizeof *c);
	if (c == NULL)
		return NULL;
	t->cells = c;
	c = &t->cells[t->ncells++];
	memset(c, 0, sizeof *c);
	c->policy = policy;
	c->frames = frames;
	return c;
}

static int cell_order(const void *a, const void *b)
{
	const struct results_cell *x = a, *y = b;

	if (x->policy != y->policy)
		return x->policy < y->policy ? -1 : 1;
	return (x->frames > y->frames) - (x->frames < y->frames);
}

const struct results_cell *results_find(const struct results_trace *t, size_t policy, uint32_t frames)
{
	for (size_t i = 0; i < t->ncells; i++)
		if (t->cells[i].policy == policy && t->cells[i].frames == frames)
			return &t->cells[i];
	return NULL;
}

int results_has_policy(const struct results_trace *t, size_t policy)
{
	for (size_t i = 0; i < t->ncells; i++)
		if (t->cells[i].policy == policy)
			return 1;
	return 0;
}

/* Is the record in c the header again (concatenated CSV outputs)? */
static bool is_header_again(const struct csv *c, char *const *header, size_t nheader)
{
	if (c->nfields != nheader)
		return false;
	for (size_t i = 0; i < nheader; i++)
		if (strcmp(csv_field(c, i), header[i]) != 0)
			return false;
	return true;
}

/* Fold the data record in c (whose columns are at col[]) into r. */
static int results_add_row(struct results *r, const struct csv *c, const size_t *col,
			   struct ps_error *err)
{
	const char *trace = csv_field(c, col[COL_TRACE]);
	const char *policy = csv_field(c, col[COL_POLICY]);
	double v[RM_COUNT];
	uint64_t frames, page_size, seed;
	struct results_trace *t;
	struct results_cell *cell;
	size_t p;

	if (*trace == '\0')
		return ps_error_set(err, "%s:%lu: empty trace name", c->name, c->rec_line);
	if (*policy == '\0')
		return ps_error_set(err, "%s:%lu: empty policy name", c->name, c->rec_line);
	if (!parse_whole(csv_field(c, col[COL_FRAMES]), UINT32_MAX, &frames) || frames == 0)
		return ps_error_set(err, "%s:%lu: field 'frames': expected a frame count from 1, got \"%.40s\"",
				    c->name, c->rec_line, csv_field(c, col[COL_FRAMES]));
	if (!parse_whole(csv_field(c, col[COL_PAGE_SIZE]), UINT64_C(1) << 40, &page_size) ||
	    page_size == 0)
		return ps_error_set(err, "%s:%lu: field 'page_size': expected a size in bytes, got \"%.40s\"",
				    c->name, c->rec_line, csv_field(c, col[COL_PAGE_SIZE]));
	if (!parse_whole(csv_field(c, col[COL_SEED]), UINT64_MAX, &seed))
		return ps_error_set(err, "%s:%lu: field 'seed': expected a whole number, got \"%.40s\"",
				    c->name, c->rec_line, csv_field(c, col[COL_SEED]));
	for (int m = 0; m < RM_COUNT; m++) {
		const char *s = col[COL_METRICS + m] == (size_t)-1 ? "" : csv_field(c, col[COL_METRICS + m]);
		uint64_t whole;

		if (*s == '\0') {
			v[m] = NAN; /* not measured (pagesim mrc leaves what it cannot know empty) */
		} else if (metric_is_fraction((enum results_metric)m)) {
			if (!parse_fraction(s, &v[m]))
				return ps_error_set(err, "%s:%lu: field '%s': expected a non-negative number, "
						    "got \"%.40s\"", c->name, c->rec_line,
						    column_names[COL_METRICS + m], s);
		} else {
			if (!parse_whole(s, UINT64_MAX, &whole))
				return ps_error_set(err, "%s:%lu: field '%s': expected a whole number, got \"%.40s\"",
						    c->name, c->rec_line, column_names[COL_METRICS + m], s);
			v[m] = (double)whole;
		}
	}
	if (c->on_row != NULL) {
		struct results_row row = { .trace = trace, .policy = policy, .frames = (uint32_t)frames,
					   .page_size = page_size, .seed = seed, .line = c->rec_line };

		memcpy(row.v, v, sizeof row.v);
		if (c->on_row(c->on_row_ctx, &row, err) < 0)
			return -1;
	}
	if ((p = results_intern_policy(r, policy)) == (size_t)-1 ||
	    (t = results_intern_trace(r, trace, page_size, c->rec_line)) == NULL ||
	    (cell = trace_intern_cell(t, p, (uint32_t)frames)) == NULL)
		return ps_error_set(err, "%s: out of memory", c->name);
	for (int m = 0; m < RM_COUNT; m++) {
		struct results_stat *s = &cell->m[m];

		if (cell->runs == 0 || isnan(v[m]) || isnan(s->mean)) {
			/* One run not measured makes the cell's metric not measured. */
			s->mean = s->min = s->max = cell->runs == 0 ? v[m] : NAN;
			continue;
		}
		s->mean += v[m];   /* a sum until results_read finishes */
		if (v[m] < s->min)
			s->min = v[m];
		if (v[m] > s->max)
			s->max = v[m];
	}
	cell->runs++;
	r->rows++;
	return 0;
}

/* Read the header (the first non-blank record of c) into a new array of
 * *n strings at *header, freed by the caller even on failure. Returns 0
 * or -1 with err set. */
static int results_read_header(struct csv *c, char ***header, size_t *n, struct ps_error *err)
{
	int rc;

	do {
		rc = csv_record(c, err);
	} while (rc == 1 && c->nfields == 1 && !c->last_quoted && *csv_field(c, 0) == '\0');
	if (rc == 0)
		return ps_error_set(err, "%s:%lu: empty file: expected the header line of "
				    "'pagesim run --output csv'", c->name, c->line);
	if (rc < 0)
		return -1;
	if ((*header = calloc(c->nfields, sizeof **header)) == NULL)
		return ps_error_set(err, "%s: out of memory", c->name);
	*n = c->nfields;
	for (size_t i = 0; i < *n; i++)
		if (((*header)[i] = dup_string(csv_field(c, i))) == NULL)
			return ps_error_set(err, "%s: out of memory", c->name);
	return 0;
}

/* Find every known column in header (n names): col[k] is the field index
 * of column_names[k], or (size_t)-1 for an absent optional one. Returns 0
 * or -1 with err set (a column twice, a required one missing). */
static int results_map_columns(const struct csv *c, char **header, size_t n, size_t col[NCOLUMNS],
			       struct ps_error *err)
{
	for (size_t k = 0; k < NCOLUMNS; k++) {
		col[k] = (size_t)-1;
		for (size_t i = 0; i < n; i++) {
			if (strcmp(header[i], column_names[k]) != 0)
				continue;
			if (col[k] != (size_t)-1)
				return ps_error_set(err, "%s:%lu: column '%s' appears twice in the header",
						    c->name, c->rec_line, column_names[k]);
			col[k] = i;
		}
		if (col[k] == (size_t)-1 && k < FIRST_OPTIONAL)
			return ps_error_set(err, "%s:%lu: the header lacks column '%s' (expected the output "
					    "of 'pagesim run --output csv')", c->name, c->rec_line, column_names[k]);
	}
	return 0;
}

/* Read every row after the header into out (blank lines and repeated
 * headers skipped). Returns 0 or -1 with err set. */
static int results_read_rows(struct csv *c, char **header, size_t nheader, const size_t col[NCOLUMNS],
			     struct results *out, struct ps_error *err)
{
	int rc;

	while ((rc = csv_record(c, err)) == 1) {
		if (c->nfields == 1 && !c->last_quoted && *csv_field(c, 0) == '\0')
			continue;
		if (is_header_again(c, header, nheader))
			continue;
		if (c->nfields != nheader)
			return ps_error_set(err, "%s:%lu: expected %zu fields as in the header, found %zu",
					    c->name, c->rec_line, nheader, c->nfields);
		if (results_add_row(out, c, col, err) < 0)
			return -1;
	}
	if (rc < 0)
		return -1;
	if (out->rows == 0)
		return ps_error_set(err, "%s:%lu: no result rows after the header", c->name, c->line);
	return 0;
}

/* Turn the sums of every cell of out into means, and sort each trace's
 * cells (cell_order). */
static void results_finish(struct results *out)
{
	for (size_t i = 0; i < out->ntraces; i++) {
		struct results_trace *t = &out->traces[i];

		for (size_t k = 0; k < t->ncells; k++)
			for (int m = 0; m < RM_COUNT; m++)
				t->cells[k].m[m].mean /= t->cells[k].runs;
		qsort(t->cells, t->ncells, sizeof *t->cells, cell_order);
	}
}

/* results_read, calling on_row(ctx, ...) with each data row. */
static int results_read_with(FILE *in, const char *name, struct results *out, results_row_fn *on_row, void *ctx,
			     struct ps_error *err)
{
	struct csv c = { .in = in, .name = name, .line = 1, .on_row = on_row, .on_row_ctx = ctx };
	size_t col[NCOLUMNS];
	char **header = NULL;
	size_t nheader = 0;
	int rc;

	memset(out, 0, sizeof *out);
	rc = results_read_header(&c, &header, &nheader, err);
	if (rc == 0)
		rc = results_map_columns(&c, header, nheader, col, err);
	if (rc == 0)
		rc = results_read_rows(&c, header, nheader, col, out, err);
	if (rc == 0)
		results_finish(out);
	for (size_t i = 0; header != NULL && i < nheader; i++)
		free(header[i]);
	free(header);
	free(c.buf);
	free(c.offs);
	if (rc < 0)
		results_free(out);
	return rc < 0 ? -1 : 0;
}

int results_read(FILE *in, const char *name, struct results *out, struct ps_error *err)
{
	return results_read_with(in, name, out, NULL, NULL, err);
}

int results_load_rows(const char *path, struct results *out, results_row_fn *on_row, void *ctx,
		      struct ps_error *err)
{
	FILE *in = fopen(path, "r");
	int rc;

	memset(out, 0, sizeof *out);
	if (in == NULL)
		return ps_error_set(err, "%s: %s", path, strerror(errno));
	rc = results_read_with(in, path, out, on_row, ctx, err);
	fclose(in);
	return rc;
}

int results_load(const char *path, struct results *out, struct ps_error *err)
{
	return results_load_rows(path, out, NULL, NULL, err);
}

void results_free(struct results *r)
{
	for (size_t i = 0; i < r->npolicies; i++)
		free(r->policies[i]);
	free(r->policies);
	for (size_t i = 0; i < r->ntraces; i++) {
		free(r->traces[i].name);
		free(r->traces[i].cells);
	}
	free(r->traces);
	memset(r, 0, sizeof *r);
}

/* The distinct frame counts of t's cells, in order of appearance: at most
 * max of them into frames. Returns their number. */
static size_t results_frame_columns(const struct results_trace *t, uint32_t *frames, size_t max)
{
	size_t nframes = 0;

	for (size_t i = 0; i < t->ncells && nframes < max; i++) {
		size_t k = 0;

		while (k < nframes && frames[k] != t->cells[i].frames)
			k++;
		if (k == nframes)
			frames[nframes++] = t->cells[i].frames;
	}
	return nframes;
}

void results_print_faults(FILE *out, const struct results *r)
{
	for (size_t t = 0; t < r->ntraces; t++) {
		const struct results_trace *tr = &r->traces[t];
		uint32_t frames[256];
		size_t nframes = results_frame_columns(tr, frames, 256);

		fprintf(out, "%s%s, %" PRIu64 "-byte pages: faults at each memory size (frames)\n%-22s",
			t ? "\n" : "", tr->name, tr->page_size, "policy");
		for (size_t k = 0; k < nframes; k++)
			fprintf(out, " %10" PRIu32, frames[k]);
		fputc('\n', out);
		for (size_t p = 0; p < r->npolicies; p++) {
			unsigned runs = 0;

			if (!results_has_policy(tr, p))
				continue;
			fprintf(out, "%-22s", r->policies[p]);
			for (size_t k = 0; k < nframes; k++) {
				const struct results_cell *c = results_find(tr, p, frames[k]);

				if (c == NULL)
					fprintf(out, " %10s", "-");
				else if (c->runs > 1)
					fprintf(out, " %10.1f", c->m[RM_FAULTS].mean);
				else
					fprintf(out, " %10.0f", c->m[RM_FAULTS].mean);
				if (c != NULL && c->runs > runs)
					runs = c->runs;
			}
			if (runs > 1)
				fprintf(out, "  (mean of %u seeds)", runs);
			fputc('\n', out);
		}
	}
}
