/* Ping-pong calibration fits and model-vs-result error per row. */
#include "config.h"
#include "report/calib.h"
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
	json_t *arr = json_object_get(doc, "rows"), *row;
	size_t i;
	*rows = calloc(json_array_size(arr) + 1, sizeof **rows);
	if (!*rows) {
		snprintf(err, errlen, "%s: out of memory", path);
		return -1;
	}
	json_array_foreach(arr, i, row) {
		struct cb_meas_row *r = &(*rows)[i];
		json_t *t = json_object_get(row, "time_us");
		r->algo = json_string_value(json_object_get(row, "algo"));
		r->bytes = num(json_object_get(row, "bytes"));
		r->median_us = num(json_object_get(t, "median"));
		r->p99_us = num(json_object_get(t, "p99"));
		r->min_us = num(json_object_get(t, "min"));
		r->busbw_GBps = num(json_object_get(row, "busbw_GBps"));
		const char *what = !json_is_object(row)       ? "not an object"
				   : !r->algo                  ? "no \"algo\" string"
				   : !(r->bytes >= 0)          ? "no \"bytes\" number >= 0"
				   : !json_is_object(t)        ? "no \"time_us\" object"
				   : !(r->median_us >= 0)      ? "no \"time_us.median\" number >= 0"
				   : !(r->p99_us >= r->median_us) ? "\"time_us.p99\" missing or below the median"
								  : NULL;
		if (what) {
			snprintf(err, errlen, "%s: rows[%zu]: %s", path, i, what);
			free(*rows);
			*rows = NULL;
			return -1;
		}
		if (!isfinite(r->busbw_GBps))
			r->busbw_GBps = 0;
		if (!isfinite(r->min_us))
			r->min_us = r->median_us;
	}
	return (int)json_array_size(arr);
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
	/* Group rows by tier name (the "tier" field; an integer is printed as one). */
	for (int i = 0; i < n; i++) {
		json_t *tv = json_object_get(json_array_get(arr, (size_t)i), "tier");
		char name[64];
		if (json_is_string(tv))
			snprintf(name, sizeof name, "%s", json_string_value(tv));
		else if (json_is_integer(tv))
			snprintf(name, sizeof name, "%lld", (long long)json_integer_value(tv));
		else
			snprintf(name, sizeof name, "all");
		int k;
		for (k = 0; k < c->ntiers; k++)
			if (strcmp(c->tier_name[k], name) == 0)
				break;
		if (k == c->ntiers && c->ntiers < CB_CALIB_MAX_TIERS)
			snprintf(c->tier_name[c->ntiers++], sizeof c->tier_name[0], "%s", name);
	}
	int rc = 0;
	for (int k = 0; k < c->ntiers && rc == 0; k++) {
		int m = 0;
		for (int i = 0; i < n; i++) {
			json_t *tv = json_object_get(json_array_get(arr, (size_t)i), "tier");
			char name[64];
			if (json_is_string(tv))
				snprintf(name, sizeof name, "%s", json_string_value(tv));
			else if (json_is_integer(tv))
				snprintf(name, sizeof name, "%lld", (long long)json_integer_value(tv));
			else
				snprintf(name, sizeof name, "all");
			if (strcmp(name, c->tier_name[k]) != 0)
				continue;
			x[m] = rows[i].bytes;
			y[m] = rows[i].median_us * 1e-6;
			m++;
		}
		if (cb_model_fit_alpha_beta(x, y, m, &c->fit[k]) != 0) {
			snprintf(err, errlen, "%s: tier '%s': %d usable rows, a fit needs 2 sizes or more", path,
				 c->tier_name[k], m);
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
