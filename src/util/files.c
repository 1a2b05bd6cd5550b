/* files.c - directories on demand and atomic files (see files.h). */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "util/files.h"

/* Create dir unless it exists as a directory. */
static int files_mkdir_one(const char *dir, struct ps_error *err)
{
	struct stat st;

	if (mkdir(dir, 0777) == 0)
		return 0;
	if (errno == EEXIST && stat(dir, &st) == 0 && S_ISDIR(st.st_mode))
		return 0;
	return ps_error_set(err, "%s: %s", dir, errno == EEXIST ? "exists and is not a directory" : strerror(errno));
}

int files_mkdirs(const char *path, struct ps_error *err)
{
	char buf[4096];
	size_t len = strlen(path);

	if (len == 0 || len >= sizeof buf)
		return ps_error_set(err, "%s: bad directory name", path);
	memcpy(buf, path, len + 1);
	/* Each parent, then path itself. */
	for (char *p = buf + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (files_mkdir_one(buf, err) < 0)
			return -1;
		*p = '/';
	}
	return files_mkdir_one(buf, err);
}

int files_write_atomic(const char *dir, const char *name, const char *data, size_t len,
		       struct ps_error *err)
{
	char *path = NULL, *tmp = NULL;
	FILE *out;
	int rc = -1;

	if (asprintf(&path, "%s/%s", dir, name) < 0 || asprintf(&tmp, "%s/.tmp-%s-%ld", dir, name, (long)getpid()) < 0) {
		ps_error_set(err, "out of memory");
		path = tmp = NULL;
		goto out;
	}
	if ((out = fopen(tmp, "w")) == NULL) {
		ps_error_set(err, "%s: %s", tmp, strerror(errno));
		goto out;
	}
	if (fwrite(data, 1, len, out) != len || fflush(out) != 0 || ferror(out)) {
		ps_error_set(err, "%s: %s", tmp, strerror(errno));
		fclose(out);
		unlink(tmp);
		goto out;
	}
	if (fclose(out) != 0) {
		ps_error_set(err, "%s: %s", tmp, strerror(errno));
		unlink(tmp);
		goto out;
	}
	if (rename(tmp, path) != 0) {
		ps_error_set(err, "%s: %s", path, strerror(errno));
		unlink(tmp);
		goto out;
	}
	rc = 0;
out:
	free(path);
	free(tmp);
	return rc;
}
