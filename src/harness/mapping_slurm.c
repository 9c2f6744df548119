/* Domains from the allocation: ranks under the same Slurm leaf switch (topology.conf) form a domain. */
#include "config.h"
#include "harness/mapping_slurm.h"
#include "core/slurm_topo.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define NAME_LEN MPI_MAX_PROCESSOR_NAME

static void my_node_name(char *name)
{
	const char *s = getenv("SLURMD_NODENAME");
	int len = 0;
	memset(name, 0, NAME_LEN);
	if (s && *s)
		snprintf(name, NAME_LEN, "%s", s);
	else
		MPI_Get_processor_name(name, &len);
}

/* Rank 0: status 1/0/-1 as documented, leader[] rewritten on 1. */
static int assign(const char *names, int nranks, int *leader, char *how, size_t howlen, char *err, size_t errlen)
{
	char pathbuf[512];
	const char *path = cb_slurm_topo_find(pathbuf, sizeof pathbuf);
	if (!path)
		return 0;
	struct cb_slurm_topo t;
	if (cb_slurm_topo_load(path, &t, err, errlen) != 0)
		return -1;
	int *leaf = malloc((size_t)nranks * sizeof *leaf), *first = calloc((size_t)t.nsw + 1, sizeof *first);
	int status = 1;
	if (!leaf || !first) {
		snprintf(err, errlen, "out of memory mapping ranks to Slurm switches");
		status = -1;
		goto out;
	}
	for (int r = 0; r < nranks; r++) {
		leaf[r] = cb_slurm_topo_leaf_of(&t, names + (size_t)r * NAME_LEN);
		if (leaf[r] < 0) {
			snprintf(how, howlen, "node (%.40s is under no switch of %.60s)", names + (size_t)r * NAME_LEN, path);
			fprintf(stderr, "cpobench: warning: node %s is under no switch of %s: domains by node\n",
				names + (size_t)r * NAME_LEN, path);
			goto out;
		}
	}
	/* first[s] = 1 + lowest rank under switch s; domains then come in rank order. */
	size_t used = (size_t)snprintf(how, howlen, "slurm switch");
	const char *sep = " ";
	for (int r = 0; r < nranks; r++) {
		if (!first[leaf[r]]) {
			first[leaf[r]] = r + 1;
			if (used < howlen)
				used += (size_t)snprintf(how + used, howlen - used, "%s%s", sep, t.sw[leaf[r]].name);
			sep = ",";
		}
		leader[r] = first[leaf[r]] - 1;
	}
	if (used >= howlen && howlen > 4)
		strcpy(how + howlen - 4, "...");
out:
	free(leaf);
	free(first);
	cb_slurm_topo_free(&t);
	return status;
}

int cb_mapping_slurm_switches(MPI_Comm comm, int *leader, char *how, size_t howlen, char *err, size_t errlen)
{
	int rank, nranks, status = 0;
#ifdef CB_SMPI
	/* Emulated ranks run on simulated hosts, not on the allocation's nodes. */
	(void)comm, (void)leader, (void)how, (void)howlen, (void)err, (void)errlen;
	return status;
#endif
	MPI_Comm_rank(comm, &rank);
	MPI_Comm_size(comm, &nranks);
	char name[NAME_LEN];
	my_node_name(name);
	char *names = rank == 0 ? malloc((size_t)nranks * NAME_LEN) : NULL;
	MPI_Gather(name, NAME_LEN, MPI_CHAR, names, NAME_LEN, MPI_CHAR, 0, comm);
	if (rank == 0) {
		if (!names) {
			snprintf(err, errlen, "out of memory mapping ranks to Slurm switches");
			status = -1;
		} else {
			status = assign(names, nranks, leader, how, howlen, err, errlen);
		}
	}
	free(names);
	MPI_Bcast(&status, 1, MPI_INT, 0, comm);
	if (status < 0) {
		MPI_Bcast(err, (int)errlen, MPI_CHAR, 0, comm);
		return -1;
	}
	if (status > 0) {
		MPI_Bcast(leader, nranks, MPI_INT, 0, comm);
		MPI_Bcast(how, (int)howlen, MPI_CHAR, 0, comm);
	}
	return status;
}
