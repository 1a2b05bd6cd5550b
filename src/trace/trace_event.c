/*
 * trace_event.c - the event table, its interned strings, and the static
 * rules every event obeys whichever reader decoded it.
 *
 * The table. Readers append; the machine (sim.c) looks events up by the
 * index a placeholder record carries, possibly on another thread while
 * the reader goes on appending (cells.c hands batches to workers). So an
 * entry must never move once added, and nothing a looker-up touches may be
 * rewritten by a later append. The entries live in chunks of doubling
 * size: chunk k holds 64 << k events, indexes 64 * (2^k - 1) and up, so
 * an index finds its chunk with one count of leading zeros. The directory
 * of chunk pointers is a fixed array inside the table (59 slots cover
 * every 64-bit index), which is what makes this simpler than a directory
 * of fixed-size chunks: such a directory must grow, and growing it moves
 * it under the threads reading it (they would need an atomic pointer and
 * retired copies kept alive). Here a chunk slot is written once, before
 * the events in it are published, and an empty table costs no allocation
 * at all. At most half of the last chunk is unused.
 *
 * The count is atomic (release on append, acquire on read), so even a
 * thread that learns of events other than through a batch hand-over sees
 * them whole.
 *
 * Strings. Segment and file names are interned in an open-addressing set
 * of pointers: equal names become one pointer, which is how the machine
 * tells files apart, and a trace that maps one file a million times keeps
 * one copy of its name. Only the appending thread touches the set.
 */
#include "config.h"

#include <assert.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "trace/trace_event.h"

#define EV_CHUNK0_BITS 6 /* chunk 0 holds 64 events */
#define EV_CHUNKS 59	 /* enough for every index below 2^64 */

/* A trace whose events a workload's table holds (trace_events_add_source). */
struct ev_source {
	char *name;
	bool records;
};

struct trace_events {
	char *name;
	bool records;
	struct ev_source *sources; /* a workload's traces; NULL: one trace */
	uint32_t nsources;
	_Atomic uint64_t count;
	struct trace_event *chunks[EV_CHUNKS];
	char **strs; /* the interned strings; NULL: empty slot */
	size_t str_slots, str_used;
};

struct trace_events *trace_events_create(const char *name, bool records)
{
	struct trace_events *t = calloc(1, sizeof *t);

	if (t == NULL)
		return NULL;
	t->name = strdup(name != NULL ? name : "");
	if (t->name == NULL) {
		free(t);
		return NULL;
	}
	t->records = records;
	atomic_init(&t->count, 0);
	return t;
}

void trace_events_destroy(struct trace_events *t)
{
	if (t == NULL)
		return;
	for (size_t k = 0; k < EV_CHUNKS; k++)
		free(t->chunks[k]);
	for (size_t i = 0; i < t->str_slots; i++)
		free(t->strs[i]);
	free(t->strs);
	for (uint32_t k = 0; k < t->nsources; k++)
		free(t->sources[k].name);
	free(t->sources);
	free(t->name);
	free(t);
}

uint32_t trace_events_add_source(struct trace_events *t, const char *name, bool records)
{
	struct ev_source *v = realloc(t->sources, (t->nsources + 1) * sizeof *v);
	char *copy = strdup(name);

	if (v == NULL || copy == NULL) {
		free(copy);
		if (v != NULL)
			t->sources = v;
		return 0;
	}
	t->sources = v;
	v[t->nsources] = (struct ev_source){ .name = copy, .records = records };
	return ++t->nsources;
}

int trace_events_set_source(struct trace_events *t, const char *name, bool records)
{
	char *copy = strdup(name != NULL ? name : "");

	if (copy == NULL)
		return -1;
	free(t->name);
	t->name = copy;
	t->records = records;
	return 0;
}

/* The chunk of index, and the index's place in it. */
static unsigned ev_chunk_of(uint64_t index, uint64_t *offset)
{
	uint64_t q = (index >> EV_CHUNK0_BITS) + 1;
	unsigned k = 63u - (unsigned)__builtin_clzll(q);

	*offset = index - ((((uint64_t)1 << k) - 1) << EV_CHUNK0_BITS);
	return k;
}

/* FNV-1a of the string s. */
static uint64_t ev_str_hash(const char *s)
{
	uint64_t h = UINT64_C(0xcbf29ce484222325);

	for (; *s != '\0'; s++) {
		h ^= (unsigned char)*s;
		h *= UINT64_C(0x100000001b3);
	}
	return h;
}

/* The slot of s in strs (slots a power of two with an empty one): its own,
 * or the empty one where it belongs. */
static char **ev_str_slot(char **strs, size_t slots, const char *s)
{
	size_t mask = slots - 1;

	for (size_t i = (size_t)ev_str_hash(s) & mask;; i = (i + 1) & mask)
		if (strs[i] == NULL || strcmp(strs[i], s) == 0)
			return &strs[i];
}

/* The interned copy of s; NULL when memory is short. */
static const char *ev_intern(struct trace_events *t, const char *s)
{
	char **slot;

	if (4 * (t->str_used + 1) > 3 * t->str_slots) {
		size_t slots = t->str_slots ? 2 * t->str_slots : 16;
		char **strs = calloc(slots, sizeof *strs);

		if (strs == NULL)
			return NULL;
		for (size_t i = 0; i < t->str_slots; i++)
			if (t->strs[i] != NULL)
				*ev_str_slot(strs, slots, t->strs[i]) = t->strs[i];
		free(t->strs);
		t->strs = strs;
		t->str_slots = slots;
	}
	slot = ev_str_slot(t->strs, t->str_slots, s);
	if (*slot == NULL) {
		*slot = strdup(s);
		if (*slot == NULL)
			return NULL;
		t->str_used++;
	}
	return *slot;
}

uint64_t trace_events_add(struct trace_events *t, const struct trace_event *ev)
{
	uint64_t index = atomic_load_explicit(&t->count, memory_order_relaxed), offset;
	unsigned k = ev_chunk_of(index, &offset);
	struct trace_event copy = *ev;

	if (k > 40) /* 2^46 events: far beyond any memory */
		return UINT64_MAX;
	if (copy.name != NULL && (copy.name = ev_intern(t, copy.name)) == NULL)
		return UINT64_MAX;
	if (copy.file != NULL && (copy.file = ev_intern(t, copy.file)) == NULL)
		return UINT64_MAX;
	if (t->chunks[k] == NULL) {
		t->chunks[k] = malloc(sizeof(struct trace_event) << (EV_CHUNK0_BITS + k));
		if (t->chunks[k] == NULL)
			return UINT64_MAX;
	}
	t->chunks[k][offset] = copy;
	atomic_store_explicit(&t->count, index + 1, memory_order_release);
	return index;
}

const struct trace_event *trace_events_get(const struct trace_events *t, uint64_t index)
{
	uint64_t offset;
	unsigned k;

	assert(index < atomic_load_explicit(&t->count, memory_order_acquire) &&
	       "trace_events_get: no such event");
	k = ev_chunk_of(index, &offset);
	return &t->chunks[k][offset];
}

uint64_t trace_events_count(const struct trace_events *t)
{
	return atomic_load_explicit(&t->count, memory_order_acquire);
}

const char *trace_events_name(const struct trace_events *t)
{
	return t->name;
}

bool trace_events_records(const struct trace_events *t)
{
	return t->records;
}

int trace_events_where(const struct trace_events *t, uint64_t line, char *buf, size_t len)
{
	uint64_t k = line >> TRACE_EVENTS_LINE_BITS;

	if (t->nsources > 0 && k >= 1 && k <= t->nsources) {
		const struct ev_source *src = &t->sources[k - 1];

		line &= TRACE_EVENTS_LINE_MAX;
		return snprintf(buf, len, src->records ? "%s: record %" PRIu64 : "%s:%" PRIu64, src->name, line);
	}
	return snprintf(buf, len, t->records ? "%s: record %" PRIu64 : "%s:%" PRIu64, t->name, line);
}

int trace_batch_where(const struct trace_batch *b, size_t i, char *buf, size_t len)
{
	const uint64_t line = trace_batch_line(b, i);

	if (line == 0 || b->events == NULL) {
		if (len > 0)
			buf[0] = '\0';
		return 0;
	}
	return trace_events_where(b->events, line, buf, len);
}

/* ---- the static rules ---------------------------------------------------- */

static const char *const kind_names[] = {
    [EV_SEGMENT] = "segment", [EV_MMAP] = "mmap", [EV_MUNMAP] = "munmap",
    [EV_BRK] = "brk",	      [EV_FORK] = "fork", [EV_EXIT] = "exit",
    [EV_MPROTECT] = "mprotect",
};

const char *trace_event_kind_name(unsigned kind)
{
	if (kind < EV_SEGMENT || kind > EV_LAST)
		return "event";
	return kind_names[kind];
}

/* Set why and return false. */
static bool __attribute__((format(printf, 3, 4))) ev_refuse(char *why, size_t len, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(why, len, fmt, ap);
	va_end(ap);
	return false;
}

/* Is s a valid segment name? Sets why if not. */
static bool ev_name_ok(const char *s, char *why, size_t len)
{
	size_t n;

	if (s == NULL || s[0] == '\0')
		return ev_refuse(why, len, "segment name is empty");
	n = strlen(s);
	if (n > TRACE_EVENT_NAME_MAX)
		return ev_refuse(why, len, "segment name is longer than %d characters", TRACE_EVENT_NAME_MAX);
	for (size_t i = 0; i < n; i++) {
		unsigned char ch = (unsigned char)s[i];
		bool alpha = (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || ch == '_';
		bool other = (ch >= '0' && ch <= '9') || ch == '.' || ch == '-';

		if (!alpha && (i == 0 || !other))
			return ev_refuse(
			    why, len,
			    "segment name must start with a letter or '_' and hold only letters, digits,"
			    " '_', '.' and '-'");
	}
	return true;
}

/* Is s a valid file name? Sets why if not. */
static bool ev_file_ok(const char *s, char *why, size_t len)
{
	size_t n;

	if (s == NULL || s[0] == '\0')
		return ev_refuse(why, len, "file name is empty");
	n = strlen(s);
	if (n > TRACE_EVENT_FILE_MAX)
		return ev_refuse(why, len, "file name is longer than %d characters", TRACE_EVENT_FILE_MAX);
	for (size_t i = 0; i < n; i++) {
		unsigned char ch = (unsigned char)s[i];

		if (ch <= ' ' || ch == 0x7f)
			return ev_refuse(why, len,
					 "file name holds a blank or control character (byte 0x%02x)", ch);
	}
	return true;
}

/* Check a range event's [addr, addr + len). */
static bool ev_range_ok(const struct trace_event *ev, uint64_t addr_max, unsigned va_bits,
			unsigned page_shift, char *why, size_t len)
{
	uint64_t page = (uint64_t)1 << page_shift;

	if (ev->addr & (page - 1))
		return ev_refuse(why, len,
				 "address 0x%" PRIx64 " is not page-aligned (pages of %" PRIu64 " bytes)",
				 ev->addr, page);
	if (ev->len == 0)
		return ev_refuse(why, len, "length 0 (must be at least 1 byte)");
	if (ev->addr > addr_max)
		return ev_refuse(why, len, "address 0x%" PRIx64 " is beyond the %u-bit virtual address space",
				 ev->addr, va_bits);
	if (ev->len - 1 > addr_max - ev->addr)
		return ev_refuse(why, len,
				 "%s of 0x%" PRIx64 " bytes at 0x%" PRIx64
				 " runs past the end of the %u-bit virtual address space",
				 trace_event_kind_name(ev->kind), ev->len, ev->addr, va_bits);
	return true;
}

/* Check the mapping fields of a segment or mmap event. */
static bool ev_mapping_ok(const struct trace_event *ev, unsigned page_shift, char *why, size_t len)
{
	uint64_t page = (uint64_t)1 << page_shift;

	if (ev->prot & ~(EV_PROT_R | EV_PROT_W | EV_PROT_X))
		return ev_refuse(why, len, "prot 0x%x is not a combination of r (1), w (2) and x (4)",
				 ev->prot);
	if (ev->backing < BACK_ZERO || ev->backing > BACK_STACK)
		return ev_refuse(why, len, "unknown backing %u (1 zero, 2 file, 3 stack)", ev->backing);
	if (ev->kind == EV_MMAP && ev->backing == BACK_STACK)
		return ev_refuse(why, len, "an mmap cannot be a stack (stacks are segments)");
	if (ev->shared && ev->kind == EV_SEGMENT)
		return ev_refuse(why, len,
				 "a segment cannot be shared (map the file with 'mmap ... shared')");
	if (ev->shared && ev->backing != BACK_FILE)
		return ev_refuse(why, len,
				 "'shared anon' mappings are not modeled (map a file shared, or use anon)");
	if (ev->backing == BACK_FILE) {
		if (!ev_file_ok(ev->file, why, len))
			return false;
		if (ev->offset & (page - 1))
			return ev_refuse(
			    why, len, "offset 0x%" PRIx64 " is not page-aligned (pages of %" PRIu64 " bytes)",
			    ev->offset, page);
	} else if (ev->file != NULL) {
		return ev_refuse(why, len, "only a file mapping has a file name");
	} else if (ev->offset != 0) {
		return ev_refuse(why, len, "only a file mapping has an offset (it must be 0)");
	}
	if (ev->max != 0 && ev->backing != BACK_STACK)
		return ev_refuse(why, len, "only a stack has a max (it must be 0)");
	return true;
}

bool trace_event_check(const struct trace_event *ev, unsigned va_bits, unsigned page_shift, char *why,
		       size_t why_len)
{
	const uint64_t addr_max = va_bits >= 64 ? UINT64_MAX : ((uint64_t)1 << va_bits) - 1;
	const char *kind = trace_event_kind_name(ev->kind);
	bool mapping = ev->kind == EV_SEGMENT || ev->kind == EV_MMAP;
	bool ranged = mapping || ev->kind == EV_MUNMAP || ev->kind == EV_MPROTECT;

	if (ev->kind < EV_SEGMENT || ev->kind > EV_LAST)
		return ev_refuse(why, why_len,
				 "unknown event kind %u (1 segment, 2 mmap, 3 munmap, 4 brk, 5 fork, 6 exit,"
				 " 7 mprotect)",
				 ev->kind);
	if (ev->pid == 0)
		return ev_refuse(why, why_len, "pid 0 (must be 1..4294967295)");
	if (ev->kind == EV_SEGMENT && !ev_name_ok(ev->name, why, why_len))
		return false;
	if (ev->kind != EV_SEGMENT && ev->name != NULL)
		return ev_refuse(why, why_len, "%s events have no name", kind);
	if (ranged && !ev_range_ok(ev, addr_max, va_bits, page_shift, why, why_len))
		return false;
	if (ev->kind == EV_BRK && ev->addr > addr_max)
		return ev_refuse(why, why_len,
				 "address 0x%" PRIx64 " is beyond the %u-bit virtual address space", ev->addr,
				 va_bits);
	if (mapping && !ev_mapping_ok(ev, page_shift, why, why_len))
		return false;
	if (ev->kind == EV_FORK) {
		if (ev->child == 0)
			return ev_refuse(why, why_len, "child pid 0 (must be 1..4294967295)");
		if (ev->child == ev->pid)
			return ev_refuse(why, why_len,
					 "fork of process %" PRIu32
					 " into itself (the child needs a pid of its own)",
					 ev->pid);
	}
	if (ev->kind == EV_MPROTECT) {
		if (ev->prot & ~(EV_PROT_R | EV_PROT_W | EV_PROT_X))
			return ev_refuse(why, why_len, "prot 0x%x is not a combination of r (1), w (2) and x (4)",
					 ev->prot);
		if (ev->backing != 0 || ev->shared || ev->offset != 0 || ev->max != 0 || ev->file != NULL)
			return ev_refuse(why, why_len,
					 "mprotect events have no backing, file, offset or max (they must be 0)");
	}
	/* What the kind does not use is zero. */
	if (!mapping && ev->kind != EV_MPROTECT && (ev->prot != 0 || ev->backing != 0 || ev->shared || ev->offset != 0 || ev->max != 0 ||
			 ev->file != NULL))
		return ev_refuse(
		    why, why_len,
		    "%s events have no protection, backing, file, offset or max (they must be 0)", kind);
	if (!ranged && ev->len != 0)
		return ev_refuse(why, why_len, "%s events have no length (it must be 0)", kind);
	if (!ranged && ev->kind != EV_BRK && ev->addr != 0)
		return ev_refuse(why, why_len, "%s events have no address (it must be 0)", kind);
	if (ev->kind != EV_FORK && ev->child != 0)
		return ev_refuse(why, why_len, "%s events have no child pid (it must be 0)", kind);
	return true;
}

/* ---- writing a native line ----------------------------------------------- */

/* Append to buf[*at ..] as snprintf would, counting what did not fit. */
static void __attribute__((format(printf, 4, 5)))
ev_put(char *buf, size_t len, size_t *at, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(*at < len ? buf + *at : NULL, *at < len ? len - *at : 0, fmt, ap);
	va_end(ap);
	if (n > 0)
		*at += (size_t)n;
}

int trace_event_format(const struct trace_event *ev, char *buf, size_t len)
{
	char prot[4] = {ev->prot & EV_PROT_R ? 'r' : '-', ev->prot & EV_PROT_W ? 'w' : '-',
			ev->prot & EV_PROT_X ? 'x' : '-', '\0'};
	size_t at = 0;

	if (len > 0)
		buf[0] = '\0';
	switch (ev->kind) {
	case EV_SEGMENT:
	case EV_MMAP:
		if (ev->kind == EV_SEGMENT)
			ev_put(buf, len, &at, "segment %s ", ev->name != NULL ? ev->name : "?");
		else
			ev_put(buf, len, &at, "mmap ");
		ev_put(buf, len, &at, "0x%" PRIx64 " 0x%" PRIx64 " %s", ev->addr, ev->len, prot);
		if (ev->backing == BACK_FILE) {
			if (ev->kind == EV_MMAP)
				ev_put(buf, len, &at, " %s", ev->shared ? "shared" : "private");
			ev_put(buf, len, &at, " file=%s", ev->file != NULL ? ev->file : "?");
			if (ev->offset != 0)
				ev_put(buf, len, &at, " offset=0x%" PRIx64, ev->offset);
		} else if (ev->backing == BACK_STACK) {
			ev_put(buf, len, &at, " stack");
			if (ev->max != 0)
				ev_put(buf, len, &at, " max=0x%" PRIx64, ev->max);
		} else {
			ev_put(buf, len, &at, ev->kind == EV_SEGMENT ? " zero" : " anon");
		}
		break;
	case EV_MUNMAP:
		ev_put(buf, len, &at, "munmap 0x%" PRIx64 " 0x%" PRIx64, ev->addr, ev->len);
		break;
	case EV_MPROTECT:
		ev_put(buf, len, &at, "mprotect 0x%" PRIx64 " 0x%" PRIx64 " %s", ev->addr, ev->len, prot);
		break;
	case EV_BRK:
		ev_put(buf, len, &at, "brk 0x%" PRIx64, ev->addr);
		break;
	case EV_FORK:
		ev_put(buf, len, &at, "fork %" PRIu32 " %" PRIu32, ev->pid, ev->child);
		break;
	case EV_EXIT:
		ev_put(buf, len, &at, "exit %" PRIu32, ev->pid);
		break;
	default:
		ev_put(buf, len, &at, "# unknown event kind %u", ev->kind);
		break;
	}
	return at > INT32_MAX ? INT32_MAX : (int)at;
}
