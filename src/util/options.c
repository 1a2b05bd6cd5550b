/*
 * options.c - the table walker behind every command's options: flattens
 * a command's groups, builds getopt_long's tables from them, applies each
 * option to the command's struct and writes the help text (options.h).
 */
#include "config.h"

#include <assert.h>
#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/numparse.h"
#include "util/options.h"

#define OPT_HELP_VAL 'h'
#define OPT_LONG_VAL 256 /* getopt_long's value of spec i without a letter: 256 + i */
#define OPT_COLUMN 22    /* where help lines start unless the command says */

/* A command's options, its groups flattened: spec i is at offset base[i]
 * (its group's) inside the command's struct. */
struct opt_table {
	const struct opt_spec *specs[OPT_MAX];
	size_t base[OPT_MAX];
	size_t n;
};

/* Flatten cmd's groups into t. Returns 0, or -1 with err set if there
 * are more than OPT_MAX options (a bug in the tables). */
static int opt_flatten(const struct opt_command *cmd, struct opt_table *t, struct ps_error *err)
{
	t->n = 0;
	for (const struct opt_group *g = cmd->groups; g != NULL && g->specs != NULL; g++) {
		for (const struct opt_spec *s = g->specs; s->name != NULL || s->letter != 0; s++) {
			if (t->n == OPT_MAX)
				return ps_error_set(err, "%s: more than %d options", cmd->name, OPT_MAX);
			t->specs[t->n] = s;
			t->base[t->n++] = g->base;
		}
	}
	return 0;
}

/* Does s take an argument? */
static bool opt_takes_arg(const struct opt_spec *s)
{
	return s->kind != OPT_FLAG && s->kind != OPT_UNSET;
}

/* Fill getopt_long's long options (with --help, then the terminator)
 * and its short-option string (":" first, so that a missing argument is
 * told from an unknown option) from t. */
static void opt_build(const struct opt_table *t, struct option *longopts, char *shortopts)
{
	size_t nl = 0;
	char *p = shortopts;

	*p++ = ':';
	*p++ = 'h';
	for (size_t i = 0; i < t->n; i++) {
		const struct opt_spec *s = t->specs[i];
		int has_arg = opt_takes_arg(s) ? required_argument : no_argument;

		if (s->letter != 0) {
			*p++ = s->letter;
			if (has_arg == required_argument)
				*p++ = ':';
		}
		if (s->name != NULL)
			longopts[nl++] = (struct option){ s->name, has_arg, NULL,
							  s->letter != 0 ? s->letter : OPT_LONG_VAL + (int)i };
	}
	*p = '\0';
	longopts[nl++] = (struct option){ "help", no_argument, NULL, OPT_HELP_VAL };
	longopts[nl] = (struct option){ NULL, 0, NULL, 0 };
}

/* The index of arg among the NULL-terminated words (a NULL list has
 * none), or -1. */
int opt_word_index(const char *const *words, const char *arg)
{
	for (int i = 0; words != NULL && words[i] != NULL; i++)
		if (strcmp(words[i], arg) == 0)
			return i;
	return -1;
}

/* Store v in the size-byte unsigned integer (or bool, or enum) at field;
 * the tables' ranges keep v within it. */
static void opt_store(void *field, size_t size, uint64_t v)
{
	uint8_t v8 = (uint8_t)v;
	uint16_t v16 = (uint16_t)v;
	uint32_t v32 = (uint32_t)v;

	switch (size) {
	case 1:
		memcpy(field, &v8, 1);
		break;
	case 2:
		memcpy(field, &v16, 2);
		break;
	case 4:
		memcpy(field, &v32, 4);
		break;
	default:
		assert(size == 8);
		memcpy(field, &v, 8);
		break;
	}
}

/* Write what a good value of s is into buf (size bytes), from its kind
 * when the table does not say. Returns buf. */
static const char *opt_expected(const struct opt_spec *s, char *buf, size_t size)
{
	size_t len = 0;

	if (s->expected != NULL)
		return s->expected;
	if (s->kind == OPT_UINT) {
		snprintf(buf, size, "a whole number from %llu to %llu", (unsigned long long)s->min,
			 (unsigned long long)s->max);
	} else if (s->kind == OPT_DOUBLE) {
		len = (size_t)snprintf(buf, size, "a number %s %g", s->dmin_open ? "above" : "of at least", s->dmin);
		if (isfinite(s->dmax) && len < size)
			snprintf(buf + len, size - len, " and at most %g", s->dmax);
	} else if (s->kind == OPT_CHOICE) {
		buf[0] = '\0';
		for (size_t i = 0; s->words[i] != NULL && len < size; i++)
			len += (size_t)snprintf(buf + len, size - len, "%s%s",
						i == 0 ? "" : s->words[i + 1] == NULL ? " or " : ", ", s->words[i]);
	} else {
		snprintf(buf, size, "a valid value");
	}
	return buf;
}

/* Apply option s (named shown, as the user wrote it) with argument arg to
 * the struct at base. Returns 0, or -1 with err set. */
static int opt_apply(const struct opt_spec *s, char *base, const char *arg, const char *shown, struct ps_error *err)
{
	void *field = base != NULL ? base + s->offset : NULL;
	char what[256];
	uint64_t v;
	double d;
	int i;

	err->msg[0] = '\0';
	switch (s->kind) {
	case OPT_FLAG:
	case OPT_UNSET:
		*(bool *)field = s->kind == OPT_FLAG;
		break;
	case OPT_STRING:
		*(const char **)field = arg;
		break;
	case OPT_UINT:
		if (!num_parse_u64(arg, s->min, s->max, &v))
			goto bad;
		opt_store(field, s->size, v);
		break;
	case OPT_DOUBLE:
		if (!num_parse_double(arg, &d) || d < s->dmin || (s->dmin_open && d == s->dmin) || d > s->dmax)
			goto bad;
		*(double *)field = d;
		break;
	case OPT_CHOICE:
		if ((i = opt_word_index(s->words, arg)) < 0)
			goto bad;
		opt_store(field, s->size, (uint64_t)(s->values != NULL ? s->values[i] : i));
		break;
	case OPT_CUSTOM:
		if (s->parse(s, arg, field, err) < 0) {
			if (err->msg[0] != '\0')
				return -1;
			goto bad;
		}
		break;
	}
	if (s->given != 0 && base != NULL)
		*(bool *)(base + s->given - 1) = true;
	return 0;
bad:
	return ps_error_set(err, "%s: expected %s, got \"%s\"", shown, opt_expected(s, what, sizeof what), arg);
}

/* Is word a long option ("--NAME" or "--NAME=...", NAME possibly a
 * prefix) of one of longopts whose value is val? */
static bool opt_long_word_is(const struct option *longopts, const char *word, int val)
{
	size_t len;

	if (strncmp(word, "--", 2) != 0)
		return false;
	word += 2;
	len = strcspn(word, "=");
	for (size_t i = 0; longopts[i].name != NULL; i++)
		if (longopts[i].val == val && strncmp(longopts[i].name, word, len) == 0)
			return true;
	return false;
}

/* Describe the option getopt_long refused (c is '?' or ':') in err:
 * unknown, ambiguous (with the candidates), missing its argument, or
 * given one it does not take. A refused short option is named by optopt:
 * inside a cluster ("-Zq") argv[optind - 1] is still the word before it. */
static void opt_refused(const struct opt_command *cmd, const struct option *longopts, int c, char **argv,
			struct ps_error *err)
{
	bool is_short = optopt > 0 && optopt < OPT_LONG_VAL && !opt_long_word_is(longopts, argv[optind - 1], optopt);
	const char *word = is_short ? "" : argv[optind - 1];
	char shown[64], candidates[512] = "";
	size_t matches = 0, len;

	if (is_short)
		snprintf(shown, sizeof shown, "-%c", optopt);
	else
		snprintf(shown, sizeof shown, "%.*s", (int)strcspn(word, "="), word);
	len = strlen(shown);
	for (size_t i = 0; len > 2 && shown[1] == '-' && longopts[i].name != NULL; i++) {
		if (strncmp(longopts[i].name, shown + 2, len - 2) == 0 && strlen(candidates) + 64 < sizeof candidates)
			snprintf(candidates + strlen(candidates), sizeof candidates - strlen(candidates), "%s--%s",
				 matches++ ? ", " : "", longopts[i].name);
	}
	if (c == ':')
		ps_error_set(err, "%s: %s needs an argument", cmd->name, shown);
	else if (!is_short && optopt != 0 && strchr(word, '=') != NULL)
		ps_error_set(err, "%s: %s takes no argument", cmd->name, shown);
	else if (matches > 1)
		ps_error_set(err, "%s: ambiguous option \"%s\" (%s)", cmd->name, shown, candidates);
	else
		ps_error_set(err, "%s: unknown option \"%s\"", cmd->name, is_short ? shown : word);
	len = strlen(err->msg);
	snprintf(err->msg + len, sizeof err->msg - len, "; see 'pagesim %s --help'", cmd->name);
}

/* The index in t of the spec getopt_long returned c for. */
static size_t opt_find(const struct opt_table *t, int c)
{
	size_t i = 0;

	if (c >= OPT_LONG_VAL)
		return (size_t)(c - OPT_LONG_VAL);
	while (i < t->n && t->specs[i]->letter != c)
		i++;
	assert(i < t->n);
	return i;
}

/* Parse argv by cmd's flattened tables into dst, applying each option as
 * getopt_long returns it; the first error stops (options.h). */
enum opt_result opt_parse(const struct opt_command *cmd, int argc, char **argv, void *dst, int *first,
			  struct ps_error *err)
{
	struct opt_table t;
	struct option longopts[OPT_MAX + 2];
	char shortopts[2 * OPT_MAX + 3], shown[80];
	int c, idx;

	if (opt_flatten(cmd, &t, err) < 0)
		return OPT_ERROR;
	opt_build(&t, longopts, shortopts);
	optind = 0; /* glibc: start again from scratch */
	opterr = 0;
	while ((idx = -1, c = getopt_long(argc, argv, shortopts, longopts, &idx)) != -1) {
		const struct opt_spec *s;
		size_t i;

		if (c == OPT_HELP_VAL)
			return OPT_HELP;
		if (c == '?' || c == ':') {
			opt_refused(cmd, longopts, c, argv, err);
			return OPT_ERROR;
		}
		i = opt_find(&t, c);
		s = t.specs[i];
		if (idx >= 0)
			snprintf(shown, sizeof shown, "--%s", s->name);
		else
			snprintf(shown, sizeof shown, "-%c", s->letter);
		if (opt_apply(s, dst != NULL ? (char *)dst + t.base[i] : NULL, optarg, shown, err) < 0) {
			if (cmd->error_prefix != NULL) {
				char msg[PS_ERROR_MAX];

				snprintf(msg, sizeof msg, "%s", err->msg);
				ps_error_set(err, "%s%s", cmd->error_prefix, msg);
			}
			return OPT_ERROR;
		}
	}
	*first = optind;
	return OPT_OK;
}

/* Write the help lines of s: its names and argument, then its help text
 * from column col (or two spaces on when the names reach col), each '\n'
 * of the text starting a line aligned at col. Entries without help are
 * not listed. */
static void opt_help_spec(FILE *f, const struct opt_spec *s, unsigned col)
{
	int len;

	if (s->help == NULL)
		return;
	if (s->letter != 0 && s->name != NULL)
		len = fprintf(f, "  -%c, --%s", s->letter, s->name);
	else if (s->name != NULL)
		len = fprintf(f, "  --%s", s->name);
	else
		len = fprintf(f, "  -%c", s->letter);
	if (opt_takes_arg(s) && s->arg != NULL)
		len += fprintf(f, " %s", s->arg);
	fprintf(f, "%*s", len < (int)col ? (int)col - len : 2, "");
	for (const char *p = s->help; *p; p++) {
		fputc(*p, f);
		if (*p == '\n')
			fprintf(f, "%*s", (int)col, "");
	}
	fputc('\n', f);
}

/* Write cmd's synopsis, its groups' headings and options, and its
 * epilogue into a malloc'd string (options.h); NULL when out of memory. */
char *opt_help(const struct opt_command *cmd)
{
	unsigned col = cmd->column != 0 ? cmd->column : OPT_COLUMN;
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	if (f == NULL)
		return NULL;
	if (cmd->synopsis != NULL)
		fputs(cmd->synopsis, f);
	for (const struct opt_group *g = cmd->groups; g != NULL && g->specs != NULL; g++) {
		if (g->heading != NULL)
			fputs(g->heading, f);
		for (const struct opt_spec *s = g->specs; s->name != NULL || s->letter != 0; s++)
			opt_help_spec(f, s, col);
	}
	if (cmd->epilogue != NULL)
		fputs(cmd->epilogue, f);
	if (fclose(f) != 0) {
		free(buf);
		return NULL;
	}
	return buf;
}
