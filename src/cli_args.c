/* cli_args.c - parsing of the arguments several subcommands share. */
#include "config.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

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

bool cli_parse_u64(const char *s, uint64_t min, uint64_t max, uint64_t *out)
{
	unsigned long long v;
	char *end;

	if (s == NULL || *s == '\0' || *s == '-' || *s == '+' || *s == ' ')
		return false;
	errno = 0;
	v = strtoull(s, &end, 0);
	if (errno != 0 || *end != '\0' || v < min || v > max)
		return false;
	*out = v;
	return true;
}

bool cli_parse_page_size(const char *s, unsigned *shift)
{
	char digits[32];
	size_t len = s ? strlen(s) : 0;
	unsigned extra = 0;
	uint64_t v;

	if (len == 0 || len >= sizeof digits)
		return false;
	memcpy(digits, s, len + 1);
	switch (digits[len - 1]) {
	case 'K': case 'k': extra = 10; break;
	case 'M': case 'm': extra = 20; break;
	case 'G': case 'g': extra = 30; break;
	default: break;
	}
	if (extra)
		digits[len - 1] = '\0';
	if (!cli_parse_u64(digits, 1, 1ULL << 30, &v) || (v & (v - 1)) != 0)
		return false;
	*shift = (unsigned)__builtin_ctzll(v) + extra;
	return *shift >= 8 && *shift <= 30;
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
			ok = cli_parse_u64(item, 1, limit, &lo) && *n < max;
			if (ok)
				out[(*n)++] = (uint32_t)lo;
			continue;
		}
		*dots = '\0';
		ok = cli_parse_u64(item, 1, limit, &lo) && cli_parse_u64(dots + 2, lo, limit, &hi);
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
			cli_fail("--format: unknown trace format \"%s\" (expected auto, lackey, addr-rw, pages or native)", arg);
			return -1;
		}
	} else if (strcmp(name, "page-size") == 0) {
		if (!cli_parse_page_size(arg, &opt->page_shift)) {
			cli_fail("--page-size: \"%s\" is not a power of two from 256 to 1G bytes", arg);
			return -1;
		}
	} else if (strcmp(name, "va-bits") == 0) {
		if (!cli_parse_u64(arg, 32, 48, &v) || (v != 32 && v != 48)) {
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
