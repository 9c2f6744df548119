/*
 * A minimal OMB-style MPI_Allreduce loop, the reference cpobench's harness is
 * compared with (bench/allreduce_overhead.sh).  Same statistic as cpobench:
 * barrier, time one call, maximum over ranks per iteration, median.
 * usage: omb_allreduce MIN MAX ITERS WARMUP    prints "bytes median_us" lines
 */
#include "config.h"

#include <mpi.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int cmp(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

int main(int argc, char **argv)
{
	MPI_Init(&argc, &argv);
	int rank;
	MPI_Comm_rank(MPI_COMM_WORLD, &rank);
	if (argc != 5) {
		if (rank == 0)
			fprintf(stderr, "usage: omb_allreduce MIN MAX ITERS WARMUP\n");
		MPI_Finalize();
		return 2;
	}
	long min = atol(argv[1]), max = atol(argv[2]), iters = atol(argv[3]), warm = atol(argv[4]);
	float *s = malloc((size_t)max), *r = malloc((size_t)max);
	double *t = malloc((size_t)iters * sizeof *t), *tm = malloc((size_t)iters * sizeof *tm);
	memset(s, 1, (size_t)max);
	memset(r, 0, (size_t)max);
	for (long b = min; b <= max; b *= 2) {
		int n = (int)(b / 4);
		for (long i = 0; i < warm; i++)
			MPI_Allreduce(s, r, n, MPI_FLOAT, MPI_SUM, MPI_COMM_WORLD);
		for (long i = 0; i < iters; i++) {
			MPI_Barrier(MPI_COMM_WORLD);
			double t0 = MPI_Wtime();
			MPI_Allreduce(s, r, n, MPI_FLOAT, MPI_SUM, MPI_COMM_WORLD);
			t[i] = (MPI_Wtime() - t0) * 1e6;
		}
		MPI_Reduce(t, tm, (int)iters, MPI_DOUBLE, MPI_MAX, 0, MPI_COMM_WORLD);
		if (rank == 0) {
			qsort(tm, (size_t)iters, sizeof *tm, cmp);
			double med = iters % 2 ? tm[iters / 2] : (tm[iters / 2 - 1] + tm[iters / 2]) / 2;
			printf("%ld %.3f\n", b, med);
		}
	}
	free(s);
	free(r);
	free(t);
	free(tm);
	MPI_Finalize();
	return 0;
}
