/*
 * cost.h - what a run would cost in time on a real machine: a linear model
 * over the machine's counters (sim.h), with latencies from a device preset
 * (--device hdd|ssd|nvme) and explicit overrides (--read-us, ...).
 *
 *   time = refs * mem
 *        + tlb_misses * tlb_miss
 *        + faults * fault
 *        + zero_fills * zero
 *        + cow_copies * copy
 *        + (file_reads + swap_reads) * read
 *        + (swap_writes + file_writes) * write
 *   effective access time (EAT) = time / refs   (0 when refs is 0)
 *
 * Every fault pays the kernel's overhead (fault), whatever its kind, minor
 * and copy-on-write ones included; then its own work: zeroing a frame, a
 * copy, or a page read. A page walk (tlb_miss) is charged only when the
 * machine has a TLB (without one, tlb_misses is 0 and translation is free).
 * Page writes are charged whether an eviction or munmap/exit caused them.
 * The figures are per page and are not scaled with --page-size: they are
 * meant for 4 KiB pages.
 *
 * Every run has a cost model: without --device or any override it is the
 * default device, ssd, so est_time_ms and eat_ns are always in the results.
 */
#ifndef PAGESIM_COST_H
#define PAGESIM_COST_H

#include <stdbool.h>
#include <stddef.h>

#include "machine/sim.h"

/* The latencies of the model. Their user-visible names (CLI options and
 * YAML keys) carry their unit: read-us, mem-ns, ... */
enum cost_param {
	COST_READ_US,     /* one page read from swap or a file */
	COST_WRITE_US,    /* one page written to swap or a file */
	COST_MEM_NS,      /* one memory reference */
	COST_TLB_MISS_NS, /* one page walk after a TLB miss */
	COST_FAULT_US,    /* kernel overhead of any fault */
	COST_ZERO_US,     /* zero-filling a page */
	COST_COPY_US,     /* copying a page for copy-on-write */
	COST_NPARAMS
};

enum cost_device { COST_HDD, COST_SSD, COST_NVME, COST_NDEVICES };

#define COST_DEFAULT_DEVICE COST_SSD

/* The largest latency accepted, in the parameter's own unit. */
#define COST_MAX_VALUE 1e9

struct cost_model {
	enum cost_device device;
	double value[COST_NPARAMS];  /* in each parameter's unit */
	bool given[COST_NPARAMS];    /* set explicitly: a device leaves it alone */
	bool device_given;           /* --device or device: was used */
};

/* The model of the default device with no overrides. */
void cost_init(struct cost_model *m);

/* Switch to device d: every parameter not given explicitly takes the
 * device's value (so options apply in any order). */
void cost_set_device(struct cost_model *m, enum cost_device d);

/* Set parameter p explicitly (value already checked by cost_value_ok). */
void cost_set(struct cost_model *m, enum cost_param p, double value);

/* Was anything chosen (a device or an override)? */
bool cost_customised(const struct cost_model *m);

/* Parse a device name; false if it is none of hdd, ssd, nvme. */
bool cost_device_parse(const char *name, enum cost_device *out);
const char *cost_device_name(enum cost_device d);

/* The option/key name of p ("read-us"), and p by that name (false if none). */
const char *cost_param_name(enum cost_param p);
bool cost_param_find(const char *name, enum cost_param *out);

/* Parse a latency: a finite decimal number from 0 to COST_MAX_VALUE. */
bool cost_value_parse(const char *text, double *out);

/* The value of p on device d (the presets). */
double cost_preset(enum cost_device d, enum cost_param p);

/* The estimated time of the run st in nanoseconds (formula above). */
double cost_time_ns(const struct cost_model *m, const struct sim_stats *st);

/* The effective access time in nanoseconds: time / refs, 0 without refs. */
double cost_eat_ns(const struct cost_model *m, const struct sim_stats *st);

/* Write the model as "device=ssd read_us=100 ..." (the sweep's cells
 * stamp) into buf. */
void cost_describe(const struct cost_model *m, char *buf, size_t size);

#endif
