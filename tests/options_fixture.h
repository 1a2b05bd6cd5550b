/*
 * options_fixture.h - a representative option table for the parser
 * (util/options.c), shared by its Check suite (check_options.c) and its
 * fuzz harness (fuzz/fuzz_options.c): every kind of option (flag, --no-X,
 * string, whole numbers 4 and 8 bytes wide, a number with an open lower
 * bound and a given-flag, choices with values, a custom parser), short
 * letters, and a second group at an offset. Include it in one .c file
 * each: everything here is static.
 */
#ifndef PAGESIM_TESTS_OPTIONS_FIXTURE_H
#define PAGESIM_TESTS_OPTIONS_FIXTURE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "util/options.h"

/* A shared group, as the trace options are: relative to its own struct. */
struct t_shared {
	unsigned level;
	bool quiet;
};

struct t_opts {
	bool verbose, color, have_ratio;
	const char *name;
	uint32_t count;
	uint64_t big;
	double ratio;
	int mode;
	bool on;
	unsigned listed;
	struct t_shared shared;
};

static const char *const t_modes[] = { "fast", "slow", "auto", NULL };
static const int t_mode_values[] = { 10, 20, 30 };
static const char *const t_on_words[] = { "yes", "no", NULL };
static const int t_on_values[] = { true, false };

/* A custom parser: a comma-separated list; counts its items, refuses an
 * empty one with the generic message and "bad" with its own. */
static int t_parse_list(const struct opt_spec *spec, const char *arg, void *field, struct ps_error *err)
{
	unsigned n = 1;

	if (strcmp(arg, "bad") == 0)
		return ps_error_set(err, "--list: bad is bad");
	if (*arg == '\0')
		return -1;
	for (const char *p = arg; *p; p++)
		n += *p == ',';
	*(unsigned *)field = n;
	return 0;
}

static const struct opt_spec t_specs[] = {
	{ .name = "verbose", .letter = 'v', .kind = OPT_FLAG, OPT_AT(struct t_opts, verbose), .help = "say more" },
	{ .name = "no-color", .kind = OPT_UNSET, OPT_AT(struct t_opts, color), .help = "no colours" },
	{ .name = "name", .kind = OPT_STRING, .arg = "NAME", OPT_AT(struct t_opts, name), .help = "a name" },
	{ .name = "count", .letter = 'c', .kind = OPT_UINT, .arg = "N", OPT_AT(struct t_opts, count), .min = 1,
	  .max = 100, .help = "how many,\nfrom 1 to 100" },
	{ .name = "big", .kind = OPT_UINT, .arg = "N", OPT_AT(struct t_opts, big), .max = UINT64_MAX,
	  .expected = "a whole number", .help = "a big one" },
	{ .name = "ratio", .kind = OPT_DOUBLE, .arg = "R", OPT_AT(struct t_opts, ratio), .dmin = 0, .dmin_open = true,
	  .dmax = 1, OPT_GIVEN(struct t_opts, have_ratio), .help = "a ratio" },
	{ .name = "mode", .kind = OPT_CHOICE, .arg = "M", OPT_AT(struct t_opts, mode), .words = t_modes,
	  .values = t_mode_values, .help = "fast, slow or auto" },
	{ .name = "on", .kind = OPT_CHOICE, .arg = "yes|no", OPT_AT(struct t_opts, on), .words = t_on_words,
	  .values = t_on_values, .help = "on or off" },
	{ .name = "list", .kind = OPT_CUSTOM, .arg = "A,B", OPT_AT(struct t_opts, listed), .parse = t_parse_list,
	  .expected = "a list like a,b", .help = "a list" },
	{ .letter = 'o', .kind = OPT_STRING, .arg = "FILE", OPT_AT(struct t_opts, name), .help = "short only" },
	{ 0 },
};

static const struct opt_spec t_shared_specs[] = {
	{ .name = "level", .kind = OPT_UINT, .arg = "L", OPT_AT(struct t_shared, level), .min = 0, .max = 9,
	  .help = "a level" },
	{ .name = "quiet", .letter = 'q', .kind = OPT_FLAG, OPT_AT(struct t_shared, quiet), .help = "say less" },
	{ 0 },
};

static const struct opt_group t_groups[] = {
	{ t_specs, 0, NULL },
	{ t_shared_specs, offsetof(struct t_opts, shared), "\nShared:\n" },
	{ NULL, 0, NULL },
};

static const struct opt_command t_command = {
	.name = "test",
	.synopsis = "usage: test [options] ARG\n\n",
	.groups = t_groups,
	.epilogue = "\nThe end.\n",
};

#endif
