/* Calibration and cross-checks: per-tier alpha/beta fitted from a pingpong result, and the
 * model's error against measured or emulated all-reduce/all-to-all rows. */
#ifndef CB_REPORT_CALIB_H
#define CB_REPORT_CALIB_H

#include <jansson.h>

#include "core/fit.h"
#include "model/model.h"

#define CB_CALIB_MAX_TIERS 8

struct cb_calib {
	int ntiers;
	char tier_name[CB_CALIB_MAX_TIERS][64];
	struct cb_fit fit[CB_CALIB_MAX_TIERS];
	char source[512];
};

/* Alpha/beta per tier of a pingpong result: the fit the kernel stored under "calibration" when
 * present, else cb_fit_alpha_beta over the rows (time_us.median = one-way time, OSU's
 * convention; rows grouped by their "tier" field, else one tier). */
int cb_calib_from_doc(json_t *doc, const char *path, struct cb_calib *c, char *err, size_t errlen);
int cb_calib_from_file(const char *path, struct cb_calib *c, char *err, size_t errlen);

/* A row of a result file for the model (the document validated by cb_result_validate). */
struct cb_meas_row {
	const char *algo;
	double bytes;
	double median_us, p99_us, min_us;
	double busbw_GBps;
};
/* Rows of a result document, validated first; returns the count (malloc'd *rows) or -1 with
 * cb_result_validate's "file: row N: what". */
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
