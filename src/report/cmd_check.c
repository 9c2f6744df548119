/* cpobench-report check FILE...: validate result files as every other subcommand reads them. */
#include "config.h"
#include "core/result.h"
#include "report/report.h"

#include <stdio.h>
#include <string.h>

static int check_run(int argc, char **argv)
{
	if (argc < 2 || strcmp(argv[1], "-h") == 0 || strcmp(argv[1], "--help") == 0) {
		fprintf(argc < 2 ? stderr : stdout,
			"usage: cpobench-report check RESULT.json...\n"
			"  validates schema version, row fields, finite numbers, ordered percentiles,\n"
			"  bytes = count x dtype size; exit 0 if all are valid, 2 otherwise\n");
		return argc < 2 ? 2 : 0;
	}
	int bad = 0;
	for (int i = 1; i < argc; i++) {
		char err[768];
		json_t *doc = cb_result_load(argv[i], err, sizeof err);
		if (!doc) {
			fprintf(stderr, "cpobench-report check: %s\n", err);
			bad = 1;
			continue;
		}
		printf("%s: ok: %s, %s fabric, %zu rows\n", argv[i], json_string_value(json_object_get(doc, "kernel")),
		       json_string_value(json_object_get(doc, "fabric")), json_array_size(json_object_get(doc, "rows")));
		json_decref(doc);
	}
	return bad ? 2 : 0;
}

const struct cb_report_cmd cb_report_cmd_check = {
	.name = "check",
	.summary = "validate result files (schema, rows, numbers)",
	.run = check_run,
};
