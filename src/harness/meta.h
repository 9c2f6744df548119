/* What every result records about the run: command, date, hosts, MPI, launcher, node. */
#ifndef CB_META_H
#define CB_META_H

#include <jansson.h>
#include <mpi.h>
#include <stdio.h>

#include "core/launcher.h"
#include "core/options.h"

struct cb_run_info {
	int rank, nranks;
	int nhosts, max_ranks_per_host;
	int local_rank, local_ranks;     /* on this node */
	char date[32];                   /* ISO 8601 UTC */
	char stamp[32];                  /* for file names */
	char mpi_library[256];
	char launcher[16];
	const char *slurm_job_id;
	struct cb_slurm_job slurm;       /* partition, node list, tasks per node (NULLs outside Slurm) */
	char hwloc[256];
	char *hosts;                     /* "a,b,c" (rank 0) */
};

/* Collective: fills info on every rank (hosts list on rank 0). */
int cb_run_info_collect(struct cb_run_info *info, MPI_Comm comm);
void cb_run_info_free(struct cb_run_info *info);
/* The "meta" object of the result file. */
json_t *cb_run_info_json(const struct cb_run_info *info, const struct cb_opts *o);
/* The #-prefixed header lines on stdout. */
void cb_run_info_print(FILE *f, const struct cb_run_info *info, const struct cb_opts *o);

#endif
