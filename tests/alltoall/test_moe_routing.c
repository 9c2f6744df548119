/* MoE routing (seeded, distinct experts, skew) and the all-to-all check pattern. */
#include "config.h"
#include "core/exchange_pattern.h"
#include "core/moe.h"
#include "tests/tap.h"

#include <stdlib.h>

#define T 5000
#define K 4
#define NEXP 16

static int distinct_and_in_range(const int32_t *ex, long tokens, int topk, long nexp)
{
	for (long t = 0; t < tokens; t++)
		for (int a = 0; a < topk; a++) {
			int32_t e = ex[t * topk + a];
			if (e < 0 || e >= nexp)
				return 0;
			for (int b = 0; b < a; b++)
				if (ex[t * topk + b] == e)
					return 0;
		}
	return 1;
}

static void histogram(const int32_t *ex, long n, long *count)
{
	memset(count, 0, NEXP * sizeof *count);
	for (long i = 0; i < n; i++)
		count[ex[i]]++;
}

int main(void)
{
	struct cb_routing r;
	char err[200], buf[64];
	ok(cb_routing_parse("uniform", &r, err, sizeof err) == 0 && r.kind == CB_ROUTING_UNIFORM, "uniform parses");
	ok(cb_routing_parse("zipf:1.2", &r, err, sizeof err) == 0 && r.kind == CB_ROUTING_ZIPF && r.zipf_s == 1.2,
	   "zipf:1.2 parses");
	is_str(cb_routing_format(&r, buf, sizeof buf), "zipf:1.2", "zipf:1.2 formats back");
	const char *bad[] = { "zipf:", "zipf:0", "zipf:-1", "zipf:abc", "zipf:1.2x", "zipf:11", "zipf", "gauss", "" };
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		int rc = cb_routing_parse(bad[i], &r, err, sizeof err);
		ok(rc == -1 && strstr(err, "expected uniform or zipf:S"), "'%s' refused: %s", bad[i], err);
	}

	int32_t *a = malloc(T * K * sizeof *a), *b = malloc(T * K * sizeof *b);
	long ca[NEXP], cb[NEXP];
	struct cb_routing uni = { CB_ROUTING_UNIFORM, 0 }, zipf = { CB_ROUTING_ZIPF, 1.2 };

	ok(cb_moe_route(&zipf, 7, 3, T, K, NEXP, a) == 0 && cb_moe_route(&zipf, 7, 3, T, K, NEXP, b) == 0 &&
	   memcmp(a, b, T * K * sizeof *a) == 0, "same seed and rank: same routing");
	cb_moe_route(&zipf, 8, 3, T, K, NEXP, b);
	ok(memcmp(a, b, T * K * sizeof *a) != 0, "another seed: another routing");
	cb_moe_route(&zipf, 7, 4, T, K, NEXP, b);
	ok(memcmp(a, b, T * K * sizeof *a) != 0, "another rank: another routing");
	ok(distinct_and_in_range(a, T, K, NEXP), "zipf: %d distinct experts in range for every token", K);

	/* Every token copy goes to exactly one expert: counts sum to tokens x topk. */
	histogram(a, T * K, ca);
	long sum = 0, top = 0;
	for (int e = 0; e < NEXP; e++) {
		sum += ca[e];
		top = ca[e] > top ? ca[e] : top;
	}
	ok(sum == (long)T * K, "zipf: expert counts sum to tokens x topk (%ld)", sum);
	/* Zipf(1.2) over 16 experts, 4 distinct per token: the hottest expert is
	 * picked by most tokens, far above the uniform share T*K/16 = 1250. */
	ok(top > 3000, "zipf:1.2 is skewed: hottest expert has %ld copies (uniform share 1250)", top);

	/* All ranks agree on which expert is hot (popularity depends on the seed only). */
	cb_moe_route(&zipf, 7, 5, T, K, NEXP, b);
	histogram(b, T * K, cb);
	int hot_a = 0, hot_b = 0;
	for (int e = 1; e < NEXP; e++) {
		hot_a = ca[e] > ca[hot_a] ? e : hot_a;
		hot_b = cb[e] > cb[hot_b] ? e : hot_b;
	}
	ok(hot_a == hot_b, "ranks 3 and 5 share the hottest expert (%d, %d)", hot_a, hot_b);

	ok(cb_moe_route(&uni, 1, 0, T, K, NEXP, a) == 0 && distinct_and_in_range(a, T, K, NEXP),
	   "uniform: distinct experts in range");
	histogram(a, T * K, ca);
	long lo = ca[0], hi = ca[0];
	for (int e = 1; e < NEXP; e++) {
		lo = ca[e] < lo ? ca[e] : lo;
		hi = ca[e] > hi ? ca[e] : hi;
	}
	ok(lo > 1100 && hi < 1400, "uniform: every expert near 1250 copies (%ld..%ld)", lo, hi);

	ok(cb_moe_route(&zipf, 1, 0, 1000, NEXP, NEXP, a) == 0 && distinct_and_in_range(a, 1000, NEXP, NEXP),
	   "topk = experts: every token gets every expert once (exact draw when rejection fails)");
	ok(cb_moe_route(&zipf, 1, 0, 10, NEXP + 1, NEXP, a) == -1, "topk > experts refused");
	free(a);
	free(b);

	/* Check pattern: unique per (src, dst, i mod 61) at 6 ranks, exact in float. */
	int p = 6, unique = 1, exact = 1;
	static char seen[6 * 6 * CB_A2A_PERIOD + 2];
	for (int s = 0; s < p; s++)
		for (int d = 0; d < p; d++)
			for (int i = 0; i < CB_A2A_PERIOD; i++) {
				double v = cb_a2a_value(s, d, (uint64_t)i, p);
				if (v < 1 || v >= sizeof seen || seen[(int)v]++)
					unique = 0;
				if ((double)(float)v != v)
					exact = 0;
			}
	ok(unique, "pattern: every (source, destination, index) has its own value");
	ok(exact, "pattern: values exact in float");
	ok(cb_a2a_value(1, 2, 5, p) == cb_a2a_value(1, 2, 5 + CB_A2A_PERIOD, p), "pattern: index period 61");
	ok(cb_a2a_value(100000, 99999, 60, 100000) <= 16777216.0, "pattern: below 2^24 at 100000 ranks");
	ok(cb_moe_byte(1, 2, 0, 0) != cb_moe_byte(1, 2, 1, 0) || cb_moe_byte(1, 2, 0, 1) != cb_moe_byte(1, 2, 1, 1),
	   "moe pattern: two copies of a token differ");
	return tap_done();
}
