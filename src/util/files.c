/* files.c - directories on demand and atomic files (see files.h). */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
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

int files_descriptor_of(const char *path)
{
	char self[32];
	const char *n = NULL;
	char *end;
	long fd;

	if (strcmp(path, "/dev/stdout") == 0)
		return STDOUT_FILENO;
	if (strcmp(path, "/dev/stderr") == 0)
		return STDERR_FILENO;
	snprintf(self, sizeof self, "/proc/%ld/fd/", (long)getpid());
	if (strncmp(path, "/dev/fd/", 8) == 0)
		n = path + 8;
	else if (strncmp(path, "/proc/self/fd/", 14) == 0)
		n = path + 14;
	else if (strncmp(path, self, strlen(self)) == 0)
		n = path + strlen(self);
	if (n == NULL || *n < '0' || *n > '9')
		return -1;
	errno = 0;
	fd = strtol(n, &end, 10);
	return *end == '\0' && errno == 0 && fd <= INT_MAX && fcntl((int)fd, F_GETFD) >= 0 ? (int)fd : -1;
}

int files_open_direct(const char *path)
{
	int fd = files_descriptor_of(path);

	if (fd >= 0)
		return fcntl(fd, F_DUPFD_CLOEXEC, 0);
	return open(path, O_WRONLY | O_CLOEXEC);
}

int files_resolve_output(const char *path, char **real, bool *direct, struct ps_error *err)
{
	struct stat st, lst;

	*real = NULL;
	*direct = false;
	if (path[0] == '\0')
		return ps_error_set(err, "an output file's name is empty");
	if (files_descriptor_of(path) >= 0) {
		*direct = true;
		*real = strdup(path);
	} else if (stat(path, &st) != 0) {
		if (errno != ENOENT)
			return ps_error_set(err, "%s: %s", path, strerror(errno));
		if (lstat(path, &lst) == 0 && S_ISLNK(lst.st_mode))
			return ps_error_set(err, "%s: a symbolic link to a missing file; name the output "
					    "by its target", path);
		*real = strdup(path);
	} else if (S_ISDIR(st.st_mode)) {
		return ps_error_set(err, "%s: is a directory, not an output file", path);
	} else if (!S_ISREG(st.st_mode)) {
		*direct = true;
		*real = strdup(path);
	} else {
		*real = lstat(path, &lst) == 0 && S_ISLNK(lst.st_mode) ? realpath(path, NULL) : strdup(path);
	}
	if (*real == NULL)
		return ps_error_set(err, "%s: %s", path, strerror(errno));
	return 0;
}

bool files_same_file(const char *a, const char *b)
{
	struct stat sa, sb;

	return strcmp(a, "-") != 0 && strcmp(b, "-") != 0 && stat(a, &sa) == 0 && stat(b, &sb) == 0 &&
	       S_ISREG(sa.st_mode) && sa.st_dev == sb.st_dev && sa.st_ino == sb.st_ino;
}

int files_sync_dir_of(const char *path, struct ps_error *err)
{
	const char *slash = strrchr(path, '/');
	char dir[PATH_MAX];
	int fd, rc = 0;

	if (slash == NULL)
		snprintf(dir, sizeof dir, ".");
	else if ((size_t)(slash - path) >= sizeof dir)
		return ps_error_set(err, "%s: name too long", path);
	else
		snprintf(dir, sizeof dir, "%.*s", slash == path ? 1 : (int)(slash - path), path);
	fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0 || (fsync(fd) != 0 && errno != EINVAL))
		rc = ps_error_set(err, "%s: cannot flush the directory: %s", dir, strerror(errno));
	if (fd >= 0)
		close(fd);
	return rc;
}

/* Write len bytes of data to the stream out, named name in messages, and
 * close it; with sync, flush it to disk first. Returns 0 or -1 with err
 * set (out is closed either way). */
static int files_write_stream(FILE *out, const char *name, const char *data, size_t len, bool sync,
			      struct ps_error *err)
{
	if (fwrite(data, 1, len, out) != len || fflush(out) != 0 || ferror(out) ||
	    (sync && fsync(fileno(out)) != 0 && errno != EINVAL)) {
		ps_error_set(err, "%s: %s", name, strerror(errno));
		fclose(out);
		return -1;
	}
	if (fclose(out) != 0)
		return ps_error_set(err, "%s: %s", name, strerror(errno));
	return 0;
}

int files_write_atomic(const char *dir, const char *name, const char *data, size_t len,
		       struct ps_error *err)
{
	char *path = NULL, *real = NULL, *tmp = NULL;
	bool direct;
	FILE *out;
	int rc = -1;

	if (asprintf(&path, "%s/%s", dir, name) < 0) {
		path = NULL;
		return ps_error_set(err, "out of memory");
	}
	if (files_resolve_output(path, &real, &direct, err) < 0)
		goto out;
	if (direct) {
		int fd = files_open_direct(real);

		if (fd < 0 || (out = fdopen(fd, "w")) == NULL) {
			ps_error_set(err, "%s: %s", real, strerror(errno));
			if (fd >= 0)
				close(fd);
		} else {
			rc = files_write_stream(out, real, data, len, false, err);
		}
		goto out;
	}
	const char *slash = strrchr(real, '/');
	int dirlen = slash ? (int)(slash - real) + 1 : 0;

	if (asprintf(&tmp, "%.*s.tmp-%s-%ld", dirlen, real, real + dirlen, (long)getpid()) < 0) {
		tmp = NULL;
		ps_error_set(err, "out of memory");
		goto out;
	}
	/* Messages name the file the caller asked for, not the temporary. */
	if ((out = fopen(tmp, "w")) == NULL) {
		ps_error_set(err, "%s: %s", real, strerror(errno));
		goto out;
	}
	if (files_write_stream(out, real, data, len, true, err) < 0) {
		unlink(tmp);
		goto out;
	}
	if (rename(tmp, real) != 0) {
		ps_error_set(err, "%s: %s", real, strerror(errno));
		unlink(tmp);
		goto out;
	}
	rc = files_sync_dir_of(real, err);
out:
	free(path);
	free(real);
	free(tmp);
	return rc;
}

int files_memfile_open(struct files_memfile *o, const char *dir, const char *name, struct ps_error *err)
{
	*o = (struct files_memfile){ .dir = dir, .name = name };
	o->f = open_memstream(&o->data, &o->len);
	return o->f != NULL ? 0 : ps_error_set(err, "out of memory");
}

int files_memfile_commit(struct files_memfile *o, struct ps_error *err)
{
	int rc = fclose(o->f) == 0 ? files_write_atomic(o->dir, o->name, o->data, o->len, err)
				   : ps_error_set(err, "out of memory for %s/%s", o->dir, o->name);

	free(o->data);
	return rc;
}

char *files_read_whole(const char *path, size_t *len, struct ps_error *err)
{
	FILE *in = fopen(path, "rb");
	size_t have = 0, cap = 1 << 16, got;
	char *buf = NULL, *grown;
	int saved;

	if (in == NULL) {
		saved = errno;
		ps_error_set(err, "%s: %s", path, strerror(saved));
		errno = saved;
		return NULL;
	}
	for (;;) {
		if ((grown = realloc(buf, cap + 1)) == NULL) {
			ps_error_set(err, "%s: out of memory", path);
			saved = ENOMEM;
			goto fail;
		}
		buf = grown;
		got = fread(buf + have, 1, cap - have, in);
		have += got;
		if (have < cap)
			break;
		cap *= 2;
	}
	if (ferror(in)) {
		saved = errno;
		ps_error_set(err, "%s: %s", path, strerror(saved));
		goto fail;
	}
	fclose(in);
	buf[have] = '\0';
	if (len != NULL)
		*len = have;
	return buf;
fail:
	fclose(in);
	free(buf);
	errno = saved;
	return NULL;
}
