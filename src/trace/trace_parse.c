/*
 * trace_parse.c - the line grammars of lackey, addr-rw, pages and native
 * (accesses and events).
 *
 * Each format has one line function: given a pointer to the start of a
 * line, it returns the records the line yields (0 for a blank, comment or
 * "==" line, 2 for an M, else 1) and moves the pointer past the '\n', or
 * returns -1, leaves the pointer alone and explains in c->why. Fields are
 * scanned by hand with a table for hex digits; there is no sscanf, no
 * strtoull and no copy of the line. Since '\n' is not a digit, a space or
 * any other field character, every scan stops at the end of the line by
 * itself. Error paths format their message with snprintf; the common path
 * formats nothing. lackey's usual lines have a faster road (lackey_usual,
 * 16 bytes at a time) that gives what lackey_line gives or steps aside.
 *
 * The batch loops around the line functions are what trace_read() runs;
 * trace_parse_detect() runs the same line functions as shape tests.
 *
 * Native event lines take another road (native_event): they are split
 * into fields, read into a struct trace_event, checked by the rules all
 * readers share (trace_event_check) and added to the event table; the
 * record stream gets one placeholder for each.
 */
#include "config.h"

#include <assert.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "trace/trace_parse.h"

#define IS_WS(ch) ((ch) == ' ' || (ch) == '\t')
#define IS_DIGIT(ch) ((unsigned char)((ch) - '0') < 10)
#define PID_MAX UINT32_MAX
#define SIZE_MAX_REC 65535u

/* hexv[ch] is 1 + the value of hex digit ch, or 0 if ch is not one. */
/* clang-format off */
static const unsigned char hexv[256] = {
	['0'] = 1, ['1'] = 2, ['2'] = 3, ['3'] = 4, ['4'] = 5,
	['5'] = 6, ['6'] = 7, ['7'] = 8, ['8'] = 9, ['9'] = 10,
	['a'] = 11, ['b'] = 12, ['c'] = 13, ['d'] = 14, ['e'] = 15, ['f'] = 16,
	['A'] = 11, ['B'] = 12, ['C'] = 13, ['D'] = 14, ['E'] = 15, ['F'] = 16,
};
/* clang-format on */

#define HEXV(p) hexv[(unsigned char)*(p)]

/* hexd[ch] is the value of hex digit ch, or 255 if ch is not one: what
 * scan_hex's loop reads (one operation a digit less than hexv). */
#define NO16 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255
/* clang-format off */
static const unsigned char hexd[256] = {
	NO16, NO16, NO16,                                           /* 0x00-0x2f */
	0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 255, 255, 255, 255, 255, 255,    /* 0x30-0x3f: 0-9 */
	255, 10, 11, 12, 13, 14, 15, 255, 255, 255, 255, 255, 255, 255, 255, 255, /* A-F */
	NO16,                                                       /* 0x50-0x5f */
	255, 10, 11, 12, 13, 14, 15, 255, 255, 255, 255, 255, 255, 255, 255, 255, /* a-f */
	NO16, NO16, NO16, NO16, NO16, NO16, NO16, NO16, NO16,       /* 0x70-0xff */
};
/* clang-format on */
#undef NO16

void trace_parse_init(struct parse_ctx *c, enum trace_format f, unsigned va_bits, unsigned page_shift)
{
	memset(c, 0, sizeof *c);
	c->format = f;
	c->va_bits = va_bits;
	c->page_shift = page_shift;
	c->addr_max = va_bits >= 64 ? UINT64_MAX : (UINT64_C(1) << va_bits) - 1;
	c->page_max = c->addr_max >> page_shift;
	c->pid = 1;
}

/* Refuse the current line: record status and message, return -1. */
static int __attribute__((format(printf, 3, 4), noinline, cold))
parse_refuse(struct parse_ctx *c, enum parse_status st, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(c->why, sizeof c->why, fmt, ap);
	va_end(ap);
	c->status = st;
	return -1;
}

/* The first character at or after p that is not a space or a tab. */
static inline const char *skip_ws(const char *p)
{
	while (IS_WS(*p))
		p++;
	return p;
}

/* Past the '\n' of the line p is in. */
static inline const char *past_eol(const char *p)
{
	while (*p != '\n')
		p++;
	return p + 1;
}

/* If p starts the end of a line -- optional spaces, an optional "\r", the
 * '\n', or (with comments) at least one space and then '#' and anything --
 * return the pointer past the '\n'; otherwise NULL (trailing garbage). */
static inline const char *rest_is_eol(const char *p, bool comments)
{
	const char *q = skip_ws(p);

	if (*q == '\n')
		return q + 1;
	if (*q == '\r' && q[1] == '\n')
		return q + 2;
	if (comments && *q == '#' && q > p)
		return past_eol(q);
	return NULL;
}

/* If the line at p (already past leading spaces) is blank or a '#'
 * comment, return the pointer past its '\n'; otherwise NULL. */
static inline const char *blank_line(const char *p)
{
	if (*p == '\n')
		return p + 1;
	if (*p == '\r' && p[1] == '\n')
		return p + 2;
	if (*p == '#')
		return past_eol(p);
	return NULL;
}

/* Does p start with the word w, followed by a space or the end of the line? */
static bool word_is(const char *p, const char *w)
{
	size_t n = strlen(w);

	return strncmp(p, w, n) == 0 && (IS_WS(p[n]) || p[n] == '\n' || p[n] == '\r');
}

/* Do the n hex digits at p stand for 2^64 or more (more than 16 after
 * the leading zeros)? Cold: only a number of over 16 digits asks. */
static bool __attribute__((noinline, cold)) hex_too_big(const char *p, size_t n)
{
	while (n > 16 && *p == '0') {
		p++;
		n--;
	}
	return n > 16;
}

/* Scan hex digits at *pp into *v. Returns the digits scanned (0 if none);
 * *big is set when the value does not fit in 64 bits. The loop does not
 * test for overflow: the digit count tells afterwards. */
static inline unsigned scan_hex(const char **pp, uint64_t *v, bool *big)
{
	const char *p = *pp;
	uint64_t x = 0;
	unsigned d;

	while ((d = hexd[(unsigned char)*p]) < 16) {
		x = x << 4 | d;
		p++;
	}
	*v = x;
	d = (unsigned)(p - *pp);
	if (d > 16 && hex_too_big(*pp, d))
		*big = true;
	*pp = p;
	return d;
}

/* The decimal digits [p, end) as a number, *big set if it does not fit
 * in 64 bits (then the low 64 bits of the value). Cold: only a number of
 * over 19 digits asks. */
static uint64_t __attribute__((noinline, cold)) dec_checked(const char *p, const char *end, bool *big)
{
	uint64_t x = 0;

	for (; p < end; p++) {
		unsigned d = (unsigned)(*p - '0');

		if (x > (UINT64_MAX - d) / 10)
			*big = true;
		x = x * 10 + d;
	}
	return x;
}

/* Scan decimal digits at *pp into *v. Returns the digits scanned (0 if
 * none); *big is set when the value does not fit in 64 bits. */
static inline unsigned scan_dec(const char **pp, uint64_t *v, bool *big)
{
	const char *p = *pp;
	uint64_t x = 0;
	unsigned n;

	/* 19 digits always fit in 64 bits; a longer number is checked as it
	 * is read, out of the common path. */
	while (IS_DIGIT(*p)) {
		x = x * 10 + (unsigned)(*p - '0');
		p++;
	}
	n = (unsigned)(p - *pp);
	if (n > 19)
		x = dec_checked(*pp, p, big);
	*v = x;
	*pp = p;
	return n;
}

/* A number as the native format writes it: "0x" and hex digits, or
 * decimal digits. Returns the digits scanned (0 if none). */
static inline unsigned scan_native_num(const char **pp, uint64_t *v, bool *big)
{
	if ((*pp)[0] == '0' && ((*pp)[1] == 'x' || (*pp)[1] == 'X')) {
		const char *p = *pp + 2;
		unsigned n = scan_hex(&p, v, big);

		if (n > 0)
			*pp = p;
		return n;
	}
	return scan_dec(pp, v, big);
}

/* Is addr a canonical x86-64 address of the upper half under c (48-bit
 * addresses, bits 63..47 all set)? See fold_canonical. */
static inline bool canonical_upper(const struct parse_ctx *c, uint64_t addr)
{
	const uint64_t upper = ~UINT64_C(0) << 47;

	return c->va_bits == 48 && (addr & upper) == upper;
}

/* Refuse an access of size bytes at addr that does not lie wholly below
 * 2^va_bits. Returns -1. */
static int __attribute__((noinline, cold)) refuse_range(struct parse_ctx *c, uint64_t addr, unsigned size)
{
	if (addr > c->addr_max && !canonical_upper(c, addr))
		return parse_refuse(c, PARSE_RANGE,
				    "address 0x%" PRIx64 " is beyond the %u-bit virtual address space", addr,
				    c->va_bits);
	return parse_refuse(c, PARSE_RANGE,
			    "access of %u bytes at 0x%" PRIx64
			    " runs past the end of the %u-bit virtual address space",
			    size, addr, c->va_bits);
}

/* An access outside [0, 2^va_bits) may still be a canonical x86-64
 * address of the upper half (the kernel's, such as the vsyscall page at
 * 0xffffffffff600000 that real captures touch): with 48-bit addresses,
 * bits 63..47 all set. Its page-table path is that of its low 48 bits,
 * so it is read as addr & (2^48 - 1). True (with *addr folded) when addr
 * is one and the access fits after folding. Cold: only out-of-range
 * addresses come here. */
static bool __attribute__((noinline, cold)) fold_canonical(const struct parse_ctx *c, uint64_t *addr,
							      unsigned size)
{
	uint64_t folded = *addr & c->addr_max;

	if (!canonical_upper(c, *addr) || size - 1 > c->addr_max - folded)
		return false;
	*addr = folded;
	return true;
}

/* Does the access [addr, addr + size) lie below 2^va_bits? size >= 1. */
static inline bool in_range(const struct parse_ctx *c, uint64_t addr, unsigned size)
{
	return addr <= c->addr_max && size - 1 <= c->addr_max - addr;
}

/* Fill *r with one access (flags 0). */
static inline void put_rec(struct trace_rec *r, uint64_t addr, uint32_t pid, unsigned size, enum access_op op)
{
	r->addr = addr;
	r->pid = pid;
	r->size = (uint16_t)size;
	r->op = (uint8_t)op;
	r->flags = 0;
}

/* Does p start one of valgrind's own messages: "==" (its usual prefix,
 * "==12345== Command: ./prog"), or with -v or -d "--12345-- ..." and
 * "**12345** ..." (the pid between the marks)? */
static bool valgrind_message(const char *p)
{
	const char *q = p + 2;

	if (p[0] == '=' && p[1] == '=')
		return true;
	if ((p[0] != '-' && p[0] != '*') || p[1] != p[0] || !IS_DIGIT(*q))
		return false;
	while (IS_DIGIT(*q))
		q++;
	return q[0] == p[0] && q[1] == p[0];
}

#if defined(__SSE2__) && defined(__x86_64__)
#define LACKEY_USUAL 1
/*
 * lackey's usual line, its address read sixteen bytes at a time (on
 * x86-64; elsewhere lackey_line reads every line). Valgrind
 * writes every access line as "I  " or " L ", " S ", " M ", the address
 * in hex, ',', the size in decimal and '\n'. lackey_usual reads exactly
 * those lines, and only those whose meaning is plain: 1 to 15 hex digits,
 * a size of 1 to 5 digits and 1..65535, the access in range. Anything
 * else (more spaces, "\r\n", 16 digits, an address to fold, any mistake)
 * it leaves to lackey_line, which reads every line, these included, to
 * the same records: so it only saves time. A profile of `pagesim decode`
 * of the bench's text showed the digit loop at 41% of the parse's
 * instructions, its exit branch taken after 7 to 10 digits; and after it,
 * a switch on the line's letter mispredicted on every change between
 * reads and writes (the prefix is now one table look-up).
 *
 * The address: one 16-byte load after the prefix; the first ',' gives
 * the digit count n, and the bytes before it must all be hex digits
 * (compares on signed bytes: one outside ASCII is negative and matches
 * no range). Each byte's value is its low nibble, plus 9 for a letter;
 * pairs of nibbles are packed into bytes, the bytes into a 64-bit word
 * most significant first (a byte swap), and the n digits are its top
 * 4n bits.
 */
#include <emmintrin.h>

/* Bytes a line needs before the end of the complete lines for
 * lackey_usual to read it: the prefix and the 16-byte load. The line
 * itself may be shorter (the load then reads into the next one). */
#define LACKEY_USUAL_SLACK (3 + 16)

/* The value of the hex digits before the first ',' of the 16 bytes at p,
 * and their count in *n; false unless there are 1 to 15 of them, all hex
 * digits. */
static inline __attribute__((always_inline)) bool hex_before_comma(const char *p, unsigned *n, uint64_t *v)
{
	const __m128i x = _mm_loadu_si128((const __m128i *)(const void *)p);
	const __m128i lower = _mm_or_si128(x, _mm_set1_epi8(0x20));
	const __m128i digit = _mm_and_si128(_mm_cmpgt_epi8(x, _mm_set1_epi8('0' - 1)),
					    _mm_cmpgt_epi8(_mm_set1_epi8('9' + 1), x));
	const __m128i letter = _mm_and_si128(_mm_cmpgt_epi8(lower, _mm_set1_epi8('a' - 1)),
					     _mm_cmpgt_epi8(_mm_set1_epi8('f' + 1), lower));
	const unsigned comma = (unsigned)_mm_movemask_epi8(_mm_cmpeq_epi8(x, _mm_set1_epi8(',')));
	const unsigned hex = (unsigned)_mm_movemask_epi8(_mm_or_si128(digit, letter));
	/* Each byte 0..15 (a digit's value, or junk after the digits). */
	const __m128i nibble = _mm_add_epi8(_mm_and_si128(x, _mm_set1_epi8(0x0f)),
					    _mm_and_si128(letter, _mm_set1_epi8(9)));
	/* 16-bit lanes: the first nibble of each pair high, the second low. */
	const __m128i pairs = _mm_and_si128(_mm_or_si128(_mm_slli_epi16(nibble, 4), _mm_srli_epi16(nibble, 8)),
					    _mm_set1_epi16(0x00ff));
	const uint64_t packed = (uint64_t)_mm_cvtsi128_si64(_mm_packus_epi16(pairs, pairs));

	if (comma == 0)
		return false;
	*n = (unsigned)__builtin_ctz(comma);
	/* ~hex has every bit from 16 up set: its count is at most 16. */
	if (*n == 0 || (unsigned)__builtin_ctz(~hex) != *n)
		return false;
	*v = __builtin_bswap64(packed) >> (4 * (16 - *n));
	return true;
}

/* lackey's usual access line at *pp (see above), with at least
 * LACKEY_USUAL_SLACK bytes before end: its records into out (1, or 2 for
 * an M) and *pp past its '\n'; or 0, *pp unmoved, for any other line. */
static inline __attribute__((always_inline)) int lackey_usual(const struct parse_ctx *c, const char **pp,
							       const char *end, struct trace_rec *out)
{
	/* The access lines' prefixes by the XOR of their first two bytes: the
	 * three bytes as a little-endian load holds them, and above them 1 +
	 * the operation (an M's: its read); else 0. */
#define PREFIX(a, b, op) [(a) ^ (b)] = (uint32_t)(a) | (b) << 8 | ' ' << 16 | (uint32_t)(1 + (op)) << 24
	static const uint32_t prefixes[256] = {
	    PREFIX('I', ' ', OP_FETCH),
	    PREFIX(' ', 'L', OP_READ),
	    PREFIX(' ', 'M', OP_READ),
	    PREFIX(' ', 'S', OP_WRITE),
	};
#undef PREFIX
	const char *p = *pp, *q;
	uint64_t addr = 0; /* set when hex_before_comma says yes; -Og cannot tell */
	uint32_t prefix, entry;
	unsigned n, size = 0, k = 0;
	enum access_op op;

	if (end - p < LACKEY_USUAL_SLACK)
		return 0;
	memcpy(&prefix, p, sizeof prefix);
	/* One table look-up, no branch between fetches, reads and writes: a
	 * program's reads and writes come in no order a predictor learns. */
	entry = prefixes[(prefix ^ prefix >> 8) & 0xff];
	if (entry == 0 || ((entry ^ prefix) & 0xffffffu) != 0)
		return 0;
	op = (enum access_op)((entry >> 24) - 1);
	if (!hex_before_comma(p + 3, &n, &addr))
		return 0;
	/* The size stops at the line's '\n' at the latest: before end. */
	for (q = p + 3 + n + 1; k < 5 && IS_DIGIT(q[k]); k++)
		size = size * 10 + (unsigned)(q[k] - '0');
	if (k == 0 || q[k] != '\n' || size == 0 || size > SIZE_MAX_REC || !in_range(c, addr, size))
		return 0;
	put_rec(&out[0], addr, 1, size, op);
	*pp = q + k + 1;
	if (p[1] != 'M')
		return 1;
	put_rec(&out[1], addr, 1, size, OP_WRITE);
	return 2;
}
#endif

/*
 * lackey: "I  04016a0,3", " L 04222cd0,8", " S 7ff000398,8", " M 0421fd8,4";
 * valgrind's own lines (valgrind_message), blank lines and '#' lines are
 * ignored. Returns the records written to out (0..2) and moves *pp past
 * the line, or returns -1.
 */
static inline __attribute__((always_inline)) int lackey_line(struct parse_ctx *c, const char **pp,
								struct trace_rec *out)
{
	/* Valgrind writes one space before L, S and M, none before I. */
	const char *p = **pp == ' ' && !IS_WS((*pp)[1]) ? *pp + 1 : skip_ws(*pp), *next;
	uint64_t addr, size;
	bool big = false, size_big = false;
	enum access_op op;
	int nrec = 1;

	switch (*p) {
	case 'I':
		op = OP_FETCH;
		break;
	case 'L':
		op = OP_READ;
		break;
	case 'S':
		op = OP_WRITE;
		break;
	case 'M':
		op = OP_READ;
		nrec = 2;
		break;
	default:
		if (valgrind_message(p))
			next = past_eol(p);
		else
			next = blank_line(p);
		if (next == NULL)
			return parse_refuse(c, PARSE_BAD, "expected a lackey record such as ' L 04222cd0,8'");
		*pp = next;
		return 0;
	}
	if (!IS_WS(p[1]))
		return parse_refuse(c, PARSE_BAD, "expected a lackey record such as ' L 04222cd0,8'");
	p = skip_ws(p + 2);
	if (scan_hex(&p, &addr, &big) == 0)
		return parse_refuse(c, PARSE_BAD, "expected a hex address after '%c'", *skip_ws(*pp));
	if (*p != ',')
		return parse_refuse(c, PARSE_BAD, "expected ',SIZE' after the address");
	p++;
	if (scan_dec(&p, &size, &size_big) == 0)
		return parse_refuse(c, PARSE_BAD, "expected a decimal size after ','");
	next = *p == '\n' ? p + 1 : rest_is_eol(p, false);
	if (next == NULL)
		return parse_refuse(c, PARSE_BAD, "unexpected text after the size");
	if (size_big || size == 0 || size > SIZE_MAX_REC)
		return parse_refuse(c, PARSE_BAD, "size must be 1..65535");
	if (big)
		return parse_refuse(c, PARSE_RANGE, "address does not fit in 64 bits");
	if (!in_range(c, addr, (unsigned)size) && !fold_canonical(c, &addr, (unsigned)size))
		return refuse_range(c, addr, (unsigned)size);
	put_rec(&out[0], addr, 1, (unsigned)size, op);
	if (nrec == 2)
		put_rec(&out[1], addr, 1, (unsigned)size, OP_WRITE);
	*pp = next;
	return nrec;
}

/*
 * addr-rw: "0041f7a0 R" -- a hex address (optional 0x), spaces, R or W in
 * either case; blank and '#' lines are ignored. Returns the records
 * written (0 or 1) and moves *pp past the line, or returns -1.
 */
static int addr_rw_line(struct parse_ctx *c, const char **pp, struct trace_rec *out)
{
	const char *p = skip_ws(*pp), *next;
	uint64_t addr;
	bool big = false;
	enum access_op op;

	next = blank_line(p);
	if (next != NULL) {
		*pp = next;
		return 0;
	}
	if (p[0] == '0' && (p[1] == 'x' || p[1] == 'X') && HEXV(p + 2))
		p += 2;
	if (scan_hex(&p, &addr, &big) == 0 || !IS_WS(*p))
		return parse_refuse(c, PARSE_BAD, "expected a hex address, a space and R or W");
	p = skip_ws(p);
	switch (*p) {
	case 'R':
	case 'r':
		op = OP_READ;
		break;
	case 'W':
	case 'w':
		op = OP_WRITE;
		break;
	default:
		return parse_refuse(c, PARSE_BAD, "expected R or W after the address");
	}
	next = rest_is_eol(p + 1, true);
	if (next == NULL)
		return parse_refuse(c, PARSE_BAD, "unexpected text after '%c'", *p);
	if (big)
		return parse_refuse(c, PARSE_RANGE, "address does not fit in 64 bits");
	if (!in_range(c, addr, 1) && !fold_canonical(c, &addr, 1))
		return refuse_range(c, addr, 1);
	put_rec(out, addr, 1, 1, op);
	*pp = next;
	return 1;
}

/* The token at p, for a message, into out (room for 4 * 24 + 1 bytes):
 * its first byte, then up to a blank, a comma or the line's end, at most
 * 24 bytes, each byte that is not printable ASCII as \xNN; returns out. */
static const char *pages_token(const char *p, char *out)
{
	size_t k = 0;

	for (int n = 0; n < 24 && p[n] != '\n' && (n == 0 || (p[n] != '\r' && p[n] != ',' && p[n] != ' ' &&
								 p[n] != '\t')); n++) {
		const unsigned char c = (unsigned char)p[n];

		if (c >= 0x20 && c < 0x7f)
			out[k++] = (char)c;
		else
			k += (size_t)sprintf(out + k, "\\x%02x", c);
	}
	out[k] = '\0';
	return out;
}

/* The access a page number's optional suffix marks ("3w" a write, "3r" or
 * "3" a read; either case), moving *q past the suffix. */
static inline enum access_op pages_suffix(const char **q)
{
	char ch = **q;

	if (ch == 'w' || ch == 'W') {
		(*q)++;
		return OP_WRITE;
	}
	if (ch == 'r' || ch == 'R')
		(*q)++;
	return OP_READ;
}

/*
 * pages: decimal page numbers separated by spaces and/or commas ("7 0 1",
 * "7,0,1", "7, 0, 1,"), each optionally marked as a write ("3w") or a read
 * ("3r"); blank and '#' lines are ignored. A line is checked
 * whole before any of it is decoded, so a refused line yields nothing.
 * Returns the number of page numbers on the line (0 for a blank one) and
 * sets *first to the first of them (or past the line when there are none).
 */
static int pages_check_line(struct parse_ctx *c, const char *p, const char **first)
{
	const char *q = skip_ws(p), *next;
	int count = 0;

	next = blank_line(q);
	if (next != NULL) {
		*first = next;
		return 0;
	}
	*first = q;
	for (;;) {
		const char *after;
		char token[4 * 24 + 1];
		uint64_t page;
		bool big = false, comma = false, sep;

		if (scan_dec(&q, &page, &big) == 0)
			return parse_refuse(c, PARSE_BAD, "expected a decimal page number, got \"%s\"",
					    pages_token(q, token));
		if (big)
			return parse_refuse(c, PARSE_RANGE, "page number does not fit in 64 bits");
		if (page > c->page_max)
			return parse_refuse(c, PARSE_RANGE,
					    "page %" PRIu64 " is beyond the %u-bit virtual address space"
					    " (pages of %" PRIu64 " bytes)",
					    page, c->va_bits, UINT64_C(1) << c->page_shift);
		count++;
		pages_suffix(&q);
		after = skip_ws(q);
		if (*after == ',') {
			comma = true;
			after = skip_ws(after + 1);
		}
		sep = after > q;
		if (*after == '\n' || (*after == '\r' && after[1] == '\n') || (*after == '#' && sep))
			return count;
		if (comma && !IS_DIGIT(*after))
			return parse_refuse(c, PARSE_BAD, "expected a decimal page number, got \"%s\"",
					    pages_token(after, token));
		if (!sep || !IS_DIGIT(*after)) {
			const char *bad = sep ? after : q;

			return parse_refuse(c, PARSE_BAD,
					    "expected page numbers separated by spaces or commas, got \"%s\"",
					    pages_token(bad, token));
		}
		q = after;
	}
}

/*
 * native: after the "pagesim-trace 1" header, "R|W|X|M ADDR [SIZE] [pid=N]",
 * "process N" and event lines; blank lines and comments are ignored.
 */

/* Scan "pid=N" or "process N"'s N: 1..2^32-1. Returns false if absent or
 * out of range. */
static bool scan_pid(const char **pp, uint32_t *pid)
{
	uint64_t v;
	bool big = false;

	if (scan_dec(pp, &v, &big) == 0 || big || v == 0 || v > PID_MAX)
		return false;
	*pid = (uint32_t)v;
	return true;
}

/* The header line at p: "pagesim-trace 1". Any problem with it is fatal. */
static int native_header(struct parse_ctx *c, const char **pp, const char *p)
{
	const char *digits, *next;
	uint64_t version;
	bool big = false;
	unsigned n;

	p = skip_ws(p + strlen("pagesim-trace"));
	digits = p;
	n = scan_dec(&p, &version, &big);
	next = rest_is_eol(p, true);
	if (n == 0 || next == NULL)
		return parse_refuse(c, PARSE_FATAL, "expected the header 'pagesim-trace 1'");
	if (big || version != 1)
		return parse_refuse(c, PARSE_FATAL,
				    "unsupported native trace version %.*s (this pagesim reads version 1)",
				    n > 40 ? 40 : (int)n, digits);
	c->header_seen = true;
	*pp = next;
	return 0;
}

/*
 * Event lines ("segment", "mmap", "munmap", "mprotect", "brk", "fork", "exit"). They
 * are rare, so they are split into blank-separated fields first and then
 * read field by field, for clear messages rather than speed. What the
 * fields say is then checked by trace_event_check(), the rules every
 * reader shares, and the event goes into the table.
 */
#define EV_FIELDS 10 /* the longest event line has 8 */
#define EV_SHOW 40   /* at most this much of a field in a message */

struct ev_field {
	const char *p;
	size_t len;
};

/* Refuse an event line (skippable): set the message, return false. */
static bool __attribute__((format(printf, 2, 3), noinline, cold))
ev_bad(struct parse_ctx *c, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(c->why, sizeof c->why, fmt, ap);
	va_end(ap);
	c->status = PARSE_BAD;
	return false;
}

/* Split the line at p into fields: runs of characters other than blanks
 * and the line ending. A field after the first that starts with '#' starts
 * a comment, which ends the line. Stores the first EV_FIELDS fields in f
 * and returns how many there are (all counted); sets *next past the '\n'. */
static size_t ev_split(const char *p, struct ev_field *f, const char **next)
{
	size_t n = 0;

	for (;;) {
		const char *q = skip_ws(p), *start = q;

		if (*q == '\n' || (*q == '\r' && q[1] == '\n') || (*q == '#' && n > 0 && q > p)) {
			*next = past_eol(q);
			return n;
		}
		while (!IS_WS(*q) && *q != '\n' && !(*q == '\r' && q[1] == '\n'))
			q++;
		if (n < EV_FIELDS)
			f[n] = (struct ev_field){start, (size_t)(q - start)};
		n++;
		p = q;
	}
}

/* The length of f to show in a message, and whether it is cut. */
#define EV_FMT "'%.*s%s'"
#define EV_ARG(f) (int)((f)->len > EV_SHOW ? EV_SHOW : (f)->len), (f)->p, (f)->len > EV_SHOW ? "..." : ""

/* Does field f say exactly w? */
static bool ev_is(const struct ev_field *f, const char *w)
{
	size_t n = strlen(w);

	return f->len == n && memcmp(f->p, w, n) == 0;
}

/* Does field f start with key (such as "file=")? Then set *value to the rest. */
static bool ev_key(const struct ev_field *f, const char *key, struct ev_field *value)
{
	size_t n = strlen(key);

	if (f->len < n || memcmp(f->p, key, n) != 0)
		return false;
	*value = (struct ev_field){f->p + n, f->len - n};
	return true;
}

/* Field f as a number (0x-hex or decimal) called what. */
static bool ev_number(struct parse_ctx *c, const struct ev_field *f, const char *what, uint64_t *v)
{
	const char *p = f->p;
	bool big = false;

	if (f->len == 0 || scan_native_num(&p, v, &big) == 0 || p != f->p + f->len)
		return ev_bad(c, "expected %s as a number (0x-hex or decimal), got " EV_FMT, what, EV_ARG(f));
	if (big)
		return ev_bad(c, "%s does not fit in 64 bits", what);
	return true;
}

/* Field f as a pid called what: 1..2^32-1, decimal. */
static bool ev_pid(struct parse_ctx *c, const struct ev_field *f, const char *what, uint32_t *pid)
{
	const char *p = f->p;

	if (!scan_pid(&p, pid) || p != f->p + f->len)
		return ev_bad(c, "expected %s as a pid in 1..4294967295, got " EV_FMT, what, EV_ARG(f));
	return true;
}

/* Field f as PROT: "[r-][w-][x-]". */
static bool ev_prot(struct parse_ctx *c, const struct ev_field *f, uint8_t *prot)
{
	if (f->len != 3 || (f->p[0] != 'r' && f->p[0] != '-') || (f->p[1] != 'w' && f->p[1] != '-') ||
	    (f->p[2] != 'x' && f->p[2] != '-'))
		return ev_bad(c, "expected PROT as three characters [r-][w-][x-] such as r-x, got " EV_FMT,
			      EV_ARG(f));
	*prot = (uint8_t)((f->p[0] == 'r' ? EV_PROT_R : 0) | (f->p[1] == 'w' ? EV_PROT_W : 0) |
			  (f->p[2] == 'x' ? EV_PROT_X : 0));
	return true;
}

/* The file of "file=F" (field value, the part after '=') into buf
 * (TRACE_EVENT_FILE_MAX + 1 bytes). */
static bool ev_file(struct parse_ctx *c, const struct ev_field *value, char *buf)
{
	if (value->len == 0)
		return ev_bad(c, "expected a file name after 'file='");
	if (value->len > TRACE_EVENT_FILE_MAX)
		return ev_bad(c, "file name is longer than %d characters", TRACE_EVENT_FILE_MAX);
	memcpy(buf, value->p, value->len);
	buf[value->len] = '\0';
	return true;
}

/* "file=F [offset=O]" at f[i..n): fill ev's file (into buf) and offset. Returns
 * the index past what it read, or 0 after refusing. */
static size_t ev_file_backing(struct parse_ctx *c, const struct ev_field *f, size_t i, size_t n,
			      struct trace_event *ev, char *buf)
{
	struct ev_field value;

	if (!ev_key(&f[i], "file=", &value) || !ev_file(c, &value, buf))
		return 0;
	ev->backing = BACK_FILE;
	ev->file = buf;
	i++;
	if (i < n && ev_key(&f[i], "offset=", &value)) {
		if (!ev_number(c, &value, "offset O", &ev->offset))
			return 0;
		i++;
	}
	return i;
}

/* Refuse a line of fields f that ends after field i - 1, with more fields
 * (the choices of what may follow are in expect). */
static bool ev_extra(struct parse_ctx *c, const struct ev_field *f, size_t i, const char *expect)
{
	return ev_bad(c, "expected %s after " EV_FMT ", got " EV_FMT, expect, EV_ARG(&f[i - 1]),
		      EV_ARG(&f[i]));
}

/* "segment NAME ADDR LEN PROT BACKING" in fields f[0..n). */
static bool ev_segment(struct parse_ctx *c, const struct ev_field *f, size_t n, struct trace_event *ev,
		       char *name, char *file)
{
	static const char *const parts[] = {"NAME", "ADDR", "LEN", "PROT", "BACKING"};
	struct ev_field value;
	size_t i;

	if (n < 6)
		return ev_bad(c,
			      "expected %s ('segment NAME ADDR LEN PROT BACKING', BACKING: file=F"
			      " [offset=O], zero, anon or stack [max=M])",
			      parts[n - 1]);
	if (f[1].len > TRACE_EVENT_NAME_MAX)
		return ev_bad(c, "segment name is longer than %d characters", TRACE_EVENT_NAME_MAX);
	memcpy(name, f[1].p, f[1].len);
	name[f[1].len] = '\0';
	ev->name = name;
	if (!ev_number(c, &f[2], "ADDR", &ev->addr) || !ev_number(c, &f[3], "LEN", &ev->len) ||
	    !ev_prot(c, &f[4], &ev->prot))
		return false;
	if (ev_is(&f[5], "zero") || ev_is(&f[5], "anon")) {
		ev->backing = BACK_ZERO;
		i = 6;
		if (i < n)
			return ev_extra(c, f, i, "the end of the line");
	} else if (ev_is(&f[5], "stack")) {
		ev->backing = BACK_STACK;
		i = 6;
		if (i < n && ev_key(&f[i], "max=", &value)) {
			if (!ev_number(c, &value, "max M", &ev->max))
				return false;
			i++;
		}
		if (i < n)
			return ev_extra(c, f, i,
					i == 6 ? "max=M or the end of the line" : "the end of the line");
	} else if (f[5].len >= 5 && memcmp(f[5].p, "file=", 5) == 0) {
		if ((i = ev_file_backing(c, f, 5, n, ev, file)) == 0)
			return false;
		if (i < n)
			return ev_extra(c, f, i,
					i == 6 ? "offset=O or the end of the line" : "the end of the line");
	} else {
		return ev_bad(c,
			      "expected BACKING: file=F [offset=O], zero, anon or stack [max=M], got " EV_FMT,
			      EV_ARG(&f[5]));
	}
	return true;
}

/* "mmap ADDR LEN PROT shared|private file=F [offset=O]" or
 * "mmap ADDR LEN PROT [private] anon" in fields f[0..n). */
static bool ev_mmap(struct parse_ctx *c, const struct ev_field *f, size_t n, struct trace_event *ev,
		    char *file)
{
	static const char *const parts[] = {"ADDR", "LEN", "PROT", "shared, private or anon"};
	size_t i = 5;

	if (n < 5)
		return ev_bad(c,
			      "expected %s ('mmap ADDR LEN PROT shared|private file=F [offset=O]' or"
			      " 'mmap ADDR LEN PROT anon')",
			      parts[n - 1]);
	if (!ev_number(c, &f[1], "ADDR", &ev->addr) || !ev_number(c, &f[2], "LEN", &ev->len) ||
	    !ev_prot(c, &f[3], &ev->prot))
		return false;
	if (ev_is(&f[4], "anon")) {
		ev->backing = BACK_ZERO;
	} else if (ev_is(&f[4], "shared") || ev_is(&f[4], "private")) {
		bool shared = f[4].p[0] == 's';
		const char *choices = shared ? "file=F" : "file=F or anon";

		if (n < 6)
			return ev_bad(c, "expected %s after '%s'", choices, shared ? "shared" : "private");
		ev->shared = shared;
		if (ev_is(&f[5], "anon")) {
			if (shared)
				return ev_bad(c, "'shared anon' mappings are not modeled (map a file shared,"
						 " or use anon)");
			ev->backing = BACK_ZERO;
			i = 6;
		} else if (f[5].len >= 5 && memcmp(f[5].p, "file=", 5) == 0) {
			if ((i = ev_file_backing(c, f, 5, n, ev, file)) == 0)
				return false;
			if (i < n)
				return ev_extra(c, f, i,
						i == 6 ? "offset=O or the end of the line"
						       : "the end of the line");
		} else {
			return ev_bad(c, "expected %s after '%s', got " EV_FMT, choices,
				      shared ? "shared" : "private", EV_ARG(&f[5]));
		}
	} else {
		return ev_bad(c, "expected shared, private or anon after PROT, got " EV_FMT, EV_ARG(&f[4]));
	}
	if (i < n)
		return ev_extra(c, f, i, "the end of the line");
	return true;
}

/* The event line at p, whose first word is keyword kind: decode it into
 * the event table and one placeholder record at out. Returns 1 and moves
 * *pp past the line, or returns -1. */
static int native_event(struct parse_ctx *c, const char **pp, const char *p, enum trace_event_kind kind,
			struct trace_rec *out)
{
	struct ev_field f[EV_FIELDS];
	const char *next;
	size_t n = ev_split(p, f, &next);
	char name[TRACE_EVENT_NAME_MAX + 1], file[TRACE_EVENT_FILE_MAX + 1], why[sizeof c->why];
	struct trace_event ev = {.kind = (uint8_t)kind, .pid = c->pid, .line = c->line + 1};
	size_t want = 0; /* the fields of the fixed-length kinds */
	const char *usage = NULL, *const *parts = NULL;
	bool ok;
	uint64_t index;

	switch (kind) {
	case EV_SEGMENT:
		ok = ev_segment(c, f, n, &ev, name, file);
		break;
	case EV_MMAP:
		ok = ev_mmap(c, f, n, &ev, file);
		break;
	case EV_MUNMAP: {
		static const char *const p_munmap[] = {"ADDR", "LEN"};

		want = 3, usage = "'munmap ADDR LEN'", parts = p_munmap;
		ok =
		    n >= want && ev_number(c, &f[1], "ADDR", &ev.addr) && ev_number(c, &f[2], "LEN", &ev.len);
		break;
	}
	case EV_MPROTECT: {
		static const char *const p_mprotect[] = {"ADDR", "LEN", "PROT"};

		want = 4, usage = "'mprotect ADDR LEN PROT'", parts = p_mprotect;
		ok = n >= want && ev_number(c, &f[1], "ADDR", &ev.addr) && ev_number(c, &f[2], "LEN", &ev.len) &&
		     ev_prot(c, &f[3], &ev.prot);
		break;
	}
	case EV_BRK: {
		static const char *const p_brk[] = {"ADDR"};

		want = 2, usage = "'brk ADDR'", parts = p_brk;
		ok = n >= want && ev_number(c, &f[1], "ADDR", &ev.addr);
		break;
	}
	case EV_FORK: {
		static const char *const p_fork[] = {"PARENT", "CHILD"};

		want = 3, usage = "'fork PARENT CHILD'", parts = p_fork;
		ok = n >= want && ev_pid(c, &f[1], "PARENT", &ev.pid) && ev_pid(c, &f[2], "CHILD", &ev.child);
		break;
	}
	case EV_EXIT:
	default: {
		static const char *const p_exit[] = {"PID"};

		want = 2, usage = "'exit PID'", parts = p_exit;
		ok = n >= want && ev_pid(c, &f[1], "PID", &ev.pid);
		break;
	}
	}
	if (usage != NULL && n < want)
		return parse_refuse(c, PARSE_BAD, "expected %s (%s)", parts[n - 1], usage);
	if (!ok)
		return -1;
	if (usage != NULL && n > want) {
		ev_extra(c, f, want, "the end of the line");
		return -1;
	}
	if (!trace_event_check(&ev, c->va_bits, c->page_shift, why, sizeof why))
		return parse_refuse(c, PARSE_BAD, "%s", why);
	assert(c->events != NULL && "native_event: no event table");
	index = trace_events_add(c->events, &ev);
	if (index == UINT64_MAX)
		return parse_refuse(c, PARSE_FATAL,
				    "out of memory for the trace's events (%" PRIu64 " of them)",
				    trace_events_count(c->events));
	out->addr = index;
	out->pid = ev.pid;
	out->size = 0;
	out->op = OP_EVENT;
	out->flags = (uint8_t)kind;
	*pp = next;
	return 1;
}

/* A native line that is not an access: the header, "process N", an event,
 * or a refused line. Returns the records written to out (0 or 1) and moves
 * *pp past the line, or returns -1. */
static int native_other(struct parse_ctx *c, const char **pp, const char *p, struct trace_rec *out)
{
	const char *next;

	if (word_is(p, "pagesim-trace"))
		return native_header(c, pp, p);
	if (!c->header_seen)
		return parse_refuse(c, PARSE_FATAL,
				    "expected the header 'pagesim-trace 1' before anything else");
	if (word_is(p, "process")) {
		uint32_t pid;

		p = skip_ws(p + strlen("process"));
		if (!scan_pid(&p, &pid) || (next = rest_is_eol(p, true)) == NULL)
			return parse_refuse(c, PARSE_BAD, "expected 'process N' with N in 1..4294967295");
		c->pid = pid;
		*pp = next;
		return 0;
	}
	for (unsigned kind = EV_SEGMENT; kind <= EV_LAST; kind++)
		if (word_is(p, trace_event_kind_name(kind)))
			return native_event(c, pp, p, (enum trace_event_kind)kind, out);
	/* A one-letter field is taken for a mistyped access. */
	if (IS_WS(p[1]) || p[1] == '\r' || p[1] == '\n')
		return parse_refuse(c, PARSE_BAD, "expected R, W, X, M or process");
	return parse_refuse(c, PARSE_BAD,
			    "expected R, W, X, M, process, segment, mmap, munmap, mprotect, brk, fork or exit");
}

/* A native line: an access yields 1 record (2 for M) with the current
 * process or its own pid=; the rest goes to native_other(). */
static int native_line(struct parse_ctx *c, const char **pp, struct trace_rec *out)
{
	const char *p = skip_ws(*pp), *q, *next;
	uint64_t addr, size = 1;
	uint32_t pid = c->pid;
	bool big = false;
	enum access_op op;
	int nrec = 1;

	next = blank_line(p);
	if (next != NULL) {
		*pp = next;
		return 0;
	}
	if (!c->header_seen || !(IS_WS(p[1]) || p[1] == '\r' || p[1] == '\n'))
		return native_other(c, pp, p, out);
	switch (*p) {
	case 'R':
		op = OP_READ;
		break;
	case 'W':
		op = OP_WRITE;
		break;
	case 'X':
		op = OP_FETCH;
		break;
	case 'M':
		op = OP_READ;
		nrec = 2;
		break;
	default:
		return native_other(c, pp, p, out);
	}
	p = skip_ws(p + 1);
	if (scan_native_num(&p, &addr, &big) == 0)
		return parse_refuse(c, PARSE_BAD, "expected an address (0x-hex or decimal) after '%c'",
				    *skip_ws(*pp));
	if (big)
		return parse_refuse(c, PARSE_RANGE, "address does not fit in 64 bits");
	q = skip_ws(p);
	if (q > p && IS_DIGIT(*q)) {
		p = q;
		if (scan_native_num(&p, &size, &big) == 0 || big || size == 0 || size > SIZE_MAX_REC)
			return parse_refuse(c, PARSE_BAD, "size must be 1..65535");
		q = skip_ws(p);
	}
	if (q > p && strncmp(q, "pid=", 4) == 0) {
		p = q + 4;
		if (!scan_pid(&p, &pid))
			return parse_refuse(c, PARSE_BAD, "pid must be 1..4294967295");
	}
	next = rest_is_eol(p, true);
	if (next == NULL)
		return parse_refuse(c, PARSE_BAD, "expected SIZE, pid=N or the end of the line");
	if (!in_range(c, addr, (unsigned)size) && !fold_canonical(c, &addr, (unsigned)size))
		return refuse_range(c, addr, (unsigned)size);
	put_rec(&out[0], addr, pid, (unsigned)size, op);
	if (nrec == 2)
		put_rec(&out[1], addr, pid, (unsigned)size, OP_WRITE);
	*pp = next;
	return nrec;
}

/*
 * The batch loops. Each keeps the cursor and line count in locals and
 * writes them back once.
 */
/* The line grammars batch_lines reads. */
enum line_grammar {
	LINES_LACKEY,	      /* lackey_usual, then lackey_line for what it leaves */
	LINES_LACKEY_GENERAL, /* lackey_line only (parse_ctx.general_only) */
	LINES_ADDR_RW,
	LINES_NATIVE,
};

/* One line of grammar g at *pp, as its line function reads it; end is the
 * end of the complete lines. A switch rather than a function pointer:
 * with g constant it folds away, and no compiler is asked to inline a
 * call through a pointer. */
static inline __attribute__((always_inline)) int read_line(enum line_grammar g, struct parse_ctx *c,
							     const char **pp, const char *end, struct trace_rec *out)
{
	switch (g) {
	case LINES_LACKEY: {
#ifdef LACKEY_USUAL
		int k = lackey_usual(c, pp, end, out);

		if (k > 0)
			return k;
#else
		(void)end;
#endif
		return lackey_line(c, pp, out);
	}
	case LINES_LACKEY_GENERAL:
		return lackey_line(c, pp, out);
	case LINES_ADDR_RW:
		return addr_rw_line(c, pp, out);
	case LINES_NATIVE:
		break;
	}
	return native_line(c, pp, out);
}

/* Lines of grammar g, one or two records each (addr-rw: one). For native,
 * c->line is kept current for the line function (events record their
 * line). */
static inline size_t batch_lines(struct parse_ctx *c, const char **pp, const char *end, struct trace_rec *out,
				 uint64_t *lines, size_t room, enum line_grammar g)
{
	const size_t most_per_line = g == LINES_ADDR_RW ? 1 : 2;
	const char *p = *pp;
	uint64_t line = c->line;
	size_t n = 0;

	while (p < end && room - n >= most_per_line) {
		int k;

		if (g == LINES_NATIVE)
			c->line = line;
		k = read_line(g, c, &p, end, out + n);
		if (k < 0)
			break;
		/* Both of the most a line yields (there is room for them): one
		 * store each, no loop; a slot past the line's records is
		 * written again by the next line. */
		if (lines != NULL) {
			lines[n] = line + 1;
			if (most_per_line == 2)
				lines[n + 1] = line + 1;
		}
		n += (size_t)k;
		line++;
	}
	*pp = p;
	c->line = line;
	return n;
}

/* Page numbers: a line may hold any number of them, so the cursor may stop
 * inside a line (c->in_line) and resume there on the next call. */
static size_t batch_pages(struct parse_ctx *c, const char **pp, const char *end, struct trace_rec *out,
			  uint64_t *lines, size_t room)
{
	const char *p = *pp;
	size_t n = 0;

	while (p < end && n < room) {
		uint64_t page = 0;

		if (!c->in_line) {
			const char *first;
			int k = pages_check_line(c, p, &first);

			if (k < 0)
				break;
			p = first;
			if (k == 0) {
				c->line++;
				continue;
			}
			c->in_line = true;
		}
		while (IS_DIGIT(*p))
			page = page * 10 + (uint64_t)(*p++ - '0');
		if (lines != NULL)
			lines[n] = c->line + 1;
		put_rec(&out[n++], page << c->page_shift, 1, 1, pages_suffix(&p));
		while (IS_WS(*p) || *p == ',')
			p++;
		if (!IS_DIGIT(*p)) {
			p = past_eol(p);
			c->line++;
			c->in_line = false;
		}
	}
	*pp = p;
	return n;
}

size_t trace_parse_batch(struct parse_ctx *c, const char **pp, const char *end, struct trace_rec *out,
			 uint64_t *lines, size_t room)
{
	c->status = PARSE_OK;
	switch (c->format) {
	case TRACE_LACKEY:
		if (c->general_only)
			return batch_lines(c, pp, end, out, lines, room, LINES_LACKEY_GENERAL);
		return batch_lines(c, pp, end, out, lines, room, LINES_LACKEY);
	case TRACE_ADDR_RW:
		return batch_lines(c, pp, end, out, lines, room, LINES_ADDR_RW);
	case TRACE_NATIVE:
		return batch_lines(c, pp, end, out, lines, room, LINES_NATIVE);
	case TRACE_PAGES:
		return batch_pages(c, pp, end, out, lines, room);
	case TRACE_AUTO:
	case TRACE_BINARY: /* decoded by trace.c, not by lines */
		break;
	}
	return 0;
}

void trace_parse_skip_line(struct parse_ctx *c, const char **pp, const char *end)
{
	const char *nl = memchr(*pp, '\n', (size_t)(end - *pp));

	*pp = nl != NULL ? nl + 1 : end;
	c->line++;
	c->in_line = false;
	c->status = PARSE_OK;
}

/* Does the line at p have the shape of format f? An address out of range
 * still counts: only the shape matters here. */
static bool detect_shape(enum trace_format f, const char *p)
{
	struct parse_ctx c;
	struct trace_rec tmp[2];
	const char *q = p;
	int k;

	trace_parse_init(&c, f, 64, 0);
	c.header_seen = true;
	switch (f) {
	case TRACE_LACKEY:
		k = lackey_line(&c, &q, tmp);
		break;
	case TRACE_ADDR_RW:
		k = addr_rw_line(&c, &q, tmp);
		break;
	case TRACE_PAGES:
		k = pages_check_line(&c, p, &q);
		break;
	default:
		return false;
	}
	return k >= 0 || c.status == PARSE_RANGE;
}

enum trace_format trace_parse_detect(const char *p, const char *end, unsigned max_lines)
{
	static const enum trace_format candidates[] = {
	    TRACE_LACKEY,
	    TRACE_ADDR_RW,
	    TRACE_PAGES,
	};
	unsigned votes[3] = {0, 0, 0}, seen = 0, best = 0;

	while (p < end && seen < max_lines) {
		const char *q = skip_ws(p);
		const char *nl = memchr(p, '\n', (size_t)(end - p));

		if (nl == NULL)
			break;
		p = nl + 1;
		if (blank_line(q) != NULL)
			continue;
		if (seen++ == 0 && word_is(q, "pagesim-trace"))
			return TRACE_NATIVE;
		if (valgrind_message(q)) {
			votes[0]++;
			continue;
		}
		for (unsigned i = 0; i < 3; i++)
			if (detect_shape(candidates[i], q)) {
				votes[i]++;
				break;
			}
	}
	if (seen == 0)
		return TRACE_LACKEY; /* nothing to go by: any format reads it as empty */
	for (unsigned i = 1; i < 3; i++)
		if (votes[i] > votes[best])
			best = i;
	if (votes[best] == 0 || votes[best] * 2 < seen)
		return TRACE_AUTO;
	return candidates[best];
}
