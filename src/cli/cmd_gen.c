/*
 * cmd_gen.c - `pagesim gen`: write a seeded synthetic workload (gen.h) as
 * a trace in one of the formats the readers accept.
 *
 * Lines are formatted by hand into a 1 MiB buffer (no stdio per line) and
 * the buffer goes to an outfile (outfile.h): through zlib or zstd when the
 * name ends in .gz or .zst, written as FILE.tmp.PID and renamed into place
 * only when everything was written, so an error or a signal never leaves a
 * half-written FILE behind.
 */
#include "config.h"

#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "cli/options.h"
#include "util/numparse.h"
#include "trace/gen.h"
#include "util/outfile.h"

#define GEN_BUF_SIZE (1u << 20)
#define GEN_LINE_MAX 64 /* longest line written, with room to spare */

enum gen_out_format { OUT_NATIVE, OUT_LACKEY, OUT_ADDR_RW, OUT_PAGES };

struct gen_opts {
	struct gen_params p;
	bool have_pages, have_refs;
	bool have_alpha, have_phase_opt; /* to refuse them for kinds that ignore them */
	uint32_t pid;
	enum gen_out_format format;
	const char *output;
};

/* --page-size N into a log2 page size (an unsigned). Returns 0, or -1
 * for the generic error. */
static int gen_opt_page_size(const struct opt_spec *spec, const char *arg, void *field, struct ps_error *err)
{
	return num_parse_page_size(arg, field) ? 0 : -1;
}

static const char *const gen_format_words[] = {
	[OUT_NATIVE] = "native", [OUT_LACKEY] = "lackey", [OUT_ADDR_RW] = "addr-rw", [OUT_PAGES] = "pages", NULL
};

static const struct opt_spec gen_required[] = {
	{ .name = "pages", .kind = OPT_UINT, .arg = "N", OPT_AT(struct gen_opts, p.pages), .min = 1,
	  .max = 1ULL << GEN_ADDR_BITS, OPT_GIVEN(struct gen_opts, have_pages), .expected = "a number of pages from 1 to 2^48",
	  .help = "number of pages the workload ranges over (1..2^48)" },
	{ .name = "refs", .kind = OPT_UINT, .arg = "N", OPT_AT(struct gen_opts, p.refs), .min = 1, .max = UINT64_MAX,
	  OPT_GIVEN(struct gen_opts, have_refs), .expected = "a number of references >= 1",
	  .help = "number of references to write (>= 1)" },
	{ .letter = 'o', .kind = OPT_STRING, .arg = "FILE", OPT_AT(struct gen_opts, output),
	  .help = "output file, - for standard output. FILE is written\n"
		  "as FILE.tmp.PID and renamed on success; a name ending\n"
		  "in .gz is gzip-compressed (zlib's default level 6;\n"
		  "about 4x slower than .zst), in .zst zstd-compressed\n"
		  "(level 3, with a checksum)" },
	{ 0 },
};

static const struct opt_spec gen_options[] = {
	{ .name = "seed", .kind = OPT_UINT, .arg = "N", OPT_AT(struct gen_opts, p.seed), .max = UINT64_MAX,
	  .expected = "a whole number", .help = "seed (default 1)" },
	{ .name = "write-ratio", .kind = OPT_DOUBLE, .arg = "R", OPT_AT(struct gen_opts, p.write_ratio), .dmax = 1,
	  .expected = "a number from 0 to 1", .help = "fraction of references that are writes, 0..1 (default 0)" },
	{ .name = "alpha", .kind = OPT_DOUBLE, .arg = "A", OPT_AT(struct gen_opts, p.alpha), .dmin_open = true,
	  .dmax = INFINITY, OPT_GIVEN(struct gen_opts, have_alpha), .expected = "a number > 0",
	  .help = "zipf, mix: the Zipf exponent, > 0 (default 1)" },
	{ .name = "sets", .kind = OPT_UINT, .arg = "K", OPT_AT(struct gen_opts, p.sets), .min = 1, .max = UINT64_MAX,
	  OPT_GIVEN(struct gen_opts, have_phase_opt), .expected = "a number of working sets >= 1",
	  .help = "phases: number of working sets (default 4)" },
	{ .name = "set-size", .kind = OPT_UINT, .arg = "S", OPT_AT(struct gen_opts, p.set_size), .min = 1,
	  .max = UINT64_MAX, OPT_GIVEN(struct gen_opts, have_phase_opt), .expected = "a number of pages >= 1",
	  .help = "phases: pages per working set (default max(1, N/8))" },
	{ .name = "phase-length", .kind = OPT_UINT, .arg = "L", OPT_AT(struct gen_opts, p.phase_length), .min = 1,
	  .max = UINT64_MAX, OPT_GIVEN(struct gen_opts, have_phase_opt), .expected = "a number of references >= 1",
	  .help = "phases: references per phase (default 10 * S)" },
	{ .name = "page-size", .kind = OPT_CUSTOM, .arg = "N", OPT_AT(struct gen_opts, p.page_shift),
	  .parse = gen_opt_page_size, .expected = "a power of two from 256 to 1G",
	  .help = "page size, a power of two (256..1G; 4K, 2M accepted);\n"
		  "default 4096. Each access is 4 bytes at a random\n"
		  "4-aligned offset inside its page. pages * page size\n"
		  "must fit in 48 bits" },
	{ .name = "pid", .kind = OPT_UINT, .arg = "N", OPT_AT(struct gen_opts, pid), .min = 1, .max = UINT32_MAX,
	  .expected = "1..4294967295",
	  .help = "process id, 1..4294967295 (default 1); other than 1\n"
		  "only in native format (a 'process N' line)" },
	{ .name = "output-format", .kind = OPT_CHOICE, .arg = "F", OPT_AT(struct gen_opts, format),
	  .words = gen_format_words, .help = "native (default), lackey, addr-rw or pages" },
	{ 0 },
};

static const struct opt_group gen_groups[] = {
	{ gen_required, 0, "Required:\n" },
	{ gen_options, 0, "\nOptions:\n" },
	{ NULL, 0, NULL },
};

static const struct opt_command gen_command = {
	.name = "gen",
	.synopsis = "usage: pagesim gen KIND --pages N --refs N [options] -o FILE\n"
		    "Write a seeded synthetic trace. The same options and seed always give\n"
		    "byte-identical output.\n\n"
		    "Kinds (N = --pages):\n"
		    "  uniform   every reference picks one of the N pages uniformly\n"
		    "  zipf      Zipf(alpha): rank r has probability r^-alpha / sum_k k^-alpha;\n"
		    "            ranks map to pages by a seeded multiplicative hash,\n"
		    "            page = (a * (r - 1) + b) mod N with a ~ N / golden ratio\n"
		    "            coprime with N and b drawn from the seed, so hot pages are\n"
		    "            scattered, not adjacent (at most 2^27 pages)\n"
		    "  scan      pages 0, 1, ..., refs-1: one sequential pass (refs <= N)\n"
		    "  loop      pages 0..N-1 over and over: LRU and FIFO fault on every\n"
		    "            reference once N > frames\n"
		    "  phases    working sets: K windows of S pages at seeded offsets; each\n"
		    "            phase draws uniformly from one window for L references,\n"
		    "            then moves to one of the other windows, drawn uniformly\n"
		    "  mix       for the benchmark; each reference is, with probability\n"
		    "              60%: Zipf(alpha) over a hot set of max(1, N/16) ranks,\n"
		    "                   hashed over all N pages as for zipf;\n"
		    "              20%: the next page of a sequential run of 64..4096 pages\n"
		    "                   (uniform length; a new run starts at a uniform page\n"
		    "                   when one ends, wrapping at N); runs interleave with\n"
		    "                   the other references;\n"
		    "              20%: a uniform page of the N\n\n",
	.groups = gen_groups,
	.epilogue = "\nOutput formats, one reference per line (traces/FORMAT.md):\n"
		    "  native    header 'pagesim-trace 1' and a '#' line with the parameters,\n"
		    "            then 'R 0x1a2b3c 4' or 'W 0x1a2b3c 4'\n"
		    "  lackey    ' L 001a2b3c,4' or ' S 001a2b3c,4' (as valgrind prints:\n"
		    "            hex, at least 8 digits)\n"
		    "  addr-rw   '001a2b3c R' or '001a2b3c W'\n"
		    "  pages     the decimal page number; it cannot mark writes, so\n"
		    "            --write-ratio must be 0\n\n"
		    "Example:\n"
		    "  pagesim gen zipf --pages 100000 --refs 10000000 --alpha 0.9 \\\n"
		    "      --write-ratio 0.3 -o zipf.trace.zst\n"
		    "Exit status: 0 success, 2 usage or output error.\n",
	.error_prefix = "gen: ",
};

/* After the options: one KIND among the operands argv[first..], the
 * required options, and only options that apply to the kind and format.
 * Returns -1 to go on, or an exit code after printing the error. */
static int gen_check_args(struct gen_opts *o, int argc, char **argv, int first)
{
	if (first == argc)
		return cli_fail("gen: no kind given (uniform, zipf, scan, loop, phases or mix); "
				"see 'pagesim gen --help'");
	if (argc - first > 1)
		return cli_fail("gen: more than one kind given (\"%s\", \"%s\")", argv[first], argv[first + 1]);
	if (!gen_kind_parse(argv[first], &o->p.kind)) {
		const char *guess = gen_kind_guess(argv[first]);

		return cli_fail("gen: KIND: expected uniform, zipf, scan, loop, phases or mix, got \"%s\"%s%s%s",
				argv[first], guess ? " (did you mean \"" : "", guess ? guess : "", guess ? "\"?)" : "");
	}
	if (!o->have_pages)
		return cli_fail("gen: --pages N is required");
	if (!o->have_refs)
		return cli_fail("gen: --refs N is required");
	if (o->output == NULL)
		return cli_fail("gen: -o FILE is required (- for standard output)");
	if (o->have_alpha && o->p.kind != GEN_ZIPF && o->p.kind != GEN_MIX)
		return cli_fail("gen: --alpha applies to zipf and mix only");
	if (o->have_phase_opt && o->p.kind != GEN_PHASES)
		return cli_fail("gen: --sets, --set-size and --phase-length apply to phases only");
	if (o->format == OUT_PAGES && o->p.write_ratio > 0)
		return cli_fail("gen: the pages format cannot mark writes; use --write-ratio 0 or another "
				"--output-format");
	if (o->format != OUT_NATIVE && o->pid != 1)
		return cli_fail("gen: only the native format can carry a process id; drop --pid or use "
				"--output-format native");
	return -1;
}

/* Parse argv into o (gen_command's tables, then gen_check_args). Returns
 * -1 to go on, or an exit code to stop with (after printing the one-line
 * error). */
static int gen_parse(int argc, char **argv, struct gen_opts *o)
{
	int first, rc;

	*o = (struct gen_opts){ .pid = 1, .format = OUT_NATIVE };
	gen_params_init(&o->p, GEN_UNIFORM);
	if ((rc = cli_parse_options(&gen_command, argc, argv, o, &first)) >= 0)
		return rc;
	return gen_check_args(o, argc, argv, first);
}

static const char gen_hex_digits[16] = "0123456789abcdef";

/* Write v in lower-case hex, at least min digits (zero-padded), at p;
 * returns the end. */
static inline char *gen_put_hex(char *p, uint64_t v, unsigned min)
{
	unsigned n = v ? (unsigned)(67 - __builtin_clzll(v)) / 4 : 1;

	if (n < min)
		n = min;
	for (unsigned i = n; i-- > 0; v >>= 4)
		p[i] = gen_hex_digits[v & 15];
	return p + n;
}

/* Write v in decimal at p; returns the end. */
static inline char *gen_put_dec(char *p, uint64_t v)
{
	char tmp[20];
	unsigned n = 0;

	do {
		tmp[n++] = (char)('0' + v % 10);
		v /= 10;
	} while (v != 0);
	while (n > 0)
		*p++ = tmp[--n];
	return p;
}

/* Format every reference of g into buf (GEN_BUF_SIZE bytes) and hand full
 * buffers to s; the native header first. Returns 0 or -1 with err set. */
static int gen_emit(struct gen *g, const struct gen_opts *o, struct outfile *s, char *buf,
		    struct ps_error *err)
{
	char *p = buf, *const flush_at = buf + GEN_BUF_SIZE - GEN_LINE_MAX;
	uint64_t page;
	bool write;

	if (o->format == OUT_NATIVE) {
		const struct gen_params *q = gen_params_of(g);

		p += sprintf(p, "pagesim-trace 1\n# pagesim gen %s --pages %" PRIu64 " --refs %" PRIu64
			     " --seed %" PRIu64 " --write-ratio %.17g --page-size %llu",
			     gen_kind_name(q->kind), q->pages, q->refs, q->seed, q->write_ratio,
			     1ULL << q->page_shift);
		if (q->kind == GEN_ZIPF || q->kind == GEN_MIX)
			p += sprintf(p, " --alpha %.17g", q->alpha);
		if (q->kind == GEN_PHASES)
			p += sprintf(p, " --sets %" PRIu64 " --set-size %" PRIu64 " --phase-length %" PRIu64,
				     q->sets, q->set_size, q->phase_length);
		*p++ = '\n';
		if (o->pid != 1)
			p += sprintf(p, "process %" PRIu32 "\n", o->pid);
	}
	while (gen_next(g, &page, &write)) {
		if (p >= flush_at) {
			if (outfile_write(s, buf, (size_t)(p - buf), err) < 0)
				return -1;
			p = buf;
		}
		switch (o->format) {
		case OUT_NATIVE:
			p[0] = write ? 'W' : 'R';
			memcpy(p + 1, " 0x", 3);
			p = gen_put_hex(p + 4, gen_addr(g, page), 1);
			memcpy(p, " 4\n", 3);
			p += 3;
			break;
		case OUT_LACKEY:
			memcpy(p, write ? " S " : " L ", 3);
			p = gen_put_hex(p + 3, gen_addr(g, page), 8);
			memcpy(p, ",4\n", 3);
			p += 3;
			break;
		case OUT_ADDR_RW:
			p = gen_put_hex(p, gen_addr(g, page), 8);
			memcpy(p, write ? " W\n" : " R\n", 3);
			p += 3;
			break;
		case OUT_PAGES:
			p = gen_put_dec(p, page);
			*p++ = '\n';
			break;
		}
	}
	return outfile_write(s, buf, (size_t)(p - buf), err);
}

/* Generate g into the output named in o. Returns 0 or -1 with err set. */
static int gen_write(struct gen *g, const struct gen_opts *o, struct ps_error *err)
{
	char *buf = malloc(GEN_BUF_SIZE);
	struct outfile *out;
	int rc;

	if (buf == NULL)
		return ps_error_set(err, "out of memory");
	out = outfile_open(o->output, err);
	if (out == NULL) {
		free(buf);
		return -1;
	}
	rc = gen_emit(g, o, out, buf, err);
	rc = outfile_close(out, rc == 0, NULL, err);
	free(buf);
	return rc;
}

int cmd_gen(int argc, char **argv)
{
	struct gen_opts o;
	struct ps_error err;
	struct gen *g;
	int rc;

	if ((rc = gen_parse(argc, argv, &o)) >= 0)
		return rc;
	g = gen_create(&o.p, &err);
	if (g == NULL)
		return cli_fail("gen: %s", err.msg);
	rc = gen_write(g, &o, &err);
	gen_free(g);
	if (rc < 0)
		return cli_fail("gen: %s", err.msg);
	return EXIT_OK;
}
