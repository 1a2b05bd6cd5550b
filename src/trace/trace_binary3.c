/*
 * trace_binary3.c - the record coding of binary trace version 3.
 *
 * Design. A version-2 record is 16 bytes, but consecutive records of a
 * real program say little that is new: the next instruction fetch starts
 * where the last one ended, the pid rarely changes, sizes are small, and a
 * data access lands near the last one. Version 3 codes each record against
 * a small state both sides keep (struct trace_binary3_state):
 *
 *   tag byte  op:2 (bits 0-1)  size:4 (bits 2-5)  P (bit 6)  D (bit 7)
 *     op 0..2  an access: size 1..15 in the tag, or 0 and a varint size;
 *              P: a varint pid follows, else the last access's pid;
 *              D: a zigzag varint delta follows, else delta 0; the address
 *              is the prediction of its stream (data: ops 0-1, fetch: op 2)
 *              plus the delta, and the prediction becomes address + size.
 *              The varints come in that order: size, pid, delta.
 *     0x03     a verbatim record: its 16 version-2 bytes follow (events and
 *              their payloads, anything the access coding cannot say);
 *              it leaves the state alone.
 *     0x07 | c << 3 (c = 1..31)  a run: c more copies of the last access;
 *     0x07     then a varint c = 1..1024: the same, c from the varint.
 *     any other tag with op 3 is reserved (refused).
 *
 * Varints are LEB128 (7 bits a byte, low first, at most 10 bytes); zigzag
 * maps 0, -1, 1, -2 ... to 0, 1, 2, 3 .... So a sequential fetch of a
 * known size and pid is one byte, and a run of 1,000 identical accesses
 * is three.
 *
 Decoding is one loop over whole records; every byte read is checked
 * against the end of the bytes given, and a record that ends past them
 * is left for the next call, with the state as before it (the state
 * changes only once a record is whole). A varint longer than 10 bytes or a value out of its
 * field's range (size 65535, pid 2^32 - 1) is corrupt; every value in
 * range is decoded, and the validation of version 2 then refuses what no
 * trace may hold (size 0, pid 0, an address beyond the space). A run is
 * at most 1,024 records, so the output is at most 512 records a byte of
 * input: any input decodes in time linear in its size.
 */
#include "config.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "trace/trace_binary.h"
#include "trace/trace_binary3.h"

enum {
	TAG_VERBATIM = 0x03,
	TAG_RUN = 0x07,
	TAG_PID = 0x40,
	TAG_DELTA = 0x80,
	RUN_INLINE_MAX = 31,
};

#define CUT SIZE_MAX /* a decoder's answer: the record runs past the bytes given */

/* The varint at p, before end, into *v; returns its length, 0 past 10
 * bytes or 64 bits, or CUT if end comes first. */
static size_t get_varint(const unsigned char *p, const unsigned char *end, uint64_t *v)
{
	uint64_t x = 0;

	for (unsigned i = 0; i < 10; i++) {
		if (p + i >= end)
			return CUT;
		x |= (uint64_t)(p[i] & 0x7f) << (7 * i);
		if (!(p[i] & 0x80)) {
			if (i == 9 && p[i] > 1)
				return 0;
			*v = x;
			return i + 1;
		}
	}
	return 0;
}

/* Write v as a varint at p; returns its length. */
static size_t put_varint(unsigned char *p, uint64_t v)
{
	size_t k = 0;

	while (v >= 0x80) {
		p[k++] = (unsigned char)(v | 0x80);
		v >>= 7;
	}
	p[k++] = (unsigned char)v;
	return k;
}

/* A varint field at p + *k, before end, at most max: advances *k and
 * returns true, or returns false with *k = 0 (corrupt) or CUT. */
static bool get_field(const unsigned char *p, const unsigned char *end, size_t *k, uint64_t max, uint64_t *v)
{
	size_t len = get_varint(p + *k, end, v);

	if (len == CUT || len == 0 || *v > max) {
		*k = len == CUT ? CUT : 0;
		return false;
	}
	*k += len;
	return true;
}

/* Decode the access whose tag is p[0], before end, into *rec and st.
 * Returns its length, CUT (st untouched), or 0 with why set. */
static size_t decode_access(struct trace_binary3_state *st, const unsigned char *p, const unsigned char *end,
			    struct trace_rec *rec, char *why, size_t why_len)
{
	const unsigned tag = p[0], op = tag & 3, stream = op == OP_FETCH;
	uint64_t size = (tag >> 2) & 15, pid = st->pid, delta = 0;
	size_t k = 1;

	if ((size == 0 && !get_field(p, end, &k, UINT16_MAX, &size)) ||
	    ((tag & TAG_PID) && !get_field(p, end, &k, UINT32_MAX, &pid)) ||
	    ((tag & TAG_DELTA) && !get_field(p, end, &k, UINT64_MAX, &delta))) {
		if (k == CUT)
			return CUT;
		snprintf(why, why_len, "corrupt version-3 record (tag 0x%02x): a field is over 10 bytes or out of range",
			 tag);
		return 0;
	}
	*rec = (struct trace_rec){
	    .addr = st->next_addr[stream] + ((delta >> 1) ^ -(delta & 1)),
	    .pid = (uint32_t)pid,
	    .size = (uint16_t)size,
	    .op = (uint8_t)op,
	};
	st->next_addr[stream] = rec->addr + rec->size;
	st->pid = (uint32_t)pid;
	st->last = *rec;
	return k;
}

/* Decode the record coded at p, before end (p < end): an access or a
 * verbatim record into *rec (*out = 1), or a run into st->run_left
 * (*out = 0). Returns its length, CUT (st untouched), or 0 with why set. */
static size_t decode_one(struct trace_binary3_state *st, const unsigned char *p, const unsigned char *end,
			 struct trace_rec *rec, size_t *out, char *why, size_t why_len)
{
	const unsigned tag = p[0];
	uint64_t count;
	size_t k = 1;

	*out = 1;
	if ((tag & 3) != 3)
		return decode_access(st, p, end, rec, why, why_len);
	if (tag == TAG_VERBATIM) {
		if (end - p < 1 + TRACE_BINARY_RECORD_SIZE)
			return CUT;
		trace_binary_get(p + 1, rec);
		return 1 + TRACE_BINARY_RECORD_SIZE;
	}
	*out = 0;
	if ((tag & 7) != TAG_RUN) {
		snprintf(why, why_len, "corrupt version-3 record: tag 0x%02x is reserved", tag);
		return 0;
	}
	count = tag >> 3;
	if (count == 0 && (!get_field(p, end, &k, TRACE_BINARY3_RUN_MAX, &count) || count == 0)) {
		if (k == CUT)
			return CUT;
		snprintf(why, why_len, "corrupt version-3 record: a run of other than 1..%d records",
			 TRACE_BINARY3_RUN_MAX);
		return 0;
	}
	st->run_left = (uint32_t)count;
	return k;
}

/* The field varint at *q, with at least 10 bytes readable, at most max:
 * into *v, advancing *q. False if corrupt. Most take one or two bytes. */
static inline bool fast_field(const unsigned char **q, uint64_t max, uint64_t *v)
{
	const unsigned char *p = *q;
	size_t len;

	if (p[0] < 0x80) {
		*v = p[0];
		*q += 1;
		return *v <= max;
	}
	if (p[1] < 0x80) {
		*v = (p[0] & 0x7fu) | (uint64_t)p[1] << 7;
		*q += 2;
		return *v <= max;
	}
#if TRACE_BINARY_HOST_IS_LE
	{
		/* 3 to 8 bytes (a far delta) without a loop: the end is the
		 * first byte below 0x80, and the 7-bit groups are packed in
		 * three mask-and-shift steps. */
		uint64_t x, ends;

		memcpy(&x, p, sizeof x);
		ends = ~x & UINT64_C(0x8080808080808080);
		if (ends != 0) {
			len = (size_t)__builtin_ctzll(ends) / 8 + 1;
			x &= UINT64_C(0x7f7f7f7f7f7f7f7f) >> (64 - 8 * len);
			x = (x & UINT64_C(0x007f007f007f007f)) | (x & UINT64_C(0x7f007f007f007f00)) >> 1;
			x = (x & UINT64_C(0x00003fff00003fff)) | (x & UINT64_C(0x3fff00003fff0000)) >> 2;
			x = (x & UINT64_C(0x000000000fffffff)) | (x & UINT64_C(0x0fffffff00000000)) >> 4;
			*v = x;
			*q += len;
			return x <= max;
		}
	}
#endif
	len = get_varint(*q, *q + 10, v);
	*q += len;
	return len != 0 && *v <= max;
}

/* The access tags that need no varint but maybe the delta (op 0..2, a
 * size in the tag, no pid): the record's bytes 8-15 less its pid (size
 * in bits 32-47, op in bits 48-55; see put_rec). 0 for every other tag. */
#define TAG_META(t) \
	(((t) & 3) == 3 || ((t) >> 2 & 15) == 0 || ((t) & TAG_PID) ? 0 \
	 : (uint64_t)((t) >> 2 & 15) << 32 | (uint64_t)((t) & 3) << 48)
#define TAG_META4(t) TAG_META(t), TAG_META((t) + 1), TAG_META((t) + 2), TAG_META((t) + 3)
#define TAG_META16(t) TAG_META4(t), TAG_META4((t) + 4), TAG_META4((t) + 8), TAG_META4((t) + 12)
#define TAG_META64(t) TAG_META16(t), TAG_META16((t) + 16), TAG_META16((t) + 32), TAG_META16((t) + 48)
static const uint64_t tag_meta[256] = { TAG_META64(0), TAG_META64(64), TAG_META64(128), TAG_META64(192) };

/* Store the access at addr whose bytes 8-15 are upper (pid in bits 0-31,
 * size in 32-47, op in 48-55, flags 0) as *rec: two stores where the
 * record's layout is the file's (TRACE_BINARY_HOST_IS_LE). */
static inline void put_rec(struct trace_rec *rec, uint64_t addr, uint64_t upper)
{
#if TRACE_BINARY_HOST_IS_LE
	memcpy(rec, &addr, sizeof addr);
	memcpy((unsigned char *)rec + 8, &upper, sizeof upper);
#else
	*rec = (struct trace_rec){
		.addr = addr, .pid = (uint32_t)upper, .size = (uint16_t)(upper >> 32), .op = (uint8_t)(upper >> 48)
	};
#endif
}

/* Decode the accesses at in[*pos..) into recs[n..max) and their repeat
 * marks into repeats[n..max) while at least TRACE_BINARY3_MAX_CODE bytes
 * remain, with the state in locals; stops before any other record, a
 * corrupt one included. Returns the new n. */
static inline __attribute__((always_inline)) size_t
decode_accesses(struct trace_binary3_state *st, const unsigned char *in, size_t len, size_t *pos,
		struct trace_rec *recs, uint8_t *repeats, size_t n, size_t max, struct trace_binary3_check *chk)
{
	const unsigned char *p = in + *pos, *const stop = in + len - TRACE_BINARY3_MAX_CODE;
	/* The state of each stream (0 data, 1 fetch) in registers, chosen by
	 * conditional moves: kept in an array indexed by the stream, each
	 * record's address would wait for the last one's through a store and
	 * a load. */
	uint64_t next0 = st->next_addr[0], next1 = st->next_addr[1];
	uint64_t last0 = chk->last[0], last1 = chk->last[1];
	const uint64_t page_mask = chk->page_mask;
	uint64_t pid = st->pid, span = 0;
	/* A batch's first record has no pid varint when it continues the
	 * last: check the pid it inherits. */
	uint32_t fields = ((uint32_t)pid - 1u) & ~(uint32_t)pid;
	const size_t first = n;

	if (len < TRACE_BINARY3_MAX_CODE)
		return n;
	/* Rounds of one bound each: a record takes a byte or more, so up to
	 * bound n stays below max, and the loop tests one pointer. */
	while (n < max && p <= stop) {
		const unsigned char *const bound = (size_t)(stop - p) < max - n ? stop : p + (max - n - 1);

		while (p <= bound) {
			const unsigned tag = *p;
			const unsigned char *q = p + 1;
			uint64_t meta = tag_meta[tag], delta = 0, new_pid = pid, addr, end;
			unsigned stream;

			/* The varints in their order: size, pid (both rare), delta. */
			if (__builtin_expect(meta == 0, 0)) {
				uint64_t size = (tag >> 2) & 15;

				if ((tag & 3) == 3)
					break;
				if ((size == 0 && !fast_field(&q, UINT16_MAX, &size)) ||
				    ((tag & TAG_PID) && !fast_field(&q, UINT32_MAX, &new_pid)))
					break;
				/* Version 1's validation of size and pid, folded in
				 * (trace_binary.c, block_has_bad): only a varint can
				 * make them 0. */
				fields |= ((uint32_t)size - 1u) |
					  (((uint32_t)new_pid - 1u) & ~(uint32_t)new_pid);
				if (new_pid != pid)
					last0 = last1 = UINT64_MAX;
				meta = size << 32 | (uint64_t)(tag & 3) << 48;
			}
			if ((tag & TAG_DELTA) && !fast_field(&q, UINT64_MAX, &delta))
				break;
			stream = (unsigned)(meta >> 49) & 1; /* op 2, a fetch */
			addr = (stream ? next1 : next0) + ((delta >> 1) ^ -(delta & 1));
			end = addr + (meta >> 32 & 0xffff); /* the next prediction */
			pid = new_pid;
			/* A repeat: one page (no wrap), that of its stream's last. */
			if (repeats != NULL) {
				const uint64_t last = stream ? last1 : last0;

				repeats[n] = (((addr ^ last) | (addr ^ (end - 1))) & page_mask) == 0;
			}
			next0 = stream ? next0 : end;
			next1 = stream ? end : next1;
			last0 = stream ? last0 : addr;
			last1 = stream ? addr : last1;
			put_rec(&recs[n++], addr, meta | pid);
			/* ... and of the range: op and flags are valid by construction.
			 * An access that wraps past 2^64 is caught here only below 64
			 * bits (its start lies beyond), so trace_binary3_all_valid
			 * says "look" for 64-bit addresses. */
			span |= addr | (end - 1);
			p = q;
		}
		if (p <= bound) /* stopped before another kind of record */
			break;
	}
	chk->span |= span;
	chk->fields |= fields;
	chk->last[0] = last0;
	chk->last[1] = last1;
	if (n > first) {
		st->next_addr[0] = next0;
		st->next_addr[1] = next1;
		st->pid = (uint32_t)pid;
		st->last = recs[n - 1];
	}
	*pos = (size_t)(p - in);
	return n;
}

size_t trace_binary3_decode(struct trace_binary3_state *st, const unsigned char *in, size_t len, size_t *used,
			    struct trace_rec *recs, uint8_t *repeats, size_t max, enum trace_binary3_stop *stop,
			    char *why, size_t why_len, struct trace_binary3_check *chk)
{
	const unsigned char *end = in + len;
	size_t n = 0, pos = 0;

	for (;;) {
		size_t k, out;

		while (st->run_left > 0 && n < max) {
			recs[n++] = st->last;
			st->run_left--;
			chk->unchecked = true;
		}
		/* The loop made twice, without the marks' code and with it. */
		if (repeats == NULL)
			n = decode_accesses(st, in, len, &pos, recs, NULL, n, max, chk);
		else
			n = decode_accesses(st, in, len, &pos, recs, repeats, n, max, chk);
		if (n == max || pos == len) {
			*stop = n == max ? BIN3_FULL : BIN3_MORE;
			break;
		}
		k = decode_one(st, in + pos, end, &recs[n], &out, why, why_len);
		if (k == 0 || k == CUT) {
			*stop = k == 0 ? BIN3_CORRUPT : BIN3_MORE;
			break;
		}
		pos += k;
		n += out;
		if (out > 0)
			chk->unchecked = true;
	}
	*used = pos;
	return n;
}

/* Write the pending run of st into out; returns the bytes written. */
size_t trace_binary3_flush(struct trace_binary3_state *st, unsigned char *out)
{
	size_t k = 0;

	if (st->run == 0)
		return 0;
	if (st->run <= RUN_INLINE_MAX) {
		out[k++] = (unsigned char)(TAG_RUN | st->run << 3);
	} else {
		out[k++] = TAG_RUN;
		k += put_varint(out + k, st->run);
	}
	st->run = 0;
	return k;
}

/* Code the access rec (op 0..2, flags 0) into out; returns the bytes. */
static size_t encode_access(struct trace_binary3_state *st, const struct trace_rec *rec, unsigned char *out)
{
	const unsigned stream = rec->op == OP_FETCH;
	const uint64_t delta = rec->addr - st->next_addr[stream];
	const uint64_t zigzag = (delta << 1) ^ -(delta >> 63);
	unsigned tag = rec->op;
	size_t k = 1;

	if (rec->size >= 1 && rec->size <= 15)
		tag |= (unsigned)rec->size << 2;
	else
		k += put_varint(out + k, rec->size);
	if (rec->pid != st->pid) {
		tag |= TAG_PID;
		k += put_varint(out + k, rec->pid);
	}
	if (delta != 0) {
		tag |= TAG_DELTA;
		k += put_varint(out + k, zigzag);
	}
	out[0] = (unsigned char)tag;
	st->next_addr[stream] = rec->addr + rec->size;
	st->pid = rec->pid;
	st->last = *rec;
	st->has_last = true;
	return k;
}

size_t trace_binary3_verbatim(struct trace_binary3_state *st, const struct trace_rec *rec, unsigned char *out)
{
	size_t k = trace_binary3_flush(st, out);

	out[k] = TAG_VERBATIM;
	trace_binary_put(rec, out + k + 1);
	return k + 1 + TRACE_BINARY_RECORD_SIZE;
}

size_t trace_binary3_encode(struct trace_binary3_state *st, const struct trace_rec *rec, unsigned char *out)
{
	size_t k;

	if (rec->op > OP_FETCH || rec->flags != 0)
		return trace_binary3_verbatim(st, rec, out);
	if (st->has_last && memcmp(rec, &st->last, sizeof *rec) == 0) {
		if (++st->run < TRACE_BINARY3_RUN_MAX)
			return 0;
		return trace_binary3_flush(st, out);
	}
	k = trace_binary3_flush(st, out);
	return k + encode_access(st, rec, out + k);
}
