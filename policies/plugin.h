/*
 * plugin.h - out-of-tree policies, loaded at run time.
 *
 * A plug-in is a shared object that exports
 *
 *     const struct policy *const pagesim_plugin_policies[];
 *
 * a NULL-terminated array of policy descriptors built against
 * <pagesim/policy.h> (policies/policy.h, installed). plugin_load() opens
 * it, checks every descriptor as policy_check() does (interface version,
 * name, required functions, parameters, no clash with a known name) and
 * registers them all, or none. Registered policies are found by name like
 * the built-in ones (policy_find, policy_spec_parse) and listed after them
 * (policy_at). A loaded plug-in is never unloaded.
 */
#ifndef PAGESIM_PLUGIN_H
#define PAGESIM_PLUGIN_H

#include "util/error.h"

/* The symbol a plug-in exports. */
#define PLUGIN_SYMBOL "pagesim_plugin_policies"

/* Load the plug-in at path (a path without a slash is taken relative to
 * the current directory, never searched for in the library path) and
 * register every policy it lists. Returns the number registered (>= 1),
 * or -1 with err set to one line "PATH: reason"; nothing is registered
 * then and the object is closed again. Not thread-safe: load plug-ins
 * before starting any run. */
int plugin_load(const char *path, struct ps_error *err);

#endif
