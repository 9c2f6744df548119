/* Ping-pong calibration for the reporter: rows validated by cb_result_validate, fitted with
 * cb_fit_alpha_beta per tier, or taken from the "calibration" block the kernel stored. */
#include "config.h"
#include "report/calib.h"
#include "tests/tap.h"

#include <stdlib.h>

/* A pingpong result whose tier-0 rows follow t = 2 us + n / 10 GB/s and tier-1 rows
 * t = 5 us + n / 1 GB/s (one-way, the median), rows in the kernel's order (size, then tier). */
static json_t *pingpong_doc(void)
{
	json_t *rows = json_array();
	for (double n = 8; n <= 1048576; n *= 8)
		for (int t = 0; t < 2; t++) {
			double us = t ? 5 + n / 1e3 : 2 + n / 1e4;
			json_array_append_new(
				rows, json_pack("{s:s, s:I, s:I, s:s, s:s, s:b, s:i, s:{s:f, s:f, s:f, s:f, s:f}, s:f, "
						"s:f, s:s, s:i}",
						"algo", t ? "tier1" : "tier0", "bytes", (json_int_t)n, "count", (json_int_t)n,
						"dtype", "byte", "op", "-", "in_place", 0, "iters", 10, "time_us", "min",
						us, "median", us, "mean", us, "p99", us, "max", us, "algbw_GBps", 1.0,
						"busbw_GBps", 1.0, "check", "off", "tier", t));
		}
	return json_pack("{s:s, s:s, s:s, s:{s:i}, s:o}", "schema", "cpobench.result.v1", "kernel", "pingpong",
			 "fabric", "real", "meta", "ranks", 8, "rows", rows);
}

int main(void)
{
	char err[512] = "";
	struct cb_calib c;
	json_t *doc = pingpong_doc();

	/* No stored block: fitted from the rows, one fit per tier in the order the tiers appear. */
	ok(cb_calib_from_doc(doc, "pp.json", &c, err, sizeof err) == 0 && c.ntiers == 2, "two tiers fitted (%s)", err);
	is_str(c.tier_name[0], "0", "first tier named by its number");
	is_str(c.tier_name[1], "1", "second tier");
	is_num(c.fit[0].alpha_s, 2e-6, 1e-12, "tier 0 alpha = 2 us");
	is_num(c.fit[0].beta_Bps, 10e9, 1e3, "tier 0 bandwidth = 10 GB/s");
	is_num(c.fit[1].alpha_s, 5e-6, 1e-12, "tier 1 alpha = 5 us");
	is_num(c.fit[1].beta_Bps, 1e9, 1e2, "tier 1 bandwidth = 1 GB/s");
	ok(c.fit[0].points == 6 && c.fit[1].points == 6, "6 sizes per tier");

	/* A stored block wins over refitting: its figures (deliberately not the rows') are used. */
	json_t *cal = json_pack("{s:{s:i, s:s, s:f, s:f, s:f, s:f, s:f, s:i, s:n}}", "tier0", "tier", 0, "name", "intra",
				"alpha_s", 1.5e-6, "beta_Bps", 20e9, "r2", 0.99, "max_rel_residual", 0.25,
				"rms_rel_residual", 0.1, "points", 7, "constraint");
	json_object_set_new(cal, "tier1", json_pack("{s:i, s:s, s:f, s:n}", "tier", 1, "name", "inter", "alpha_s", 4e-6,
						      "beta_Bps"));
	json_object_set(doc, "calibration", cal);
	ok(cb_calib_from_doc(doc, "pp.json", &c, err, sizeof err) == 0 && c.ntiers == 2, "stored block read (%s)", err);
	ok(c.fit[0].alpha_s == 1.5e-6 && c.fit[0].beta_Bps == 20e9 && c.fit[0].max_rel_residual == 0.25 &&
		   c.fit[0].points == 7,
	   "tier 0: the stored fit, not a refit");
	ok(c.fit[1].alpha_s == 4e-6 && isinf(c.fit[1].beta_Bps), "tier 1: stored beta null = infinite bandwidth");

	/* A tier the kernel could not fit: its reason, named with file and tier. */
	json_object_set_new(cal, "tier1", json_pack("{s:i, s:s, s:s}", "tier", 1, "name", "inter", "error",
						      "1 sample with 1 distinct size: an alpha-beta fit needs at least 2 sizes"));
	ok(cb_calib_from_doc(doc, "pp.json", &c, err, sizeof err) == -1 &&
		   strstr(err, "pp.json: tier '1': no alpha-beta fit: 1 sample with 1 distinct size"),
	   "stored error reported: %s", err);
	json_decref(cal);
	json_object_del(doc, "calibration");

	/* Rows are validated with cb_result_validate: a p99 below the median is refused. */
	json_t *t = json_object_get(json_array_get(json_object_get(doc, "rows"), 3), "time_us");
	json_object_set_new(t, "p99", json_real(json_number_value(json_object_get(t, "median")) / 2));
	json_object_set_new(t, "min", json_real(0));
	ok(cb_calib_from_doc(doc, "pp.json", &c, err, sizeof err) == -1 && strstr(err, "pp.json: row 3: time_us is not ordered"),
	   "p99 below the median refused: %s", err);
	struct cb_meas_row *rows = NULL;
	ok(cb_meas_rows(doc, "pp.json", &rows, err, sizeof err) == -1 && rows == NULL, "cb_meas_rows refuses it too");
	json_decref(doc);

	/* One size per tier cannot be fitted: the reason from cb_fit_alpha_beta. */
	doc = pingpong_doc();
	json_t *arr = json_object_get(doc, "rows");
	while (json_array_size(arr) > 2)
		json_array_remove(arr, 2);
	ok(cb_calib_from_doc(doc, "pp.json", &c, err, sizeof err) == -1 &&
		   strstr(err, "pp.json: tier '0': no alpha-beta fit: 1 sample with 1 distinct size"),
	   "one size: refused with the fit's reason: %s", err);
	json_object_set_new(doc, "kernel", json_string("allreduce"));
	ok(cb_calib_from_doc(doc, "ar.json", &c, err, sizeof err) == -1 &&
		   strstr(err, "ar.json: kernel is 'allreduce'; calibration needs a pingpong result"),
	   "not a pingpong result: %s", err);
	json_decref(doc);
	return tap_done();
}
