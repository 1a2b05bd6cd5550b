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

#include "../options_fixture.h"

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
