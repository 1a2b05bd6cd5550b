/*
 * trace_binary.c - the binary trace format: header, records, validation
 * (the coding of version 3 is trace_binary3.c, the writer
 * trace_binary_writer.c).
 *
 * Design. The binary format exists so that replaying a trace costs no more
 * than reading memory. A record on disk is struct trace_rec itself, laid
 * out little-endian (addr u64 at 0, pid u32 at 8, size u16 at 12, op u8 at
 * 14, flags u8 at 15), so on a little-endian host decoding is a read into
 * the caller's array and nothing else; on a big-endian host each record is
 * reassembled from its bytes (trace_binary_get). The static assertions
 * below pin struct trace_rec to that layout, so the shortcut cannot break
 * silently; building with -DTRACE_BINARY_PORTABLE takes the big-endian
 * path on any host, to test it.
 *
 * Validation must not cost what parsing did: trace_binary_find_bad folds a
 * block of records into accumulators with a few ALU operations each and no
 * branches (block_has_bad says how), and tests them once per block; only a
 * block that holds a bad record is scanned again, record by record, to
 * find it.
 *
 * The header is versioned like the native format: a version only ever
 * adds things, and a reader refuses a version it does not know. Header
 * bytes past the fields a reader knows (header_size says how many there
 * are) and the reserved field may be ignored; a header flag bit may not,
 * so a reader refuses the bits it does not know.
 *
 * Events (version 2). An event does not fit in 16 bytes, so it is an
 * event record -- op 3, flags = its kind, pid = its process, size = the
 * number of payload records after it, addr 0 -- and then its payload:
 * 48 bytes of fixed fields and its two strings, zero-padded to whole
 * records (traces/FORMAT.md draws it). The event record keeps the shape of
 * an access record, so the validation above finds it as a "bad" record
 * at no cost to the accesses, and trace.c takes it from there. Events
 * are rare, so their payload is assembled byte by byte on every host.
 * The header flag TRACE_BINARY_FLAG_EVENTS says a file may hold events;
 * in a file without it an event record is refused like any unknown
 * operation, so readers and the sweep can trust a file without the flag
 * to hold accesses only.
 */
#include "config.h"

#include <assert.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "trace/trace_binary.h"

/* The file layout of a record is the host layout on little-endian hosts. */
static_assert(sizeof(struct trace_rec) == TRACE_BINARY_RECORD_SIZE, "trace_rec is 16 bytes");
static_assert(offsetof(struct trace_rec, addr) == 0, "addr at 0");
static_assert(offsetof(struct trace_rec, pid) == 8, "pid at 8");
static_assert(offsetof(struct trace_rec, size) == 12, "size at 12");
static_assert(offsetof(struct trace_rec, op) == 14, "op at 14");
static_assert(offsetof(struct trace_rec, flags) == 15, "flags at 15");

/* Header field offsets. */
enum {
	H_MAGIC = 0,
	H_VERSION = 8,
	H_HEADER_SIZE = 12,
	H_RECORD_SIZE = 16,
	H_FLAGS = 20,
	H_RESERVED = 24, /* u64, written as 0, ignored by readers */
};

/* Payload field offsets of an event (version 2). */
enum {
	P_ADDR = 0,
	P_LEN = 8,
	P_OFFSET = 16,
	P_MAX = 24,
	P_CHILD = 32,
	P_PROT = 36,
	P_BACKING = 37,
	P_SHARED = 38,
	P_NAME_LEN = 39,
	P_FILE_LEN = 40, /* u16 */
	P_RESERVED = 42, /* 6 bytes, 0 */
	P_STRINGS = TRACE_BINARY_EVENT_FIXED,
};

static uint32_t get32(const unsigned char *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static void put32(unsigned char *p, uint32_t v)
{
	for (int i = 0; i < 4; i++)
		p[i] = (unsigned char)(v >> (8 * i));
}

static uint64_t get64(const unsigned char *p)
{
	return (uint64_t)get32(p) | (uint64_t)get32(p + 4) << 32;
}

static void put64(unsigned char *p, uint64_t v)
{
	put32(p, (uint32_t)v);
	put32(p + 4, (uint32_t)(v >> 32));
}

bool trace_binary_sniff(const void *p, size_t n)
{
	return n >= TRACE_BINARY_MAGIC_LEN && memcmp(p, TRACE_BINARY_MAGIC, TRACE_BINARY_MAGIC_LEN) == 0;
}

size_t trace_binary_check_header(const void *p, size_t n, struct trace_binary_info *info, char *why,
				 size_t why_len)
{
	const unsigned char *h = p;
	uint32_t version, header_size, record_size, flags, known;

	if (n < H_VERSION + 4) {
		snprintf(why, why_len, "truncated binary trace header (%zu of %d bytes)", n,
			 TRACE_BINARY_HEADER_SIZE);
		return 0;
	}
	version = get32(h + H_VERSION);
	if (version < TRACE_BINARY_VERSION_MIN || version > TRACE_BINARY_VERSION) {
		snprintf(why, why_len,
			 "unsupported binary trace version %" PRIu32
			 " (this pagesim reads versions %d to %d)",
			 version, TRACE_BINARY_VERSION_MIN, TRACE_BINARY_VERSION);
		return 0;
	}
	if (n < TRACE_BINARY_HEADER_SIZE) {
		snprintf(why, why_len, "truncated binary trace header (%zu of %d bytes)", n,
			 TRACE_BINARY_HEADER_SIZE);
		return 0;
	}
	header_size = get32(h + H_HEADER_SIZE);
	record_size = get32(h + H_RECORD_SIZE);
	flags = get32(h + H_FLAGS);
	if (header_size < TRACE_BINARY_HEADER_SIZE || header_size > TRACE_BINARY_HEADER_MAX) {
		snprintf(why, why_len, "binary trace header size %" PRIu32 " is out of range (%d..%d bytes)",
			 header_size, TRACE_BINARY_HEADER_SIZE, TRACE_BINARY_HEADER_MAX);
		return 0;
	}
	if (n < header_size) {
		snprintf(why, why_len, "truncated binary trace header (%zu of %" PRIu32 " bytes)", n,
			 header_size);
		return 0;
	}
	if (record_size != TRACE_BINARY_RECORD_SIZE) {
		snprintf(why, why_len,
			 "binary trace record size %" PRIu32 " is not supported (version %" PRIu32
			 " records are %d bytes)",
			 record_size, version, TRACE_BINARY_RECORD_SIZE);
		return 0;
	}
	known = version >= 2 ? TRACE_BINARY_FLAG_EVENTS : 0;
	if (flags & ~known) {
		if (known == 0)
			snprintf(why, why_len,
				 "unknown binary trace header flags 0x%" PRIx32 " (version %" PRIu32
				 " defines none)",
				 flags, version);
		else
			snprintf(why, why_len,
				 "unknown binary trace header flags 0x%" PRIx32 " (version %" PRIu32
				 " defines 0x%x, may hold events)",
				 flags & ~known, version, TRACE_BINARY_FLAG_EVENTS);
		return 0;
	}
	if (info != NULL)
		*info = (struct trace_binary_info){.version = version, .flags = flags};
	return header_size;
}

void trace_binary_header(unsigned char out[TRACE_BINARY_HEADER_SIZE], unsigned version, uint32_t flags)
{
	memset(out, 0, TRACE_BINARY_HEADER_SIZE);
	memcpy(out + H_MAGIC, TRACE_BINARY_MAGIC, TRACE_BINARY_MAGIC_LEN);
	put32(out + H_VERSION, version);
	put32(out + H_HEADER_SIZE, TRACE_BINARY_HEADER_SIZE);
	put32(out + H_RECORD_SIZE, TRACE_BINARY_RECORD_SIZE);
	put32(out + H_FLAGS, flags);
}

void trace_binary_get(const unsigned char *p, struct trace_rec *rec)
{
	uint64_t addr = 0;

	for (int i = 7; i >= 0; i--)
		addr = addr << 8 | p[i];
	rec->addr = addr;
	rec->pid = get32(p + 8);
	rec->size = (uint16_t)(p[12] | p[13] << 8);
	rec->op = p[14];
	rec->flags = p[15];
}

void trace_binary_put(const struct trace_rec *rec, unsigned char *p)
{
	for (int i = 0; i < 8; i++)
		p[i] = (unsigned char)(rec->addr >> (8 * i));
	put32(p + 8, rec->pid);
	p[12] = (unsigned char)rec->size;
	p[13] = (unsigned char)(rec->size >> 8);
	p[14] = rec->op;
	p[15] = rec->flags;
}

void trace_binary_to_host(struct trace_rec *recs, size_t n)
{
	if (TRACE_BINARY_HOST_IS_LE)
		return;
	for (size_t i = 0; i < n; i++) {
		unsigned char raw[TRACE_BINARY_RECORD_SIZE];

		memcpy(raw, &recs[i], sizeof raw);
		trace_binary_get(raw, &recs[i]);
	}
}

void trace_binary_encode(const struct trace_rec *recs, size_t n, unsigned char *out)
{
	if (TRACE_BINARY_HOST_IS_LE) {
		if (n > 0)
			memcpy(out, recs, n * sizeof *recs);
		return;
	}
	for (size_t i = 0; i < n; i++)
		trace_binary_put(&recs[i], out + i * TRACE_BINARY_RECORD_SIZE);
}

/* Nonzero if version 1 refuses r (the slow, exact test). */
static bool rec_bad(const struct trace_rec *r, uint64_t addr_max)
{
	uint64_t last = r->addr + r->size - 1;

	return r->op > OP_FETCH || r->flags != 0 || r->size == 0 || r->pid == 0 || r->addr > addr_max ||
	       last > addr_max || last < r->addr;
}

/* Does recs[0..n) hold a record version 1 refuses? The fast test, without
 * branches: each record adds to two accumulators, and only their final
 * values are tested.
 *  - fields: bit 31 is set by a record iff its size is 0 (size - 1 wraps),
 *    its pid is 0 ((pid - 1) & ~pid has bit 31 set only for 0), or its op
 *    and flags bytes, read together as op | flags << 8, exceed 2 (adding
 *    0xfffd carries into bit 16, shifted to bit 31; the largest sum,
 *    0x1fffc << 15, still fits in 32 bits).
 *  - span: the OR of every first and last byte address. All lie below
 *    2^va_bits iff the OR does, since addr_max = 2^va_bits - 1.
 * With va_bits = 64 nothing lies beyond, but an access may wrap past 2^64:
 * last < addr, counted in wrapped. */
static bool block_has_bad(const struct trace_rec *recs, size_t n, uint64_t addr_max)
{
	uint32_t fields = 0;
	uint64_t span = 0;
	unsigned wrapped = 0;

	if (addr_max == UINT64_MAX) {
		for (size_t i = 0; i < n; i++) {
			uint64_t last = recs[i].addr + recs[i].size - 1;

			wrapped |= last < recs[i].addr;
		}
	}
	for (size_t i = 0; i < n; i++) {
		const struct trace_rec *r = &recs[i];
		uint32_t size_m1 = (uint32_t)r->size - 1u;
		uint32_t op_flags = (uint32_t)r->op | (uint32_t)r->flags << 8;

		fields |= size_m1 | ((r->pid - 1u) & ~r->pid) | (op_flags + 0xfffdu) << 15;
		span |= r->addr | (r->addr + size_m1);
	}
	return (fields >> 31) != 0 || span > addr_max || wrapped != 0;
}

size_t trace_binary_find_bad(const struct trace_rec *recs, size_t n, uint64_t addr_max)
{
	enum { BLOCK = 64 };

	/* A refused record is often one of a damaged run, and the caller asks
	 * again from the record after it: look at that one alone first. */
	if (n > 0 && rec_bad(&recs[0], addr_max))
		return 0;
	for (size_t base = 0; base < n; base += BLOCK) {
		size_t k = n - base < BLOCK ? n - base : BLOCK;

		if (block_has_bad(recs + base, k, addr_max))
			for (size_t i = base; i < base + k; i++)
				if (rec_bad(&recs[i], addr_max))
					return i;
	}
	return n;
}

void trace_binary_why(const struct trace_rec *rec, unsigned va_bits, unsigned version, bool events, char *why,
		      size_t why_len)
{
	uint64_t addr_max = va_bits >= 64 ? UINT64_MAX : (UINT64_C(1) << va_bits) - 1;

	if (rec->op == OP_EVENT && version >= 2 && !events)
		snprintf(why, why_len,
			 "an event record (operation 3) in a trace whose header does not declare events"
			 " (flag 0x%x)",
			 TRACE_BINARY_FLAG_EVENTS);
	else if (rec->op > OP_FETCH && version >= 2)
		snprintf(why, why_len,
			 "unknown operation %u (version %u has 0 read, 1 write, 2 fetch and 3 event;"
			 " 4..255 are reserved)",
			 rec->op, version);
	else if (rec->op > OP_FETCH)
		snprintf(
		    why, why_len,
		    "unknown operation %u (version %u has 0 read, 1 write and 2 fetch; 3..255 are reserved)",
		    rec->op, version);
	else if (rec->flags != 0)
		snprintf(why, why_len, "flags byte 0x%02x is reserved and must be 0", rec->flags);
	else if (rec->size == 0)
		snprintf(why, why_len, "size 0 (must be 1..65535)");
	else if (rec->pid == 0)
		snprintf(why, why_len, "pid 0 (must be 1..4294967295)");
	else if (rec->addr > addr_max)
		snprintf(why, why_len, "address 0x%" PRIx64 " is beyond the %u-bit virtual address space",
			 rec->addr, va_bits);
	else
		snprintf(why, why_len,
			 "access of %u bytes at 0x%" PRIx64
			 " runs past the end of the %u-bit virtual address space",
			 rec->size, rec->addr, va_bits);
}

size_t trace_binary_event_records(const struct trace_event *ev)
{
	size_t bytes =
	    P_STRINGS + (ev->name != NULL ? strlen(ev->name) : 0) + (ev->file != NULL ? strlen(ev->file) : 0);

	return (bytes + TRACE_BINARY_RECORD_SIZE - 1) / TRACE_BINARY_RECORD_SIZE;
}

size_t trace_binary_encode_event(const struct trace_event *ev, unsigned char *out)
{
	size_t k = trace_binary_event_records(ev);
	size_t name_len = ev->name != NULL ? strlen(ev->name) : 0,
	       file_len = ev->file != NULL ? strlen(ev->file) : 0;
	struct trace_rec head = {.pid = ev->pid, .size = (uint16_t)k, .op = OP_EVENT, .flags = ev->kind};
	unsigned char *p = out + TRACE_BINARY_RECORD_SIZE;

	assert(k <= TRACE_BINARY_EVENT_MAX_RECORDS && name_len <= TRACE_EVENT_NAME_MAX &&
	       file_len <= TRACE_EVENT_FILE_MAX && "trace_binary_encode_event: an invalid event");
	trace_binary_put(&head, out);
	memset(p, 0, k * TRACE_BINARY_RECORD_SIZE);
	put64(p + P_ADDR, ev->addr);
	put64(p + P_LEN, ev->len);
	put64(p + P_OFFSET, ev->offset);
	put64(p + P_MAX, ev->max);
	put32(p + P_CHILD, ev->child);
	p[P_PROT] = ev->prot;
	p[P_BACKING] = ev->backing;
	p[P_SHARED] = ev->shared ? 1 : 0;
	p[P_NAME_LEN] = (unsigned char)name_len;
	p[P_FILE_LEN] = (unsigned char)file_len;
	p[P_FILE_LEN + 1] = (unsigned char)(file_len >> 8);
	if (name_len > 0)
		memcpy(p + P_STRINGS, ev->name, name_len);
	if (file_len > 0)
		memcpy(p + P_STRINGS + name_len, ev->file, file_len);
	return (1 + k) * TRACE_BINARY_RECORD_SIZE;
}

/* Set why and return false. */
static bool __attribute__((format(printf, 3, 4))) bin_refuse(char *why, size_t len, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(why, len, fmt, ap);
	va_end(ap);
	return false;
}

bool trace_binary_decode_event(const struct trace_rec *head, const unsigned char *payload, size_t records,
			       struct trace_event *ev, char *name, char *file, char *why, size_t why_len)
{
	const unsigned char *p = payload;
	size_t name_len, file_len, used, need;

	if (head->addr != 0)
		return bin_refuse(why, why_len,
				  "event record: address field 0x%" PRIx64 " is reserved and must be 0",
				  head->addr);
	if (records < TRACE_BINARY_EVENT_MIN_RECORDS || records > TRACE_BINARY_EVENT_MAX_RECORDS)
		return bin_refuse(why, why_len, "event record: %zu payload records (an event has %d..%d)",
				  records, TRACE_BINARY_EVENT_MIN_RECORDS, TRACE_BINARY_EVENT_MAX_RECORDS);
	name_len = p[P_NAME_LEN];
	file_len = (size_t)p[P_FILE_LEN] | (size_t)p[P_FILE_LEN + 1] << 8;
	if (name_len > TRACE_EVENT_NAME_MAX)
		return bin_refuse(why, why_len, "event payload: name length %zu (at most %d)", name_len,
				  TRACE_EVENT_NAME_MAX);
	if (file_len > TRACE_EVENT_FILE_MAX)
		return bin_refuse(why, why_len, "event payload: file name length %zu (at most %d)", file_len,
				  TRACE_EVENT_FILE_MAX);
	used = P_STRINGS + name_len + file_len;
	need = (used + TRACE_BINARY_RECORD_SIZE - 1) / TRACE_BINARY_RECORD_SIZE;
	if (need != records)
		return bin_refuse(why, why_len, "event record: %zu payload records, its payload needs %zu",
				  records, need);
	if (p[P_SHARED] > 1)
		return bin_refuse(why, why_len, "event payload: shared byte %u (must be 0 or 1)",
				  p[P_SHARED]);
	for (size_t i = P_RESERVED; i < P_STRINGS; i++)
		if (p[i] != 0)
			return bin_refuse(why, why_len, "event payload: reserved byte %zu is 0x%02x, not 0",
					  i, p[i]);
	for (size_t i = used; i < records * TRACE_BINARY_RECORD_SIZE; i++)
		if (p[i] != 0)
			return bin_refuse(why, why_len, "event payload: padding byte %zu is 0x%02x, not 0", i,
					  p[i]);
	if (memchr(p + P_STRINGS, '\0', name_len + file_len) != NULL)
		return bin_refuse(why, why_len, "event payload: a name holds a NUL byte");
	memcpy(name, p + P_STRINGS, name_len);
	name[name_len] = '\0';
	memcpy(file, p + P_STRINGS + name_len, file_len);
	file[file_len] = '\0';
	*ev = (struct trace_event){
	    .kind = head->flags,
	    .prot = p[P_PROT],
	    .backing = p[P_BACKING],
	    .shared = p[P_SHARED] != 0,
	    .pid = head->pid,
	    .child = get32(p + P_CHILD),
	    .addr = get64(p + P_ADDR),
	    .len = get64(p + P_LEN),
	    .offset = get64(p + P_OFFSET),
	    .max = get64(p + P_MAX),
	    .name = name_len > 0 ? name : NULL,
	    .file = file_len > 0 ? file : NULL,
	};
	return true;
}
