/* Prefill clock, prompt-length distributions and arrivals (reproducible for a seed); role placement. */
#include "config.h"
#include "kv/clock.h"
#include "kv/roles.h"
#include "tests/tap.h"

static int roles_are(const struct cb_kv_role *r, const char *want, int n)
{
	/* want: one letter per rank, P, D or i (idle) */
	for (int i = 0; i < n; i++) {
		char c = r[i].side == CB_KV_PREFILL ? 'P' : r[i].side == CB_KV_DECODE ? 'D' : 'i';
		if (c != want[i])
			return 0;
	}
	return 1;
}

int main(void)
{
	struct cb_kv_model m = { .layers = 80, .hidden = 8192 };
	double n = 8192, d = 8192;
	is_num(cb_kv_prefill_flops(&m, n), 80 * (4 * n * n * d + 22 * n * d * d), 1e3, "Mooncake Eq. 1, dense");
	struct cb_kv_speed sp = { .tflops = 1000, .mfu = 0.5, .ranks = 2 };
	is_num(cb_kv_prefill_seconds(&m, &sp, n), cb_kv_prefill_flops(&m, n) / 1e15, 1e-12, "seconds = flops / (G*MFU*ranks)");
	struct cb_kv_speed tps = { .tokens_per_s = 10000 };
	is_num(cb_kv_prefill_seconds(&m, &tps, 5000), 0.5, 1e-12, "tokens/s mode");
	m.active_params = 37e9;
	is_num(cb_kv_prefill_flops(&m, 1000), 80 * 4 * 1e6 * d + 2 * 37e9 * 1000, 1e3, "MoE: attention + 2*active*n");
	ok(cb_kv_prefill_seconds(&m, &sp, 2000) > cb_kv_prefill_seconds(&m, &sp, 1000), "longer prompts take longer");

	struct cb_kv_isl isl;
	char err[256];
	ok(cb_kv_isl_parse("1024,4096", &isl, err, sizeof err) == 0 && isl.nvalues == 2 && isl.values[1] == 4096 && !isl.normal,
	   "fixed list");
	ok(cb_kv_isl_parse("normal:16000,10000,1000,128000", &isl, err, sizeof err) == 0 && isl.normal, "normal spec (KVBench)");
	int in_range = 1, same = 1;
	double sum = 0;
	for (int i = 0; i < 20000; i++) {
		uint64_t v = cb_kv_isl_draw(&isl, 5, (uint64_t)i);
		in_range &= v >= 1000 && v <= 128000;
		same &= v == cb_kv_isl_draw(&isl, 5, (uint64_t)i);
		sum += (double)v;
	}
	ok(in_range && same, "draws clipped to [min, max] and reproducible for a seed");
	is_num(sum / 20000, 16600, 700, "clipped mean near mu (+ the clipping bias)");
	ok(cb_kv_isl_draw(&isl, 5, 3) != cb_kv_isl_draw(&isl, 6, 3) || cb_kv_isl_draw(&isl, 5, 4) != cb_kv_isl_draw(&isl, 6, 4),
	   "another seed, other draws");
	ok(cb_kv_isl_parse("normal:5,1,10,20", &isl, err, sizeof err) != 0 && strstr(err, "normal:MU,SD,MIN,MAX"),
	   "mu outside [min, max] refused (%s)", err);
	ok(cb_kv_isl_parse("12k", &isl, err, sizeof err) != 0 && strstr(err, "'12k' is not a token count"), "bad isl (%s)", err);

	struct cb_kv_arrival a;
	ok(cb_kv_arrival_parse("poisson:50", &a, err, sizeof err) == 0 && a.poisson && a.rate == 50, "poisson:50");
	double t_last = cb_kv_poisson_time(&a, 9, 0, 1999);
	is_num(t_last / 2000, 1.0 / 50, 0.002, "poisson: mean gap 1/rate");
	ok(cb_kv_poisson_time(&a, 9, 1, 10) == cb_kv_poisson_time(&a, 9, 1, 10) &&
	   cb_kv_poisson_time(&a, 9, 1, 10) != cb_kv_poisson_time(&a, 10, 1, 10), "poisson: reproducible per seed");
	ok(cb_kv_poisson_time(&a, 9, 0, 3) > cb_kv_poisson_time(&a, 9, 0, 2), "poisson: increasing");
	ok(cb_kv_arrival_parse("closed:4", &a, err, sizeof err) == 0 && !a.poisson && a.inflight == 4, "closed:4");
	ok(cb_kv_arrival_parse("closed:0", &a, err, sizeof err) != 0 && strstr(err, "expected closed:C"), "closed:0 refused");

	/* placement: 8 ranks in two domains of 4 */
	int dom[8] = { 0, 0, 0, 0, 1, 1, 1, 1 };
	struct cb_kv_role r[8];
	struct cb_kv_shape s = { 1, 2, 1, 2, CB_KV_PLACE_RANK };
	ok(cb_kv_roles_assign(&s, 8, dom, 2, r, err, sizeof err) == 0 && roles_are(r, "PPDDiiii", 8) && r[1].tp == 1,
	   "rank placement: prefill first");
	s.placement = CB_KV_PLACE_CROSS;
	ok(cb_kv_roles_assign(&s, 8, dom, 2, r, err, sizeof err) == 0 && roles_are(r, "PPiiDDii", 8),
	   "cross: decode starts in the next domain");
	s.placement = CB_KV_PLACE_SAME;
	int dom2[8] = { 0, 1, 0, 1, 0, 1, 0, 1 };
	ok(cb_kv_roles_assign(&s, 8, dom2, 2, r, err, sizeof err) == 0 && roles_are(r, "PiPiDiDi", 8),
	   "same: all in domain 0 even when ranks alternate domains");
	struct cb_kv_shape big = { 2, 2, 1, 2, CB_KV_PLACE_SAME };
	ok(cb_kv_roles_assign(&big, 8, dom, 2, r, err, sizeof err) != 0 && strstr(err, "need 6 ranks in one domain, the largest has 4"),
	   "same: too big for a domain refused (%s)", err);
	big.placement = CB_KV_PLACE_CROSS;
	ok(cb_kv_roles_assign(&big, 8, dom, 2, r, err, sizeof err) == 0 && roles_are(r, "PPPPDDii", 8) && r[3].inst == 1,
	   "cross: 2 prefill instances fill domain 0");
	struct cb_kv_shape cr = { 1, 1, 1, 1, CB_KV_PLACE_CROSS };
	int one[2] = { 0, 0 };
	ok(cb_kv_roles_assign(&cr, 2, one, 1, r, err, sizeof err) != 0 && strstr(err, "--placement cross"),
	   "cross with one domain refused (%s)", err);
	struct cb_kv_shape many = { 2, 2, 2, 1, CB_KV_PLACE_RANK };
	ok(cb_kv_roles_assign(&many, 4, dom, 2, r, err, sizeof err) != 0 && strstr(err, "= 6 ranks, but the run has 4"),
	   "too few ranks refused (%s)", err);
	return tap_done();
}
