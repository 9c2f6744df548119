/* Order statistics over per-iteration samples. */
#include "config.h"
#include "core/stats.h"

#include <math.h>
#include <stdlib.h>

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

double cb_stats_percentile(const double *sorted, size_t n, double p)
{
	if (n == 0)
		return NAN;
	if (p <= 0)
		return sorted[0];
	if (p >= 100)
		return sorted[n - 1];
	double h = (double)(n - 1) * p / 100.0;
	size_t lo = (size_t)floor(h);
	size_t hi = lo + 1 < n ? lo + 1 : lo;
	return sorted[lo] + (h - (double)lo) * (sorted[hi] - sorted[lo]);
}

void cb_stats_compute(double *samples, size_t n, struct cb_stats *out)
{
	out->n = n;
	if (n == 0) {
		out->min = out->median = out->mean = out->p99 = out->max = NAN;
		return;
	}
	qsort(samples, n, sizeof *samples, cmp_double);
	double sum = 0;
	for (size_t i = 0; i < n; i++)
		sum += samples[i];
	out->min = samples[0];
	out->max = samples[n - 1];
	out->mean = sum / (double)n;
	out->median = cb_stats_percentile(samples, n, 50);
	out->p99 = cb_stats_percentile(samples, n, 99);
}
