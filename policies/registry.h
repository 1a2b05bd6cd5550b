/*
 * registry.h - every policy pagesim knows, in one table.
 *
 * The CLI's policy list, the usage text and the shared test cases all walk
 * policy_registry, so a new policy is one file, one line in registry.c and
 * one line in Makefile.am.
 */
#ifndef PAGESIM_REGISTRY_H
#define PAGESIM_REGISTRY_H

#include "policy.h"

/* NULL-terminated, in the order `pagesim policies` lists them. */
extern const struct policy *const policy_registry[];

/* The registered policy called name, or NULL. */
const struct policy *policy_find(const char *name);

/* The registered name closest to name (for "did you mean"), or NULL when
 * none is close. */
const char *policy_suggest(const char *name);

#endif
