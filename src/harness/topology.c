/* --topology at run time: load on every rank, agree on the checksum, print the header lines. */
#include "config.h"
#include "harness/topology.h"

#include <stdlib.h>
#include <string.h>

int cb_topology_setup(const char *arg, MPI_Comm comm, const char *kernel, struct cb_topo **out)
{
	int rank, ok, allok;
	char err[1024];
	MPI_Comm_rank(comm, &rank);
	struct cb_topo *t = malloc(sizeof *t);
	ok = t && cb_topo_load(arg, t, err, sizeof err) == 0;
	/* One message, not one per rank: rank 0's, or a rank's whose failure rank 0 did not share. */
	int ok0 = ok;
	MPI_Bcast(&ok0, 1, MPI_INT, 0, comm);
	if (!ok && (rank == 0 || ok0))
	{
		if (rank)
			fprintf(stderr, "cpobench %s: rank %d: %s\n", kernel, rank, t ? err : "out of memory");
		else
			fprintf(stderr, "cpobench %s: %s\n", kernel, t ? err : "out of memory");
	}
	MPI_Allreduce(&ok, &allok, 1, MPI_INT, MPI_MIN, comm);
	if (allok) {
		/* Ranks on different nodes may read different copies: refuse a mix. */
		char sha0[65];
		memcpy(sha0, t->sha256, sizeof sha0);
		MPI_Bcast(sha0, sizeof sha0, MPI_CHAR, 0, comm);
		int same = strcmp(sha0, t->sha256) == 0, allsame;
		if (!same)
			fprintf(stderr, "cpobench %s: rank %d: topology '%s' (%s) has sha256 %s, rank 0's has %s (expected the same file on every node)\n",
				kernel, rank, arg, t->path, t->sha256, sha0);
		MPI_Allreduce(&same, &allsame, 1, MPI_INT, MPI_MIN, comm);
		allok = allsame;
	}
	if (!allok) {
		free(t);
		*out = NULL;
		return 2;
	}
	*out = t;
	return 0;
}

void cb_topology_print(FILE *f, const struct cb_topo *t)
{
	fprintf(f, "# topology: %s (%s, sha256 %s)\n", t->name, t->embedded ? "built in" : t->path, t->sha256);
	for (int i = 0; i < t->ntiers; i++) {
		const struct cb_tier *T = &t->tier[i];
		double reach;
		int ok = cb_tier_reach_ok(t, i, &reach);
		fprintf(f, "#   tier %d %-10s group %ld, %.1f GB/s per direction, %.0f ns one way, %s %g m%s\n", i, T->name,
			T->group_size, T->bw_Bps / 1e9, cb_tier_latency_s(t, i) * 1e9, cb_medium_name(T->medium), T->cable_m,
			ok ? "" : " (INFEASIBLE: longer than the medium's reach)");
	}
}
