/*
 * explain_out.c - the printers of `pagesim explain` (formats: see
 * explain_out.h). They only format: every fact comes in struct
 * explain_step, so the text, CSV and JSON forms say the same thing.
 */
#include "config.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "report/explain_out.h"

#define COLOR_HIT "\033[32m"
#define COLOR_FAULT "\033[33m"
#define COLOR_BAD "\033[31m"
#define COLOR_CHANGED "\033[1m"
#define COLOR_OFF "\033[0m"

bool explain_out_color(FILE *out)
{
	const char *no_color = getenv("NO_COLOR");

	return isatty(fileno(out)) && (no_color == NULL || no_color[0] == '\0');
}

const char *explain_outcome_name(enum explain_outcome o)
{
	static const char *const names[] = {
		[EXPLAIN_HIT] = "hit",
		[EXPLAIN_ZERO_FILL] = "zero fill",
		[EXPLAIN_STACK_GROWTH] = "stack growth",
		[EXPLAIN_FILE_READ] = "file read",
		[EXPLAIN_SWAP_READ] = "swap read",
		[EXPLAIN_MINOR] = "minor",
		[EXPLAIN_COW_COPY] = "cow copy",
		[EXPLAIN_COW_REUSE] = "cow reuse",
		[EXPLAIN_SEGFAULT] = "segfault",
		[EXPLAIN_IGNORED] = "ignored",
	};

	return names[o];
}

/* Where an evicted page went, as the victim column says it. */
static const char *explain_fate_name(enum explain_fate f)
{
	return f == EXPLAIN_TO_SWAP ? "swap" : f == EXPLAIN_TO_FILE ? "file" : "drop";
}

/* Is the outcome a fault (not a hit, a segfault or an ignored one)? */
static bool explain_is_fault(enum explain_outcome o)
{
	return o != EXPLAIN_HIT && o != EXPLAIN_SEGFAULT && o != EXPLAIN_IGNORED;
}

/* Print page (of pid) as the view names pages. */
static void explain_page(FILE *out, const struct explain_view *v, uint32_t pid, uint64_t page)
{
	if (v->many_pids)
		fprintf(out, "%" PRIu32 ":", pid);
	fprintf(out, "%" PRIu64, page);
}

/* Print the view's lists to out as the text table shows them (colour
 * marks the changed page when color is set). */
static void explain_view_print(FILE *out, const struct explain_view *v, bool color)
{
	for (size_t l = 0; l < v->nlists; l++) {
		const struct explain_list *list = &v->lists[l];

		fputs(l > 0 ? " | " : "", out);
		for (size_t i = list->first; i < list->first + list->n; i++) {
			const struct explain_item *it = &v->items[i];

			fputs(i > list->first ? " " : "", out);
			fputs(it->mark ? ">" : "", out);
			fputs(it->changed && color ? COLOR_CHANGED : "", out);
			if (it->frame == POLICY_VIEW_GHOST)
				fputs("~", out);
			explain_page(out, v, it->pid, it->page);
			fputs(it->changed ? "*" : "", out);
			fputs(it->changed && color ? COLOR_OFF : "", out);
			for (unsigned k = 0; k < it->nvalues; k++) {
				fputs(k == 0 ? "[" : ",", out);
				if (it->value[k] == POLICY_NEVER)
					fprintf(out, "%s=never", it->key[k]);
				else
					fprintf(out, "%s=%" PRIu64, it->key[k], it->value[k]);
			}
			fputs(it->nvalues > 0 ? "]" : "", out);
		}
		if (list->n == 0)
			fputs("-", out);
	}
}

/* The victim column: "PAGE>FATE", "+N" more, or "-". */
static void explain_victim_text(const struct explain_step *st, const struct explain_view *v, char *buf,
				size_t len)
{
	size_t used = 0;

	buf[0] = '\0';
	if (st->nvictims == 0) {
		snprintf(buf, len, "-");
		return;
	}
	if (v != NULL && v->many_pids)
		used += (size_t)snprintf(buf, len, "%" PRIu32 ":", st->victims[0].pid);
	used += (size_t)snprintf(buf + used, len - used, "%" PRIu64 ">%s", st->victims[0].page,
				 explain_fate_name(st->victims[0].fate));
	if (st->evictions > 1 && used < len)
		snprintf(buf + used, len - used, "+%" PRIu64, st->evictions - 1);
}

/* The colour of an outcome. */
static const char *explain_outcome_color(enum explain_outcome o)
{
	return o == EXPLAIN_HIT ? COLOR_HIT : explain_is_fault(o) ? COLOR_FAULT : COLOR_BAD;
}

void explain_out_begin(struct explain_out *o)
{
	if (o->style != EXPLAIN_TABLE)
		return;
	if (o->output == REPORT_CSV) {
		fputs("ref,line,pid,address,page,op,outcome,victim_pid,victim_page,victim_fate,victims,tlb,hits,faults,"
		      "dirty_evictions,frames,event\n",
		      o->out);
	} else if (o->output == REPORT_JSON) {
		fputs("{\n  \"steps\": [", o->out);
	} else {
		fprintf(o->out, "%6s %5s %4s %-14s %8s %-2s %-12s %-14s %s%6s %6s %5s  %s\n", "ref", "line", "pid",
			"address", "page", "op", "outcome", "victim", o->tlb ? "tlb  " : "", "hits", "faults", "dirty",
			o->view_names);
	}
}

/* One step as a text table line. */
static void explain_text_step(struct explain_out *o, const struct explain_step *st)
{
	char victim[64], addr[24], page[32];
	const char *color = o->color ? explain_outcome_color(st->outcome) : "";

	if (st->is_event) {
		fprintf(o->out, "%6s %5" PRIu64 " event: %s\n", "", st->line, st->event);
		return;
	}
	explain_victim_text(st, st->view, victim, sizeof victim);
	snprintf(addr, sizeof addr, "0x%" PRIx64, st->addr);
	snprintf(page, sizeof page, "%" PRIu64, st->page);
	fprintf(o->out, "%6" PRIu64 " %5" PRIu64 " %4" PRIu32 " %-14s %8s %-2c %s%-12s%s %-14s ", st->ref, st->line,
		st->pid, addr, page, st->op, color, explain_outcome_name(st->outcome), o->color ? COLOR_OFF : "",
		victim);
	if (o->tlb)
		fprintf(o->out, "%-5s", st->tlb > 0 ? "hit" : st->tlb == 0 ? "miss" : "-");
	fprintf(o->out, "%6" PRIu64 " %6" PRIu64 " %5" PRIu64 "  ", st->hits, st->faults, st->dirty_evictions);
	if (st->view != NULL)
		explain_view_print(o->out, st->view, o->color);
	fputc('\n', o->out);
}

/* Print the view as one CSV field. False when memory was short. */
static bool explain_csv_view(FILE *out, const struct explain_view *v)
{
	char *text = NULL;
	size_t len = 0;
	FILE *mem = open_memstream(&text, &len);

	if (mem == NULL)
		return false;
	explain_view_print(mem, v, false);
	if (fclose(mem) != 0) {
		free(text);
		return false;
	}
	report_csv_field(out, text);
	free(text);
	return true;
}

/* One step as a CSV row. False when memory was short. */
static bool explain_csv_step(struct explain_out *o, const struct explain_step *st)
{
	FILE *out = o->out;
	bool ok = true;

	if (st->is_event) {
		fprintf(out, ",%" PRIu64 ",,,,,event,,,,,,,,,,", st->line);
		report_csv_field(out, st->event);
		fputc('\n', out);
		return true;
	}
	fprintf(out, "%" PRIu64 ",%" PRIu64 ",%" PRIu32 ",0x%" PRIx64 ",%" PRIu64 ",%c,%s,", st->ref, st->line, st->pid,
		st->addr, st->page, st->op, explain_outcome_name(st->outcome));
	if (st->nvictims > 0)
		fprintf(out, "%" PRIu32 ",%" PRIu64 ",%s,", st->victims[0].pid, st->victims[0].page,
			explain_fate_name(st->victims[0].fate));
	else
		fputs(",,,", out);
	fprintf(out, "%" PRIu64 ",%s,%" PRIu64 ",%" PRIu64 ",%" PRIu64 ",", st->evictions,
		st->tlb > 0 ? "hit" : st->tlb == 0 ? "miss" : "", st->hits, st->faults, st->dirty_evictions);
	ok = explain_csv_view(out, st->view);
	fputs(",\n", out);
	return ok;
}

/* The view as a JSON array of lists. */
static void explain_json_view(FILE *out, const struct explain_view *v)
{
	fputs("[", out);
	for (size_t l = 0; l < v->nlists; l++) {
		const struct explain_list *list = &v->lists[l];

		fprintf(out, "%s{\"list\": ", l > 0 ? ", " : "");
		report_json_string(out, list->name);
		fputs(", \"items\": [", out);
		for (size_t i = list->first; i < list->first + list->n; i++) {
			const struct explain_item *it = &v->items[i];

			fprintf(out, "%s{\"pid\": %" PRIu32 ", \"page\": %" PRIu64, i > list->first ? ", " : "", it->pid,
				it->page);
			if (it->frame == POLICY_VIEW_GHOST)
				fputs(", \"ghost\": true", out);
			else
				fprintf(out, ", \"frame\": %" PRIu32, it->frame);
			fputs(it->mark ? ", \"hand\": true" : "", out);
			fputs(it->changed ? ", \"changed\": true" : "", out);
			for (unsigned k = 0; k < it->nvalues; k++) {
				fputs(", ", out);
				report_json_string(out, it->key[k]);
				if (it->value[k] == POLICY_NEVER)
					fputs(": null", out);
				else
					fprintf(out, ": %" PRIu64, it->value[k]);
			}
			fputs("}", out);
		}
		fputs("]}", out);
	}
	fputs("]", out);
}

/* One step as a JSON object. */
static void explain_json_step(struct explain_out *o, const struct explain_step *st)
{
	FILE *out = o->out;

	fprintf(out, "%s\n    {", o->steps > 0 ? "," : "");
	if (st->is_event) {
		fprintf(out, "\"line\": %" PRIu64 ", \"event\": ", st->line);
		report_json_string(out, st->event);
		fputs("}", out);
		return;
	}
	fprintf(out,
		"\"ref\": %" PRIu64 ", \"line\": %" PRIu64 ", \"pid\": %" PRIu32 ", \"address\": %" PRIu64
		", \"page\": %" PRIu64 ", \"op\": \"%c\", \"outcome\": \"%s\"",
		st->ref, st->line, st->pid, st->addr, st->page, st->op, explain_outcome_name(st->outcome));
	if (st->nvictims > 0)
		fprintf(out, ", \"victim\": {\"pid\": %" PRIu32 ", \"page\": %" PRIu64 ", \"fate\": \"%s\"}",
			st->victims[0].pid, st->victims[0].page, explain_fate_name(st->victims[0].fate));
	fprintf(out, ", \"evictions\": %" PRIu64, st->evictions);
	if (st->tlb >= 0)
		fprintf(out, ", \"tlb\": \"%s\"", st->tlb > 0 ? "hit" : "miss");
	fprintf(out, ", \"hits\": %" PRIu64 ", \"faults\": %" PRIu64 ", \"dirty_evictions\": %" PRIu64 ", \"frames\": ",
		st->hits, st->faults, st->dirty_evictions);
	explain_json_view(out, st->view);
	fputs("}", out);
}

/* Keep o->loaded, the pages in memory in the order they came in, up to
 * date with step st (ostep's order for policies other than fifo and lru).
 * False when memory was short. */
static bool explain_ostep_track(struct explain_out *o, const struct explain_step *st)
{
	for (unsigned v = 0; v < st->nvictims; v++)
		for (size_t i = 0; i < o->nloaded; i++)
			if (o->loaded[i] == st->victims[v].page) {
				memmove(o->loaded + i, o->loaded + i + 1, (o->nloaded - i - 1) * sizeof *o->loaded);
				o->nloaded--;
				break;
			}
	if (!explain_is_fault(st->outcome))
		return true;
	if (o->nloaded == o->loaded_cap) {
		size_t cap = o->loaded_cap ? 2 * o->loaded_cap : 16;
		uint64_t *grown = realloc(o->loaded, cap * sizeof *grown);

		if (grown == NULL)
			return false;
		o->loaded = grown;
		o->loaded_cap = cap;
	}
	o->loaded[o->nloaded++] = st->page;
	return true;
}

/* One reference as paging-policy.py -c prints it. False when memory was
 * short. */
static bool explain_ostep_step(struct explain_out *o, const struct explain_step *st)
{
	bool fifo = strcmp(o->policy, "fifo") == 0, lru = strcmp(o->policy, "lru") == 0;
	char *memory = NULL;
	size_t len = 0;
	FILE *mem;

	if (st->is_event || st->outcome == EXPLAIN_SEGFAULT || st->outcome == EXPLAIN_IGNORED)
		return true;
	if (!lru && !explain_ostep_track(o, st))
		return false;
	if ((mem = open_memstream(&memory, &len)) == NULL)
		return false;
	fputs("[", mem);
	if (lru) {
		const struct explain_list *list = &st->view->lists[0];

		for (size_t i = 0; i < list->n; i++)
			fprintf(mem, "%s%" PRIu64, i > 0 ? ", " : "", st->view->items[list->first + i].page);
	} else {
		for (size_t i = 0; i < o->nloaded; i++)
			fprintf(mem, "%s%" PRIu64, i > 0 ? ", " : "", o->loaded[i]);
	}
	fputs("]", mem);
	if (fclose(mem) != 0) {
		free(memory);
		return false;
	}
	fprintf(o->out, "Access: %" PRIu64 "  %s %s -> %12s <- %s Replaced:", st->page,
		st->outcome == EXPLAIN_HIT ? "HIT " : "MISS", fifo ? "FirstIn" : lru ? "LRU" : "Left ", memory,
		fifo ? "Lastin " : lru ? "MRU" : "Right");
	if (st->nvictims > 0)
		fprintf(o->out, "%" PRIu64, st->victims[0].page);
	else
		fputs("-", o->out);
	fprintf(o->out, " [Hits:%" PRIu64 " Misses:%" PRIu64 "]\n", st->hits, st->faults);
	free(memory);
	return true;
}

/* One reference as one vmsim action. */
static void explain_vmsim_step(struct explain_out *o, const struct explain_step *st)
{
	const char *action;

	if (st->is_event)
		return;
	if (st->outcome == EXPLAIN_HIT)
		action = "hit";
	else if (st->outcome == EXPLAIN_SEGFAULT)
		action = "segfault";
	else if (st->outcome == EXPLAIN_IGNORED)
		action = "ignored (process killed)";
	else if (st->nvictims == 0)
		action = "page fault - no eviction";
	else if (st->victims[0].fate == EXPLAIN_DROPPED)
		action = "page fault - evict clean";
	else
		action = "page fault - evict dirty";
	fprintf(o->out, "%s\n", action);
}

bool explain_out_step(struct explain_out *o, const struct explain_step *st)
{
	bool ok = true;

	if (o->style == EXPLAIN_OSTEP)
		ok = explain_ostep_step(o, st);
	else if (o->style == EXPLAIN_VMSIM)
		explain_vmsim_step(o, st);
	else if (o->output == REPORT_CSV)
		ok = explain_csv_step(o, st);
	else if (o->output == REPORT_JSON)
		explain_json_step(o, st);
	else
		explain_text_step(o, st);
	o->steps++;
	return ok;
}

void explain_out_end(struct explain_out *o, const struct run_result *summary, const char *window)
{
	const struct sim_stats *s = &summary->stats;

	if (o->style == EXPLAIN_OSTEP) {
		fprintf(o->out, "\nFINALSTATS hits %" PRIu64 "   misses %" PRIu64 "   hitrate %.2f\n\n", s->hits,
			s->faults, s->refs > 0 ? 100.0 * (double)s->hits / (double)(s->hits + s->faults) : 0.0);
	} else if (o->style == EXPLAIN_VMSIM) {
		fprintf(o->out,
			"\nAlgorithm: %s\nNumber of frames: %" PRIu32 "\nTotal memory accesses: %" PRIu64
			"\nTotal page faults: %" PRIu64 "\nTotal writes to disk: %" PRIu64 "\n",
			summary->policy, summary->frames, s->refs, s->faults, s->dirty_evictions);
	} else if (o->output == REPORT_JSON) {
		fputs("\n  ],\n  \"summary\": ", o->out);
		report_print(o->out, REPORT_JSON, summary, 1);
		fputs("}\n", o->out);
	} else if (o->output == REPORT_TEXT) {
		fprintf(o->out, "\n%s; the summary covers the whole trace, as pagesim run prints it:\n", window);
		report_print(o->out, REPORT_TEXT, summary, 1);
	}
	free(o->loaded);
	o->loaded = NULL;
}
