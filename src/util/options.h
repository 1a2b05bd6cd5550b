/*
 * options.h - table-driven command-line options: each command declares its
 * options once, as tables of struct opt_spec, and the same tables drive
 * getopt_long and produce the command's --help text, so the two cannot
 * drift apart.
 *
 * An entry names a long option and/or a short letter, the kind of its
 * argument (a flag, a string, a whole number in a range, a number in a
 * range, one word of a list, or a custom parse callback), where the value
 * goes (an offset into the command's options struct, see OPT_AT) and its
 * help text. A command lists groups of tables (struct opt_group), so
 * shared groups (the trace options, the machine options) are declared once
 * and included by several commands, each at the offset of the struct they
 * fill inside the command's options struct.
 *
 * Bad values give one-line errors: "--NAME: expected WHAT, got "ARG"".
 * Nothing here prints or exits: errors come back in a struct ps_error and
 * help texts as strings; the caller (the CLI) prints them.
 */
#ifndef PAGESIM_OPTIONS_H
#define PAGESIM_OPTIONS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "util/error.h"

/* Most options of one command (help included). */
#define OPT_MAX 96

enum opt_kind {
	OPT_FLAG,   /* no argument: stores true in a bool */
	OPT_UNSET,  /* no argument: stores false in a bool (--no-X, X on by default) */
	OPT_STRING, /* stores the argument (a const char *, argv's own) */
	OPT_UINT,   /* a whole number in [min, max] into a 1, 2, 4 or 8-byte unsigned */
	OPT_DOUBLE, /* a finite number in [dmin, dmax] (above dmin if dmin_open) into a double */
	OPT_CHOICE, /* one of words[]: stores values[i] (or i) into an integer, bool or enum */
	OPT_CUSTOM, /* parse(): for lists, specs and options with side effects */
};

struct opt_spec;

/* A custom parser: parse arg into field (the spec's offset applied to the
 * command's struct). Returns 0, or -1 with err set, or with err->msg
 * empty to get the generic "expected EXPECTED" message. */
typedef int (*opt_parse_fn)(const struct opt_spec *spec, const char *arg, void *field, struct ps_error *err);

/* One option. A table ends with an entry without name and letter. */
struct opt_spec {
	const char *name;       /* long name without "--", or NULL */
	char letter;            /* short option letter, or 0 */
	enum opt_kind kind;
	const char *arg;        /* the argument's name in the help ("N", "all|first") */
	size_t offset, size;    /* the value's place and size in the struct (OPT_AT) */
	size_t given;           /* OPT_GIVEN: a bool set when the option is given; 0 none */
	uint64_t min, max;      /* OPT_UINT */
	double dmin, dmax;      /* OPT_DOUBLE */
	bool dmin_open;         /* OPT_DOUBLE: dmin itself is refused */
	const char *const *words; /* OPT_CHOICE: NULL-terminated */
	const int *values;      /* OPT_CHOICE: the value of each word; NULL: its index */
	opt_parse_fn parse;     /* OPT_CUSTOM */
	const char *expected;   /* what a good value is, for errors; NULL: from the kind */
	const char *help;       /* help text; '\n' starts an aligned continuation line */
};

/* Where an option's value goes: member of type (a nested "a.b" works). */
#define OPT_AT(type, member) .offset = offsetof(type, member), .size = sizeof(((type *)0)->member)
/* A bool member of type set to true when the option is given. */
#define OPT_GIVEN(type, member) .given = offsetof(type, member) + 1

/* A table of options, with the heading printed above it in the help
 * (e.g. "\nThe VM model:\n", or NULL), and the offset of the struct its
 * entries' offsets are relative to inside the command's struct. A
 * command's list of groups ends with a NULL specs. */
struct opt_group {
	const struct opt_spec *specs;
	size_t base;
	const char *heading;
};

/* A command: its name, its help text before the options (usage line and
 * description), its groups, the help text after them, the column where
 * help lines start (0: 22), and a prefix for the errors of bad values
 * ("gen: ", or NULL). */
struct opt_command {
	const char *name;
	const char *synopsis;
	const struct opt_group *groups;
	const char *epilogue;
	unsigned column;
	const char *error_prefix;
};

/* What opt_parse found. */
enum opt_result { OPT_ERROR = -1, OPT_OK = 0, OPT_HELP = 1 };

/* Parse argv[1..argc-1] (argv[0] is the command's name) by cmd's tables
 * into dst, permuting the operands to the end (GNU getopt_long); -h and
 * --help ask for help. Stores the index of the first operand in *first.
 * Returns OPT_OK, OPT_HELP, or OPT_ERROR with a one-line message in err
 * (an unknown option, a missing argument, a bad value). */
enum opt_result opt_parse(const struct opt_command *cmd, int argc, char **argv, void *dst, int *first,
			  struct ps_error *err);

/* The help text of cmd: its synopsis, every option of its groups with
 * its help lines aligned at the command's column, then its epilogue. A
 * malloc'd string the caller frees; NULL when out of memory. */
char *opt_help(const struct opt_command *cmd);

/* The index of arg in the NULL-terminated words, or -1. */
int opt_word_index(const char *const *words, const char *arg);

#endif
