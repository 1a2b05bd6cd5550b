/*
 * plot.c - turn a results set into gnuplot data files, scripts and images.
 *
 * Every graph goes through the same three steps:
 *  1. the numbers go into NAME.dat, and the settings gnuplot needs (data
 *     file, titles, policy names, tick labels, ranges) into a small header,
 *     every string written as a single-quoted gnuplot literal;
 *  2. NAME.gp = that header + a copy of plot-style.gp + a copy of the
 *     graph's template, so the plots directory re-draws by hand with
 *     `gnuplot NAME.gp` and needs no pagesim installation to be restyled;
 *  3. gnuplot runs on NAME.gp: forked and exec'd with an argv, in the
 *     output directory, stdin and stdout on /dev/null, its stderr kept to
 *     explain a failure. A "-e" argument (built only from our own sanitized
 *     names) points the images at temporary names, renamed once gnuplot
 *     exits 0.
 * The data and script files are written to a temporary name and renamed
 * too, so a directory never holds half a file.
 *
 * Trace and policy names are user data: they only ever reach gnuplot
 * inside single-quoted literals (plot_gp_string), and reach file names only
 * through plot_safe_name.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include "util/files.h"
#include "report/plot.h"

enum { T_STYLE, T_FAULT_RATE, T_VS_OPT, T_DIRTY, T_BARS, T_COUNT };

const char *const plot_template_files[] = {
	[T_STYLE] = "plot-style.gp",
	[T_FAULT_RATE] = "plot-fault-rate.gp",
	[T_VS_OPT] = "plot-vs-opt.gp",
	[T_DIRTY] = "plot-dirty.gp",
	[T_BARS] = "plot-bars.gp",
	[T_COUNT] = NULL,
};

/* plot-style.gp defines linetypes 1..PALETTE_SIZE for the policies and
 * OPT_LTYPE for opt. */
#define PALETTE_SIZE 20
#define OPT_LTYPE 21

/* The longest trace name shown whole in a title (bytes). */
#define TITLE_NAME_MAX 48

/* How much of gnuplot's stderr is kept to explain a failure. */
#define GNUPLOT_STDERR_MAX 8192

/* ---- strings and names --------------------------------------------------- */

/* The length of the valid UTF-8 sequence at p (1..4), or 0 if the bytes
 * there are not one (stray continuation, overlong, surrogate, > U+10FFFF). */
static size_t utf8_len(const unsigned char *p)
{
	unsigned cp;
	size_t n;

	if (p[0] < 0x80)
		return 1;
	if (p[0] >= 0xc2 && p[0] <= 0xdf)
		n = 2, cp = p[0] & 0x1f;
	else if (p[0] >= 0xe0 && p[0] <= 0xef)
		n = 3, cp = p[0] & 0x0f;
	else if (p[0] >= 0xf0 && p[0] <= 0xf4)
		n = 4, cp = p[0] & 0x07;
	else
		return 0;
	for (size_t i = 1; i < n; i++) {
		if ((p[i] & 0xc0) != 0x80)
			return 0;
		cp = (cp << 6) | (p[i] & 0x3f);
	}
	if ((n == 3 && (cp < 0x800 || (cp >= 0xd800 && cp <= 0xdfff))) ||
	    (n == 4 && (cp < 0x10000 || cp > 0x10ffff)))
		return 0;
	return n;
}

/* Write s as display text: control characters as spaces, invalid UTF-8 as
 * '?', and (when quoting) each ' doubled. */
static void put_text(FILE *out, const char *s, bool quoting)
{
	const unsigned char *p = (const unsigned char *)s;

	while (*p) {
		size_t n = utf8_len(p);

		if (n == 0) {
			fputc('?', out);
			p++;
			continue;
		}
		if (n > 1)
			fwrite(p, 1, n, out);
		else if (*p < 0x20 || *p == 0x7f)
			fputc(' ', out);
		else if (*p == '\'' && quoting)
			fputs("''", out);
		else
			fputc(*p, out);
		p += n;
	}
}

void plot_gp_string(FILE *out, const char *s)
{
	fputc('\'', out);
	put_text(out, s, true);
	fputc('\'', out);
}

void plot_safe_name(const char *trace, char *buf, size_t size)
{
	const char *base = strrchr(trace, '/');
	size_t n = 0, max = size - 1 < 40 ? size - 1 : 40;

	base = base ? base + 1 : trace;
	while (*base == '.' || *base == '-')
		base++;
	for (; *base && n < max; base++) {
		char ch = *base;
		bool safe = (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
			    (ch >= '0' && ch <= '9') || ch == '.' || ch == '_' || ch == '-';

		if (!safe)
			ch = '_';
		if (ch != '_' || n == 0 || buf[n - 1] != '_')
			buf[n++] = ch;   /* runs of '_' and unsafe bytes become one '_' */
	}
	while (n > 0 && buf[n - 1] == '.')
		n--;
	buf[n] = '\0';
	if (n == 0)
		snprintf(buf, size, "trace");
}

void plot_size_label(uint64_t bytes, char *buf, size_t size)
{
	static const char *const units[] = { "B", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB" };
	unsigned u = 0;
	uint64_t scale = 1;

	while (u + 1 < sizeof units / sizeof units[0] && bytes / scale >= 1024)
		scale <<= 10, u++;
	if (bytes % scale == 0)
		snprintf(buf, size, "%llu %s", (unsigned long long)(bytes / scale), units[u]);
	else
		snprintf(buf, size, "%.3g %s", (double)bytes / (double)scale, units[u]);
}

/* ---- files ---------------------------------------------------------------- */

bool plot_templates_present(const char *dir)
{
	for (size_t i = 0; plot_template_files[i] != NULL; i++) {
		char *path;
		bool ok;

		if (asprintf(&path, "%s/%s", dir, plot_template_files[i]) < 0)
			return false;
		ok = access(path, R_OK) == 0;
		free(path);
		if (!ok)
			return false;
	}
	return true;
}

bool plot_find_gnuplot(char *buf, size_t size)
{
	const char *path = getenv("PATH");

	if (path == NULL)
		path = "/usr/local/bin:/usr/bin:/bin";
	for (const char *p = path;; p++) {
		const char *end = strchr(p, ':');
		size_t len = end ? (size_t)(end - p) : strlen(p);
		struct stat st;
		int n;

		n = len ? snprintf(buf, size, "%.*s/gnuplot", (int)len, p) : snprintf(buf, size, "./gnuplot");
		if (n > 0 && (size_t)n < size && stat(buf, &st) == 0 && S_ISREG(st.st_mode) &&
		    access(buf, X_OK) == 0)
			return true;
		if (end == NULL)
			return false;
		p = end;
	}
}

/* ---- running gnuplot -------------------------------------------------------- */

/* The last non-blank line of text (modified in place), "" if none. */
static const char *last_line(char *text)
{
	char *end = text + strlen(text);

	while (end > text && (end[-1] == '\n' || end[-1] == '\r' || end[-1] == ' '))
		*--end = '\0';
	while (end > text && end[-1] != '\n')
		end--;
	return end;
}

/* What the child tells the parent when it cannot exec gnuplot: the stage
 * that failed (1 redirecting, 2 entering the directory, 3 exec) and errno. */
struct gnuplot_failure {
	int stage, err;
};

/* Read fd to its end, keeping the last GNUPLOT_STDERR_MAX bytes in msg
 * (GNUPLOT_STDERR_MAX + 1 bytes), NUL-terminated. */
static void read_tail(int fd, char *msg)
{
	size_t len = 0;
	ssize_t n;

	for (;;) {
		char chunk[1024];

		n = read(fd, chunk, sizeof chunk);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		if (len + (size_t)n > GNUPLOT_STDERR_MAX) {
			size_t drop = len + (size_t)n - GNUPLOT_STDERR_MAX;

			if (drop > len)
				drop = len;
			memmove(msg, msg + drop, len - drop);
			len -= drop;
		}
		if ((size_t)n > GNUPLOT_STDERR_MAX)
			n = GNUPLOT_STDERR_MAX;
		memcpy(msg + len, chunk, (size_t)n);
		len += (size_t)n;
	}
	msg[len] = '\0';
}

/* In the forked child: standard input and output to /dev/null, standard
 * error to errfd, enter dir and exec gnuplot with argv. On failure, write
 * which stage failed and errno to statfd and exit. Only async-signal-safe
 * calls; never returns. */
static void __attribute__((noreturn)) gnuplot_child(const char *gnuplot, char *const argv[], const char *dir,
						    int errfd, int statfd)
{
	struct gnuplot_failure fail = { 0, 0 };
	int null = open("/dev/null", O_RDWR);

	if (null < 0 || dup2(null, 0) < 0 || dup2(null, 1) < 0 || dup2(errfd, 2) < 0) {
		fail.stage = 1;
	} else if (chdir(dir) != 0) {
		fail.stage = 2;
	} else {
		/* main() ignores SIGXFSZ, and an exec keeps that: gnuplot, which
		 * does not check its writes, would leave a cut image and exit 0
		 * past the file-size limit, where the signal kills it and the
		 * parent says so. */
		signal(SIGXFSZ, SIG_DFL);
		execv(gnuplot, argv);
		fail.stage = 3;
	}
	fail.err = errno;
	if (write(statfd, &fail, sizeof fail) < 0)
		_exit(126);
	_exit(127);
}

int plot_run_gnuplot(const char *gnuplot, const char *dir, const char *script, const char *setup,
		     struct ps_error *err)
{
	char *const argv[] = { (char *)"gnuplot", (char *)"-e", (char *)setup, (char *)script, NULL };
	char msg[GNUPLOT_STDERR_MAX + 1];
	int errpipe[2], statpipe[2], status;
	struct gnuplot_failure fail = { 0, 0 };
	ssize_t n;
	pid_t pid;

	if (pipe2(errpipe, O_CLOEXEC) != 0)
		return ps_error_set(err, "cannot run gnuplot: %s", strerror(errno));
	if (pipe2(statpipe, O_CLOEXEC) != 0) {
		close(errpipe[0]);
		close(errpipe[1]);
		return ps_error_set(err, "cannot run gnuplot: %s", strerror(errno));
	}
	fflush(NULL);
	pid = fork();
	if (pid == 0)
		gnuplot_child(gnuplot, argv, dir, errpipe[1], statpipe[1]);
	close(errpipe[1]);
	close(statpipe[1]);
	if (pid < 0) {
		close(errpipe[0]);
		close(statpipe[0]);
		return ps_error_set(err, "cannot run gnuplot: %s", strerror(errno));
	}
	read_tail(errpipe[0], msg);
	close(errpipe[0]);
	do
		n = read(statpipe[0], &fail, sizeof fail);
	while (n < 0 && errno == EINTR);
	close(statpipe[0]);
	while (waitpid(pid, &status, 0) < 0) {
		if (errno != EINTR)
			return ps_error_set(err, "gnuplot on %s: %s", script, strerror(errno));
	}
	if (n == (ssize_t)sizeof fail && fail.stage != 0)
		return ps_error_set(err, "cannot run gnuplot (%s): %s", gnuplot,
				    fail.stage == 2 ? "cannot enter the plots directory" : strerror(fail.err));
	if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
		return 0;
	if (WIFSIGNALED(status))
		return ps_error_set(err, "gnuplot was killed by signal %d while drawing %s", WTERMSIG(status),
				    script);
	return ps_error_set(err, "gnuplot failed on %s/%s: %s", dir, script,
			    *last_line(msg) ? last_line(msg) : "(no message)");
}

/* ---- graphs ------------------------------------------------------------------- */

/* A growing in-memory text. */
struct text {
	char *p;
	size_t len;
	FILE *f;
};

static int text_open(struct text *t)
{
	t->p = NULL;
	t->len = 0;
	t->f = open_memstream(&t->p, &t->len);
	return t->f ? 0 : -1;
}

/* Finish writing t; false if it could not be completed. */
static bool text_close(struct text *t)
{
	bool ok = t->f != NULL && !ferror(t->f);

	if (t->f != NULL && fclose(t->f) != 0)
		ok = false;
	t->f = NULL;
	return ok && t->p != NULL;
}

static void text_free(struct text *t)
{
	if (t->f != NULL)
		fclose(t->f);
	free(t->p);
	t->p = NULL;
	t->f = NULL;
}

struct plotter {
	const struct results *r;
	const struct plot_options *opt;
	const char *outdir;
	char *tmpl[T_COUNT];
	struct plot_summary *sum;
};

/* One graph under construction: its data file and its script header. */
struct graph {
	int kind;        /* T_FAULT_RATE, ... */
	char base[96];   /* file name without extension */
	struct text dat, hdr;
};

static const char *const kind_prefix[T_COUNT] = {
	[T_FAULT_RATE] = "fault-rate", [T_VS_OPT] = "vs-opt", [T_DIRTY] = "dirty", [T_BARS] = "bars",
};

static const char *const kind_what[T_COUNT] = {
	[T_FAULT_RATE] = "fault rate vs memory size",
	[T_VS_OPT] = "faults relative to OPT vs memory size",
	[T_DIRTY] = "dirty write-backs vs memory size",
	[T_BARS] = "fault rate of every policy at one memory size",
};

/* Start graph g of kind for trace number index (0-based) of p->r. */
static int graph_begin(struct graph *g, int kind, size_t index, const struct results_trace *t,
		       struct ps_error *err)
{
	char safe[48];

	g->kind = kind;
	plot_safe_name(t->name, safe, sizeof safe);
	snprintf(g->base, sizeof g->base, "%s-%zu-%s", kind_prefix[kind], index + 1, safe);
	g->dat.f = g->hdr.f = NULL;
	g->dat.p = g->hdr.p = NULL;
	if (text_open(&g->dat) < 0 || text_open(&g->hdr) < 0) {
		text_free(&g->dat);
		return ps_error_set(err, "out of memory");
	}
	fprintf(g->dat.f, "# %s.dat - %s, written by pagesim %s (pagesim plot)\n# trace: ", g->base,
		kind_what[kind], PACKAGE_VERSION);
	put_text(g->dat.f, t->name, false);
	fprintf(g->dat.f, "\n# page_size: %llu bytes\n", (unsigned long long)t->page_size);
	return 0;
}

static void graph_free(struct graph *g)
{
	text_free(&g->dat);
	text_free(&g->hdr);
}

/* s itself if at most max bytes long; else "..." and the tail of s (whole
 * UTF-8 characters, at most max - 3 bytes) stored in buf (max + 1 bytes). */
static const char *shorten(const char *s, size_t max, char *buf)
{
	size_t len = strlen(s);
	const char *tail;

	if (len <= max)
		return s;
	tail = s + len - (max - 3);
	while (*tail && ((unsigned char)*tail & 0xc0) == 0x80)
		tail++;
	snprintf(buf, max + 1, "...%s", tail);
	return buf;
}

/* The formats as a gnuplot word list: "png", "svg" or "png svg". */
static const char *formats_words(unsigned formats)
{
	if ((formats & PLOT_PNG) && (formats & PLOT_SVG))
		return "png svg";
	return (formats & PLOT_SVG) ? "svg" : "png";
}

/* The gnuplot linetype of policy k: opt, the yardstick, always has its own
 * (OPT_LTYPE, black in plot-style.gp); the others are numbered 1, 2, ... in
 * the order they appear in the results, so a policy keeps its colour in
 * every graph of one results set. */
static size_t policy_ltype(const struct results *r, size_t k)
{
	size_t opt = results_policy_index(r, "opt");

	if (k == opt)
		return OPT_LTYPE;
	return (opt != (size_t)-1 && k > opt ? k - 1 : k) % PALETTE_SIZE + 1;
}

/* The settings every graph's script starts with. */
static void header_common(const struct plotter *p, struct graph *g, const struct results_trace *t,
			  const size_t *pols, size_t npols, bool spread)
{
	FILE *h = g->hdr.f;
	char label[32], short_name[TITLE_NAME_MAX + 8];

	plot_size_label(t->page_size, label, sizeof label);
	fprintf(h, "datafile = '%s.dat'\n", g->base);
	fprintf(h, "if (!exists(\"outbase\")) outbase = '%s'\n", g->base);
	fprintf(h, "if (!exists(\"formats\")) formats = '%s'\n", formats_words(p->opt->formats));
	fputs("trace_name = ", h);
	plot_gp_string(h, t->name);
	fputs("\ntrace_label = ", h);
	plot_gp_string(h, shorten(t->name, TITLE_NAME_MAX, short_name));
	fprintf(h, "\npage_label = '%s'\n", label);
	fprintf(h, "array policy[%zu] = [", npols);
	for (size_t i = 0; i < npols; i++) {
		fputs(i ? ", " : "", h);
		plot_gp_string(h, p->r->policies[pols[i]]);
	}
	fprintf(h, "]\narray ltype[%zu] = [", npols);
	for (size_t i = 0; i < npols; i++)
		fprintf(h, "%s%zu", i ? ", " : "", policy_ltype(p->r, pols[i]));
	fprintf(h, "]\nspread = %d\n", spread ? 1 : 0);
}

/* The x settings of a graph against frames: ticks at the given frame
 * counts (sorted), labelled with their memory size, and the range. */
static void header_frames_axis(FILE *h, const struct results_trace *t, const uint32_t *frames, size_t n)
{
	char label[32];

	fprintf(h, "array xtic_pos[%zu] = [", n);
	for (size_t i = 0; i < n; i++)
		fprintf(h, "%s%lu", i ? ", " : "", (unsigned long)frames[i]);
	fprintf(h, "]\narray xtic_label[%zu] = [", n);
	for (size_t i = 0; i < n; i++) {
		plot_size_label((uint64_t)frames[i] * t->page_size, label, sizeof label);
		fprintf(h, "%s'%s'", i ? ", " : "", label);
	}
	fprintf(h, "]\nxmin = %.6g\nxmax = %.6g\n", frames[0] / 1.4, frames[n - 1] * 1.4);
}

/* Write the graph's files, run gnuplot and move the images into place. */
static int graph_finish(struct plotter *p, struct graph *g, struct ps_error *err)
{
	static const char *const exts[] = { "png", "svg" };
	char name[128], setup[256], tmpbase[128];
	struct text gp;
	int rc = -1;

	if (!text_close(&g->dat) || !text_close(&g->hdr))
		return ps_error_set(err, "out of memory");
	if (text_open(&gp) < 0)
		return ps_error_set(err, "out of memory");
	fprintf(gp.f, "# %s.gp - %s, generated by pagesim %s (pagesim plot).\n"
		"# Re-draw by hand in this directory: gnuplot %s.gp\n"
		"# (formats = 'png svg' draws both). The settings below come from the\n"
		"# results; the rest is a copy of the templates %s and %s:\n"
		"# edit it here to restyle this graph.\n\n",
		g->base, kind_what[g->kind], PACKAGE_VERSION, g->base, plot_template_files[T_STYLE],
		plot_template_files[g->kind]);
	fwrite(g->hdr.p, 1, g->hdr.len, gp.f);
	fprintf(gp.f, "\n# ---- %s ----\n", plot_template_files[T_STYLE]);
	fputs(p->tmpl[T_STYLE], gp.f);
	fprintf(gp.f, "\n# ---- %s ----\n", plot_template_files[g->kind]);
	fputs(p->tmpl[g->kind], gp.f);
	if (!text_close(&gp)) {
		text_free(&gp);
		return ps_error_set(err, "out of memory");
	}
	snprintf(name, sizeof name, "%s.dat", g->base);
	if (files_write_atomic(p->outdir, name, g->dat.p, g->dat.len, err) < 0)
		goto out;
	snprintf(name, sizeof name, "%s.gp", g->base);
	if (files_write_atomic(p->outdir, name, gp.p, gp.len, err) < 0)
		goto out;
	snprintf(tmpbase, sizeof tmpbase, ".tmp-%s-%ld", g->base, (long)getpid());
	snprintf(setup, sizeof setup, "formats = '%s'; outbase = '%s'", formats_words(p->opt->formats),
		 tmpbase);
	rc = plot_run_gnuplot(p->opt->gnuplot, p->outdir, name, setup, err);
	for (size_t i = 0; i < 2; i++) {
		char *from = NULL, *to = NULL;
		struct stat st;

		if (!(p->opt->formats & (1u << i)))
			continue;
		if (asprintf(&from, "%s/%s.%s", p->outdir, tmpbase, exts[i]) < 0 ||
		    asprintf(&to, "%s/%s.%s", p->outdir, g->base, exts[i]) < 0) {
			free(from);
			rc = ps_error_set(err, "out of memory");
			continue;
		}
		if (rc == 0 && (stat(from, &st) != 0 || st.st_size == 0))
			rc = ps_error_set(err, "gnuplot drew no %s.%s from %s", g->base, exts[i], name);
		else if (rc == 0 && rename(from, to) != 0)
			rc = ps_error_set(err, "%s: %s", to, strerror(errno));
		else if (rc == 0)
			p->sum->images++;
		if (rc != 0)
			unlink(from);
		free(from);
		free(to);
	}
	if (rc == 0)
		p->sum->graphs++;
out:
	text_free(&gp);
	return rc;
}

/* The sorted distinct frame counts of t's cells for the given policies,
 * in a malloc'd array (count in *n); NULL when out of memory. */
static uint32_t *trace_frames(const struct results_trace *t, const size_t *pols, size_t npols, size_t *n)
{
	uint32_t *f = malloc((t->ncells ? t->ncells : 1) * sizeof *f);

	*n = 0;
	if (f == NULL)
		return NULL;
	for (size_t i = 0; i < t->ncells; i++) {
		bool wanted = pols == NULL, seen = false;

		for (size_t k = 0; !wanted && k < npols; k++)
			wanted = pols[k] == t->cells[i].policy;
		for (size_t k = 0; wanted && !seen && k < *n; k++)
			seen = f[k] == t->cells[i].frames;
		if (wanted && !seen) {
			size_t k = (*n)++;

			/* insertion keeps f sorted */
			for (; k > 0 && f[k - 1] > t->cells[i].frames; k--)
				f[k] = f[k - 1];
			f[k] = t->cells[i].frames;
		}
	}
	return f;
}

uint32_t plot_default_bar_frames(const struct results_trace *t)
{
	size_t n;
	uint32_t *f = trace_frames(t, NULL, 0, &n), pick;

	if (f == NULL || n == 0) {
		free(f);
		return t->ncells ? t->cells[0].frames : 0;
	}
	pick = f[(n - 1) / 2];
	for (size_t k = n; k-- > 0;) {
		double lo = 0, hi = 0;
		size_t count = 0;

		for (size_t i = 0; i < t->ncells; i++) {
			double v = t->cells[i].m[RM_FAULTS].mean;

			if (t->cells[i].frames != f[k])
				continue;
			if (count++ == 0 || v < lo)
				lo = v;
			if (count == 1 || v > hi)
				hi = v;
		}
		if (count >= 2 && hi > lo) {
			pick = f[k];
			break;
		}
	}
	free(f);
	return pick;
}

/* The policies (indexes, in results order) with at least one cell in t
 * that keep(cell) accepts; stored in pols, count returned. */
static size_t trace_policies(const struct plotter *p, const struct results_trace *t, size_t *pols,
			     bool (*keep)(const struct results_trace *, const struct results_cell *, size_t),
			     size_t arg)
{
	size_t n = 0;

	for (size_t k = 0; k < p->r->npolicies; k++) {
		for (size_t i = 0; i < t->ncells; i++) {
			if (t->cells[i].policy == k && (keep == NULL || keep(t, &t->cells[i], arg))) {
				pols[n++] = k;
				break;
			}
		}
	}
	return n;
}

/* A line graph of one metric against frames, one line per policy. */
static int graph_metric(struct plotter *p, size_t index, int kind, enum results_metric metric,
			struct ps_error *err)
{
	const struct results_trace *t = &p->r->traces[index];
	size_t *pols = malloc(p->r->npolicies * sizeof *pols), npols, nframes = 0;
	uint32_t *frames = NULL;
	double lo = 0, hi = 0;
	bool spread = false, positive = true, first = true;
	struct graph g;
	int rc = -1;

	if (pols == NULL)
		return ps_error_set(err, "out of memory");
	npols = trace_policies(p, t, pols, NULL, 0);
	if ((frames = trace_frames(t, pols, npols, &nframes)) == NULL) {
		free(pols);
		return ps_error_set(err, "out of memory");
	}
	if (graph_begin(&g, kind, index, t, err) < 0)
		goto out;
	fprintf(g.dat.f, "# metric: %s; one block per policy (gnuplot index 0, 1, ...)\n"
		"# columns: frames bytes mean min max runs\n", results_metric_name(metric));
	for (size_t k = 0; k < npols; k++) {
		fputs(k ? "\n\n# policy: " : "# policy: ", g.dat.f);
		put_text(g.dat.f, p->r->policies[pols[k]], false);
		fputc('\n', g.dat.f);
		for (size_t i = 0; i < t->ncells; i++) {
			const struct results_cell *c = &t->cells[i];
			const struct results_stat *s = &c->m[metric];

			if (c->policy != pols[k] || isnan(s->mean))  /* not measured */
				continue;
			fprintf(g.dat.f, "%lu %llu %.10g %.10g %.10g %u\n", (unsigned long)c->frames,
				(unsigned long long)c->frames * (unsigned long long)t->page_size, s->mean, s->min,
				s->max, c->runs);
			spread |= c->runs > 1;
			positive &= s->min > 0;
			if (first || s->min < lo)
				lo = s->min;
			first = false;
			if (s->max > hi)
				hi = s->max;
		}
	}
	header_common(p, &g, t, pols, npols, spread);
	header_frames_axis(g.hdr.f, t, frames, nframes);
	fprintf(g.hdr.f, "logy = %d\n", positive && lo > 0 && hi / lo >= 20 ? 1 : 0);
	rc = graph_finish(p, &g, err);
out:
	graph_free(&g);
	free(frames);
	free(pols);
	return rc;
}

/* keep() for the vs-opt graph: a non-opt cell at a frame count where opt
 * has a cell with faults. arg is opt's policy index. */
static bool keep_vs_opt(const struct results_trace *t, const struct results_cell *c, size_t opt)
{
	const struct results_cell *o;

	if (c->policy == opt)
		return false;
	o = results_find(t, opt, c->frames);
	return o != NULL && o->m[RM_FAULTS].mean > 0;
}

/* Each policy's faults over opt's, against frames. Sets *drawn. */
static int graph_vs_opt(struct plotter *p, size_t index, size_t opt, struct ps_error *err)
{
	const struct results_trace *t = &p->r->traces[index];
	size_t *pols = malloc(p->r->npolicies * sizeof *pols), npols, nframes = 0;
	uint32_t *frames = NULL;
	double hi = 1;
	bool spread = false;
	struct graph g;
	int rc = -1;

	if (pols == NULL)
		return ps_error_set(err, "out of memory");
	npols = trace_policies(p, t, pols, keep_vs_opt, opt);
	if (npols == 0) {    /* opt alone: nothing to compare */
		free(pols);
		return 0;
	}
	if ((frames = trace_frames(t, pols, npols, &nframes)) == NULL) {
		free(pols);
		return ps_error_set(err, "out of memory");
	}
	if (graph_begin(&g, T_VS_OPT, index, t, err) < 0)
		goto out;
	fputs("# faults / opt faults at the same frame count; one block per policy (gnuplot index 0, 1, ...)\n"
	      "# columns: frames bytes mean_ratio min_ratio max_ratio runs mean_faults opt_faults\n", g.dat.f);
	for (size_t k = 0; k < npols; k++) {
		fputs(k ? "\n\n# policy: " : "# policy: ", g.dat.f);
		put_text(g.dat.f, p->r->policies[pols[k]], false);
		fputc('\n', g.dat.f);
		for (size_t i = 0; i < t->ncells; i++) {
			const struct results_cell *c = &t->cells[i];
			double of;

			if (c->policy != pols[k] || !keep_vs_opt(t, c, opt))
				continue;
			of = results_find(t, opt, c->frames)->m[RM_FAULTS].mean;
			fprintf(g.dat.f, "%lu %llu %.10g %.10g %.10g %u %.10g %.10g\n", (unsigned long)c->frames,
				(unsigned long long)c->frames * (unsigned long long)t->page_size,
				c->m[RM_FAULTS].mean / of, c->m[RM_FAULTS].min / of, c->m[RM_FAULTS].max / of,
				c->runs, c->m[RM_FAULTS].mean, of);
			spread |= c->runs > 1;
			if (c->m[RM_FAULTS].max / of > hi)
				hi = c->m[RM_FAULTS].max / of;
		}
	}
	header_common(p, &g, t, pols, npols, spread);
	header_frames_axis(g.hdr.f, t, frames, nframes);
	fprintf(g.hdr.f, "opt_ltype = %zu\n", policy_ltype(p->r, opt));
	/* Ratios are >= 1; one far-off policy would flatten the others on a
	 * linear axis, so 20x or more gets a log axis, as the other graphs do. */
	fprintf(g.hdr.f, "logy = %d\n", hi >= 20);
	if (hi >= 20)
		fprintf(g.hdr.f, "ymin = 0.9\nymax = %.6g\n", hi * 1.3);
	else if (hi - 1 < 1e-9)
		fputs("ymin = 0.9\nymax = 1.1\n", g.hdr.f);
	else
		fprintf(g.hdr.f, "ymin = %.6g\nymax = %.6g\n", 1 - 0.06 * (hi - 1), hi + 0.08 * (hi - 1));
	rc = graph_finish(p, &g, err);
out:
	graph_free(&g);
	free(frames);
	free(pols);
	return rc;
}

/* keep() for the bar chart: cells at frame count arg. */
static bool keep_frames(const struct results_trace *t, const struct results_cell *c, size_t frames)
{
	return c->frames == frames;
}

/* Every policy's fault rate at one frame count, as bars. */
static int graph_bars(struct plotter *p, size_t index, uint32_t frames, struct ps_error *err)
{
	const struct results_trace *t = &p->r->traces[index];
	size_t *pols = malloc(p->r->npolicies * sizeof *pols), npols;
	double hi = 0, lo = 0;
	bool spread = false, logy;
	char label[32];
	struct graph g;
	int rc = -1, decimals;

	if (pols == NULL)
		return ps_error_set(err, "out of memory");
	npols = trace_policies(p, t, pols, keep_frames, frames);
	if (graph_begin(&g, T_BARS, index, t, err) < 0)
		goto out;
	fprintf(g.dat.f, "# fault_rate at %lu frames; one row per policy, x = 0, 1, ...\n"
		"# columns: x mean min max runs mean_faults policy\n", (unsigned long)frames);
	for (size_t k = 0; k < npols; k++) {
		const struct results_cell *c = results_find(t, pols[k], frames);
		const struct results_stat *s = &c->m[RM_FAULT_RATE];

		fprintf(g.dat.f, "%zu %.10g %.10g %.10g %u %.10g # ", k, s->mean, s->min, s->max, c->runs,
			c->m[RM_FAULTS].mean);
		put_text(g.dat.f, p->r->policies[pols[k]], false);
		fputc('\n', g.dat.f);
		spread |= c->runs > 1;
		if (s->max > hi)
			hi = s->max;
		if (k == 0 || s->min < lo)
			lo = s->min;
	}
	header_common(p, &g, t, pols, npols, spread);
	plot_size_label((uint64_t)frames * t->page_size, label, sizeof label);
	/* A log axis when every bar is positive and they span 20x or more: then
	 * it starts at the decade below the lowest whisker. */
	logy = lo > 0 && hi / lo >= 20;
	hi = hi > 0 ? hi * (logy ? 2.5 : 1.15) : 1.0;
	/* Linear ticks come about every hi/12: enough decimals for that step. */
	decimals = hi / 12 >= 1 ? 0 : (int)ceil(-log10(hi / 12));
	fprintf(g.hdr.f, "bar_frames = %lu\nbar_label = '%s'\nlogy = %d\nymin = %.6g\nymax = %.6g\n"
		"yfmt = '%%.%df'\n", (unsigned long)frames, label, logy ? 1 : 0,
		logy ? pow(10, floor(log10(lo))) : 0.0, hi, decimals > 12 ? 12 : decimals);
	rc = graph_finish(p, &g, err);
out:
	graph_free(&g);
	free(pols);
	return rc;
}

/* Does t have a cell at this frame count? */
static bool trace_has_frames(const struct results_trace *t, uint32_t frames)
{
	for (size_t k = 0; k < t->ncells; k++)
		if (t->cells[k].frames == frames)
			return true;
	return false;
}

int plot_all(const struct results *r, const char *outdir, const struct plot_options *opt,
	     struct plot_summary *sum, struct ps_error *err)
{
	struct plotter p = { .r = r, .opt = opt, .outdir = outdir, .sum = sum };
	size_t opt_index = results_policy_index(r, "opt");
	int rc = -1;

	memset(sum, 0, sizeof *sum);
	if (opt->bar_frames != 0) {
		bool found = false;

		for (size_t i = 0; !found && i < r->ntraces; i++)
			found = trace_has_frames(&r->traces[i], opt->bar_frames);
		if (!found)
			return ps_error_set(err, "no results at %lu frames (--frames must be a frame count "
					    "of the results)", (unsigned long)opt->bar_frames);
	}
	for (size_t i = 0; i < T_COUNT; i++) {
		char *path;

		if (asprintf(&path, "%s/%s", opt->template_dir, plot_template_files[i]) < 0) {
			ps_error_set(err, "out of memory");
			goto out;
		}
		p.tmpl[i] = files_read_whole(path, NULL, err);
		free(path);
		if (p.tmpl[i] == NULL)
			goto out;
	}
	if (files_mkdirs(outdir, err) < 0)
		goto out;
	for (size_t i = 0; i < r->ntraces; i++) {
		const struct results_trace *t = &r->traces[i];
		uint32_t bar = opt->bar_frames ? opt->bar_frames : plot_default_bar_frames(t);

		if (graph_metric(&p, i, T_FAULT_RATE, RM_FAULT_RATE, err) < 0)
			goto out;
		if (opt_index != (size_t)-1 && results_has_policy(t, opt_index)) {
			if (graph_vs_opt(&p, i, opt_index, err) < 0)
				goto out;
		} else if (sum->no_opt++ == 0) {
			sum->no_opt_first = t->name;
		}
		if (graph_metric(&p, i, T_DIRTY, RM_DIRTY_EVICTIONS, err) < 0)
			goto out;
		if (!trace_has_frames(t, bar)) {
			if (sum->no_bar++ == 0)
				sum->no_bar_first = t->name;
			continue;
		}
		if (graph_bars(&p, i, bar, err) < 0)
			goto out;
	}
	rc = 0;
out:
	for (size_t i = 0; i < T_COUNT; i++)
		free(p.tmpl[i]);
	return rc;
}
