/* Ping-pong calibration fits and model-vs-result error per row. */
#include "config.h"
#include "report/calib.h"
#include "core/fit.h"
#include "core/result.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static double num(json_t *v)
{
	return json_is_number(v) ? json_number_value(v) : NAN;
}

int cb_meas_rows(json_t *doc, const char *path, struct cb_meas_row **rows, char *err, size_t errlen)
{
	*rows = NULL;
	if (cb_result_validate(doc, path, err, errlen) != 0)
		return -1;
	json_t *arr = json_object_get(doc, "rows"), *row;
	size_t i;
	*rows = calloc(json_array_size(arr) + 1, sizeof **rows);
	if (!*rows) {
		snprintf(err, errlen, "%s: out of memory", path);
		return -1;
	}
	json_array_foreach(arr, i, row) {
		json_t *t = json_object_get(row, "time_us");
		(*rows)[i] = (struct cb_meas_row){
			.algo = json_string_value(json_object_get(row, "algo")),
			.bytes = num(json_object_get(row, "bytes")),
			.median_us = num(json_object_get(t, "median")),
			.p99_us = num(json_object_get(t, "p99")),
			.min_us = num(json_object_get(t, "min")),
			.busbw_GBps = num(json_object_get(row, "busbw_GBps")),
		};
	}
	return (int)json_array_size(arr);
}

/* A row's tier as named in the fits: its "tier" field (an integer printed as one), else "all". */
static void tier_key(json_t *row, char *name, size_t len)
{
	json_t *tv = json_object_get(row, "tier");
	if (json_is_string(tv))
		snprintf(name, len, "%s", json_string_value(tv));
	else if (json_is_integer(tv))
		snprintf(name, len, "%lld", (long long)json_integer_value(tv));
	else
		snprintf(name, len, "all");
}

/*
 * The fit the pingpong kernel stored for an integer tier ("calibration" -> "tierN", the same
 * cb_fit_alpha_beta over the same rows): 1 and *f when there is one, 0 when there is none (or it
 * lacks alpha_s), -1 with its reason when the kernel could not fit that tier.
 */
static int stored_fit(json_t *doc, const char *tier, struct cb_fit *f, char *why, size_t len)
{
	char key[80];
	snprintf(key, sizeof key, "tier%s", tier);
	json_t *e = json_object_get(json_object_get(doc, "calibration"), key);
	if (!json_is_object(e) || !json_is_integer(json_object_get(e, "tier")))
		return 0;
	const char *error = json_string_value(json_object_get(e, "error"));
	if (error) {
		snprintf(why, len, "%s", error);
		return -1;
	}
	json_t *alpha = json_object_get(e, "alpha_s"), *beta = json_object_get(e, "beta_Bps");
	if (!json_is_number(alpha) || !(json_is_number(beta) || json_is_null(beta)))
		return 0;
	memset(f, 0, sizeof *f);
	f->alpha_s = json_number_value(alpha);
	f->beta_Bps = json_is_null(beta) ? INFINITY : json_number_value(beta);
	f->r2 = num(json_object_get(e, "r2"));
	f->max_rel_residual = num(json_object_get(e, "max_rel_residual"));
	f->rms_rel_residual = num(json_object_get(e, "rms_rel_residual"));
	f->points = (int)json_integer_value(json_object_get(e, "points"));
	return 1;
}

int cb_calib_from_doc(json_t *doc, const char *path, struct cb_calib *c, char *err, size_t errlen)
{
	memset(c, 0, sizeof *c);
	const char *kernel = json_string_value(json_object_get(doc, "kernel"));
	if (!kernel || strcmp(kernel, "pingpong") != 0) {
		snprintf(err, errlen, "%s: kernel is '%s'; calibration needs a pingpong result", path,
			 kernel ? kernel : "(missing)");
		return -1;
	}
	struct cb_meas_row *rows;
	int n = cb_meas_rows(doc, path, &rows, err, errlen);
	if (n < 0)
		return -1;
	json_t *arr = json_object_get(doc, "rows");
	double *x = calloc((size_t)n + 1, sizeof *x), *y = calloc((size_t)n + 1, sizeof *y);
	char (*key)[64] = calloc((size_t)n + 1, sizeof *key);
	int rc = 0;
	if (!x || !y || !key) {
		snprintf(err, errlen, "%s: out of memory", path);
		rc = -1;
	}
	/* Group rows by tier, in the order the tiers first appear. */
	for (int i = 0; i < n && rc == 0; i++) {
		tier_key(json_array_get(arr, (size_t)i), key[i], sizeof key[i]);
		int k;
		for (k = 0; k < c->ntiers; k++)
			if (strcmp(c->tier_name[k], key[i]) == 0)
				break;
		if (k == c->ntiers && c->ntiers < CB_CALIB_MAX_TIERS)
			snprintf(c->tier_name[c->ntiers++], sizeof c->tier_name[0], "%s", key[i]);
	}
	for (int k = 0; k < c->ntiers && rc == 0; k++) {
		char why[256];
		int stored = stored_fit(doc, c->tier_name[k], &c->fit[k], why, sizeof why);
		if (stored == 0) {
			int m = 0;
			for (int i = 0; i < n; i++)
				if (strcmp(key[i], c->tier_name[k]) == 0) {
					x[m] = rows[i].bytes;
					y[m++] = rows[i].median_us * 1e-6;
				}
			if (cb_fit_alpha_beta(x, y, (size_t)m, &c->fit[k], why, sizeof why) != 0)
				stored = -1;
		}
		if (stored < 0) {
			snprintf(err, errlen, "%s: tier '%s': no alpha-beta fit: %s", path, c->tier_name[k], why);
			rc = -1;
		}
	}
	if (rc == 0 && c->ntiers == 0) {
		snprintf(err, errlen, "%s: no rows to fit", path);
		rc = -1;
	}
	snprintf(c->source, sizeof c->source, "%s", path);
	free(x);
	free(y);
	free(key);
	free(rows);
	return rc;
}

int cb_calib_from_file(const char *path, struct cb_calib *c, char *err, size_t errlen)
{
	json_t *doc = cb_result_load(path, err, errlen);
	if (!doc)
		return -1;
	int rc = cb_calib_from_doc(doc, path, c, err, errlen);
	json_decref(doc);
	return rc;
}

int cb_check_rows(const struct cb_model *m, const char *kernel, const struct cb_meas_row *rows, int nrows,
		  struct cb_check *out)
{
	int k = 0;
	for (int i = 0; i < nrows; i++) {
		enum cb_model_algo a;
		struct cb_model_cost cost;
		const char *name = rows[i].algo;
		double best = INFINITY;
		const char *best_name = NULL;
		if (cb_model_algo_find(kernel, name, &a) == 0 && a < CB_ALGO_PINGPONG) {
			cb_model_cost(m, a, rows[i].bytes, &cost);
			best = cost.time_s;
			best_name = cb_model_algo_name(a);
		} else {
			/* The library's own choice ("mpi"): the model's fastest algorithm of the kernel. */
			for (int j = 0; j < CB_ALGO_COUNT; j++) {
				if (strcmp(cb_model_algo_kernel(j), kernel) != 0 || j >= CB_ALGO_PINGPONG)
					continue;
				cb_model_cost(m, (enum cb_model_algo)j, rows[i].bytes, &cost);
				if (cost.time_s < best) {
					best = cost.time_s;
					best_name = cb_model_algo_name(j);
				}
			}
		}
		if (!best_name || !(rows[i].median_us > 0))
			continue;
		out[k] = (struct cb_check){ name, best_name, rows[i].bytes, rows[i].median_us, best * 1e6,
					    (best * 1e6 - rows[i].median_us) / rows[i].median_us };
		k++;
	}
	return k;
}
