/*
 * suggest.h - "did you mean": the closest of a list of names to a typo.
 */
#ifndef PAGESIM_SUGGEST_H
#define PAGESIM_SUGGEST_H

#include <stddef.h>

/* The name among the n candidates closest to word by edit distance
 * (insertions, deletions, substitutions and swaps of adjacent letters,
 * ignoring ASCII case), or NULL when none is within 2 edits and closer
 * than the length of word. Ties go to the earlier candidate. */
const char *suggest_closest(const char *word, const char *const *candidates, size_t n);

#endif
