/*
 * registry.h - every policy pagesim knows, in one table.
 *
 * The CLI's policy list, the usage text and the shared test cases all walk
 * policy_registry, so a new policy is one file, one line in registry.c and
 * one line in Makefile.am.
 *
 * Policies from out-of-tree plug-ins (policies/plugin.h) are registered at run
 * time into a small second table. Lookup, suggestions and specs search it
 * after the built-in ones, and policy_at() walks both, built-in first:
 * `pagesim policies` and `--policy all` list the plug-ins' policies too.
 */
#ifndef PAGESIM_REGISTRY_H
#define PAGESIM_REGISTRY_H

#include "util/error.h"
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

/* How many policies may be registered at run time, in all. */
#define POLICY_EXTRA_MAX 64

/* The i-th known policy: the built-in ones in policy_registry order, then
 * the registered ones in the order they were registered; NULL for i past
 * the end. */
const struct policy *policy_at(size_t i);

/* Check that p could be registered now: abi is PAGESIM_POLICY_ABI; name is
 * kebab-case (words of lower-case letters and digits joined by single
 * hyphens, like "second-chance" or "2q"; at most 32 characters; not "all") and
 * is not the name of a known policy; summary is set; state_size, init,
 * admit, forget and evict or evict_for are set; at most POLICY_MAX_PARAMS
 * parameters, each with a kebab-case name and lo <= default <= hi.
 * Returns 0, or -1 with err set to one line naming the policy. */
int policy_check(const struct policy *p, struct ps_error *err);

/* Register p (which must outlive every use of the registry) after
 * checking it as policy_check() does; fails too when POLICY_EXTRA_MAX
 * policies are registered already. Returns 0 or -1 with err set. Not
 * thread-safe: register before starting any run. */
int policy_register(const struct policy *p, struct ps_error *err);

/* How many more policies policy_register() has room for. */
size_t policy_register_room(void);

#endif
