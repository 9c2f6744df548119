/* Option values shared by `cpobench-report platform` and cpobench-emulate. */
#ifndef CB_EMUOPTS_H
#define CB_EMUOPTS_H

#include <stddef.h>

#include "topo/topo.h"

/* --np: a whole number >= 1.  0 or -1 with a message naming the option. */
int cb_emu_parse_np(const char *arg, long *np, char *err, size_t errlen);
/* --optics: copper|aec|pluggable|lpo|cpo. */
int cb_emu_parse_optics(const char *arg, enum cb_medium *m, char *err, size_t errlen);
/*
 * Load the topology, apply --optics (optics_set) and default np (<= 0: the
 * topology's own endpoint count).  *changed gets the tiers --optics changed.
 */
int cb_emu_topology(const char *name, int optics_set, enum cb_medium optics, long *np, struct cb_topo *t,
		    int *changed, char *err, size_t errlen);

#endif
