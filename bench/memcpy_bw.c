/* Single-thread memcpy bandwidth at a given size, GB/s (1e9), median of reps.
 * usage: memcpy_bw BYTES REPS */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static int cmp(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

int main(int argc, char **argv)
{
	if (argc != 3)
		return 2;
	size_t n = (size_t)atol(argv[1]);
	int reps = atoi(argv[2]);
	char *a = malloc(n), *b = malloc(n);
	double *t = malloc((size_t)reps * sizeof *t);
	memset(a, 1, n);
	memset(b, 2, n);
	for (int i = 0; i < reps; i++) {
		double t0 = now();
		memcpy(b, a, n);
		t[i] = now() - t0;
		a[i % n] = b[(i * 7) % n]; /* keep the copies observable */
	}
	qsort(t, (size_t)reps, sizeof *t, cmp);
	printf("%zu %.3f\n", n, (double)n / t[reps / 2] / 1e9);
	free(a);
	free(b);
	free(t);
	return 0;
}
