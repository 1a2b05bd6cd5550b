/*
 * plot.h - graphs of a results set: gnuplot data files, gnuplot scripts and
 * the images gnuplot draws from them.
 *
 * For every trace (at one page size) of a results set, plot_all writes four
 * graphs into an output directory; each graph is NAME.dat (the numbers,
 * whitespace-separated, with a '#' header), NAME.gp (a self-contained
 * gnuplot script: the settings computed from the results, then a copy of
 * the templates plot-style.gp and plot-KIND.gp) and NAME.png / NAME.svg:
 *
 *   fault-rate-I-T   fault rate vs frames, one line per policy
 *   vs-opt-I-T       faults / OPT faults vs frames (only with opt rows)
 *   dirty-I-T        dirty write-backs (dirty_evictions) vs frames
 *   bars-I-T         every policy's fault rate at one frame count
 *
 * I is the trace's 1-based position in the results and T its sanitized file
 * name (plot_safe_name), so names are stable and never contain user
 * characters beyond [A-Za-z0-9._-]. Cells averaged over several seeds are
 * drawn as the mean with a min..max band (bars: whiskers).
 *
 * gnuplot runs with an argv (never a shell) in the output directory; images
 * are drawn under temporary names and renamed once gnuplot succeeded.
 * Nothing here prints: problems come back as a struct ps_error, and what
 * was skipped comes back in a struct plot_summary.
 */
#ifndef PAGESIM_PLOT_H
#define PAGESIM_PLOT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "util/error.h"
#include "report/results.h"

enum { PLOT_PNG = 1u << 0, PLOT_SVG = 1u << 1 };

struct plot_options {
	unsigned formats;          /* PLOT_PNG and/or PLOT_SVG */
	uint32_t bar_frames;       /* frame count of the bar charts; 0: per trace,
				      plot_default_bar_frames */
	const char *template_dir;  /* holds plot-style.gp and plot-KIND.gp */
	const char *gnuplot;       /* the gnuplot program (plot_find_gnuplot) */
};

/* What plot_all drew and what it had to leave out. */
struct plot_summary {
	size_t graphs;             /* gnuplot scripts written and run */
	size_t images;             /* image files written */
	size_t no_opt;             /* traces without opt rows: no vs-opt graph */
	const char *no_opt_first;  /* the first of them */
	size_t no_bar;             /* traces without rows at opt.bar_frames: no bar chart */
	const char *no_bar_first;
};

/* The template files every plot needs, NULL-terminated. */
extern const char *const plot_template_files[];

/* Does dir hold every file of plot_template_files? */
bool plot_templates_present(const char *dir);

/* Find "gnuplot" on $PATH (as execvp would) and store its path in buf.
 * False if there is none. */
bool plot_find_gnuplot(char *buf, size_t size);

/* Run `gnuplot -e SETUP SCRIPT` in dir (gnuplot is the program's path),
 * without a shell. Returns 0 if gnuplot exited 0 (its warnings, if any,
 * are dropped); otherwise -1 with err naming the script and the last line
 * gnuplot wrote on stderr (its error message). */
int plot_run_gnuplot(const char *gnuplot, const char *dir, const char *script, const char *setup,
		     struct ps_error *err);

/* Draw every graph of r into outdir (created if missing). Returns 0, or -1
 * with err set; *sum says what was drawn or skipped. */
int plot_all(const struct results *r, const char *outdir, const struct plot_options *opt,
	     struct plot_summary *sum, struct ps_error *err);

/* The frame count of t's bar chart when none is given: the largest frame
 * count at which at least two policies have rows and their mean fault
 * counts differ; if there is none, the median of t's frame counts (the
 * lower one of the two middle values when their number is even). */
uint32_t plot_default_bar_frames(const struct results_trace *t);

/* Write s as a gnuplot single-quoted string literal: control characters
 * become spaces, bytes that are not UTF-8 become '?', ' becomes ''.
 * Nothing else is special inside single quotes (no backslash escapes, no
 * macro expansion). */
void plot_gp_string(FILE *out, const char *s);

/* A file-name part for trace: its base name, each run of bytes outside
 * [A-Za-z0-9._-] (and of '_') replaced by one '_', without leading '.' or '-' or
 * trailing '.', at most 40 bytes; "trace" if nothing is left. */
void plot_safe_name(const char *trace, char *buf, size_t size);

/* A memory size as a short label: "512 B", "64 KiB", "1.5 MiB", "4 GiB". */
void plot_size_label(uint64_t bytes, char *buf, size_t size);

#endif
