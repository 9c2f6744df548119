/*
 * Result documents (schema cpobench.result.v1): rows of measured sizes,
 * written as JSON and as CSV beside it, atomically, after every size.
 */
#ifndef CB_RESULT_H
#define CB_RESULT_H

#include <jansson.h>
#include <stdint.h>

#include "core/stats.h"

#define CB_RESULT_SCHEMA "cpobench.result.v1"

struct cb_row {
	const char *algo;
	uint64_t bytes, count;
	const char *dtype;
	const char *op;           /* "-" when the kernel has no reduction */
	int in_place;
	long iters;
	struct cb_stats time_us;
	double algbw_GBps, busbw_GBps;
	const char *check;        /* "pass", "fail" or "off" */
	uint64_t wrong;           /* wrong elements summed over ranks */
	json_t *extra;            /* optional kernel fields (borrowed) */
};

struct cb_result;

/* kernel, fabric ("real"/"emulated"); meta and topology are stolen references. */
struct cb_result *cb_result_new(const char *kernel, const char *fabric, json_t *meta, json_t *topology);
/* json_path as given; the CSV replaces a ".json" ending (or is appended). */
int cb_result_set_path(struct cb_result *r, const char *json_path, char *err, size_t errlen);
const char *cb_result_json_path(const struct cb_result *r);
const char *cb_result_csv_path(const struct cb_result *r);
json_t *cb_row_to_json(const struct cb_row *row);
int cb_result_add_row(struct cb_result *r, const struct cb_row *row);
json_t *cb_result_doc(struct cb_result *r);
/* Rewrite the JSON and CSV files atomically. */
int cb_result_write(struct cb_result *r, char *err, size_t errlen);
void cb_result_free(struct cb_result *r);
/* Test-only: make the next cb_result_write fail with this reason. */
void cb_result_inject_write_error(struct cb_result *r, const char *why);

/* CSV text of a document's rows (header line first); caller frees.  The fixed
 * columns come first, then every other row field (kernel extras, e.g. kvcache's
 * exposed_ms_p99) in the order the fields first appear over the rows, empty
 * where a row lacks one; arrays/objects as compact JSON; RFC 4180 quoting. */
char *cb_result_csv(json_t *doc);
/*
 * Load a result file, check its schema version and validate every row (types,
 * finite non-negative numbers, ordered percentiles, bytes = count x dtype
 * size, check value); NULL with "file: row N: reason" in err.
 */
json_t *cb_result_load(const char *path, char *err, size_t errlen);
json_t *cb_result_load_string(const char *text, size_t len, const char *name, char *err, size_t errlen);
int cb_result_validate(json_t *doc, const char *name, char *err, size_t errlen);

#endif
