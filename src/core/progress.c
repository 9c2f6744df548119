/* One-line progress on a terminal for long sweeps: kernel, size i/N, elapsed, ETA. */
#include "config.h"
#include "core/progress.h"
#include "core/units.h"

#include <string.h>

/* A step of tiny messages still costs about as much as moving this many bytes. */
#define CB_PROGRESS_FLOOR_BYTES 65536.0

int cb_progress_wanted(int stderr_is_tty, const char *env_progress, const char *slurm_job_id,
		       const char *slurm_pty_port)
{
	if (env_progress && strcmp(env_progress, "1") == 0)
		return 1;
	if (env_progress && strcmp(env_progress, "0") == 0)
		return 0;
	if (slurm_job_id && *slurm_job_id && !(slurm_pty_port && *slurm_pty_port))
		return 0;
	return stderr_is_tty;
}

static double weight(uint64_t bytes)
{
	return (double)bytes + CB_PROGRESS_FLOOR_BYTES;
}

double cb_progress_eta(const uint64_t *sizes, long nsizes, long done, double elapsed)
{
	double w_done = 0, w_left = 0;
	for (long i = 0; i < nsizes; i++)
		*(i < done ? &w_done : &w_left) += weight(sizes[i]);
	return w_done > 0 ? elapsed * w_left / w_done : -1;
}

static void fmt_duration(char *buf, size_t len, double s)
{
	long t = (long)(s + 0.5);
	if (t >= 3600)
		snprintf(buf, len, "%ldh%02ldm", t / 3600, t / 60 % 60);
	else if (t >= 60)
		snprintf(buf, len, "%ldm%02lds", t / 60, t % 60);
	else
		snprintf(buf, len, "%lds", t);
}

void cb_progress_format(char *buf, size_t len, const char *kernel, long done, long nsizes, uint64_t next_size,
			double elapsed, double eta)
{
	char sz[32], el[32], et[32];
	fmt_duration(el, sizeof el, elapsed);
	if (eta >= 0)
		fmt_duration(et, sizeof et, eta);
	else
		snprintf(et, sizeof et, "?");
	snprintf(buf, len, "%s  size %ld/%ld (%s)  elapsed %s  ETA ~%s", kernel, done + 1, nsizes,
		 cb_size_format(next_size, sz, sizeof sz), el, et);
}

void cb_progress_start(struct cb_progress *p, FILE *f, const char *kernel, const uint64_t *sizes, long nsizes,
		       double now)
{
	memset(p, 0, sizeof *p);
	p->f = f;
	p->kernel = kernel;
	p->sizes = sizes;
	p->nsizes = nsizes;
	p->t0 = now;
	cb_progress_update(p, 0, now);
}

void cb_progress_update(struct cb_progress *p, long done, double now)
{
	if (!p->f || done >= p->nsizes)
		return;
	char line[160];
	double elapsed = now - p->t0;
	cb_progress_format(line, sizeof line, p->kernel, done, p->nsizes, p->sizes[done], elapsed,
			   done ? cb_progress_eta(p->sizes, p->nsizes, done, elapsed) : -1);
	fprintf(p->f, "\r\033[K%s", line);
	fflush(p->f);
	p->drawn = 1;
}

void cb_progress_clear(struct cb_progress *p)
{
	if (p->f && p->drawn) {
		fputs("\r\033[K", p->f);
		fflush(p->f);
		p->drawn = 0;
	}
}
