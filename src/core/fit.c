/* Least-squares fit of the alpha-beta model, time = alpha + bytes / beta. */
#include "config.h"
#include "core/fit.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

int cb_fit_alpha_beta(const double *bytes, const double *time_s, size_t n, struct cb_fit *f, char *err,
		      size_t errlen)
{
	memset(f, 0, sizeof *f);
	size_t distinct = 0;
	for (size_t i = 0; i < n; i++) {
		if (!(bytes[i] >= 0) || !isfinite(bytes[i])) {
			snprintf(err, errlen, "sample %zu: size %g bytes is not a non-negative number", i, bytes[i]);
			return -1;
		}
		if (!(time_s[i] > 0) || !isfinite(time_s[i])) {
			snprintf(err, errlen, "sample %zu (%g bytes): time %g s is not positive and finite", i, bytes[i],
				 time_s[i]);
			return -1;
		}
		size_t j = 0;
		while (j < i && bytes[j] != bytes[i])
			j++;
		distinct += j == i;
	}
	if (distinct < 2) {
		snprintf(err, errlen, "%zu sample%s with %zu distinct size%s: an alpha-beta fit needs at least 2 sizes", n,
			 n == 1 ? "" : "s", distinct, distinct == 1 ? "" : "s");
		return -1;
	}

	/* Weighted means, then centred sums (no cancellation at large sizes). */
	double sw = 0, sx = 0, sy = 0;
	for (size_t i = 0; i < n; i++) {
		double w = 1 / (time_s[i] * time_s[i]);
		sw += w;
		sx += w * bytes[i];
		sy += w * time_s[i];
	}
	double xm = sx / sw, ym = sy / sw, sxx = 0, sxy = 0;
	for (size_t i = 0; i < n; i++) {
		double w = 1 / (time_s[i] * time_s[i]);
		sxx += w * (bytes[i] - xm) * (bytes[i] - xm);
		sxy += w * (bytes[i] - xm) * (time_s[i] - ym);
	}
	double slope = sxy / sxx, alpha = ym - slope * xm;
	if (slope <= 0) {
		slope = 0;
		alpha = ym;
		f->constraint = "beta = inf";
	} else if (alpha < 0) {
		/* Through the origin: slope = sum w x t / sum w x^2. */
		double a = 0, b = 0;
		for (size_t i = 0; i < n; i++) {
			double w = 1 / (time_s[i] * time_s[i]);
			a += w * bytes[i] * time_s[i];
			b += w * bytes[i] * bytes[i];
		}
		slope = a / b;
		alpha = 0;
		f->constraint = "alpha = 0";
	}
	f->alpha_s = alpha;
	f->beta_Bps = slope > 0 ? 1 / slope : INFINITY;
	f->points = (int)n;

	double mean = 0, ss_tot = 0, ss_res = 0, rel2 = 0;
	for (size_t i = 0; i < n; i++)
		mean += time_s[i] / (double)n;
	for (size_t i = 0; i < n; i++) {
		double fit = alpha + slope * bytes[i], res = fit - time_s[i], rel = fabs(res) / time_s[i];
		ss_tot += (time_s[i] - mean) * (time_s[i] - mean);
		ss_res += res * res;
		rel2 += rel * rel;
		if (rel > f->max_rel_residual)
			f->max_rel_residual = rel;
	}
	f->r2 = ss_tot > 0 ? 1 - ss_res / ss_tot : (ss_res == 0 ? 1 : 0);
	f->rms_rel_residual = sqrt(rel2 / (double)n);
	return 0;
}
