/*
 * tlb.h - a translation lookaside buffer: set-associative, exact LRU within
 * a set, entries tagged with an address-space id (ASID). The model and its
 * rules are in tlb.c's opening comment.
 *
 * struct tlb is visible only so that tlb_lookup, which runs once per memory
 * reference, can be inlined; outside tlb.c read its fields, never write
 * them. The machine keeps its own counters: this module keeps none.
 */
#ifndef PAGESIM_TLB_H
#define PAGESIM_TLB_H

#include <assert.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "util/error.h"

#define TLB_MAX_ENTRIES 65536
#define TLB_MAX_WAYS 64

/* The tag of an invalid way. No real virtual page number is this large
 * (a VPN is an address shifted right by at least 8 bits). */
#define TLB_VPN_NONE UINT64_MAX

/* What a valid entry caches besides its tag (the VPN and ASID, kept in
 * struct tlb's tag arrays). The machine may set dirty; nothing else. */
struct tlb_entry {
	uint32_t frame; /* the frame the page is in */
	bool dirty;     /* the PTE's dirty bit is known to be set */
};

/* Way w of set s is index s * ways + w of each array below, so the tags
 * of one set are contiguous. */
struct tlb {
	uint32_t entries;        /* sets * ways */
	uint32_t ways;
	uint32_t sets;
	bool sets_pow2;          /* sets is a power of two: index by mask */
	uint32_t valid;          /* valid entries now */
	uint64_t clock;          /* last stamp handed out */
	uint64_t *vpn;           /* tag: the VPN, or TLB_VPN_NONE (invalid) */
	uint32_t *asid;          /* tag: the ASID (meaningless when invalid) */
	uint64_t *stamp;         /* clock at the last use; larger is more recent */
	struct tlb_entry *entry; /* payload */
};

/* Build an empty TLB of entries (1..65536) entries and ways (1..64, must
 * divide entries) ways; ways 0 picks the default (see tlb.c). Returns NULL
 * with err set when the geometry is invalid or memory is short. */
struct tlb *tlb_create(uint32_t entries, uint32_t ways, struct ps_error *err);

/* Free t; NULL is ignored. */
void tlb_destroy(struct tlb *t);

/* The set that vpn maps to: vpn % sets. */
static inline uint32_t tlb_set_of(const struct tlb *t, uint64_t vpn)
{
	return (uint32_t)(t->sets_pow2 ? vpn & (t->sets - 1) : vpn % t->sets);
}

/* The entry translating (asid, vpn), made the most recently used of its
 * set; NULL on a miss. vpn must not be TLB_VPN_NONE. */
static inline struct tlb_entry *tlb_lookup(struct tlb *t, uint32_t asid, uint64_t vpn)
{
	size_t base = (size_t)tlb_set_of(t, vpn) * t->ways;

	assert(vpn != TLB_VPN_NONE);
	for (size_t i = base; i < base + t->ways; i++) {
		if (t->vpn[i] == vpn && t->asid[i] == asid) {
			t->stamp[i] = ++t->clock;
			return &t->entry[i];
		}
	}
	return NULL;
}

/* Cache the translation (asid, vpn) -> frame after a miss, as the most
 * recently used entry of its set: into the lowest-numbered invalid way,
 * else over the least recently used way. The translation must not be
 * present. Returns the new entry. */
struct tlb_entry *tlb_insert(struct tlb *t, uint32_t asid, uint64_t vpn, uint32_t frame, bool dirty);

/* Drop the translation (asid, vpn). Returns whether it was present. */
bool tlb_invalidate(struct tlb *t, uint32_t asid, uint64_t vpn);

/* Drop every translation. Returns how many there were. */
uint32_t tlb_flush(struct tlb *t);

/* Drop every translation of asid. Returns how many there were. */
uint32_t tlb_flush_asid(struct tlb *t, uint32_t asid);

/* Parse the text of --tlb, "ENTRIES" or "ENTRIES:WAYS" (decimal), and check
 * the geometry as tlb_create would. Stores the entries and the ways (the
 * default resolved, never 0) and returns true; false with err set on
 * anything else. */
bool tlb_parse_spec(const char *text, uint32_t *entries, uint32_t *ways, struct ps_error *err);

#endif
