/* The synthetic prefill clock and the workload: prompt lengths, arrivals, seeded randomness. */
#include "config.h"
#include "kv/clock.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

double cb_kv_prefill_flops(const struct cb_kv_model *m, double n)
{
	double L = m->layers, d = m->hidden;
	if (m->active_params > 0)
		return L * 4.0 * n * n * d + 2.0 * m->active_params * n;
	return L * (4.0 * n * n * d + 22.0 * n * d * d);
}

double cb_kv_prefill_seconds(const struct cb_kv_model *m, const struct cb_kv_speed *s, double n)
{
	if (s->tokens_per_s > 0)
		return n / s->tokens_per_s;
	double rate = s->tflops * 1e12 * s->mfu * (s->ranks > 0 ? s->ranks : 1);
	return rate > 0 ? cb_kv_prefill_flops(m, n) / rate : 0;
}

double cb_kv_uniform(uint64_t key)
{
	return ((double)(cb_kv_mix(key) >> 11) + 0.5) / 9007199254740992.0;
}

static int parse_num(const char *s, double *out)
{
	char *end;
	errno = 0;
	double v = strtod(s, &end);
	if (errno || end == s || *end || !isfinite(v))
		return -1;
	*out = v;
	return 0;
}

int cb_kv_isl_parse(const char *arg, struct cb_kv_isl *d, char *err, size_t errlen)
{
	memset(d, 0, sizeof *d);
	if (strncmp(arg, "normal:", 7) == 0) {
		double v[4];
		char extra;
		if (sscanf(arg + 7, "%lf,%lf,%lf,%lf%c", &v[0], &v[1], &v[2], &v[3], &extra) != 4 || v[1] < 0 ||
		    v[2] < 1 || v[3] < v[2] || v[0] < v[2] || v[0] > v[3] || v[3] > 1e9) {
			snprintf(err, errlen, "--isl %s: expected normal:MU,SD,MIN,MAX with 1 <= MIN <= MU <= MAX", arg);
			return -1;
		}
		d->normal = 1;
		d->mu = v[0];
		d->sd = v[1];
		d->min = (uint64_t)v[2];
		d->max = (uint64_t)v[3];
		d->values[0] = (uint64_t)v[0];
		d->nvalues = 1;
		return 0;
	}
	char *copy = strdup(arg), *save = NULL;
	int rc = 0;
	for (char *t = copy ? strtok_r(copy, ",", &save) : NULL; t && rc == 0; t = strtok_r(NULL, ",", &save)) {
		double v;
		if (d->nvalues == 16) {
			snprintf(err, errlen, "--isl: more than 16 values");
			rc = -1;
		} else if (parse_num(t, &v) != 0 || v < 1 || v > 1e9 || v != floor(v)) {
			snprintf(err, errlen, "--isl: '%s' is not a token count (expected N[,N...] or normal:MU,SD,MIN,MAX)", t);
			rc = -1;
		} else {
			d->values[d->nvalues++] = (uint64_t)v;
		}
	}
	free(copy);
	if (rc == 0 && d->nvalues == 0) {
		snprintf(err, errlen, "--isl: empty list");
		rc = -1;
	}
	return rc;
}

uint64_t cb_kv_isl_draw(const struct cb_kv_isl *d, uint64_t seed, uint64_t index)
{
	if (!d->normal)
		return d->values[0];
	/* Box-Muller from two keyed uniforms */
	double u1 = cb_kv_uniform(seed * 0x100000001B3ull ^ (index * 2 + 1));
	double u2 = cb_kv_uniform(seed * 0x100000001B3ull ^ (index * 2 + 2) ^ 0x5bd1e995ull);
	double z = sqrt(-2.0 * log(u1)) * cos(2.0 * M_PI * u2);
	double v = floor(d->mu + d->sd * z + 0.5);
	if (v < (double)d->min)
		v = (double)d->min;
	if (v > (double)d->max)
		v = (double)d->max;
	return (uint64_t)v;
}

int cb_kv_arrival_parse(const char *arg, struct cb_kv_arrival *a, char *err, size_t errlen)
{
	memset(a, 0, sizeof *a);
	double v;
	if (strncmp(arg, "closed:", 7) == 0 && parse_num(arg + 7, &v) == 0 && v >= 1 && v <= 1e6 && v == floor(v)) {
		a->inflight = (int)v;
		return 0;
	}
	if (strncmp(arg, "poisson:", 8) == 0 && parse_num(arg + 8, &v) == 0 && v > 0) {
		a->poisson = 1;
		a->rate = v;
		return 0;
	}
	snprintf(err, errlen, "--arrival %s: expected closed:C (C >= 1 in flight) or poisson:RATE (requests/s > 0)", arg);
	return -1;
}

double cb_kv_poisson_time(const struct cb_kv_arrival *a, uint64_t seed, int inst, int k)
{
	double t = 0;
	for (int i = 0; i <= k; i++)
		t += -log(cb_kv_uniform(seed ^ cb_kv_mix(((uint64_t)inst << 32) + (uint64_t)i + 0xA11ull))) / a->rate;
	return t;
}
