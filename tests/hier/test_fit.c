/* The alpha-beta fit recovers known latency and bandwidth, with and without noise, and refuses bad samples. */
#include "config.h"
#include "core/fit.h"
#include "tests/tap.h"

#include <math.h>
#include <stdint.h>

#define N 20

/* Deterministic noise in [-1, 1) (a 64-bit LCG), so the test cannot flake. */
static double noise(uint64_t *s)
{
	*s = *s * 6364136223846793005ULL + 1442695040888963407ULL;
	return (double)(*s >> 11) / (double)(1ULL << 52) - 1;
}

int main(void)
{
	double bytes[N], t[N];
	struct cb_fit f;
	char err[256];
	const double alpha = 2.5e-6, beta = 12.5e9;   /* 2.5 us, 12.5 GB/s */

	for (int i = 0; i < N; i++) {               /* 8 B .. 4 MiB, x2 */
		bytes[i] = 8.0 * (1u << i);
		t[i] = alpha + bytes[i] / beta;
	}
	ok(cb_fit_alpha_beta(bytes, t, N, &f, err, sizeof err) == 0, "exact samples: fit succeeds");
	is_num(f.alpha_s / alpha, 1, 1e-9, "exact: alpha recovered");
	is_num(f.beta_Bps / beta, 1, 1e-9, "exact: beta recovered");
	is_num(f.r2, 1, 1e-12, "exact: r2 = 1");
	ok(f.max_rel_residual < 1e-9 && f.points == N && !f.constraint, "exact: no residual, %d points, unconstrained",
	   f.points);

	/* +-5% multiplicative noise on every sample. */
	uint64_t seed = 42;
	for (int i = 0; i < N; i++)
		t[i] = (alpha + bytes[i] / beta) * (1 + 0.05 * noise(&seed));
	ok(cb_fit_alpha_beta(bytes, t, N, &f, err, sizeof err) == 0, "noisy samples: fit succeeds");
	is_num(f.alpha_s / alpha, 1, 0.05, "noisy: alpha within 5%% (%.3g s)", f.alpha_s);
	is_num(f.beta_Bps / beta, 1, 0.05, "noisy: beta within 5%% (%.3g B/s)", f.beta_Bps);
	ok(f.r2 > 0.99 && f.r2 < 1, "noisy: 0.99 < r2 < 1 (%.6f)", f.r2);
	ok(f.max_rel_residual > 0.005 && f.max_rel_residual < 0.12, "noisy: residuals show the noise (max %.3f)",
	   f.max_rel_residual);

	/* Two sizes are enough; the line goes through both. */
	double b2[] = { 0, 1e6 }, t2[] = { 1e-6, 1e-6 + 1e6 / 5e9 };
	ok(cb_fit_alpha_beta(b2, t2, 2, &f, err, sizeof err) == 0 && fabs(f.alpha_s - 1e-6) < 1e-15 &&
		   fabs(f.beta_Bps / 5e9 - 1) < 1e-9,
	   "two sizes (one of them 0 B): exact line");

	/* Refusals. */
	double b1[] = { 64, 64, 64 }, t1[] = { 1e-6, 1.1e-6, 0.9e-6 };
	ok(cb_fit_alpha_beta(b1, t1, 3, &f, err, sizeof err) == -1 && strstr(err, "at least 2 sizes"),
	   "one distinct size refused: %s", err);
	ok(cb_fit_alpha_beta(b1, t1, 1, &f, err, sizeof err) == -1 && strstr(err, "1 sample with 1 distinct size"),
	   "one sample refused: %s", err);
	ok(cb_fit_alpha_beta(b1, t1, 0, &f, err, sizeof err) == -1 && strstr(err, "0 samples"), "no samples refused: %s",
	   err);
	double tz[] = { 1e-6, 0 }, bz[] = { 8, 16 };
	ok(cb_fit_alpha_beta(bz, tz, 2, &f, err, sizeof err) == -1 && strstr(err, "sample 1 (16 bytes): time 0 s"),
	   "zero time refused: %s", err);
	double bn[] = { 8, -16 };
	ok(cb_fit_alpha_beta(bn, t1, 2, &f, err, sizeof err) == -1 && strstr(err, "sample 1: size -16"),
	   "negative size refused: %s", err);

	/* Constraints: flat times (latency-bound sizes only), and a line that would cross below 0. */
	double bf[] = { 8, 16, 32, 64 }, tf[] = { 3e-6, 2.9e-6, 3.1e-6, 2.95e-6 };
	tf[3] = 2.8e-6;
	int rc = cb_fit_alpha_beta(bf, tf, 4, &f, err, sizeof err);
	ok(rc == 0 && isinf(f.beta_Bps) && f.constraint &&
		   strcmp(f.constraint, "beta = inf") == 0 && f.alpha_s > 2.8e-6 && f.alpha_s < 3.1e-6,
	   "time falling with size: beta = inf, alpha = mean latency (%.3g s)", f.alpha_s);
	double bo[] = { 1e6, 2e6, 4e6 }, to[] = { 0.9e-4, 2.0e-4, 4.1e-4 };
	rc = cb_fit_alpha_beta(bo, to, 3, &f, err, sizeof err);
	ok(rc == 0 && f.alpha_s == 0 && f.constraint &&
		   strcmp(f.constraint, "alpha = 0") == 0 && f.beta_Bps > 9e9 && f.beta_Bps < 1.1e10,
	   "negative intercept held at alpha = 0 (beta %.3g B/s)", f.beta_Bps);
	return tap_done();
}
