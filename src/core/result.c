/* Result documents: JSON rows plus a CSV twin, written atomically. */
#include "config.h"
#include "core/result.h"
#include "core/atomic_file.h"
#include "core/dtype.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct cb_result {
	const char *inject_error;
	json_t *doc;
	json_t *rows;
	char *json_path;
	char *csv_path;
};

struct cb_result *cb_result_new(const char *kernel, const char *fabric, json_t *meta, json_t *topology)
{
	struct cb_result *r = calloc(1, sizeof *r);
	if (!r)
		return NULL;
	r->rows = json_array();
	r->doc = json_pack("{s:s, s:s, s:s, s:o, s:o, s:O}", "schema", CB_RESULT_SCHEMA, "kernel", kernel,
			   "fabric", fabric, "meta", meta ? meta : json_object(),
			   "topology", topology ? topology : json_null(), "rows", r->rows);
	if (!r->doc) {
		json_decref(r->rows);
		free(r);
		return NULL;
	}
	json_decref(r->rows); /* the document holds it */
	return r;
}

int cb_result_set_path(struct cb_result *r, const char *json_path, char *err, size_t errlen)
{
	size_t n = strlen(json_path);
	free(r->json_path);
	free(r->csv_path);
	r->json_path = strdup(json_path);
	r->csv_path = malloc(n + 5);
	if (!r->json_path || !r->csv_path) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	strcpy(r->csv_path, json_path);
	if (n > 5 && strcmp(json_path + n - 5, ".json") == 0)
		strcpy(r->csv_path + n - 5, ".csv");
	else
		strcat(r->csv_path, ".csv");
	return 0;
}

const char *cb_result_json_path(const struct cb_result *r)
{
	return r->json_path;
}

const char *cb_result_csv_path(const struct cb_result *r)
{
	return r->csv_path;
}

json_t *cb_result_doc(struct cb_result *r)
{
	return r->doc;
}

static json_t *num(double v)
{
	return isfinite(v) ? json_real(v) : json_null();
}

json_t *cb_row_to_json(const struct cb_row *w)
{
	json_t *t = json_pack("{s:o, s:o, s:o, s:o, s:o}", "min", num(w->time_us.min), "median",
			      num(w->time_us.median), "mean", num(w->time_us.mean), "p99", num(w->time_us.p99),
			      "max", num(w->time_us.max));
	json_t *row = json_pack("{s:s, s:I, s:I, s:s, s:s, s:b, s:I, s:o, s:o, s:o, s:s, s:I}", "algo", w->algo,
				"bytes", (json_int_t)w->bytes, "count", (json_int_t)w->count, "dtype", w->dtype,
				"op", w->op, "in_place", w->in_place, "iters", (json_int_t)w->iters, "time_us", t,
				"algbw_GBps", num(w->algbw_GBps), "busbw_GBps", num(w->busbw_GBps), "check",
				w->check, "wrong", (json_int_t)w->wrong);
	if (row && w->extra)
		json_object_update(row, w->extra);
	return row;
}

int cb_result_add_row(struct cb_result *r, const struct cb_row *row)
{
	json_t *j = cb_row_to_json(row);
	return j ? json_array_append_new(r->rows, j) : -1;
}

static const char *const csv_cols[] = {
	"algo", "bytes", "count", "dtype", "op", "in_place", "iters", "time_us_min", "time_us_median",
	"time_us_mean", "time_us_p99", "time_us_max", "algbw_GBps", "busbw_GBps", "check", "wrong", NULL
};

/* A CSV field: quoted (quotes doubled) when it holds a comma, quote or line break (RFC 4180). */
static void csv_text(FILE *f, const char *t)
{
	if (!t[strcspn(t, ",\"\r\n")]) {
		fputs(t, f);
		return;
	}
	fputc('"', f);
	for (; *t; t++) {
		if (*t == '"')
			fputc('"', f);
		fputc(*t, f);
	}
	fputc('"', f);
}

/* Missing and null values are empty; arrays and objects are their compact JSON text. */
static void csv_value(FILE *f, json_t *row, const char *col)
{
	json_t *v;
	if (strncmp(col, "time_us_", 8) == 0 && json_is_object(json_object_get(row, "time_us")))
		v = json_object_get(json_object_get(row, "time_us"), col + 8);
	else
		v = json_object_get(row, col);
	if (json_is_string(v))
		csv_text(f, json_string_value(v));
	else if (json_is_integer(v))
		fprintf(f, "%lld", (long long)json_integer_value(v));
	else if (json_is_real(v))
		fprintf(f, "%.9g", json_real_value(v));
	else if (json_is_boolean(v))
		fputs(json_is_true(v) ? "1" : "0", f);
	else if (json_is_array(v) || json_is_object(v)) {
		char *t = json_dumps(v, JSON_COMPACT | JSON_REAL_PRECISION(10));
		if (t)
			csv_text(f, t);
		free(t);
	}
}

static int fixed_key(const char *key)
{
	if (!strcmp(key, "time_us"))
		return 1;
	for (int i = 0; csv_cols[i]; i++)
		if (!strcmp(key, csv_cols[i]))
			return 1;
	return 0;
}

/* The kernel's extra row fields: every key beyond the fixed columns, in the
 * order they first appear over the rows (the same for every row). */
static json_t *extra_cols(json_t *rows)
{
	json_t *cols = json_array(), *seen = json_object(), *row, *v;
	size_t idx;
	const char *key;
	json_array_foreach(rows, idx, row) {
		json_object_foreach(row, key, v) {
			if (fixed_key(key) || json_object_get(seen, key))
				continue;
			json_object_set_new(seen, key, json_true());
			json_array_append_new(cols, json_string(key));
		}
	}
	json_decref(seen);
	return cols;
}

char *cb_result_csv(json_t *doc)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	if (!f)
		return NULL;
	json_t *rows = json_object_get(doc, "rows"), *extra = extra_cols(rows), *row, *col;
	size_t idx, c;
	for (int i = 0; csv_cols[i]; i++)
		fprintf(f, "%s%s", i ? "," : "", csv_cols[i]);
	json_array_foreach(extra, c, col) {
		fputc(',', f);
		csv_text(f, json_string_value(col));
	}
	fputc('\n', f);
	json_array_foreach(rows, idx, row) {
		for (int i = 0; csv_cols[i]; i++) {
			if (i)
				fputc(',', f);
			csv_value(f, row, csv_cols[i]);
		}
		json_array_foreach(extra, c, col) {
			fputc(',', f);
			csv_value(f, row, json_string_value(col));
		}
		fputc('\n', f);
	}
	json_decref(extra);
	fclose(f);
	return buf;
}

int cb_result_write(struct cb_result *r, char *err, size_t errlen)
{
	if (!r->json_path) {
		snprintf(err, errlen, "result file has no path");
		return -1;
	}
	if (r->inject_error) {
		snprintf(err, errlen, "%s: write failed: %s", r->json_path, r->inject_error);
		r->inject_error = NULL;
		return -1;
	}
	char *js = json_dumps(r->doc, JSON_INDENT(1) | JSON_REAL_PRECISION(10));
	char *csv = cb_result_csv(r->doc);
	int rc = -1;
	if (!js || !csv) {
		snprintf(err, errlen, "%s: out of memory formatting results", r->json_path);
	} else {
		size_t jl = strlen(js);
		js = realloc(js, jl + 2);
		strcpy(js + jl, "\n");
		if (cb_file_write_atomic(r->json_path, js, jl + 1, err, errlen) == 0 &&
		    cb_file_write_atomic(r->csv_path, csv, strlen(csv), err, errlen) == 0)
			rc = 0;
	}
	free(js);
	free(csv);
	return rc;
}

void cb_result_inject_write_error(struct cb_result *r, const char *why)
{
	r->inject_error = why;
}

void cb_result_free(struct cb_result *r)
{
	if (!r)
		return;
	json_decref(r->doc);
	free(r->json_path);
	free(r->csv_path);
	free(r);
}

/* Schema version and rows; consumes doc on failure. */
static json_t *checked(json_t *doc, const char *name, char *err, size_t errlen)
{
	const char *schema = json_string_value(json_object_get(doc, "schema"));
	if (!schema || strcmp(schema, CB_RESULT_SCHEMA) != 0) {
		snprintf(err, errlen, "%s: schema is '%s', expected '%s'", name, schema ? schema : "(missing)",
			 CB_RESULT_SCHEMA);
		json_decref(doc);
		return NULL;
	}
	if (cb_result_validate(doc, name, err, errlen) != 0) {
		json_decref(doc);
		return NULL;
	}
	return doc;
}

json_t *cb_result_load(const char *path, char *err, size_t errlen)
{
	json_error_t je;
	json_t *doc = json_load_file(path, JSON_REJECT_DUPLICATES, &je);
	if (!doc) {
		snprintf(err, errlen, "%s:%d:%d: not valid JSON: %s", path, je.line, je.column, je.text);
		return NULL;
	}
	return checked(doc, path, err, errlen);
}

json_t *cb_result_load_string(const char *text, size_t len, const char *name, char *err, size_t errlen)
{
	json_error_t je;
	json_t *doc = json_loadb(text, len, JSON_REJECT_DUPLICATES, &je);
	if (!doc) {
		snprintf(err, errlen, "%s:%d:%d: not valid JSON: %s", name, je.line, je.column, je.text);
		return NULL;
	}
	return checked(doc, name, err, errlen);
}

/* A finite, non-negative number (integer or real) at key in obj. */
static int get_num(json_t *obj, const char *key, double *out)
{
	json_t *v = json_object_get(obj, key);
	if (!json_is_number(v))
		return -1;
	*out = json_number_value(v);
	return isfinite(*out) && *out >= 0 ? 0 : -1;
}

static int validate_row(json_t *row, char *msg, size_t len)
{
	static const char *const tkeys[] = { "min", "median", "mean", "p99", "max" };
	double t[5], v;
	if (!json_is_object(row))
		return snprintf(msg, len, "is not an object"), -1;
	if (!json_is_string(json_object_get(row, "algo")))
		return snprintf(msg, len, "has no \"algo\" string"), -1;
	json_t *jb = json_object_get(row, "bytes"), *jc = json_object_get(row, "count");
	if (!json_is_integer(jb) || json_integer_value(jb) < 0 || !json_is_integer(jc) || json_integer_value(jc) < 0)
		return snprintf(msg, len, "\"bytes\" and \"count\" must be non-negative integers"), -1;
	json_t *it = json_object_get(row, "iters");
	if (!json_is_integer(it) || json_integer_value(it) < 1)
		return snprintf(msg, len, "\"iters\" must be an integer >= 1"), -1;
	enum cb_dtype dt;
	const char *dts = json_string_value(json_object_get(row, "dtype"));
	if (!dts)
		return snprintf(msg, len, "has no \"dtype\" string"), -1;
	long long b = json_integer_value(jb), c = json_integer_value(jc);
	/* Kernels whose size is count elements of dtype must agree with themselves. */
	if (cb_dtype_parse(dts, &dt) == 0 &&
	    (unsigned long long)b != (unsigned long long)c * cb_dtype_size(dt))
		return snprintf(msg, len, "bytes %lld != count %lld x %zu (%s)", b, c, cb_dtype_size(dt), dts), -1;
	json_t *tu = json_object_get(row, "time_us");
	for (int i = 0; i < 5; i++)
		if (get_num(tu, tkeys[i], &t[i]) != 0)
			return snprintf(msg, len, "time_us.%s is missing, negative or not a finite number", tkeys[i]), -1;
	if (!(t[0] <= t[1] && t[1] <= t[4] && t[0] <= t[2] && t[2] <= t[4] && t[3] <= t[4] && t[1] <= t[3]))
		return snprintf(msg, len, "time_us is not ordered (min %g, median %g, mean %g, p99 %g, max %g)", t[0], t[1],
				t[2], t[3], t[4]),
		       -1;
	if (get_num(row, "algbw_GBps", &v) != 0 || get_num(row, "busbw_GBps", &v) != 0)
		return snprintf(msg, len, "algbw_GBps/busbw_GBps missing, negative or not finite"), -1;
	const char *ck = json_string_value(json_object_get(row, "check"));
	if (!ck || (strcmp(ck, "pass") && strcmp(ck, "fail") && strcmp(ck, "off")))
		return snprintf(msg, len, "\"check\" must be pass, fail or off"), -1;
	return 0;
}

int cb_result_validate(json_t *doc, const char *name, char *err, size_t errlen)
{
	const char *fabric = json_string_value(json_object_get(doc, "fabric"));
	if (!json_is_string(json_object_get(doc, "kernel"))) {
		snprintf(err, errlen, "%s: no \"kernel\" string", name);
		return -1;
	}
	if (!fabric || (strcmp(fabric, "real") && strcmp(fabric, "emulated"))) {
		snprintf(err, errlen, "%s: \"fabric\" must be \"real\" or \"emulated\"", name);
		return -1;
	}
	json_t *meta = json_object_get(doc, "meta");
	if (!json_is_object(meta)) {
		snprintf(err, errlen, "%s: no \"meta\" object", name);
		return -1;
	}
	json_t *ranks = json_object_get(meta, "ranks");
	if (ranks && (!json_is_integer(ranks) || json_integer_value(ranks) < 1)) {
		snprintf(err, errlen, "%s: meta.ranks must be an integer >= 1", name);
		return -1;
	}
	json_t *rows = json_object_get(doc, "rows");
	if (!json_is_array(rows)) {
		snprintf(err, errlen, "%s: no \"rows\" array", name);
		return -1;
	}
	size_t i;
	json_t *row;
	json_array_foreach(rows, i, row) {
		char msg[256];
		if (validate_row(row, msg, sizeof msg) != 0) {
			snprintf(err, errlen, "%s: row %zu: %s", name, i, msg);
			return -1;
		}
	}
	return 0;
}
