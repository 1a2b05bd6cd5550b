/*
 * registry.c - the table of every policy pagesim knows.
 *
 * A new policy is one file exporting one `const struct policy`, one line
 * in policy_registry[] below and one line in Makefile.am. Lookup walks the
 * table; nothing else in pagesim names a policy.
 *
 * Suggestions ("unknown policy "lur" (did you mean "lru"?)") come from
 * suggest_closest() (src/util/suggest.h): at most 2 edits, and fewer than the
 * length of what was typed; on a tie the earlier entry in the table wins.
 *
 * Policies from plug-ins (policies/plugin.c) are registered at run time into
 * policy_extra[], a small fixed table searched after policy_registry[];
 * policy_at() numbers both as one list. policy_check() is the gate: a
 * registered policy is as well-formed as a built-in one, so nothing else
 * needs to know where a policy came from.
 */
#include "config.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "registry.h"
#include "util/suggest.h"

extern const struct policy policy_fifo;
extern const struct policy policy_random;
extern const struct policy policy_clock;
extern const struct policy policy_second_chance;
extern const struct policy policy_lru;
extern const struct policy policy_nru;
extern const struct policy policy_wsclock;
extern const struct policy policy_sieve;
extern const struct policy policy_aging;
extern const struct policy policy_lfu;
extern const struct policy policy_2q;
extern const struct policy policy_arc;
extern const struct policy policy_s3fifo;
extern const struct policy policy_lirs;
extern const struct policy policy_clockpro;
extern const struct policy policy_opt;
extern const struct policy policy_nfu;
extern const struct policy policy_ws;
extern const struct policy policy_pff;
extern const struct policy policy_vmin;

const struct policy *const policy_registry[] = {
	&policy_fifo,
	&policy_random,
	&policy_clock,
	&policy_second_chance,
	&policy_nru,
	&policy_wsclock,
	&policy_sieve,
	&policy_lru,
	&policy_aging,
	&policy_lfu,
	&policy_2q,
	&policy_arc,
	&policy_s3fifo,
	&policy_lirs,
	&policy_clockpro,
	&policy_opt,
	&policy_nfu,
	&policy_ws,
	&policy_pff,
	&policy_vmin,
	NULL,
};

/* Longest policy name (kebab-case check, spec parsing). */
#define POLICY_NAME_MAX 32

/* Built-in and registered policies together, at most. */
#define POLICY_MAX_TOTAL (sizeof policy_registry / sizeof policy_registry[0] + POLICY_EXTRA_MAX)

/* Policies registered at run time, in registration order. */
static const struct policy *policy_extra[POLICY_EXTRA_MAX];
static size_t policy_extra_count;

/* The i-th known policy: built-in first, then registered; NULL past the
 * end. */
const struct policy *policy_at(size_t i)
{
	size_t builtin = 0;

	while (policy_registry[builtin] != NULL)
		builtin++;
	if (i < builtin)
		return policy_registry[i];
	return i - builtin < policy_extra_count ? policy_extra[i - builtin] : NULL;
}

/* The registered policy called name (exact, case-sensitive), or NULL.
 * name may be NULL. */
const struct policy *policy_find(const char *name)
{
	const struct policy *p;

	if (name == NULL)
		return NULL;
	for (size_t i = 0; (p = policy_at(i)) != NULL; i++)
		if (strcmp(p->name, name) == 0)
			return p;
	return NULL;
}

const char *policy_suggest(const char *name)
{
	const char *names[POLICY_MAX_TOTAL];
	const struct policy *p;
	size_t n = 0;

	for (size_t i = 0; (p = policy_at(i)) != NULL && n < POLICY_MAX_TOTAL; i++)
		names[n++] = p->name;
	return suggest_closest(name, names, n);
}

/* Number of parameters policy p declares. */
static size_t policy_param_count(const struct policy *p)
{
	size_t n = 0;

	while (p->params != NULL && p->params[n].name != NULL)
		n++;
	return n;
}

/* Append the comma-separated parameter names of p to buf (size bytes). */
static void policy_param_names(const struct policy *p, char *buf, size_t size)
{
	size_t used = 0;

	buf[0] = '\0';
	for (size_t i = 0; i < policy_param_count(p) && used < size; i++)
		used += (size_t)snprintf(buf + used, size - used, "%s%s", i ? ", " : "", p->params[i].name);
}

/* Set parameter KEY=VALUE (the text in kv, len bytes) of out->policy,
 * once: *given has bit i set for each parameter i set before, and one set
 * again is refused. Returns 0 or -1 with err set. */
static int policy_spec_set(struct policy_spec *out, const char *kv, size_t len, unsigned *given, struct ps_error *err)
{
	const struct policy *p = out->policy;
	char text[128], names[256];
	const char *eq;
	char *end;
	double v;

	if (len >= sizeof text)
		return ps_error_set(err, "policy \"%s\": parameter too long", p->name);
	memcpy(text, kv, len);
	text[len] = '\0';
	eq = strchr(text, '=');
	if (eq == NULL || eq == text)
		return ps_error_set(err, "policy \"%s\": expected KEY=VALUE after ':', got \"%s\"", p->name, text);
	if (policy_param_count(p) == 0)
		return ps_error_set(err, "policy \"%s\" takes no parameters", p->name);
	for (size_t i = 0; i < policy_param_count(p); i++) {
		const struct policy_param *pp = &p->params[i];

		if (strlen(pp->name) != (size_t)(eq - text) || strncmp(pp->name, text, (size_t)(eq - text)) != 0)
			continue;
		if (*given >> i & 1)
			return ps_error_set(err, "policy \"%s\": %s is given twice", p->name, pp->name);
		*given |= 1u << i;
		errno = 0;
		v = strtod(eq + 1, &end);
		if (eq[1] == '\0' || *end != '\0' || errno != 0 || !isfinite(v) || v < pp->min || v > pp->max ||
		    (pp->integer && v != floor(v)))
			return ps_error_set(err, "policy \"%s\": %s must be %s from %g to %g, got \"%s\"", p->name,
					    pp->name, pp->integer ? "a whole number" : "a number", pp->min, pp->max,
					    eq + 1);
		out->params[i] = v;
		return 0;
	}
	policy_param_names(p, names, sizeof names);
	return ps_error_set(err, "policy \"%s\" has no parameter \"%.*s\" (it has: %s)", p->name,
			    (int)(eq - text), text, names);
}

int policy_spec_parse(const char *spec, struct policy_spec *out, struct ps_error *err)
{
	const char *colon = strchr(spec, ':');
	size_t name_len = colon ? (size_t)(colon - spec) : strlen(spec);
	char name[POLICY_NAME_MAX + 1];
	size_t used;
	unsigned given = 0; /* the parameters set so far, by index */

	memset(out, 0, sizeof *out);
	if (name_len > POLICY_NAME_MAX)
		return ps_error_set(err, "unknown policy \"%.*s\"; 'pagesim policies' lists them", (int)name_len, spec);
	memcpy(name, spec, name_len);
	name[name_len] = '\0';
	out->policy = policy_find(name);
	if (out->policy == NULL) {
		const char *guess = policy_suggest(name);

		if (guess != NULL)
			return ps_error_set(err, "unknown policy \"%s\" (did you mean \"%s\"?); 'pagesim policies' lists them",
					    name, guess);
		return ps_error_set(err, "unknown policy \"%s\"; 'pagesim policies' lists them", name);
	}
	for (size_t i = 0; i < policy_param_count(out->policy); i++)
		out->params[i] = out->policy->params[i].def;
	while (colon != NULL) {
		const char *kv = colon + 1;

		colon = strchr(kv, ':');
		if (policy_spec_set(out, kv, colon ? (size_t)(colon - kv) : strlen(kv), &given, err) < 0)
			return -1;
	}
	used = (size_t)snprintf(out->label, sizeof out->label, "%s", out->policy->name);
	for (size_t i = 0; i < policy_param_count(out->policy) && used < sizeof out->label; i++)
		if (out->params[i] != out->policy->params[i].def)
			used += (size_t)snprintf(out->label + used, sizeof out->label - used, ":%s=%.15g",
						 out->policy->params[i].name, out->params[i]);
	return 0;
}

/* Is s kebab-case: words of lower-case letters and digits joined by
 * single hyphens ("second-chance", "2q"), at most POLICY_NAME_MAX long? */
static bool registry_kebab(const char *s)
{
	size_t len = strlen(s);

	if (len == 0 || len > POLICY_NAME_MAX || s[0] == '-' || s[len - 1] == '-')
		return false;
	for (size_t i = 0; i < len; i++) {
		char c = s[i];

		if (c == '-' ? s[i - 1] == '-' : !((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')))
			return false;
	}
	return true;
}

/* Is p one of policy_registry[]? */
static bool registry_builtin(const struct policy *p)
{
	for (size_t i = 0; policy_registry[i] != NULL; i++)
		if (policy_registry[i] == p)
			return true;
	return false;
}

int policy_check(const struct policy *p, struct ps_error *err)
{
	const struct policy *known;
	char missing[96] = "";
	size_t nparams;

	if (p == NULL)
		return ps_error_set(err, "a policy descriptor is NULL");
	/* abi first: the rest of the struct is only meaningful if it matches
	 * (name is the second slot in every version). */
	if (p->abi < PAGESIM_POLICY_ABI_OLDEST || p->abi > PAGESIM_POLICY_ABI)
		return ps_error_set(err, "policy \"%s\" was built for policy interface version %u; this pagesim has "
				    "version %d (and loads versions %d to %d); rebuild it against this pagesim's <pagesim/policy.h>",
				    p->name != NULL ? p->name : "(unnamed)", p->abi, PAGESIM_POLICY_ABI,
				    PAGESIM_POLICY_ABI_OLDEST, PAGESIM_POLICY_ABI);
	if (p->name == NULL)
		return ps_error_set(err, "a policy has no name");
	if (!registry_kebab(p->name))
		return ps_error_set(err, "policy name \"%.64s\" is not kebab-case (words of lower-case letters and digits "
				    "joined by single hyphens, at most %d characters, like \"second-chance\")",
				    p->name, POLICY_NAME_MAX);
	if (strcmp(p->name, "all") == 0)
		return ps_error_set(err, "policy name \"all\" is reserved (--policy all)");
	if ((known = policy_find(p->name)) != NULL)
		return ps_error_set(err, "policy \"%s\" clashes with %s", p->name,
				    registry_builtin(known) ? "the built-in policy of the same name"
							    : "a policy of the same name from a plug-in loaded earlier");
	if (p->summary == NULL)
		return ps_error_set(err, "policy \"%s\" has no summary", p->name);
	if (p->state_size == NULL)
		strcat(missing, ", state_size");
	if (p->init == NULL)
		strcat(missing, ", init");
	if (p->admit == NULL)
		strcat(missing, ", admit");
	if (p->evict == NULL && p->evict_for == NULL)
		strcat(missing, ", evict or evict_for");
	if (p->forget == NULL)
		strcat(missing, ", forget");
	if (missing[0] != '\0')
		return ps_error_set(err, "policy \"%s\" lacks required functions: %s", p->name, missing + 2);
	for (nparams = 0; p->params != NULL && p->params[nparams].name != NULL; nparams++) {
		const struct policy_param *pp = &p->params[nparams];

		if (nparams == POLICY_MAX_PARAMS)
			return ps_error_set(err, "policy \"%s\" has more than %d parameters", p->name, POLICY_MAX_PARAMS);
		if (!registry_kebab(pp->name))
			return ps_error_set(err, "policy \"%s\": parameter name \"%.64s\" is not kebab-case", p->name,
					    pp->name);
		if (pp->help == NULL)
			return ps_error_set(err, "policy \"%s\": parameter %s has no help line", p->name, pp->name);
		if (!(pp->min <= pp->def && pp->def <= pp->max) || (pp->integer && pp->def != floor(pp->def)))
			return ps_error_set(err, "policy \"%s\": parameter %s has default %g outside its range %g..%g%s",
					    p->name, pp->name, pp->def, pp->min, pp->max, pp->integer ? " (whole)" : "");
	}
	return 0;
}

int policy_register(const struct policy *p, struct ps_error *err)
{
	if (policy_check(p, err) < 0)
		return -1;
	if (policy_extra_count == POLICY_EXTRA_MAX)
		return ps_error_set(err, "policy \"%s\": too many policies registered at run time (at most %d)", p->name,
				    POLICY_EXTRA_MAX);
	policy_extra[policy_extra_count++] = p;
	return 0;
}

size_t policy_register_room(void)
{
	return POLICY_EXTRA_MAX - policy_extra_count;
}
