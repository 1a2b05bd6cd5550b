/*
 * check_options.c - the table-driven option parser (util/options.h): each
 * kind stores what it should, ranges and word lists are enforced with
 * clear one-line errors, unknown options and missing arguments fail,
 * groups land at their offsets, and the help text lists every option.
 */
#include "config.h"

#include <check.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check_suites.h"
#include "util/options.h"

#include "options_fixture.h"

/* Parse the NULL-terminated words (after the command name) into o, with
 * its defaults; returns opt_parse's result, *first and the message. */
static enum opt_result t_parse(struct t_opts *o, int *first, struct ps_error *err, ...)
{
	char *argv[32] = { "test" };
	int argc = 1;
	va_list ap;

	*o = (struct t_opts){ .color = true, .count = 5, .mode = 10 };
	err->msg[0] = '\0';
	va_start(ap, err);
	for (char *w; (w = va_arg(ap, char *)) != NULL && argc < 31;)
		argv[argc++] = w;
	va_end(ap);
	return opt_parse(&t_command, argc, argv, o, first, err);
}

START_TEST(flags_strings_and_operands)
{
	struct t_opts o;
	struct ps_error err;
	int first;

	ck_assert_int_eq(t_parse(&o, &first, &err, "a", "-v", "--no-color", "--name", "x", "b", NULL), OPT_OK);
	ck_assert(o.verbose);
	ck_assert(!o.color);
	ck_assert_str_eq(o.name, "x");
	ck_assert_int_eq(first, 5); /* operands permuted to the end: a, b */
	ck_assert_int_eq(t_parse(&o, &first, &err, "--name=y", "-o", "z", NULL), OPT_OK);
	ck_assert_str_eq(o.name, "z");
	ck_assert(o.color);
	ck_assert(!o.verbose);
	ck_assert_int_eq(first, 4);
}
END_TEST

START_TEST(whole_numbers_in_range)
{
	struct t_opts o;
	struct ps_error err;
	int first;

	ck_assert_int_eq(t_parse(&o, &first, &err, "--count", "100", "--big", "18446744073709551615", NULL), OPT_OK);
	ck_assert_uint_eq(o.count, 100);
	ck_assert(o.big == UINT64_MAX);
	ck_assert_int_eq(t_parse(&o, &first, &err, "-c", "1", NULL), OPT_OK);
	ck_assert_uint_eq(o.count, 1);
	ck_assert_int_eq(t_parse(&o, &first, &err, "--count", "0", NULL), OPT_ERROR);
	ck_assert_str_eq(err.msg, "--count: expected a whole number from 1 to 100, got \"0\"");
	ck_assert_int_eq(t_parse(&o, &first, &err, "-c", "101", NULL), OPT_ERROR);
	ck_assert_str_eq(err.msg, "-c: expected a whole number from 1 to 100, got \"101\"");
	ck_assert_int_eq(t_parse(&o, &first, &err, "--big", "1x", NULL), OPT_ERROR);
	ck_assert_str_eq(err.msg, "--big: expected a whole number, got \"1x\"");
	ck_assert_int_eq(t_parse(&o, &first, &err, "--level", "9", NULL), OPT_OK);
	ck_assert_uint_eq(o.shared.level, 9);
	ck_assert_int_eq(t_parse(&o, &first, &err, "--level", "10", NULL), OPT_ERROR);
}
END_TEST

START_TEST(numbers_in_range)
{
	struct t_opts o;
	struct ps_error err;
	int first;

	ck_assert_int_eq(t_parse(&o, &first, &err, "--ratio", "0.25", NULL), OPT_OK);
	ck_assert(o.ratio == 0.25 && o.have_ratio);
	ck_assert_int_eq(t_parse(&o, &first, &err, "--ratio", "1", NULL), OPT_OK);
	ck_assert_int_eq(t_parse(&o, &first, &err, NULL), OPT_OK);
	ck_assert(!o.have_ratio);
	ck_assert_int_eq(t_parse(&o, &first, &err, "--ratio", "0", NULL), OPT_ERROR);
	ck_assert_str_eq(err.msg, "--ratio: expected a number above 0 and at most 1, got \"0\"");
	ck_assert_int_eq(t_parse(&o, &first, &err, "--ratio", "1.5", NULL), OPT_ERROR);
	ck_assert_int_eq(t_parse(&o, &first, &err, "--ratio", "nan", NULL), OPT_ERROR);
	ck_assert_int_eq(t_parse(&o, &first, &err, "--ratio", "", NULL), OPT_ERROR);
}
END_TEST

START_TEST(words_of_a_list)
{
	struct t_opts o;
	struct ps_error err;
	int first;

	ck_assert_int_eq(t_parse(&o, &first, &err, "--mode", "auto", "--on", "no", NULL), OPT_OK);
	ck_assert_int_eq(o.mode, 30);
	ck_assert(!o.on);
	ck_assert_int_eq(t_parse(&o, &first, &err, "--on", "yes", NULL), OPT_OK);
	ck_assert(o.on);
	ck_assert_int_eq(t_parse(&o, &first, &err, "--mode", "Fast", NULL), OPT_ERROR);
	ck_assert_str_eq(err.msg, "--mode: expected fast, slow or auto, got \"Fast\"");
	ck_assert_int_eq(t_parse(&o, &first, &err, "--on", "maybe", NULL), OPT_ERROR);
	ck_assert_str_eq(err.msg, "--on: expected yes or no, got \"maybe\"");
	ck_assert_int_eq(opt_word_index(t_modes, "slow"), 1);
	ck_assert_int_eq(opt_word_index(t_modes, "x"), -1);
}
END_TEST

START_TEST(custom_parsers)
{
	struct t_opts o;
	struct ps_error err;
	int first;

	ck_assert_int_eq(t_parse(&o, &first, &err, "--list", "a,b,c", NULL), OPT_OK);
	ck_assert_uint_eq(o.listed, 3);
	ck_assert_int_eq(t_parse(&o, &first, &err, "--list", "bad", NULL), OPT_ERROR);
	ck_assert_str_eq(err.msg, "--list: bad is bad");
	ck_assert_int_eq(t_parse(&o, &first, &err, "--list", "", NULL), OPT_ERROR);
	ck_assert_str_eq(err.msg, "--list: expected a list like a,b, got \"\"");
}
END_TEST

START_TEST(refused_options)
{
	struct t_opts o;
	struct ps_error err;
	int first;

	ck_assert_int_eq(t_parse(&o, &first, &err, "--frobnicate", NULL), OPT_ERROR);
	ck_assert_str_eq(err.msg, "test: unknown option \"--frobnicate\"; see 'pagesim test --help'");
	ck_assert_int_eq(t_parse(&o, &first, &err, "-x", NULL), OPT_ERROR);
	ck_assert_str_eq(err.msg, "test: unknown option \"-x\"; see 'pagesim test --help'");
	ck_assert_int_eq(t_parse(&o, &first, &err, "--count", NULL), OPT_ERROR);
	ck_assert_str_eq(err.msg, "test: --count needs an argument; see 'pagesim test --help'");
	ck_assert_int_eq(t_parse(&o, &first, &err, "-c", NULL), OPT_ERROR);
	ck_assert_str_eq(err.msg, "test: -c needs an argument; see 'pagesim test --help'");
	/* Inside a cluster, or after an option with its argument, an unknown
	 * letter is named by itself, not by the word before it. */
	ck_assert_int_eq(t_parse(&o, &first, &err, "--count=8", "-xc", "3", NULL), OPT_ERROR);
	ck_assert_str_eq(err.msg, "test: unknown option \"-x\"; see 'pagesim test --help'");
	ck_assert_int_eq(t_parse(&o, &first, &err, "--count", "8", "-vx", NULL), OPT_ERROR);
	ck_assert_str_eq(err.msg, "test: unknown option \"-x\"; see 'pagesim test --help'");
	ck_assert_int_eq(t_parse(&o, &first, &err, "--verbose=1", NULL), OPT_ERROR);
	ck_assert_str_eq(err.msg, "test: --verbose takes no argument; see 'pagesim test --help'");
	ck_assert_int_eq(t_parse(&o, &first, &err, "--n", "x", NULL), OPT_ERROR);
	ck_assert_str_eq(err.msg, "test: ambiguous option \"--n\" (--no-color, --name); see 'pagesim test --help'");
	/* A unique prefix is the option; --help and -h ask for help. */
	ck_assert_int_eq(t_parse(&o, &first, &err, "--verb", NULL), OPT_OK);
	ck_assert(o.verbose);
	ck_assert_int_eq(t_parse(&o, &first, &err, "--help", NULL), OPT_HELP);
	ck_assert_int_eq(t_parse(&o, &first, &err, "x", "-h", NULL), OPT_HELP);
}
END_TEST

START_TEST(help_lists_every_option)
{
	char *help = opt_help(&t_command);

	ck_assert_ptr_nonnull(help);
	for (const struct opt_group *g = t_groups; g->specs != NULL; g++) {
		for (const struct opt_spec *s = g->specs; s->name != NULL || s->letter != 0; s++) {
			char want[64];

			if (s->name != NULL)
				snprintf(want, sizeof want, "--%s", s->name);
			else
				snprintf(want, sizeof want, "-%c", s->letter);
			ck_assert_msg(strstr(help, want) != NULL, "%s missing from the help:\n%s", want, help);
			ck_assert_msg(strstr(help, s->help) != NULL || strchr(s->help, '\n'), "help of %s missing", want);
		}
	}
	ck_assert_msg(strncmp(help, "usage: test [options] ARG\n\n", 27) == 0, "%s", help);
	ck_assert_ptr_nonnull(strstr(help, "  -v, --verbose       say more\n"));
	ck_assert_ptr_nonnull(strstr(help, "  -c, --count N       how many,\n                      from 1 to 100\n"));
	ck_assert_ptr_nonnull(strstr(help, "  -o FILE             short only\n"));
	ck_assert_ptr_nonnull(strstr(help, "\nShared:\n  --level L           a level\n"));
	ck_assert_ptr_nonnull(strstr(help, "\nThe end.\n"));
	free(help);
}
END_TEST

Suite *make_options_suite(void)
{
	const TTest *const tc_tests[] = {
		flags_strings_and_operands, whole_numbers_in_range, numbers_in_range, words_of_a_list,
		custom_parsers, refused_options, help_lists_every_option
	};
	Suite *s = suite_create("options");

	SUITE_ADD_TESTS(s, "parser", 0, tc_tests);
	return s;
}
