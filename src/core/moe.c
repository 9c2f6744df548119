/* Mixture-of-experts routing: seeded uniform or Zipf expert choice per token. */
#include "config.h"
#include "core/moe.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

uint64_t cb_rand_next(uint64_t *state)
{
	uint64_t z = (*state += 0x9e3779b97f4a7c15ull);
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

static double uniform01(uint64_t *state)
{
	return (double)(cb_rand_next(state) >> 11) * (1.0 / 9007199254740992.0);
}

int cb_routing_parse(const char *s, struct cb_routing *out, char *err, size_t errlen)
{
	if (strcmp(s, "uniform") == 0) {
		*out = (struct cb_routing){ CB_ROUTING_UNIFORM, 0 };
		return 0;
	}
	if (strncmp(s, "zipf:", 5) == 0 && s[5]) {
		char *end;
		errno = 0;
		double v = strtod(s + 5, &end);
		if (!*end && errno == 0 && v > 0 && v <= 10) {
			*out = (struct cb_routing){ CB_ROUTING_ZIPF, v };
			return 0;
		}
	}
	snprintf(err, errlen, "'%s' is not a routing (expected uniform or zipf:S with 0 < S <= 10, e.g. zipf:1.2)", s);
	return -1;
}

const char *cb_routing_format(const struct cb_routing *r, char *buf, size_t len)
{
	if (r->kind == CB_ROUTING_UNIFORM)
		snprintf(buf, len, "uniform");
	else
		snprintf(buf, len, "zipf:%g", r->zipf_s);
	return buf;
}

/* Cumulative popularity of the experts (cdf[e] = sum of weights up to e). */
static double *popularity_cdf(const struct cb_routing *r, uint64_t seed, long n)
{
	double *cdf = malloc((size_t)n * sizeof *cdf);
	long *order = malloc((size_t)n * sizeof *order);
	if (!cdf || !order) {
		free(cdf);
		free(order);
		return NULL;
	}
	/* A seeded shuffle decides which expert has popularity rank 1, 2, ... */
	uint64_t st = seed ^ 0x5a17ab1e5eedull;
	for (long i = 0; i < n; i++)
		order[i] = i;
	for (long i = n - 1; i > 0; i--) {
		long j = (long)(cb_rand_next(&st) % (uint64_t)(i + 1)), t = order[i];
		order[i] = order[j];
		order[j] = t;
	}
	for (long i = 0; i < n; i++)
		cdf[order[i]] = r->kind == CB_ROUTING_ZIPF ? pow((double)(i + 1), -r->zipf_s) : 1.0;
	for (long e = 1; e < n; e++)
		cdf[e] += cdf[e - 1];
	free(order);
	return cdf;
}

static long draw(const double *cdf, long n, uint64_t *st)
{
	double u = uniform01(st) * cdf[n - 1];
	long lo = 0, hi = n - 1;
	while (lo < hi) {
		long mid = lo + (hi - lo) / 2;
		if (cdf[mid] > u)
			hi = mid;
		else
			lo = mid + 1;
	}
	return lo;
}

static int taken(const int32_t *chosen, int k, long e)
{
	for (int i = 0; i < k; i++)
		if (chosen[i] == e)
			return 1;
	return 0;
}

/* Exact draw among the experts not yet chosen (when rejection keeps failing). */
static long draw_remaining(const double *cdf, long n, const int32_t *chosen, int k, uint64_t *st)
{
	double total = 0;
	for (long e = 0; e < n; e++)
		if (!taken(chosen, k, e))
			total += cdf[e] - (e ? cdf[e - 1] : 0);
	double u = uniform01(st) * total;
	long last = -1;
	for (long e = 0; e < n; e++) {
		if (taken(chosen, k, e))
			continue;
		last = e;
		u -= cdf[e] - (e ? cdf[e - 1] : 0);
		if (u < 0)
			return e;
	}
	return last;
}

int cb_moe_route(const struct cb_routing *r, uint64_t seed, int rank, long tokens, int topk, long nexperts,
		 int32_t *experts)
{
	if (topk < 1 || topk > nexperts)
		return -1;
	double *cdf = popularity_cdf(r, seed, nexperts);
	if (!cdf)
		return -1;
	uint64_t st = seed * 0x9e3779b97f4a7c15ull + (uint64_t)rank * 0xd1b54a32d192ed03ull + 1;
	for (long t = 0; t < tokens; t++) {
		int32_t *chosen = experts + t * topk;
		for (int k = 0; k < topk; k++) {
			long e = -1;
			for (int tries = 0; tries < 64 && e < 0; tries++) {
				long c = draw(cdf, nexperts, &st);
				if (!taken(chosen, k, c))
					e = c;
			}
			if (e < 0)
				e = draw_remaining(cdf, nexperts, chosen, k, &st);
			chosen[k] = (int32_t)e;
		}
	}
	free(cdf);
	return 0;
}
