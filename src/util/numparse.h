/*
 * numparse.h - whole-string number parsing shared by the command line and
 * experiment files: nothing but the number may be in the string.
 */
#ifndef PAGESIM_NUMPARSE_H
#define PAGESIM_NUMPARSE_H

#include <stdbool.h>
#include <stdint.h>

/* Parse a whole decimal (or 0x-hex) number in [min, max] into *out.
 * False (and nothing stored) on anything else. */
bool num_parse_u64(const char *s, uint64_t min, uint64_t max, uint64_t *out);

/* Parse a finite decimal number into *out; false on anything else. */
bool num_parse_double(const char *s, double *out);

/* Parse a page size: a power of two from 256 bytes to 1 GiB, in bytes or
 * with a K, M or G suffix ("4096", "4K", "2M"). Stores log2 in *shift. */
bool num_parse_page_size(const char *s, unsigned *shift);

#endif
