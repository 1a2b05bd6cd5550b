/*
 * error.h - the one way bad input is reported.
 *
 * Two kinds of failure exist in pagesim and are never mixed:
 *  - a broken invariant of the simulator is an assert (a bug in pagesim);
 *  - bad input (a malformed trace line, an unknown policy, a full swap
 *    device) is a returned error carrying a one-line message that names the
 *    file and line when there is one: "traces/x.trace:12: expected R, W or X".
 * Library code fills a struct ps_error and returns; only main() decides to
 * exit.
 */
#ifndef PAGESIM_ERROR_H
#define PAGESIM_ERROR_H

#include <stdarg.h>
#include <stdint.h>

#define PS_ERROR_MAX 1024

struct ps_error {
	char msg[PS_ERROR_MAX];
};

/* Format a message into err (printf-style); a NULL err is ignored.
 * Always returns -1 so callers can write `return ps_error_set(...)`. */
int ps_error_set(struct ps_error *err, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* As ps_error_set, with a va_list. */
int ps_error_vset(struct ps_error *err, const char *fmt, va_list ap)
	__attribute__((format(printf, 2, 0)));

/* The plural ending of a count of n things in messages: "" for 1, else "s". */
static inline const char *ps_plural(uint64_t n)
{
	return n == 1 ? "" : "s";
}

#endif
