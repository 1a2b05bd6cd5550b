/*
 * sim_proc.c - the machine's process table (pid -> struct proc: creation,
 * a local-scope process's own policy instance, freeing them all) and the
 * positions of records for messages ("FILE:LINE: reason"). The bottom of
 * the machine's call graph (sim_impl.h): it calls no other sim*.c file.
 * The model is at the top of sim.c.
 */
#include "config.h"

#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

#include "machine/sim_impl.h"

/* ---- processes ---- */

void *sim_policy_alloc(const struct policy *policy, const struct policy_config *pcfg, size_t *asked)
{
	*asked = policy->state_size(pcfg);
	return *asked <= SIM_MAX_POLICY_STATE ? calloc(1, *asked) : NULL;
}

bool sim_proc_instance(struct sim *s, struct proc *p)
{
	size_t asked;

	p->policy_state = sim_policy_alloc(s->policy, &s->pcfg, &asked);
	if (p->policy_state == NULL)
		return false;
	s->policy->init(p->policy_state, &s->pcfg);
	p->resident = 0;
	if (s->policy->tick != NULL) {
		p->next_tick = s->now;
		if (s->now < s->next_tick)
			s->next_tick = s->now;
	} else {
		p->next_tick = POLICY_NEVER;
	}
	return true;
}

/* Double the process table (or make its first 8 slots). False when memory
 * is short; the table is then unchanged. */
static bool sim_procs_grow(struct sim *s)
{
	size_t slots = s->proc_slots ? 2 * s->proc_slots : 8, i;
	struct proc **table = calloc(slots, sizeof *table);

	if (table == NULL)
		return false;
	for (size_t j = 0; j < s->proc_slots; j++) {
		if (s->procs[j] == NULL)
			continue;
		for (i = sim_proc_home(s->procs[j]->pid, slots - 1); table[i] != NULL; i = (i + 1) & (slots - 1))
			;
		table[i] = s->procs[j];
	}
	free(s->procs);
	s->procs = table;
	s->proc_slots = slots;
	return true;
}

struct proc *sim_proc(struct sim *s, uint32_t pid)
{
	size_t mask, i;
	struct proc *p = sim_proc_find(s, pid);

	if (p != NULL)
		return p;
	if (2 * (s->nprocs + 1) > s->proc_slots && !sim_procs_grow(s))
		return NULL;
	mask = s->proc_slots - 1;
	for (i = sim_proc_home(pid, mask); s->procs[i] != NULL; i = (i + 1) & mask)
		;
	p = calloc(1, sizeof *p);
	if (p == NULL)
		return NULL;
	if (!pt_init(&p->pt, &s->shape, &s->mover)) {
		free(p);
		return NULL;
	}
	p->pid = pid;
	p->born = p->rss_at = s->now;
	if (s->cfg.vm.scope_local && !sim_proc_instance(s, p)) {
		pt_destroy(&p->pt);
		free(p);
		return NULL;
	}
	s->procs[i] = p;
	s->nprocs++;
	s->stats.processes++;
	return p;
}

void sim_procs_free(struct sim *s)
{
	for (size_t i = 0; i < s->proc_slots; i++) {
		struct proc *p = s->procs[i];

		if (p == NULL)
			continue;
		pt_destroy(&p->pt);
		vma_clear(&p->vmas);
		free(p->policy_state);
		free(p->table_frames);
		free(p);
	}
	free(s->procs);
	s->procs = NULL;
	s->proc_slots = s->nprocs = 0;
}

/* ---- where records came from ---- */

void sim_where(const struct sim *s, size_t i, char *buf, size_t len)
{
	const struct trace_batch *b = s->batch;
	const uint64_t line = trace_batch_line(b, i);
	uint64_t at = s->records_before + i + 1;

	if (line != 0 && b->events != NULL)
		trace_events_where(b->events, line, buf, len); /* a workload's too */
	else if (b->events != NULL)
		snprintf(buf, len, "%s: record %" PRIu64, trace_events_name(b->events), at);
	else
		snprintf(buf, len, "record %" PRIu64, line != 0 ? line : at);
}

int sim_trace_error(struct sim *s, size_t i, struct ps_error *err, const char *fmt, ...)
{
	char where[PS_ERROR_MAX], why[PS_ERROR_MAX];
	va_list ap;

	sim_where(s, i, where, sizeof where);
	va_start(ap, fmt);
	vsnprintf(why, sizeof why, fmt, ap);
	va_end(ap);
	return ps_error_set(err, "%s: %s", where, why);
}
