/* The synthetic prefill clock and the workload: prompt lengths, arrivals, seeded randomness. */
#ifndef CB_KV_CLOCK_H
#define CB_KV_CLOCK_H

#include <stddef.h>
#include <stdint.h>

#include "kv/model.h"

/* How fast a prefill instance computes: a FLOPs model, or tokens per second. */
struct cb_kv_speed {
	double tflops;         /* per rank, peak */
	double mfu;            /* fraction of peak achieved */
	int ranks;             /* ranks of the instance (TP) */
	double tokens_per_s;   /* > 0: use this instead of FLOPs */
};

/* Prefill FLOPs for the first n tokens: Mooncake (FAST'25) Eq. 1,
 * L*(4*n^2*d + 22*n*d^2); MoE presets use L*4*n^2*d + 2*active*n. */
double cb_kv_prefill_flops(const struct cb_kv_model *m, double n);
/* Seconds to prefill the first n tokens of a prompt (chunk c ends at n). */
double cb_kv_prefill_seconds(const struct cb_kv_model *m, const struct cb_kv_speed *s, double n);

/* Deterministic generator (splitmix64): same seed, same sequence, on every rank. */
static inline uint64_t cb_kv_mix(uint64_t x)
{
	x += 0x9E3779B97F4A7C15ull;
	x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9ull;
	x = (x ^ (x >> 27)) * 0x94D049BB133111EBull;
	return x ^ (x >> 31);
}
/* Uniform in (0, 1) from a key. */
double cb_kv_uniform(uint64_t key);

/* Prompt lengths: a fixed list, or normal:mu,sd,min,max (clipped). */
struct cb_kv_isl {
	int normal;
	uint64_t values[16];
	int nvalues;
	double mu, sd;
	uint64_t min, max;
};
int cb_kv_isl_parse(const char *arg, struct cb_kv_isl *d, char *err, size_t errlen);
/* Length of request `index` for a normal spec (deterministic in seed, index). */
uint64_t cb_kv_isl_draw(const struct cb_kv_isl *d, uint64_t seed, uint64_t index);

/* Arrivals: closed:C (C requests outstanding per prefill instance) or poisson:RATE (req/s per instance). */
struct cb_kv_arrival {
	int poisson;
	int inflight;          /* closed */
	double rate;           /* poisson */
};
int cb_kv_arrival_parse(const char *arg, struct cb_kv_arrival *a, char *err, size_t errlen);
/* Poisson arrival time (s, from the round start) of the k-th request of instance inst. */
double cb_kv_poisson_time(const struct cb_kv_arrival *a, uint64_t seed, int inst, int k);

#endif
