/* cli_args.c - parsing of the arguments several subcommands share. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/cli.h"
#include "replay/experiment.h"
#include "trace/pass.h"
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

bool cli_list_has_empty(const char *list)
{
	size_t len = strlen(list);

	return len == 0 || list[0] == ',' || list[len - 1] == ',' || strstr(list, ",,") != NULL;
}

int cli_frames_option(const char *option, const char *arg, uint32_t *out, size_t max, size_t *n,
		      struct ps_error *err)
{
	if (cli_list_has_empty(arg))
		return ps_error_set(err, "%s: empty item in \"%s\" (a comma at an end, or two in a row)", option, arg);
	return cli_parse_frames(option, arg, out, max, n, err) ? 0 : -1;
}

bool cli_parse_frames(const char *option, const char *s, uint32_t *out, size_t max, size_t *n,
		      struct ps_error *err)
{
	const uint64_t limit = 1ULL << 31;
	char *copy = strdup(s ? s : ""), *save = NULL, *item;
	bool ok = copy != NULL && !cli_list_has_empty(copy);
	uint64_t sizes = 0; /* the values of the items so far, stored or not */

	*n = 0;
	for (item = ok ? strtok_r(copy, ",", &save) : NULL; ok && item; item = strtok_r(NULL, ",", &save)) {
		char *dots = strstr(item, ".."), *colon = dots != NULL ? strchr(dots + 2, ':') : NULL;
		uint64_t lo, hi, step = 1; /* N is N..N:1; step 0: doubling */

		if (dots == NULL) {
			ok = num_parse_u64(item, 1, limit, &lo);
			hi = lo;
		} else {
			*dots = '\0';
			if (colon != NULL)
				*colon = '\0';
			else
				step = 0;
			ok = num_parse_u64(item, 1, limit, &lo) && num_parse_u64(dots + 2, 1, limit, &hi) &&
			     (colon == NULL || num_parse_u64(colon + 1, 1, limit, &step));
		}
		if (ok && lo > hi) {
			ps_error_set(err, "%s: the range %" PRIu64 "..%" PRIu64 " runs backwards (A..B needs A <= B)",
				     option, lo, hi);
			ok = false;
		}
		if (!ok)
			break;
		/* Counted first, so that a range of 2^31 values is not walked. */
		sizes += step ? (hi - lo) / step + 1 : (uint64_t)(63 - __builtin_clzll(hi / lo)) + 1;
		for (uint64_t v = lo; sizes <= max && v <= hi; v = step ? v + step : 2 * v)
			out[(*n)++] = (uint32_t)v;
	}
	if (ok && sizes > max) {
		ps_error_set(err, "%s: \"%s\" gives %" PRIu64 " values; at most %zu", option, s, sizes, max);
		ok = false;
	}
	/* As an experiment file's lists: a value twice would give its rows
	 * twice. (At most a few thousand values: pairs are cheap.) */
	for (size_t i = 0; ok && i < *n; i++)
		for (size_t j = 0; ok && j < i; j++)
			if (out[i] == out[j]) {
				ps_error_set(err, "%s: %" PRIu32 " is listed twice", option, out[i]);
				ok = false;
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
	if (m->vm.local_alloc != LOCAL_ALLOC_EQUAL && !m->vm.scope_local) {
		cli_fail("--alloc: a frame allocation rule needs --scope local");
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

/* Copy all of standard input to fd. Returns 0, or errno of the failure. */
static int spool_copy(int fd)
{
	char buf[1 << 16];
	ssize_t n;

	while ((n = read(STDIN_FILENO, buf, sizeof buf)) != 0) {
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return errno;
		for (ssize_t done = 0, k; done < n; done += k) {
			k = write(fd, buf + done, (size_t)(n - done));
			if (k < 0 && errno != EINTR)
				return errno;
			if (k < 0)
				k = 0;
		}
	}
	return 0;
}

int cli_spool_stdin(char *path, size_t size)
{
	const char *dir = getenv("TMPDIR");
	int fd, failure;

	if (dir == NULL || *dir == '\0')
		dir = "/tmp";
	snprintf(path, size, "%s/pagesim-stdin-XXXXXX", dir);
	fd = mkostemp(path, O_CLOEXEC);
	if (fd >= 0 && fd <= STDERR_FILENO) {
		/* A standard descriptor was closed: keep the spool above them,
		 * or the results would go into it. */
		int high = fcntl(fd, F_DUPFD_CLOEXEC, STDERR_FILENO + 1);

		close(fd);
		fd = high;
	}
	if (fd < 0) {
		unlink(path);
		return cli_fail("cannot create a temporary file for standard input in %s: %s", dir, strerror(errno));
	}
	/* Unlinked at once: no exit path, not even SIGKILL, can leave it. */
	unlink(path);
	failure = spool_copy(fd);
	if (failure != 0) {
		close(fd);
		return cli_fail("cannot spool standard input to %s: %s", dir, strerror(failure));
	}
	snprintf(path, size, "/proc/self/fd/%d", fd);
	if (access(path, R_OK) != 0) {
		close(fd);
		return cli_fail("cannot reopen the spooled standard input as %s (is /proc mounted?)", path);
	}
	return EXIT_OK;
}

unsigned cli_cores(void)
{
	long cores = sysconf(_SC_NPROCESSORS_ONLN);

	return cores > 0 ? (unsigned)cores : 1;
}

int cli_close_stdout(int status)
{
	/* A write that failed earlier (output beyond the stdio buffer) left
	 * the error flag but not its errno: clear the flag, so that the flush
	 * of what is left tries again and says why, and fail either way. */
	bool failed_before = ferror(stdout) != 0;
	int failure;

	clearerr(stdout);
	errno = 0;
	if (fflush(stdout) == 0 && !ferror(stdout) && !failed_before)
		return status;
	failure = errno;
	cli_fail("cannot write standard output: %s", failure != 0 ? strerror(failure) : "write error");
	return status == EXIT_OK || status == EXIT_CHECK_FAILED ? EXIT_USAGE : status;
}
