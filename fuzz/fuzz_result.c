/* libFuzzer target: result files as the reporter reads them. */
#include "config.h"
#include "core/result.h"

#include <stdint.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char err[512];
	json_t *doc = cb_result_load_string((const char *)data, size, "fuzz.json", err, sizeof err);
	if (doc) {
		char *csv = cb_result_csv(doc);
		free(csv);
		json_decref(doc);
	}
	return 0;
}
