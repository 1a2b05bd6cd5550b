/*
 * trace_binary.h - pagesim's compact binary trace format (traces/FORMAT.md,
 * section "binary"): a versioned header, then fixed-size little-endian
 * records that mirror struct trace_rec byte for byte. Version 2 adds
 * events: an event record (op 3) followed by its payload records.
 * Version 3 codes the same records in a few bytes each (trace_binary3.h).
 *
 * This module knows the layout: it checks a header, turns file records
 * into host records (a no-op on little-endian hosts) and validates them,
 * and it writes the format (convert.c turns any trace into it). trace.c
 * owns the reading: it finds the magic
 * after decompression and reads the records straight into the caller's
 * array, with no line machinery.
 */
#ifndef PAGESIM_TRACE_BINARY_H
#define PAGESIM_TRACE_BINARY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "util/error.h"
#include "trace/trace.h"
#include "trace/trace_event.h"

/* Whether a record's file layout is the host's own struct trace_rec (a
 * little-endian host; trace_binary.c pins the layout with static
 * assertions), so that records are copied whole. Building with
 * -DTRACE_BINARY_PORTABLE takes the byte-by-byte paths on any host, to
 * test them (trace_binary.c, trace_binary3.c). */
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__ && !defined(TRACE_BINARY_PORTABLE)
#define TRACE_BINARY_HOST_IS_LE 1
#else
#define TRACE_BINARY_HOST_IS_LE 0
#endif

#define TRACE_BINARY_MAGIC "PGSIMBIN" /* 8 bytes, no terminator in the file */
#define TRACE_BINARY_MAGIC_LEN 8
#define TRACE_BINARY_VERSION 3       /* the newest version, written by default */
#define TRACE_BINARY_VERSION_MIN 1   /* the oldest version read */
#define TRACE_BINARY_FLAG_EVENTS 0x1 /* header flag (version 2): may hold event records */
#define TRACE_BINARY_HEADER_SIZE 32   /* the header this version writes */
#define TRACE_BINARY_HEADER_MAX 4096  /* the largest header_size a reader accepts */
#define TRACE_BINARY_RECORD_SIZE 16

/* An event's payload: 48 bytes of fields, then its name and file name,
 * zero-padded to whole records (traces/FORMAT.md has the layout). */
#define TRACE_BINARY_EVENT_FIXED 48
#define TRACE_BINARY_EVENT_MIN_RECORDS 3  /* no strings */
#define TRACE_BINARY_EVENT_MAX_RECORDS 23 /* the longest name and file name */

/* What a header says, besides its size. */
struct trace_binary_info {
	uint32_t version;
	uint32_t flags;
};

/* Do the n bytes at p start with the magic? (False when n < 8.) */
bool trace_binary_sniff(const void *p, size_t n);

/* Check the header at p, of which n bytes are available (the whole file
 * if it is shorter than TRACE_BINARY_HEADER_MAX), after the magic has been
 * seen. Returns the header size (the offset of the first record) and fills
 * *info (if not NULL), or returns 0 with why set to the reason, without
 * "FILE: " ("unsupported binary trace version 4 (this pagesim reads
 * versions 1 to 3)"). */
size_t trace_binary_check_header(const void *p, size_t n, struct trace_binary_info *info, char *why,
				 size_t why_len);

/* Write the header of version `version` with header flags flags into out. */
void trace_binary_header(unsigned char out[TRACE_BINARY_HEADER_SIZE], unsigned version, uint32_t flags);

/* One record from / to its 16 file bytes, by explicit byte assembly:
 * correct on any host (the bulk functions below use them on big-endian
 * hosts, and memcpy on little-endian ones). */
void trace_binary_get(const unsigned char *p, struct trace_rec *rec);
void trace_binary_put(const struct trace_rec *rec, unsigned char *p);

/* Turn n records read from a file, in place, into host records. */
void trace_binary_to_host(struct trace_rec *recs, size_t n);

/* Encode n records into out (16 * n bytes). */
void trace_binary_encode(const struct trace_rec *recs, size_t n, unsigned char *out);

/* The index of the first of recs[0..n) that is not a valid access (an op
 * above 2 -- which includes an event record --, a nonzero flags byte,
 * size 0, pid 0, or bytes at or beyond addr_max + 1 = 2^va_bits), or n if
 * all are valid. */
size_t trace_binary_find_bad(const struct trace_rec *recs, size_t n, uint64_t addr_max);

/* Why trace_binary_find_bad refused rec, an access record of a file of
 * version `version` whose header does (events) or does not declare
 * events, without "FILE: record N: ". */
void trace_binary_why(const struct trace_rec *rec, unsigned va_bits, unsigned version, bool events, char *why,
		      size_t why_len);

/* The payload records ev needs (TRACE_BINARY_EVENT_MIN_RECORDS..MAX). */
size_t trace_binary_event_records(const struct trace_event *ev);

/* Encode ev (valid: trace_event_check) as its event record and payload
 * into out, which has room for 1 + TRACE_BINARY_EVENT_MAX_RECORDS records.
 * Returns the bytes written. */
size_t trace_binary_encode_event(const struct trace_event *ev, unsigned char *out);

/* Decode the event whose event record is head (a host record with op
 * OP_EVENT) and whose payload is the `records` records at payload (file
 * bytes), into *ev, with its name and file name copied into name
 * (TRACE_EVENT_NAME_MAX + 1 bytes) and file (TRACE_EVENT_FILE_MAX + 1).
 * Checks the layout only (lengths, reserved bytes and padding zero);
 * trace_event_check then checks what it says. Returns true, or false with
 * why set. ev->line is left 0. */
bool trace_binary_decode_event(const struct trace_rec *head, const unsigned char *payload, size_t records,
			       struct trace_event *ev, char *name, char *file, char *why, size_t why_len);

#endif
