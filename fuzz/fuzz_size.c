/* libFuzzer target: size, seconds and integer parsing (every -b/-e/-n/--timeout value). */
#include "config.h"
#include "core/units.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s = malloc(size + 1), err[256], buf[32];
	if (!s)
		return 0;
	memcpy(s, data, size);
	s[size] = '\0';
	uint64_t v, *sizes = NULL;
	double d;
	long l;
	if (cb_size_parse(s, &v, err, sizeof err) == 0) {
		cb_size_format(v, buf, sizeof buf);
		/* a parsed size must sweep without overflow */
		long n = cb_sizes_sweep(v / 4, v, 2, &sizes);
		if (n > 0 && sizes[n - 1] > v)
			abort();
		free(sizes);
	}
	cb_seconds_parse(s, &d, err, sizeof err);
	cb_int_parse(s, -5, 1L << 40, &l, err, sizeof err);
	free(s);
	return 0;
}
