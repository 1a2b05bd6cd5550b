/*
 * rng.h - the one pseudo-random generator of pagesim: SplitMix64.
 *
 * state += 0x9e3779b97f4a7c15; z = state;
 * z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9;
 * z = (z ^ (z >> 27)) * 0x94d049bb133111eb;
 * return z ^ (z >> 31);
 *
 * The state starts at the seed. A draw in [0, n) is the high 64 bits of
 * the 128-bit product next() * n (Lemire's multiply-shift; its bias is
 * below n / 2^64). Written down here because results must be reproducible
 * from the seed alone, on any machine.
 */
#ifndef PAGESIM_RNG_H
#define PAGESIM_RNG_H

#include <stdint.h>

struct rng {
	uint64_t state;
};

/* Start a generator at seed. */
static inline void rng_seed(struct rng *r, uint64_t seed)
{
	r->state = seed;
}

/* Next 64 random bits. */
static inline uint64_t rng_next(struct rng *r)
{
	uint64_t z = (r->state += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

/* The draw in [0, n) that the 64 random bits give: rng_below's scaling. */
static inline uint64_t rng_scale(uint64_t bits, uint64_t n)
{
	return (uint64_t)(((unsigned __int128)bits * n) >> 64);
}

/* Uniform draw in [0, n), n >= 1. */
static inline uint64_t rng_below(struct rng *r, uint64_t n)
{
	return rng_scale(rng_next(r), n);
}

#endif
