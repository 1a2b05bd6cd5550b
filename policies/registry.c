/*
 * registry.c - the table of every policy pagesim knows.
 *
 * A new policy is one file exporting one `const struct policy`, one line
 * in policy_registry[] below and one line in Makefile.am. Lookup walks the
 * table; nothing else in pagesim names a policy.
 *
 * Suggestions ("unknown policy "lur" (did you mean "lru"?)") use the
 * optimal-string-alignment distance (Levenshtein plus swaps of two
 * adjacent letters, each edit costing 1), ignoring ASCII case. A name is
 * suggested when its distance is at most POLICY_SUGGEST_MAX and smaller
 * than the length of what was typed; on a tie the earlier entry in the
 * table wins.
 */
#include "registry.h"

#include <string.h>

extern const struct policy policy_fifo;
extern const struct policy policy_random;
extern const struct policy policy_clock;
extern const struct policy policy_second_chance;
extern const struct policy policy_lru;
extern const struct policy policy_opt;

const struct policy *const policy_registry[] = {
	&policy_fifo,
	&policy_random,
	&policy_clock,
	&policy_second_chance,
	&policy_lru,
	&policy_opt,
	NULL,
};

/* Largest edit distance still worth a "did you mean". */
#define POLICY_SUGGEST_MAX 2
/* Longest name the distance table handles; longer input is never close
 * to a registered name (they are all much shorter). */
#define POLICY_NAME_MAX 32

/* The registered policy called name (exact, case-sensitive), or NULL.
 * name may be NULL. */
const struct policy *policy_find(const char *name)
{
	if (name == NULL)
		return NULL;
	for (size_t i = 0; policy_registry[i] != NULL; i++)
		if (strcmp(policy_registry[i]->name, name) == 0)
			return policy_registry[i];
	return NULL;
}

/* ASCII lower case of c; pagesim names are ASCII. */
static char registry_lower(char c)
{
	return (c >= 'A' && c <= 'Z') ? (char)(c - 'A' + 'a') : c;
}

/* Optimal-string-alignment distance between a (length la) and b (length
 * lb), case-insensitive. Both lengths must be <= POLICY_NAME_MAX. */
static size_t registry_distance(const char *a, size_t la, const char *b, size_t lb)
{
	size_t d[POLICY_NAME_MAX + 1][POLICY_NAME_MAX + 1];

	for (size_t i = 0; i <= la; i++)
		d[i][0] = i;
	for (size_t j = 0; j <= lb; j++)
		d[0][j] = j;
	for (size_t i = 1; i <= la; i++) {
		for (size_t j = 1; j <= lb; j++) {
			char ca = registry_lower(a[i - 1]), cb = registry_lower(b[j - 1]);
			size_t best = d[i - 1][j - 1] + (ca != cb);

			if (d[i - 1][j] + 1 < best)
				best = d[i - 1][j] + 1;
			if (d[i][j - 1] + 1 < best)
				best = d[i][j - 1] + 1;
			if (i > 1 && j > 1 && ca == registry_lower(b[j - 2]) &&
			    registry_lower(a[i - 2]) == cb && d[i - 2][j - 2] + 1 < best)
				best = d[i - 2][j - 2] + 1;
			d[i][j] = best;
		}
	}
	return d[la][lb];
}

/* The registered name closest to name, or NULL when none is within
 * POLICY_SUGGEST_MAX edits (and fewer edits than name has letters), or
 * name is NULL. An exact match is returned as itself. */
const char *policy_suggest(const char *name)
{
	const char *best = NULL;
	size_t best_distance = POLICY_SUGGEST_MAX + 1;
	size_t len;

	if (name == NULL)
		return NULL;
	len = strlen(name);
	if (len > POLICY_NAME_MAX)
		return NULL;
	for (size_t i = 0; policy_registry[i] != NULL; i++) {
		const char *candidate = policy_registry[i]->name;
		size_t clen = strlen(candidate);
		size_t distance;

		if (clen > POLICY_NAME_MAX)
			continue;
		distance = registry_distance(name, len, candidate, clen);
		if (distance < best_distance && distance < len) {
			best = candidate;
			best_distance = distance;
		}
	}
	return best;
}
