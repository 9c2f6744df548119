/* Least-squares fit of the alpha-beta model, time = alpha + bytes / beta (MPI-free). */
#ifndef CB_FIT_H
#define CB_FIT_H

#include <stddef.h>

struct cb_fit {
	double alpha_s;           /* latency: time of an empty message, s (>= 0) */
	double beta_Bps;          /* bandwidth, bytes/s; INFINITY when time does not grow with size */
	double r2;                /* coefficient of determination, in time (1 = perfect) */
	double max_rel_residual;  /* max over points of |fitted - measured| / measured */
	double rms_rel_residual;  /* root mean square of the same */
	int points;               /* samples used */
	const char *constraint;   /* NULL, or which bound the fit was held at ("alpha = 0", "beta = inf") */
};

/*
 * Fit n samples (bytes[i], time_s[i]).  The fit minimises the RELATIVE
 * residuals, sum ((alpha + bytes/beta - t) / t)^2 (weights 1/t^2): a sweep
 * spans six or more decades of size, and an ordinary fit would let the
 * largest sizes alone decide alpha (often making it negative), while each
 * size should count the same.  A negative alpha is held at 0 and a
 * non-positive slope at beta = infinity (constraint says which).
 * Returns 0, or -1 with the reason in err: fewer than 2 distinct sizes, a
 * negative size, or a time that is not positive and finite.
 */
int cb_fit_alpha_beta(const double *bytes, const double *time_s, size_t n, struct cb_fit *f, char *err,
		      size_t errlen);

#endif
