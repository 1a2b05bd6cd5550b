/*
 * files.h - the files of experiments, sweeps and plots: directories made
 * on demand, files written whole or not at all, and files read whole.
 */
#ifndef PAGESIM_FILES_H
#define PAGESIM_FILES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "util/error.h"

/* Create directory path and any missing parents. An existing directory is
 * fine; an existing non-directory is an error. Returns 0 or -1 with err
 * set ("PATH: reason"). */
int files_mkdirs(const char *path, struct ps_error *err);

/* The descriptor of this process that path names ("/dev/stdout" 1,
 * "/dev/stderr" 2, "/dev/fd/N", "/proc/self/fd/N", "/proc/PID/fd/N" for
 * our own PID) if it is open, else -1. Writing to it must go through the
 * descriptor itself: reopening the file behind it would start at offset 0
 * (losing what a shell appends), and replacing it would unlink it. */
int files_descriptor_of(const char *path);

/* Open an output that is written through (files_resolve_output's
 * *direct): a duplicate of the descriptor path names, or path opened for
 * writing without truncation (a FIFO, a device). -1 with errno set. */
int files_open_direct(const char *path);

/* Where an output named path really goes. A path that does not exist yet
 * or names a regular file is written whole or not at all: a temporary file
 * beside it, renamed over it (*direct false). A symbolic link to a regular
 * file is followed, so the link stays and its target is replaced: *real is
 * the resolved target. An existing path that is not a regular file (a
 * FIFO, a device such as /dev/null, a terminal), or that names one of our
 * open descriptors (files_descriptor_of: /dev/stdout, /dev/fd/N), is
 * written through as it is (*direct true): renaming over it would
 * replace it. A dangling link or
 * a directory is refused. Stores a malloc'd path in *real; returns 0, or
 * -1 with err set ("PATH: reason"). */
int files_resolve_output(const char *path, char **real, bool *direct, struct ps_error *err);

/* Are a and b one regular file (the same device and inode: a link, or
 * another name of it)? "-" (standard input or output) is never one. An
 * output that would replace its own input must be refused before
 * anything is read. */
bool files_same_file(const char *a, const char *b);

/* Make a renamed file durable: flush the directory that holds path (the
 * part before its last '/', or "."). Returns 0 or -1 with err set. */
int files_sync_dir_of(const char *path, struct ps_error *err);

/* Write len bytes of data to dir/name through the temporary file
 * .tmp-NAME-PID beside it, renamed into place, so a reader never sees half a
 * file, even after a crash or power loss: the file is flushed to disk
 * before the rename and the directory after it. dir/name is resolved as
 * files_resolve_output says (a link's target is replaced; a FIFO or device
 * is written through). Returns 0 or -1 with err set; the temporary file
 * is removed on failure. */
int files_write_atomic(const char *dir, const char *name, const char *data, size_t len,
		       struct ps_error *err);

/* Read the file path whole into a new buffer, NUL-terminated (the NUL is
 * not counted in *len; len may be NULL). NULL with err set ("PATH:
 * reason") when it cannot be opened or read, or memory is short; errno
 * then tells why (ENOENT: it does not exist). */
char *files_read_whole(const char *path, size_t *len, struct ps_error *err);

/* A file built in memory (write to f), then written to dir/name whole
 * by files_memfile_commit. */
struct files_memfile {
	FILE *f;
	char *data;
	size_t len;
	const char *dir, *name;
};

/* Start building dir/name in o. Returns 0 or -1 with err set. */
int files_memfile_open(struct files_memfile *o, const char *dir, const char *name, struct ps_error *err);

/* Write o's contents to its file (files_write_atomic) and free them.
 * Returns 0 or -1 with err set. */
int files_memfile_commit(struct files_memfile *o, struct ps_error *err);

#endif
