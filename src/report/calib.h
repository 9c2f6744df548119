/* Calibration and cross-checks: per-tier alpha/beta fitted from a pingpong result, and the
 * model's error against measured or emulated all-reduce/all-to-all rows. */
#ifndef CB_REPORT_CALIB_H
#define CB_REPORT_CALIB_H

#include <jansson.h>

#include "model/model.h"

#define CB_CALIB_MAX_TIERS 8

struct cb_calib {
	int ntiers;
	char tier_name[CB_CALIB_MAX_TIERS][64];
	struct cb_model_fit fit[CB_CALIB_MAX_TIERS];
	char source[512];
};

/* Fit alpha/beta per tier from a pingpong result's rows (time_us.median = one-way time,
 * OSU's convention; rows grouped by their "tier" field, else one tier). */
int cb_calib_from_doc(json_t *doc, const char *path, struct cb_calib *c, char *err, size_t errlen);
int cb_calib_from_file(const char *path, struct cb_calib *c, char *err, size_t errlen);

/* A row of a result file validated for the model: file and row index named on error. */
struct cb_meas_row {
	const char *algo;
	double bytes;
	double median_us, p99_us, min_us;
	double busbw_GBps;
};
/* Rows of a result document; returns the count (malloc'd *rows) or -1 with "file: row N: what". */
int cb_meas_rows(json_t *doc, const char *path, struct cb_meas_row **rows, char *err, size_t errlen);

struct cb_check {
	const char *algo;        /* measured algorithm */
	const char *model_algo;  /* algorithm the model used */
	double bytes, measured_us, model_us, err;  /* err = (model - measured) / measured */
};
/* Predict every row of an allreduce/alltoall document with m; returns the count or -1. */
int cb_check_rows(const struct cb_model *m, const char *kernel, const struct cb_meas_row *rows, int nrows,
		  struct cb_check *out);

#endif
