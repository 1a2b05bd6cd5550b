#include "config.h"

#include <stdio.h>

#include "util/error.h"

int ps_error_vset(struct ps_error *err, const char *fmt, va_list ap)
{
	if (err != NULL)
		vsnprintf(err->msg, sizeof err->msg, fmt, ap);
	return -1;
}

int ps_error_set(struct ps_error *err, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	ps_error_vset(err, fmt, ap);
	va_end(ap);
	return -1;
}
