/*
 * Mixture-of-experts routing for the all-to-all kernel's moe pattern
 * (MPI-free): which experts each token of a rank picks, reproducibly from a
 * seed.  Experts are numbered 0 .. E*p-1; expert e lives on rank e / E.
 */
#ifndef CB_MOE_H
#define CB_MOE_H

#include <stddef.h>
#include <stdint.h>

enum cb_routing_kind { CB_ROUTING_UNIFORM, CB_ROUTING_ZIPF };

struct cb_routing {
	enum cb_routing_kind kind;
	double zipf_s;          /* exponent S of zipf:S, > 0 */
};

/* "uniform" or "zipf:S" (S a number > 0 and <= 10). */
int cb_routing_parse(const char *s, struct cb_routing *out, char *err, size_t errlen);
/* "uniform", "zipf:1.2" */
const char *cb_routing_format(const struct cb_routing *r, char *buf, size_t len);

/*
 * Pick topk distinct experts out of nexperts for each of `tokens` tokens of
 * rank `rank`: experts[t * topk + k].  Uniform: every expert equally likely.
 * zipf:S: expert popularity follows 1/n^S over a random order of the experts
 * that depends on the seed only (every rank agrees on which experts are
 * hot); each token draws without replacement by popularity.  The same
 * (seed, rank) always gives the same routing.  Returns 0, or -1 if
 * topk > nexperts or out of memory.
 */
int cb_moe_route(const struct cb_routing *r, uint64_t seed, int rank, long tokens, int topk, long nexperts,
		 int32_t *experts);

/* Deterministic 64-bit generator (splitmix64), for the routing and tests. */
uint64_t cb_rand_next(uint64_t *state);

#endif
