/* Order statistics over per-iteration samples. */
#ifndef CB_STATS_H
#define CB_STATS_H

#include <stddef.h>

struct cb_stats {
	double min, median, mean, p99, max;
	size_t n;
};

/* Percentile p in [0,100] of n ascending samples, linear interpolation between
 * closest ranks (Hyndman-Fan type 7, numpy's default). */
double cb_stats_percentile(const double *sorted, size_t n, double p);
/* Summarise n samples (unsorted; the array is sorted in place). */
void cb_stats_compute(double *samples, size_t n, struct cb_stats *out);

#endif
