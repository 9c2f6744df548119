/* Option values shared by `cpobench-report platform` and cpobench-emulate. */
#include "config.h"
#include "emulate/emuopts.h"
#include "emulate/platform.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

int cb_emu_parse_np(const char *arg, long *np, char *err, size_t errlen)
{
	char *end;
	errno = 0;
	long v = strtol(arg, &end, 10);
	if (errno || end == arg || *end || v < 1 || v > (1L << 24)) {
		snprintf(err, errlen, "--np: expected a whole number of endpoints from 1 to %ld, got '%s'", 1L << 24, arg);
		return -1;
	}
	*np = v;
	return 0;
}

int cb_emu_parse_optics(const char *arg, enum cb_medium *m, char *err, size_t errlen)
{
	if (cb_medium_parse(arg, m) == 0)
		return 0;
	snprintf(err, errlen, "--optics: expected copper, aec, pluggable, lpo or cpo, got '%s'", arg);
	return -1;
}

int cb_emu_topology(const char *name, int optics_set, enum cb_medium optics, long *np, struct cb_topo *t,
		    int *changed, char *err, size_t errlen)
{
	*changed = 0;
	if (!name) {
		snprintf(err, errlen, "--topology: required (a file or a shipped name such as gb200-nvl72)");
		return -1;
	}
	if (cb_topo_load(name, t, err, errlen) != 0)
		return -1;
	if (optics_set)
		*changed = cb_platform_apply_optics(t, optics);
	if (*np <= 0)
		*np = t->endpoints > 0 ? t->endpoints : 0;
	if (*np <= 0) {
		snprintf(err, errlen, "--np: required (topology %s gives no endpoint count)", t->name);
		return -1;
	}
	return cb_platform_outer_tier(t, *np, err, errlen) < 0 ? -1 : 0;
}
