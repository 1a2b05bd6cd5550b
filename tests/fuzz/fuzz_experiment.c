/*
 * fuzz_experiment.c - libFuzzer harness: experiment files (YAML).
 *
 * The input is the file. It is loaded once, and no plug-in is ever
 * dlopen'ed: by the input's length modulo 3, with exp_load (plug-ins not
 * loaded: their policies are unknown names), or with exp_load_with_plugins
 * and a stand-in loader that accepts every plug-in path (the whole file is
 * validated first) or refuses every one (the error must name its entry).
 * A load that fails must say why; one that succeeds is checked against the
 * limits of experiment.h.
 */
#include "config.h"

#include <string.h>

#include "fuzz_common.h"
#include "replay/experiment.h"

static int accept_plugin(const char *path, void *arg, struct ps_error *err)
{
	(void)err;
	++*(unsigned *)arg;
	return path[0] == '\0' ? -1 : 0;
}

static int refuse_plugin(const char *path, void *arg, struct ps_error *err)
{
	(void)arg;
	return ps_error_set(err, "%s: not loaded by fuzz_experiment", path);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct experiment exp;
	struct ps_error err = {{0}};
	const char *path;
	unsigned loaded = 0;
	int rc;

	path = fuzz_store(data, size);
	switch (size % 3) {
	case 0:
		rc = exp_load(path, &exp, &err);
		break;
	case 1:
		rc = exp_load_with_plugins(path, &exp, accept_plugin, &loaded, &err);
		break;
	default:
		rc = exp_load_with_plugins(path, &exp, refuse_plugin, NULL, &err);
		break;
	}
	if (rc < 0) {
		if (err.msg[0] == '\0')
			fuzz_fail("exp_load failed without a message");
	} else {
		if (exp.ntraces == 0 || exp.ntraces > EXP_MAX_TRACES || exp.npolicies == 0 ||
		    exp.npolicies > EXP_MAX_POLICIES || exp.nframes == 0 || exp.nframes > EXP_MAX_FRAMES ||
		    exp.nseeds == 0 || exp.nseeds > EXP_MAX_SEEDS || exp.nplugins > EXP_MAX_PLUGINS ||
		    exp.nexpects > EXP_MAX_EXPECTS || exp.name == NULL || exp.output == NULL)
			fuzz_fail("a loaded experiment breaks a limit: %zu traces, %zu policies, %zu frames, %zu seeds,"
				  " %zu plug-ins, %zu expects",
				  exp.ntraces, exp.npolicies, exp.nframes, exp.nseeds, exp.nplugins, exp.nexpects);
		if (size % 3 == 1 && loaded != exp.nplugins)
			fuzz_fail("%u of %zu plug-ins handed to the loader", loaded, exp.nplugins);
		for (size_t i = 0; i < exp.nexpects; i++)
			if (exp.expects[i].policy >= exp.npolicies || exp.expects[i].other >= exp.npolicies)
				fuzz_fail("expect %zu names policy %zu/%zu of %zu", i, exp.expects[i].policy,
					  exp.expects[i].other, exp.npolicies);
	}
	exp_free(&exp);
	return 0;
}
