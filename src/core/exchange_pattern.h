/*
 * Check patterns for all-to-all exchanges: every element says where it came
 * from, where it was going and where it sat, so a block delivered to the
 * wrong rank, from the wrong rank or at the wrong offset is caught.
 */
#ifndef CB_EXCHANGE_PATTERN_H
#define CB_EXCHANGE_PATTERN_H

#include <stdint.h>

#define CB_A2A_PERIOD 61

/*
 * Element i of the block rank src sends to rank dst (p ranks):
 * ((src * p + dst) * 61 + i mod 61) mod 2^24, plus 1 (so 0 never occurs).
 * Below 2^24, so exact in float; unique per (src, dst, i mod 61) while
 * p^2 * 61 < 2^24 (p <= 524), a hash of it beyond.
 */
static inline double cb_a2a_value(int src, int dst, uint64_t i, int p)
{
	uint64_t code = ((uint64_t)src * (uint64_t)p + (uint64_t)dst) * CB_A2A_PERIOD + i % CB_A2A_PERIOD;
	return (double)(code % (1u << 24) + 1);
}

/* Byte i of the vector of token t, copy k (its k-th expert), of rank src:
 * a mix of (src, t, k) plus i, so rows cannot be swapped unnoticed. */
static inline uint8_t cb_moe_byte(int src, long t, int k, uint64_t i)
{
	uint64_t z = ((uint64_t)src << 40) ^ ((uint64_t)t << 8) ^ (uint64_t)k;
	z = (z ^ (z >> 31)) * 0x9e3779b97f4a7c15ull;
	z ^= z >> 29;
	return (uint8_t)(z + i);
}

#endif
