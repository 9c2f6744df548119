/* Result files given to `plot`/`report`: loaded, validated, and checked against the model. */
#ifndef CB_REPORT_INPUTS_H
#define CB_REPORT_INPUTS_H

#include <jansson.h>

#include "report/calib.h"

struct cb_input {
	char path[1024];
	char base[256];          /* file name without directory and .json, for output names */
	json_t *doc;
	const char *kernel, *fabric;
	long ranks;
	const char *topo_name;   /* the result's topology name, or NULL */
	struct cb_meas_row *rows;
	int nrows;
	/* Model check (allreduce/alltoall with a calibration, or emulated with a topology). */
	struct cb_check *checks;
	int nchecks;
	char check_how[512];     /* what the model was, e.g. "calibrated from X, 1 tier, p = 2" */
	char no_check_why[1024];  /* why there is no check */
};

struct cb_inputs {
	struct cb_input *in;
	int n;
	int have_calib;
	struct cb_calib calib;
	const char *calib_from;
};

/* Load and validate every file; -1 with "file: reason" (or "file: rows[i]: what") in err. */
int cb_inputs_load(struct cb_inputs *s, char **paths, int npaths, char *err, size_t errlen);
/* Fit the first real pingpong result; check every collective result against the model. */
void cb_inputs_check(struct cb_inputs *s);
void cb_inputs_free(struct cb_inputs *s);

/* Median and largest |error| of a check set (fractions). */
void cb_checks_summary(const struct cb_check *c, int n, double *median_abs, double *max_abs);

#endif
