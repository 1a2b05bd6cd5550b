/* numparse.c - whole-string number parsing (see numparse.h). */
#include "config.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "util/numparse.h"

bool num_parse_u64(const char *s, uint64_t min, uint64_t max, uint64_t *out)
{
	unsigned long long v;
	char *end;

	if (s == NULL || *s == '\0' || *s == '-' || *s == '+' || *s == ' ')
		return false;
	errno = 0;
	v = strtoull(s, &end, 0);
	if (errno != 0 || *end != '\0' || v < min || v > max)
		return false;
	*out = v;
	return true;
}

bool num_parse_double(const char *s, double *out)
{
	char *end;
	double v;

	if (s == NULL || *s == '\0' || *s == ' ')
		return false;
	errno = 0;
	v = strtod(s, &end);
	if (errno != 0 || *end != '\0' || !isfinite(v))
		return false;
	*out = v;
	return true;
}

bool num_parse_page_size(const char *s, unsigned *shift)
{
	char digits[32];
	size_t len = s ? strlen(s) : 0;
	unsigned extra = 0;
	uint64_t v;

	if (len == 0 || len >= sizeof digits)
		return false;
	memcpy(digits, s, len + 1);
	switch (digits[len - 1]) {
	case 'K': case 'k': extra = 10; break;
	case 'M': case 'm': extra = 20; break;
	case 'G': case 'g': extra = 30; break;
	default: break;
	}
	if (extra)
		digits[len - 1] = '\0';
	if (!num_parse_u64(digits, 1, 1ULL << 30, &v) || (v & (v - 1)) != 0)
		return false;
	*shift = (unsigned)__builtin_ctzll(v) + extra;
	return *shift >= 8 && *shift <= 30;
}
