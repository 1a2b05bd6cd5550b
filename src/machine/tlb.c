/*
 * tlb.c - the translation lookaside buffer of the simulated machine
 * (option --tlb ENTRIES[:WAYS]).
 *
 * Geometry. ENTRIES is 1..65536. WAYS is 1..64 and must divide ENTRIES.
 * WAYS 0 (or omitted in the option) means the default: fully associative
 * (WAYS = ENTRIES) when ENTRIES <= 64, else 8-way; a fully associative TLB
 * of up to 64 entries may also be asked for explicitly ("64:64"). A TLB of
 * more than 64 entries that 8 does not divide needs its WAYS given.
 * sets = ENTRIES / WAYS.
 *
 * Placement. The set of a translation is vpn % sets: the low bits of the
 * virtual page number when sets is a power of two, as hardware does (the
 * code then masks instead of dividing). The ASID (the process id) is part
 * of the tag, not of the index, so the same VPN in two address spaces is
 * two entries competing for the same set.
 *
 * Entries. A valid entry caches a translation: its tag (VPN, ASID), the
 * frame number, and a dirty flag meaning "the PTE's dirty bit is known to
 * be set". As on x86, which sets D on the first write through the TLB, the
 * machine on a write through a clean entry sets the PTE's D bit and then
 * the entry's dirty flag; later writes through the entry cost nothing.
 *
 * Operations.
 *  - Lookup(asid, vpn): a hit if a valid entry in the set has that asid
 *    and vpn; a hit makes it the most recently used of its set. A miss
 *    changes nothing.
 *  - Insert(asid, vpn, frame, dirty): after a miss (the machine walked the
 *    page table), fill the lowest-numbered invalid way of the set if any,
 *    else replace the least recently used way of the set. The new entry is
 *    the most recently used. Inserting a translation that is already
 *    present is a caller bug (assert).
 *  - Invalidate(asid, vpn): drop that translation if present; returns
 *    whether one was dropped (the machine counts those as shootdowns).
 *  - Flush: drop everything; flush ASID: drop the entries of one ASID.
 *    Both return how many entries they dropped.
 * Statistics are the machine's job; this module keeps none.
 *
 * Representation. Exact LRU by stamps: one 64-bit clock per TLB, advanced
 * on every hit and insert and copied into the way used; the least recently
 * used way of a set is the valid way with the smallest stamp (stamps of
 * valid ways are distinct, and the clock cannot wrap in any real run). A
 * set has at most 64 ways, so every operation scans its set. The arrays
 * are parallel (struct-of-arrays) and indexed set * ways + way, so a
 * lookup reads one contiguous run of VPN tags (8 ways: one cache line) and
 * touches the ASID only on a VPN match; an invalid way has the VPN tag
 * TLB_VPN_NONE, which no lookup asks for, so there is no valid bit to
 * test. Flushing an ASID visits every entry; it happens at most once per
 * process exit or switch.
 */
#include "config.h"

#include <assert.h>
#include <stdlib.h>

#include "machine/tlb.h"

/* The default associativity of a TLB of more than TLB_MAX_WAYS entries. */
#define TLB_DEFAULT_WAYS 8

/* Check entries and ways (0: the default) and store the ways to use in
 * *ways_out. Returns false with err set when the geometry is invalid. */
static bool tlb_geometry(uint32_t entries, uint32_t ways, uint32_t *ways_out, struct ps_error *err)
{
	if (entries < 1 || entries > TLB_MAX_ENTRIES) {
		ps_error_set(err, "TLB entries must be 1..%u (got %u)", TLB_MAX_ENTRIES, entries);
		return false;
	}
	if (ways > TLB_MAX_WAYS) {
		ps_error_set(err, "TLB ways must be 1..%u (got %u)", TLB_MAX_WAYS, ways);
		return false;
	}
	if (ways == 0) {
		ways = entries <= TLB_MAX_WAYS ? entries : TLB_DEFAULT_WAYS;
		if (entries % ways != 0) {
			ps_error_set(err,
				     "TLB ways must divide the entries: %u entries are not a multiple of the default %u ways; give ENTRIES:WAYS",
				     entries, ways);
			return false;
		}
	} else if (entries % ways != 0) {
		ps_error_set(err, "TLB ways must divide the entries (%u entries, %u ways)", entries, ways);
		return false;
	}
	*ways_out = ways;
	return true;
}

struct tlb *tlb_create(uint32_t entries, uint32_t ways, struct ps_error *err)
{
	struct tlb *t;

	if (!tlb_geometry(entries, ways, &ways, err))
		return NULL;
	t = calloc(1, sizeof *t);
	if (t == NULL) {
		ps_error_set(err, "out of memory for a TLB of %u entries", entries);
		return NULL;
	}
	t->entries = entries;
	t->ways = ways;
	t->sets = entries / ways;
	t->sets_pow2 = (t->sets & (t->sets - 1)) == 0;
	t->vpn = malloc(entries * sizeof *t->vpn);
	t->asid = calloc(entries, sizeof *t->asid);
	t->stamp = calloc(entries, sizeof *t->stamp);
	t->entry = calloc(entries, sizeof *t->entry);
	if (t->vpn == NULL || t->asid == NULL || t->stamp == NULL || t->entry == NULL) {
		tlb_destroy(t);
		ps_error_set(err, "out of memory for a TLB of %u entries", entries);
		return NULL;
	}
	for (uint32_t i = 0; i < entries; i++)
		t->vpn[i] = TLB_VPN_NONE;
	return t;
}

void tlb_destroy(struct tlb *t)
{
	if (t == NULL)
		return;
	free(t->vpn);
	free(t->asid);
	free(t->stamp);
	free(t->entry);
	free(t);
}

struct tlb_entry *tlb_insert(struct tlb *t, uint32_t asid, uint64_t vpn, uint32_t frame, bool dirty)
{
	size_t base = (size_t)tlb_set_of(t, vpn) * t->ways;
	size_t unused = SIZE_MAX, lru = SIZE_MAX, victim;

	assert(vpn != TLB_VPN_NONE);
	for (size_t i = base; i < base + t->ways; i++) {
		assert(!(t->vpn[i] == vpn && t->asid[i] == asid) && "tlb_insert: translation already present");
		if (t->vpn[i] == TLB_VPN_NONE) {
			if (unused == SIZE_MAX)
				unused = i;
		} else if (lru == SIZE_MAX || t->stamp[i] < t->stamp[lru]) {
			lru = i;
		}
	}
	if (unused != SIZE_MAX) {
		victim = unused;
		t->valid++;
	} else {
		victim = lru;
	}
	t->vpn[victim] = vpn;
	t->asid[victim] = asid;
	t->stamp[victim] = ++t->clock;
	t->entry[victim] = (struct tlb_entry){ .frame = frame, .dirty = dirty };
	return &t->entry[victim];
}

/* Make way i invalid; it must be valid. */
static void tlb_drop(struct tlb *t, size_t i)
{
	assert(t->vpn[i] != TLB_VPN_NONE && t->valid > 0);
	t->vpn[i] = TLB_VPN_NONE;
	t->entry[i] = (struct tlb_entry){ 0 };
	t->valid--;
}

bool tlb_invalidate(struct tlb *t, uint32_t asid, uint64_t vpn)
{
	size_t base = (size_t)tlb_set_of(t, vpn) * t->ways;

	assert(vpn != TLB_VPN_NONE);
	for (size_t i = base; i < base + t->ways; i++) {
		if (t->vpn[i] == vpn && t->asid[i] == asid) {
			tlb_drop(t, i);
			return true;
		}
	}
	return false;
}

uint32_t tlb_flush(struct tlb *t)
{
	uint32_t dropped = t->valid;

	for (size_t i = 0; i < t->entries && t->valid > 0; i++)
		if (t->vpn[i] != TLB_VPN_NONE)
			tlb_drop(t, i);
	return dropped;
}

uint32_t tlb_flush_asid(struct tlb *t, uint32_t asid)
{
	uint32_t dropped = 0;

	for (size_t i = 0; i < t->entries && t->valid > 0; i++) {
		if (t->vpn[i] != TLB_VPN_NONE && t->asid[i] == asid) {
			tlb_drop(t, i);
			dropped++;
		}
	}
	return dropped;
}

/* Parse the decimal number of [s, end) into *out, saturating at
 * UINT32_MAX. Returns false unless it is one or more digits alone. */
static bool tlb_parse_u32(const char *s, const char *end, uint32_t *out)
{
	uint64_t v = 0;

	if (s == end)
		return false;
	for (; s < end; s++) {
		if (*s < '0' || *s > '9')
			return false;
		v = v * 10 + (uint64_t)(*s - '0');
		if (v > UINT32_MAX)
			v = UINT32_MAX;
	}
	*out = (uint32_t)v;
	return true;
}

bool tlb_parse_spec(const char *text, uint32_t *entries, uint32_t *ways, struct ps_error *err)
{
	const char *colon, *end;
	uint32_t e, w = 0;

	if (text == NULL || *text == '\0') {
		ps_error_set(err, "TLB size is empty: expected ENTRIES or ENTRIES:WAYS, as in 64 or 1536:6");
		return false;
	}
	for (end = text; *end != '\0'; end++)
		;
	for (colon = text; colon < end && *colon != ':'; colon++)
		;
	if (colon == text) {
		ps_error_set(err, "TLB size '%s': the entries are missing before ':'; expected ENTRIES:WAYS", text);
		return false;
	}
	if (!tlb_parse_u32(text, colon, &e)) {
		ps_error_set(err, "TLB size '%s': the entries '%.*s' are not a decimal number; expected ENTRIES or ENTRIES:WAYS",
			     text, (int)(colon - text), text);
		return false;
	}
	if (e == 0 || e > TLB_MAX_ENTRIES) {
		ps_error_set(err, "TLB entries must be 1..%u (got %.*s)", TLB_MAX_ENTRIES, (int)(colon - text), text);
		return false;
	}
	if (colon < end) {
		const char *wtext = colon + 1;

		if (wtext == end) {
			ps_error_set(err, "TLB size '%s': the ways are missing after ':'; expected ENTRIES:WAYS", text);
			return false;
		}
		for (const char *p = wtext; p < end; p++) {
			if (*p == ':') {
				ps_error_set(err, "TLB size '%s': junk after the ways; expected ENTRIES or ENTRIES:WAYS", text);
				return false;
			}
		}
		if (!tlb_parse_u32(wtext, end, &w)) {
			ps_error_set(err, "TLB size '%s': the ways '%s' are not a decimal number", text, wtext);
			return false;
		}
		if (w == 0 || w > TLB_MAX_WAYS) {
			ps_error_set(err, "TLB ways must be 1..%u (got %s)", TLB_MAX_WAYS, wtext);
			return false;
		}
	}
	if (!tlb_geometry(e, w, &w, err))
		return false;
	*entries = e;
	*ways = w;
	return true;
}
