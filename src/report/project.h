/* Projection sweeps: kernels x algorithms x optics x GPU counts x sizes through the model. */
#ifndef CB_REPORT_PROJECT_H
#define CB_REPORT_PROJECT_H

#include <stdint.h>
#include <stdio.h>

#include "model/kv.h"
#include "model/model.h"

#define CB_PROJ_MAX_OPTICS 8
#define CB_PROJ_MAX_GPUS 64
#define CB_PROJ_MAX_ALGOS CB_ALGO_COUNT

struct cb_proj_spec {
	const struct cb_topo *topo;
	const struct cb_topo *scaleout;   /* joins a scale-up-only file beyond its largest group (or NULL) */
	int optics[CB_PROJ_MAX_OPTICS];   /* enum cb_medium or CB_MODEL_OPTICS_ASIS */
	int noptics;
	unsigned tier_mask;               /* tiers the optics apply to */
	enum cb_model_algo algos[CB_PROJ_MAX_ALGOS];
	int nalgos;
	long gpus[CB_PROJ_MAX_GPUS];
	int ngpus;
	uint64_t *sizes;                  /* bytes (kvcache: tokens) */
	long nsizes;
	uint64_t *kv_sizes;               /* tokens for kvcache rows when sizes are bytes (or NULL) */
	long nkv_sizes;
	struct cb_kv_params kv;
	int kv_tier;                      /* -1: the first tier above the innermost */
	/* Calibration from a ping-pong fit, applied to tier `cal_tier` (-1: none). */
	int cal_tier;
	struct cb_fit cal;
	const char *checked;              /* how the model was checked on this topology, or NULL */
};

struct cb_proj_row {
	enum cb_model_algo algo;
	int optics;
	long gpus;
	double size;                      /* bytes, or tokens for kvcache */
	int ntiers;
	struct cb_model_cost cost;
	struct cb_kv_cost kv;             /* kvcache only */
	double busbw_Bps;
	struct cb_model_power power;
	struct cb_model_rel rel;
	int reach_ok;
	double worst_reach_margin_m;      /* min over tiers of reach - cable */
};

typedef int (*cb_proj_row_fn)(void *ctx, const struct cb_proj_row *row);

/* Run the sweep, one callback per row; returns 0, or -1 with err. */
int cb_proj_run(const struct cb_proj_spec *s, cb_proj_row_fn fn, void *ctx, char *err, size_t errlen);

/* Optics name: a medium, or "as-built" for the file's own media. */
const char *cb_proj_optics_name(int optics);
int cb_proj_optics_parse(const char *s, int *out);

/* Writers: fixed-width table, CSV, JSON lines into an array. */
void cb_proj_table_header(FILE *f, const struct cb_proj_spec *s);
void cb_proj_table_row(FILE *f, const struct cb_proj_row *r);
void cb_proj_csv_header(FILE *f);
void cb_proj_csv_row(FILE *f, const struct cb_proj_row *r);
#include <jansson.h>
json_t *cb_proj_row_json(const struct cb_proj_row *r);

/* "A", "A:B" or "A:B:F" (geometric, B included): GPU counts.  0 or -1 with err. */
int cb_proj_gpus_parse(const char *s, long *out, int max, int *n, char *err, size_t errlen);

#endif
