/*
 * registry.h - every policy pagesim knows, in one table.
 *
 * The CLI's policy list, the usage text and the shared test cases all walk
 * policy_registry, so a new policy is one file, one line in registry.c and
 * one line in Makefile.am.
 */
#ifndef PAGESIM_REGISTRY_H
#define PAGESIM_REGISTRY_H

#include "error.h"
#include "policy.h"

/* NULL-terminated, in the order `pagesim policies` lists them. */
extern const struct policy *const policy_registry[];

/* The registered policy called name, or NULL. */
const struct policy *policy_find(const char *name);

/* The registered name closest to name (for "did you mean"), or NULL when
 * none is close. */
const char *policy_suggest(const char *name);

/* A policy with its parameter values, as users write it: "aging:bits=8". */
struct policy_spec {
	const struct policy *policy;
	double params[POLICY_MAX_PARAMS]; /* one per entry of policy->params */
	char label[128]; /* the name, then every parameter that differs from its
			    default, in the policy's order: "aging:bits=8" */
};

/* Parse spec, "NAME" or "NAME:KEY=VALUE[:KEY=VALUE...]", into out; unset
 * parameters take their defaults. Returns 0, or -1 with err set to one
 * line naming what was wrong and the valid choices. */
int policy_spec_parse(const char *spec, struct policy_spec *out, struct ps_error *err);

#endif
