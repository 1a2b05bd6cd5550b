#include "config.h"

#include <ctype.h>
#include <string.h>

#include "util/suggest.h"

#define SUGGEST_MAX_EDITS 2
#define SUGGEST_MAX_LEN 40

/* Optimal-string-alignment distance between a and b (both at most
 * SUGGEST_MAX_LEN long), ignoring ASCII case. */
static size_t suggest_distance(const char *a, size_t la, const char *b, size_t lb)
{
	size_t d[SUGGEST_MAX_LEN + 1][SUGGEST_MAX_LEN + 1];

	for (size_t i = 0; i <= la; i++)
		d[i][0] = i;
	for (size_t j = 0; j <= lb; j++)
		d[0][j] = j;
	for (size_t i = 1; i <= la; i++) {
		for (size_t j = 1; j <= lb; j++) {
			size_t cost = tolower((unsigned char)a[i - 1]) != tolower((unsigned char)b[j - 1]);
			size_t best = d[i - 1][j] + 1;

			if (d[i][j - 1] + 1 < best)
				best = d[i][j - 1] + 1;
			if (d[i - 1][j - 1] + cost < best)
				best = d[i - 1][j - 1] + cost;
			if (i > 1 && j > 1 && tolower((unsigned char)a[i - 1]) == tolower((unsigned char)b[j - 2]) &&
			    tolower((unsigned char)a[i - 2]) == tolower((unsigned char)b[j - 1]) &&
			    d[i - 2][j - 2] + 1 < best)
				best = d[i - 2][j - 2] + 1;
			d[i][j] = best;
		}
	}
	return d[la][lb];
}

const char *suggest_closest(const char *word, const char *const *candidates, size_t n)
{
	size_t lw = word ? strlen(word) : 0, best_d = SUGGEST_MAX_EDITS + 1;
	const char *best = NULL;

	if (lw == 0 || lw > SUGGEST_MAX_LEN)
		return NULL;
	for (size_t i = 0; i < n; i++) {
		size_t lc = strlen(candidates[i]), dist;

		if (lc > SUGGEST_MAX_LEN)
			continue;
		dist = suggest_distance(word, lw, candidates[i], lc);
		if (dist < best_d && dist < lw) {
			best_d = dist;
			best = candidates[i];
		}
	}
	return best;
}
