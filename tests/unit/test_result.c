/* Result writer: JSON + CSV written atomically, read back with the same values. */
#include "config.h"
#include "core/result.h"
#include "tests/tap.h"

#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

static char *slurp(const char *path)
{
	FILE *f = fopen(path, "r");
	if (!f)
		return NULL;
	static char buf[1 << 16];
	size_t n = fread(buf, 1, sizeof buf - 1, f);
	buf[n] = '\0';
	fclose(f);
	return buf;
}

int main(void)
{
	char dir[] = "/tmp/cb-result-XXXXXX", path[256], err[512];
	ok(mkdtemp(dir) != NULL, "temporary directory");
	snprintf(path, sizeof path, "%s/r.json", dir);

	struct cb_result *r = cb_result_new("allreduce", "real", json_pack("{s:i}", "ranks", 3), NULL);
	ok(r && cb_result_set_path(r, path, err, sizeof err) == 0, "result created");
	is_str(cb_result_csv_path(r), strcat(strcpy((char[256]){ 0 }, dir), "/r.csv"), "CSV path beside JSON");
	ok(cb_result_write(r, err, sizeof err) == 0, "empty result written (%s)", err);

	struct cb_row row = { .algo = "ring", .bytes = 1048576, .count = 262144, .dtype = "float", .op = "sum",
			      .iters = 20, .time_us = { 10, 12.5, 13.25, 19.75, 20, 20 }, .algbw_GBps = 83.886,
			      .busbw_GBps = 111.848, .check = "pass" };
	ok(cb_result_add_row(r, &row) == 0, "row added");
	row.algo = "mpi";
	row.check = "fail";
	row.wrong = 7;
	row.in_place = 1;
	ok(cb_result_add_row(r, &row) == 0, "second row added");
	ok(cb_result_write(r, err, sizeof err) == 0, "result rewritten (%s)", err);
	cb_result_free(r);

	json_t *doc = cb_result_load(path, err, sizeof err);
	ok(doc != NULL, "result loads back (%s)", doc ? "" : err);
	is_str(json_string_value(json_object_get(doc, "schema")), "cpobench.result.v1", "schema");
	is_str(json_string_value(json_object_get(doc, "kernel")), "allreduce", "kernel");
	is_str(json_string_value(json_object_get(doc, "fabric")), "real", "fabric");
	ok(json_integer_value(json_object_get(json_object_get(doc, "meta"), "ranks")) == 3, "meta kept");
	json_t *rows = json_object_get(doc, "rows");
	ok(json_array_size(rows) == 2, "two rows");
	json_t *r0 = json_array_get(rows, 0);
	is_str(json_string_value(json_object_get(r0, "algo")), "ring", "row 0 algo");
	ok(json_integer_value(json_object_get(r0, "bytes")) == 1048576, "row 0 bytes");
	ok(json_integer_value(json_object_get(r0, "count")) == 262144, "row 0 count");
	is_num(json_real_value(json_object_get(json_object_get(r0, "time_us"), "median")), 12.5, 1e-12, "median");
	is_num(json_real_value(json_object_get(json_object_get(r0, "time_us"), "p99")), 19.75, 1e-12, "p99");
	is_num(json_real_value(json_object_get(r0, "busbw_GBps")), 111.848, 1e-9, "busbw");
	json_t *r1 = json_array_get(rows, 1);
	is_str(json_string_value(json_object_get(r1, "check")), "fail", "row 1 check");
	ok(json_integer_value(json_object_get(r1, "wrong")) == 7, "row 1 wrong count");
	ok(json_is_true(json_object_get(r1, "in_place")), "row 1 in place");
	json_decref(doc);

	snprintf(path, sizeof path, "%s/r.csv", dir);
	char *csv = slurp(path);
	ok(csv && strncmp(csv, "algo,bytes,count,dtype,op,in_place,iters,time_us_min,", 53) == 0, "CSV header");
	ok(csv && strstr(csv, "\nring,1048576,262144,float,sum,0,20,10,12.5,13.25,19.75,20,83.886,111.848,pass,0\n"),
	   "CSV row 0 matches");
	ok(csv && strstr(csv, "\nmpi,1048576,262144,float,sum,1,20,"), "CSV row 1");

	/* kernel extras: columns after the fixed ones, first-seen order, empty where missing */
	struct cb_result *x = cb_result_new("kvcache", "real", NULL, NULL);
	row.algo = "put:desc:bulk";
	row.extra = json_pack("{s:s, s:f, s:[s,s]}", "mech", "put", "exposed_ms_p99", 1.5, "tiers", "a", "b");
	cb_result_add_row(x, &row);
	json_decref(row.extra);
	row.algo = "send:desc:bulk";
	row.extra = json_pack("{s:s, s:s, s:i}", "mech", "send", "note", "x,\"y\"", "exposed_ms_p99", 2);
	cb_result_add_row(x, &row);
	json_decref(row.extra);
	row.extra = NULL;
	csv = cb_result_csv(cb_result_doc(x));
	ok(csv && strstr(csv, ",busbw_GBps,check,wrong,mech,exposed_ms_p99,tiers,note\n"), "CSV header: extras after the fixed columns");
	ok(csv && strstr(csv, "\nput:desc:bulk,1048576,262144,float,sum,1,20,10,12.5,13.25,19.75,20,83.886,111.848,fail,7,"
			      "put,1.5,\"[\"\"a\"\",\"\"b\"\"]\",\n"),
	   "CSV row with extras: fixed columns unchanged, array as quoted JSON, missing field empty");
	ok(csv && strstr(csv, "\nsend:desc:bulk,1048576,262144,float,sum,1,20,10,12.5,13.25,19.75,20,83.886,111.848,fail,7,"
			      "send,2,,\"x,\"\"y\"\"\"\n"),
	   "CSV row with extras: same column order, comma and quotes quoted");
	if (csv && !strstr(csv, "send,2,,"))
		printf("# %s", csv);
	free(csv);
	cb_result_free(x);

	/* no temporary files left behind */
	snprintf(path, sizeof path, "ls %s | grep -c tmp >/dev/null", dir);
	ok(system(path) != 0, "no temporary files left");

	/* schema refusal */
	snprintf(path, sizeof path, "%s/other.json", dir);
	FILE *f = fopen(path, "w");
	fputs("{\"schema\":\"cpobench.result.v0\",\"rows\":[]}", f);
	fclose(f);
	ok(cb_result_load(path, err, sizeof err) == NULL && strstr(err, "cpobench.result.v0") && strstr(err, path),
	   "other schema refused naming the file: %s", err);
	f = fopen(path, "w");
	fputs("{\"schema\": ", f);
	fclose(f);
	ok(cb_result_load(path, err, sizeof err) == NULL && strstr(err, "not valid JSON"), "broken JSON refused: %s", err);

	/* unwritable destination */
	r = cb_result_new("allreduce", "real", NULL, NULL);
	cb_result_set_path(r, "/nonexistent-dir/x.json", err, sizeof err);
	ok(cb_result_write(r, err, sizeof err) == -1 && strstr(err, "/nonexistent-dir/x.json"),
	   "unwritable path refused naming it: %s", err);
	cb_result_free(r);

	snprintf(path, sizeof path, "rm -rf %s", dir);
	if (system(path) != 0)
		return 99;
	return tap_done();
}
