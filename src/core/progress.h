/* One-line progress on a terminal for long sweeps: kernel, size i/N, elapsed, ETA. */
#ifndef CB_PROGRESS_H
#define CB_PROGRESS_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

struct cb_progress {
	FILE *f;               /* NULL: off */
	const char *kernel;
	const uint64_t *sizes;
	long nsizes;
	double t0;
	double weight_total;
	int drawn;             /* a line is on screen */
};

/*
 * On when CPOBENCH_PROGRESS=1, off when CPOBENCH_PROGRESS=0; otherwise on only
 * when stderr is a terminal and this is not a Slurm batch job (SLURM_JOB_ID
 * without SLURM_PTY_PORT).  Under mpirun rank 0's stderr is a pipe, so the
 * indicator stays off unless CPOBENCH_PROGRESS=1.
 */
int cb_progress_wanted(int stderr_is_tty, const char *env_progress, const char *slurm_job_id,
		       const char *slurm_pty_port);
void cb_progress_start(struct cb_progress *p, FILE *f, const char *kernel, const uint64_t *sizes, long nsizes,
		       double now);
/* Sizes [0, done) finished at time now: redraw the line. */
void cb_progress_update(struct cb_progress *p, long done, double now);
/* Remove the line (before table rows, and at the end). */
void cb_progress_clear(struct cb_progress *p);

/* "allreduce  size 3/20 (64 KiB)  elapsed 1m02s  ETA ~3m10s" into buf; done < nsizes. */
void cb_progress_format(char *buf, size_t len, const char *kernel, long done, long nsizes, uint64_t next_size,
			double elapsed, double eta);
/* Seconds left, assuming a step costs in proportion to its bytes plus a latency floor. */
double cb_progress_eta(const uint64_t *sizes, long nsizes, long done, double elapsed);

#endif
