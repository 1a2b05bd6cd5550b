/* cli_args.c - parsing of the arguments several subcommands share. */
#include "config.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/cli.h"
#include "machine/cost.h"
#include "replay/experiment.h"
#include "util/numparse.h"
#include "machine/tlb.h"

int cli_fail(const char *fmt, ...)
{
	va_list ap;

	fputs("pagesim: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	return EXIT_USAGE;
}

bool cli_parse_frames(const char *s, uint32_t *out, size_t max, size_t *n)
{
	const uint64_t limit = 1ULL << 31;
	char *copy = strdup(s ? s : ""), *save = NULL, *item;
	bool ok = copy != NULL && *copy != '\0';

	*n = 0;
	for (item = ok ? strtok_r(copy, ",", &save) : NULL; ok && item; item = strtok_r(NULL, ",", &save)) {
		char *dots = strstr(item, "..");
		uint64_t lo, hi;

		if (dots == NULL) {
			ok = num_parse_u64(item, 1, limit, &lo) && *n < max;
			if (ok)
				out[(*n)++] = (uint32_t)lo;
			continue;
		}
		*dots = '\0';
		ok = num_parse_u64(item, 1, limit, &lo) && num_parse_u64(dots + 2, lo, limit, &hi);
		for (uint64_t v = lo; ok && v <= hi; v *= 2) {
			ok = *n < max;
			if (ok)
				out[(*n)++] = (uint32_t)v;
		}
	}
	free(copy);
	return ok && *n > 0;
}

int cli_trace_option(const char *name, const char *arg, struct trace_options *opt)
{
	uint64_t v;

	if (strcmp(name, "format") == 0) {
		if (!trace_format_parse(arg, &opt->format)) {
			cli_fail("--format: unknown trace format \"%s\" (expected auto, lackey, addr-rw, pages, native or binary)", arg);
			return -1;
		}
	} else if (strcmp(name, "page-size") == 0) {
		if (!num_parse_page_size(arg, &opt->page_shift)) {
			cli_fail("--page-size: \"%s\" is not a power of two from 256 to 1G bytes", arg);
			return -1;
		}
	} else if (strcmp(name, "va-bits") == 0) {
		if (!num_parse_u64(arg, 32, 48, &v) || (v != 32 && v != 48)) {
			cli_fail("--va-bits: expected 32 or 48, got \"%s\"", arg);
			return -1;
		}
		opt->va_bits = (unsigned)v;
	} else if (strcmp(name, "skip-bad") == 0) {
		opt->skip_bad = true;
	} else {
		return 0;
	}
	return 1;
}

int cli_vm_option(const char *name, const char *arg, struct exp_machine *m)
{
	struct vm_options *vm = &m->vm;
	struct ps_error err;
	enum cost_param param;
	enum cost_device device;
	uint64_t v;
	double t;

	if (strcmp(name, "strict") == 0) {
		vm->strict = true;
	} else if (strcmp(name, "stack-gap") == 0) {
		if (!num_parse_u64(arg, 1, EXP_MAX_STACK_GAP, &vm->stack_gap)) {
			cli_fail("--stack-gap: expected a number of bytes from 1 to 2^48, got \"%s\"", arg);
			return -1;
		}
	} else if (strcmp(name, "tlb") == 0) {
		if (!tlb_parse_spec(arg, &vm->tlb_entries, &vm->tlb_ways, &err)) {
			cli_fail("--tlb: %s", err.msg);
			return -1;
		}
	} else if (strcmp(name, "tlb-flush-on-switch") == 0) {
		vm->tlb_flush_on_switch = true;
	} else if (strcmp(name, "no-shootdown") == 0) {
		vm->no_shootdown = true;
	} else if (strcmp(name, "count-page-tables") == 0) {
		vm->count_page_tables = true;
	} else if (strcmp(name, "by-segment") == 0) {
		vm->by_segment = true;
	} else if (strcmp(name, "scope") == 0) {
		if (!exp_scope_parse(arg, &vm->scope_local)) {
			cli_fail("--scope: expected global or local, got \"%s\"", arg);
			return -1;
		}
	} else if (strcmp(name, "quota") == 0) {
		if (!num_parse_u64(arg, 1, EXP_MAX_QUOTA, &v)) {
			cli_fail("--quota: expected a number of frames from 1 to 2^31, got \"%s\"", arg);
			return -1;
		}
		vm->local_quota = (uint32_t)v;
	} else if (strcmp(name, "device") == 0) {
		if (!cost_device_parse(arg, &device)) {
			cli_fail("--device: expected hdd, ssd or nvme, got \"%s\"", arg);
			return -1;
		}
		cost_set_device(&m->cost, device);
	} else if (cost_param_find(name, &param)) {
		if (!cost_value_parse(arg, &t)) {
			cli_fail("--%s: expected a time in %s from 0 to %g, got \"%s\"", name,
				 strstr(name, "-ns") ? "nanoseconds" : "microseconds", COST_MAX_VALUE, arg);
			return -1;
		}
		cost_set(&m->cost, param, t);
	} else {
		return 0;
	}
	return 1;
}

bool cli_vm_check(const struct exp_machine *m)
{
	if (m->vm.local_quota != 0 && !m->vm.scope_local) {
		cli_fail("--quota: a frame quota per process needs --scope local");
		return false;
	}
	if (m->vm.tlb_flush_on_switch && m->vm.tlb_entries == 0) {
		cli_fail("--tlb-flush-on-switch: there is no TLB to flush; add --tlb ENTRIES[:WAYS]");
		return false;
	}
	if (m->vm.no_shootdown && m->vm.tlb_entries == 0) {
		cli_fail("--no-shootdown: there is no TLB; add --tlb ENTRIES[:WAYS]");
		return false;
	}
	return true;
}

int cli_spool_stdin(char *path, size_t size)
{
	const char *dir = getenv("TMPDIR");
	char buf[1 << 16];
	size_t n;
	FILE *out;
	int fd;

	snprintf(path, size, "%s/pagesim-stdin-XXXXXX", dir && *dir ? dir : "/tmp");
	fd = mkstemp(path);
	if (fd < 0 || (out = fdopen(fd, "wb")) == NULL)
		return cli_fail("cannot create a temporary file for standard input in %s", dir && *dir ? dir : "/tmp");
	while ((n = fread(buf, 1, sizeof buf, stdin)) > 0)
		if (fwrite(buf, 1, n, out) != n)
			break;
	if (ferror(stdin) || ferror(out) || fclose(out) != 0) {
		unlink(path);
		return cli_fail("cannot spool standard input to %s", path);
	}
	return EXIT_OK;
}

bool cli_parse_span(const char *arg, bool *span_pages)
{
	if (strcmp(arg, "all") != 0 && strcmp(arg, "first") != 0) {
		cli_fail("--span: expected all or first, got \"%s\"", arg);
		return false;
	}
	*span_pages = strcmp(arg, "all") == 0;
	return true;
}

bool cli_parse_jobs(const char *arg, unsigned *threads)
{
	uint64_t v;

	if (!num_parse_u64(arg, 1, 1024, &v)) {
		cli_fail("-j: expected a number of threads from 1 to 1024, got \"%s\"", arg);
		return false;
	}
	*threads = (unsigned)v;
	return true;
}

unsigned cli_cores(void)
{
	long cores = sysconf(_SC_NPROCESSORS_ONLN);

	return cores > 0 ? (unsigned)cores : 1;
}
