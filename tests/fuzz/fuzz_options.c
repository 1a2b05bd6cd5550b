/*
 * fuzz_options.c - libFuzzer harness: the table-driven command-line
 * parser (util/options.c, opt_parse).
 *
 * The input is split on NUL bytes into argv (at most 63 words after the
 * command name) and parsed once against a representative table, that of
 * tests/check_options.c: every kind of option (flag, --no-X, string, whole
 * numbers 4 and 8 bytes wide, a number with an open lower bound and a
 * given-flag, choices with values, a custom parser), short letters and
 * a second group at an offset. An error must say why; success must point
 * at the operands; --help gives the help text, which is built and freed.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "fuzz_common.h"
#include "util/options.h"

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

static const char *const t_modes[] = {"fast", "slow", "auto", NULL};
static const int t_mode_values[] = {10, 20, 30};
static const char *const t_on_words[] = {"yes", "no", NULL};
static const int t_on_values[] = {true, false};

static int t_parse_list(const struct opt_spec *spec, const char *arg, void *field, struct ps_error *err)
{
	unsigned n = 1;

	(void)spec;
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
    {.name = "verbose", .letter = 'v', .kind = OPT_FLAG, OPT_AT(struct t_opts, verbose), .help = "say more"},
    {.name = "no-color", .kind = OPT_UNSET, OPT_AT(struct t_opts, color), .help = "no colours"},
    {.name = "name", .kind = OPT_STRING, .arg = "NAME", OPT_AT(struct t_opts, name), .help = "a name"},
    {.name = "count", .letter = 'c', .kind = OPT_UINT, .arg = "N", OPT_AT(struct t_opts, count), .min = 1,
     .max = 100, .help = "how many,\nfrom 1 to 100"},
    {.name = "big", .kind = OPT_UINT, .arg = "N", OPT_AT(struct t_opts, big), .max = UINT64_MAX,
     .expected = "a whole number", .help = "a big one"},
    {.name = "ratio", .kind = OPT_DOUBLE, .arg = "R", OPT_AT(struct t_opts, ratio), .dmin = 0, .dmin_open = true,
     .dmax = 1, OPT_GIVEN(struct t_opts, have_ratio), .help = "a ratio"},
    {.name = "mode", .kind = OPT_CHOICE, .arg = "M", OPT_AT(struct t_opts, mode), .words = t_modes,
     .values = t_mode_values, .help = "fast, slow or auto"},
    {.name = "on", .kind = OPT_CHOICE, .arg = "yes|no", OPT_AT(struct t_opts, on), .words = t_on_words,
     .values = t_on_values, .help = "on or off"},
    {.name = "list", .kind = OPT_CUSTOM, .arg = "A,B", OPT_AT(struct t_opts, listed), .parse = t_parse_list,
     .expected = "a list like a,b", .help = "a list"},
    {.letter = 'o', .kind = OPT_STRING, .arg = "FILE", OPT_AT(struct t_opts, name), .help = "short only"},
    {0},
};

static const struct opt_spec t_shared_specs[] = {
    {.name = "level", .kind = OPT_UINT, .arg = "L", OPT_AT(struct t_shared, level), .min = 0, .max = 9,
     .help = "a level"},
    {.name = "quiet", .letter = 'q', .kind = OPT_FLAG, OPT_AT(struct t_shared, quiet), .help = "say less"},
    {0},
};

static const struct opt_group t_groups[] = {
    {t_specs, 0, NULL},
    {t_shared_specs, offsetof(struct t_opts, shared), "\nShared:\n"},
    {NULL, 0, NULL},
};

static const struct opt_command t_command = {
    .name = "test",
    .synopsis = "usage: test [options] ARG\n\n",
    .groups = t_groups,
    .epilogue = "\nThe end.\n",
};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static char buf[1 << 16];
	char *argv[65] = {"test"};
	int argc = 1, first = -1;
	struct t_opts o = {.color = true, .count = 5, .mode = 10};
	struct ps_error err = {{0}};
	enum opt_result rc;

	if (size >= sizeof buf)
		return -1;
	memcpy(buf, data, size);
	buf[size] = '\0';
	for (size_t at = 0; at <= size && argc < 64;) {
		argv[argc++] = buf + at;
		at += strlen(buf + at) + 1;
	}
	argv[argc] = NULL;
	rc = opt_parse(&t_command, argc, argv, &o, &first, &err);
	if (rc == OPT_ERROR) {
		if (err.msg[0] == '\0')
			fuzz_fail("opt_parse failed without a message");
	} else if (rc == OPT_OK) {
		if (first < 1 || first > argc)
			fuzz_fail("opt_parse: operands from %d of %d words", first, argc);
		if (o.count < 1 || o.count > 100 || o.shared.level > 9 || (o.have_ratio && !(o.ratio > 0 && o.ratio <= 1)))
			fuzz_fail("opt_parse stored a value out of its range: count %u level %u ratio %g", o.count,
				  o.shared.level, o.ratio);
		if (o.mode != 10 && o.mode != 20 && o.mode != 30)
			fuzz_fail("opt_parse stored mode %d", o.mode);
	} else if (rc == OPT_HELP) {
		char *help = opt_help(&t_command);

		if (help == NULL || strstr(help, "--verbose") == NULL)
			fuzz_fail("no help text");
		free(help);
	} else {
		fuzz_fail("opt_parse returned %d", (int)rc);
	}
	return 0;
}
