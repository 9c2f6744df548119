/* Slurm's network topology (topology.conf, or `scontrol show topology` output): which switch each node hangs off. */
#ifndef CB_SLURM_TOPO_H
#define CB_SLURM_TOPO_H

#include <stddef.h>

struct cb_slurm_switch {
	char *name;
	char **nodes;          /* expanded Nodes= (leaf switches); NULL if none */
	int nnodes;
	char **children;       /* expanded Switches= */
	int nchildren;
	int line;              /* where it was defined */
};

struct cb_slurm_topo {
	char path[512];        /* file it came from (for messages) */
	struct cb_slurm_switch *sw;
	int nsw;
};

/*
 * Parse topology.conf lines "SwitchName=S [Nodes=HOSTLIST] [Switches=HOSTLIST]
 * [LinkSpeed=N]" (also BlockName=, and the Level= of scontrol's output);
 * '#' starts a comment, keys are case-insensitive as in Slurm.  Returns 0, or
 * -1 with "fname:line: what was expected" in err.
 */
int cb_slurm_topo_parse_string(const char *text, const char *fname, struct cb_slurm_topo *t, char *err,
			       size_t errlen);
int cb_slurm_topo_load(const char *path, struct cb_slurm_topo *t, char *err, size_t errlen);
void cb_slurm_topo_free(struct cb_slurm_topo *t);

/*
 * Where Slurm's topology is described: $CPOBENCH_SLURM_TOPOLOGY if set (may be
 * a saved `scontrol show topology`), else topology.conf beside $SLURM_CONF,
 * else /etc/slurm/topology.conf.  Returns buf, or NULL when no file exists.
 */
const char *cb_slurm_topo_find(char *buf, size_t len);

/* Index of the switch whose Nodes= lists node (also matched by its short
 * name, before the first '.'), or -1. */
int cb_slurm_topo_leaf_of(const struct cb_slurm_topo *t, const char *node);

/*
 * Expand a Slurm hostlist ("n[1-3,07-08],login", "r[1-2]n[1-2]") into names
 * (malloc'd array of malloc'd strings).  Returns the count, or -1 with err.
 */
int cb_hostlist_expand(const char *expr, char ***names, char *err, size_t errlen);
void cb_hostlist_free(char **names, int n);

#endif
