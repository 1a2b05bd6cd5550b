/*
 * files.h - the output files of experiments, sweeps and plots: directories
 * made on demand, and files written whole or not at all.
 */
#ifndef PAGESIM_FILES_H
#define PAGESIM_FILES_H

#include <stddef.h>

#include "util/error.h"

/* Create directory path and any missing parents. An existing directory is
 * fine; an existing non-directory is an error. Returns 0 or -1 with err
 * set ("PATH: reason"). */
int files_mkdirs(const char *path, struct ps_error *err);

/* Write len bytes of data to dir/name through the temporary file
 * dir/.tmp-NAME-PID renamed into place, so a reader never sees half a
 * file. Returns 0 or -1 with err set; the temporary file is removed on
 * failure. */
int files_write_atomic(const char *dir, const char *name, const char *data, size_t len,
		       struct ps_error *err);

#endif
