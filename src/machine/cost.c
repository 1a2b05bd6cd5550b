/*
 * cost.c - the time model of cost.h: presets, overrides and the formula.
 *
 * The presets are orders of magnitude, not measurements of one machine;
 * every run can override each figure. Where they come from:
 *
 *  - hdd: a random 4 KiB I/O on a 7200 rpm disk is dominated by the seek
 *    and the rotation: about 9 ms average seek plus 4.2 ms half a turn
 *    (Arpaci-Dusseau, "Operating Systems: Three Easy Pieces", ch. 37,
 *    computes 13.2 ms for a Seagate Barracuda); Jeff Dean's "latency
 *    numbers every programmer should know" round a disk seek to 10 ms.
 *    We take 10 ms for a read and for a write.
 *  - ssd: a SATA flash SSD at queue depth 1 reads a random 4 KiB page in
 *    about 0.1 ms (Dean's table: 150 us; SATA drives do 50k-100k random
 *    reads per second at depth, 0.08-0.2 ms each at depth 1). Sustained
 *    random writes, once the drive's cache is full, are a little slower:
 *    100 us read, 150 us write.
 *  - nvme: a PCIe NVMe flash SSD at queue depth 1 does about 80 MB/s of
 *    random 4 KiB reads (a Samsung 9100 Pro class drive), 50 us each;
 *    writes land in the drive's SLC/DRAM cache and complete in about
 *    20 us. 50 us read, 20 us write.
 *
 * The other figures do not depend on the device:
 *  - mem 100 ns: a main-memory reference (Dean's table: 100 ns);
 *  - tlb-miss 20 ns: a page walk whose entries mostly hit in the caches
 *    and the paging-structure caches (a few tens of cycles);
 *  - fault 1 us: entering the kernel, finding the mapping, updating the
 *    PTE and returning (a Linux minor fault is 0.5-1 us on current x86);
 *  - zero 0.5 us: clearing 4 KiB at about 10 GB/s;
 *  - copy 1 us: copying 4 KiB (read and write) at about 5 GB/s.
 */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "machine/cost.h"
#include "util/numparse.h"

static const char *const cost_param_names[COST_NPARAMS] = {
	[COST_READ_US] = "read-us",       [COST_WRITE_US] = "write-us",
	[COST_MEM_NS] = "mem-ns",         [COST_TLB_MISS_NS] = "tlb-miss-ns",
	[COST_FAULT_US] = "fault-us",     [COST_ZERO_US] = "zero-us",
	[COST_COPY_US] = "copy-us",
};

static const char *const cost_device_names[COST_NDEVICES] = {
	[COST_HDD] = "hdd", [COST_SSD] = "ssd", [COST_NVME] = "nvme",
};

/* The presets, per device; the sources are at the top of the file. */
static const double cost_presets[COST_NDEVICES][COST_NPARAMS] = {
	[COST_HDD] = { [COST_READ_US] = 10000, [COST_WRITE_US] = 10000, [COST_MEM_NS] = 100,
		       [COST_TLB_MISS_NS] = 20, [COST_FAULT_US] = 1, [COST_ZERO_US] = 0.5,
		       [COST_COPY_US] = 1 },
	[COST_SSD] = { [COST_READ_US] = 100, [COST_WRITE_US] = 150, [COST_MEM_NS] = 100,
		       [COST_TLB_MISS_NS] = 20, [COST_FAULT_US] = 1, [COST_ZERO_US] = 0.5,
		       [COST_COPY_US] = 1 },
	[COST_NVME] = { [COST_READ_US] = 50, [COST_WRITE_US] = 20, [COST_MEM_NS] = 100,
			[COST_TLB_MISS_NS] = 20, [COST_FAULT_US] = 1, [COST_ZERO_US] = 0.5,
			[COST_COPY_US] = 1 },
};

void cost_init(struct cost_model *m)
{
	memset(m, 0, sizeof *m);
	cost_set_device(m, COST_DEFAULT_DEVICE);
	m->device_given = false;
}

void cost_set_device(struct cost_model *m, enum cost_device d)
{
	m->device = d;
	m->device_given = true;
	for (int p = 0; p < COST_NPARAMS; p++)
		if (!m->given[p])
			m->value[p] = cost_presets[d][p];
}

void cost_set(struct cost_model *m, enum cost_param p, double value)
{
	m->value[p] = value;
	m->given[p] = true;
}

bool cost_customised(const struct cost_model *m)
{
	for (int p = 0; p < COST_NPARAMS; p++)
		if (m->given[p])
			return true;
	return m->device_given;
}

bool cost_device_parse(const char *name, enum cost_device *out)
{
	for (int d = 0; d < COST_NDEVICES; d++) {
		if (strcmp(name, cost_device_names[d]) == 0) {
			*out = (enum cost_device)d;
			return true;
		}
	}
	return false;
}

const char *cost_device_name(enum cost_device d)
{
	return (unsigned)d < COST_NDEVICES ? cost_device_names[d] : "?";
}

const char *cost_param_name(enum cost_param p)
{
	return (unsigned)p < COST_NPARAMS ? cost_param_names[p] : "?";
}

bool cost_param_find(const char *name, enum cost_param *out)
{
	for (int p = 0; p < COST_NPARAMS; p++) {
		if (strcmp(name, cost_param_names[p]) == 0) {
			*out = (enum cost_param)p;
			return true;
		}
	}
	return false;
}

bool cost_value_parse(const char *text, double *out)
{
	double v;

	if (!num_parse_double(text, &v) || v < 0 || v > COST_MAX_VALUE)
		return false;
	*out = v + 0.0; /* -0 becomes 0 */
	return true;
}

double cost_preset(enum cost_device d, enum cost_param p)
{
	return cost_presets[d][p];
}

double cost_time_ns(const struct cost_model *m, const struct sim_stats *st)
{
	const double *v = m->value;

	return (double)st->refs * v[COST_MEM_NS] + (double)st->tlb_misses * v[COST_TLB_MISS_NS] +
	       1e3 * ((double)st->faults * v[COST_FAULT_US] + (double)st->zero_fills * v[COST_ZERO_US] +
		      (double)st->cow_copies * v[COST_COPY_US] +
		      (double)(st->file_reads + st->swap_reads) * v[COST_READ_US] +
		      (double)(st->swap_writes + st->file_writes) * v[COST_WRITE_US]);
}

double cost_eat_ns(const struct cost_model *m, const struct sim_stats *st)
{
	return st->refs ? cost_time_ns(m, st) / (double)st->refs : 0.0;
}

void cost_describe(const struct cost_model *m, char *buf, size_t size)
{
	size_t used = (size_t)snprintf(buf, size, "device=%s", cost_device_name(m->device));

	for (int p = 0; p < COST_NPARAMS && used < size; p++) {
		/* "read_us=100": underscores, like the other stamp fields. */
		char name[32];

		snprintf(name, sizeof name, "%s", cost_param_names[p]);
		for (char *c = name; *c; c++)
			if (*c == '-')
				*c = '_';
		used += (size_t)snprintf(buf + used, size - used, " %s=%.17g", name, m->value[p]);
	}
}
