/* cli_args.c - parsing of the arguments several subcommands share. */
#include "config.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/cli.h"
#include "replay/experiment.h"
#include "util/numparse.h"

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

unsigned cli_cores(void)
{
	long cores = sysconf(_SC_NPROCESSORS_ONLN);

	return cores > 0 ? (unsigned)cores : 1;
}
