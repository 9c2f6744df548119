/* libFuzzer target: the whole command line of a kernel (NUL-separated arguments). */
#include "config.h"
#include "core/options.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const struct cb_kopt kopts[] = {
	{ "pattern", 1, "NAME", "test option with a value" },
	{ "flag", 0, NULL, "test flag" },
	{ NULL, 0, NULL, NULL },
};

static int kset(void *cfg, const char *name, const char *arg, char *err, size_t errlen)
{
	(void)cfg;
	if (strcmp(name, "pattern") == 0 && arg && strcmp(arg, "bad") == 0) {
		snprintf(err, errlen, "bad pattern");
		return -1;
	}
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size > 4096)
		return 0;
	char *buf = malloc(size + 1);
	char *argv[130] = { "cpobench", "allreduce" };
	int argc = 2;
	memcpy(buf, data, size);
	buf[size] = '\0';
	for (size_t i = 0, start = 0; i <= size && argc < 128; i++)
		if (i == size || buf[i] == '\0') {
			buf[i] = '\0';
			argv[argc++] = buf + start;
			start = i + 1;
		}
	argv[argc] = NULL;
	struct cb_opts o;
	char err[512];
	cb_opts_defaults(&o);
	if (cb_opts_parse(&o, argc, argv, 2, kopts, kset, NULL, err, sizeof err) == 0 && o.min_bytes > o.max_bytes)
		abort(); /* the parser promised min <= max */
	cb_opts_free(&o);
	free(buf);
	return 0;
}
