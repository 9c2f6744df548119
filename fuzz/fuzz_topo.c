/* libFuzzer target: topology files (INI via inih, units, media overrides, tiers). */
#include "config.h"
#include "topo/topo.h"

#include <jansson.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = malloc(size + 1), err[1024];
	struct cb_topo t;
	if (!text)
		return 0;
	memcpy(text, data, size);
	text[size] = '\0';
	if (cb_topo_parse_string(text, "fuzz.ini", &t, err, sizeof err) == 0) {
		/* everything derived from a file that parsed must be computable */
		for (int i = 0; i < t.ntiers; i++) {
			double reach;
			(void)cb_tier_latency_s(&t, i);
			(void)cb_tier_reach_ok(&t, i, &reach);
		}
		json_decref(cb_topo_to_json(&t));
	}
	free(text);
	return 0;
}
