/*
 * plugin.c - load policies from a shared object (see plugin.h).
 *
 * The object is opened with RTLD_NOW, so one that needs a symbol nothing
 * provides is refused at once rather than failing in the middle of a run,
 * and RTLD_LOCAL, so two plug-ins may use the same names for their own
 * functions. A plug-in needs nothing from pagesim: <pagesim/policy.h>
 * declares types only, and everything a policy may ask of the machine
 * comes through struct policy_host.
 *
 * Every descriptor is checked before any is registered, so a plug-in is
 * taken whole or not at all; on success the handle is deliberately never
 * closed, because the registry now points into the object.
 */
#include "config.h"

#include <dlfcn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "plugin.h"
#include "registry.h"

/* The text of dlerror() for an operation on file, without the "file: "
 * prefix the dynamic loader puts on most of its messages (the caller
 * names the file itself). */
static const char *plugin_dlerror(const char *file)
{
	const char *msg = dlerror();
	size_t len = strlen(file);

	if (msg == NULL)
		return "unknown dynamic loader error";
	if (strncmp(msg, file, len) == 0 && msg[len] == ':' && msg[len + 1] == ' ')
		return msg + len + 2;
	return msg;
}

/* The descriptor to register for p: p itself when it is of the current
 * interface version; for an older one still supported, a copy (never
 * freed: the registry keeps it) of the slots that version has, the newer
 * ones NULL or false. Version 2 ends before shed, version 3 before
 * describe, version 4 before touch_orders_only. NULL when memory is
 * short. */
static const struct policy *plugin_upgrade(const struct policy *p)
{
	size_t known;
	struct policy *copy;

	if (p == NULL || p->abi == PAGESIM_POLICY_ABI || p->abi < PAGESIM_POLICY_ABI_OLDEST)
		return p;
	known = p->abi == 2   ? offsetof(struct policy, shed)
		: p->abi == 3 ? offsetof(struct policy, describe)
			      : offsetof(struct policy, touch_orders_only);
	copy = calloc(1, sizeof *copy);
	if (copy == NULL)
		return NULL;
	memcpy(copy, p, known);
	copy->abi = PAGESIM_POLICY_ABI;
	return copy;
}

/* Check the descriptors of list (n of them, from path): each one on its
 * own, and no name twice. Returns 0 or -1 with err set. */
static int plugin_check(const char *path, const struct policy *const *list, size_t n, struct ps_error *err)
{
	struct ps_error why;

	for (size_t i = 0; i < n; i++) {
		if (policy_check(list[i], &why) < 0)
			return ps_error_set(err, "%s: %s", path, why.msg);
		for (size_t j = 0; j < i; j++)
			if (strcmp(list[j]->name, list[i]->name) == 0)
				return ps_error_set(err, "%s: lists policy \"%s\" twice", path, list[i]->name);
	}
	return 0;
}

int plugin_load(const char *path, struct ps_error *err)
{
	size_t n = 0;
	const struct policy *const *list;
	char *file;
	void *handle;

	/* dlopen() searches the library path for a name without a slash. */
	file = malloc(strlen(path) + 3);
	if (file == NULL)
		return ps_error_set(err, "%s: out of memory", path);
	strcpy(file, strchr(path, '/') != NULL ? "" : "./");
	strcat(file, path);

	dlerror();
	handle = dlopen(file, RTLD_NOW | RTLD_LOCAL);
	if (handle == NULL) {
		ps_error_set(err, "%s: cannot load plug-in: %s", path, plugin_dlerror(file));
		free(file);
		return -1;
	}
	free(file);
	list = (const struct policy *const *)dlsym(handle, PLUGIN_SYMBOL);
	if (list == NULL) {
		ps_error_set(err, "%s: not a pagesim plug-in: it does not export %s", path, PLUGIN_SYMBOL);
		goto fail;
	}
	/* Bounded, in case the array lacks its NULL. */
	while (n <= POLICY_EXTRA_MAX && list[n] != NULL)
		n++;
	if (n == 0) {
		ps_error_set(err, "%s: %s lists no policies (it must be a NULL-terminated array)", path, PLUGIN_SYMBOL);
		goto fail;
	}
	if (n > policy_register_room()) {
		ps_error_set(err, "%s: too many policies from plug-ins (at most %d in all)", path, POLICY_EXTRA_MAX);
		goto fail;
	}
	if (plugin_check(path, list, n, err) < 0)
		goto fail;
	for (size_t i = 0; i < n; i++) {
		struct ps_error why;
		const struct policy *current = plugin_upgrade(list[i]);

		if (current == NULL) {
			ps_error_set(err, "%s: out of memory", path);
			goto fail;
		}
		if (policy_register(current, &why) < 0) {
			/* Checked above; a failure now would leave the registry
			 * pointing into an object about to be closed. */
			fprintf(stderr, "plugin_load: %s\n", why.msg);
			abort();
		}
	}
	return (int)n;
fail:
	dlclose(handle);
	return -1;
}
