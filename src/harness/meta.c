/* What every result records about the run. */
#include "config.h"
#include "harness/meta.h"
#include "core/hwinfo.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

static void detect_launcher(char *out, size_t len)
{
#ifdef CB_SMPI
	const char *l = "smpirun";
#else
	const char *l = cb_launcher_detect(cb_env_process, NULL);
#endif
	snprintf(out, len, "%s", l);
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp((const char *)a, (const char *)b);
}

int cb_run_info_collect(struct cb_run_info *info, MPI_Comm comm)
{
	memset(info, 0, sizeof *info);
	MPI_Comm_rank(comm, &info->rank);
	MPI_Comm_size(comm, &info->nranks);

	MPI_Comm local;
	MPI_Comm_split_type(comm, MPI_COMM_TYPE_SHARED, info->rank, MPI_INFO_NULL, &local);
	MPI_Comm_rank(local, &info->local_rank);
	MPI_Comm_size(local, &info->local_ranks);
	MPI_Comm_free(&local);

	char name[MPI_MAX_PROCESSOR_NAME];
	int nl = 0;
	memset(name, 0, sizeof name);
	MPI_Get_processor_name(name, &nl);
	char *all = info->rank == 0 ? calloc((size_t)info->nranks, MPI_MAX_PROCESSOR_NAME) : NULL;
	MPI_Gather(name, MPI_MAX_PROCESSOR_NAME, MPI_CHAR, all, MPI_MAX_PROCESSOR_NAME, MPI_CHAR, 0, comm);
	if (info->rank == 0 && all) {
		qsort(all, (size_t)info->nranks, MPI_MAX_PROCESSOR_NAME, cmp_str);
		size_t cap = 1;
		for (int i = 0; i < info->nranks; i++)
			cap += strlen(all + (size_t)i * MPI_MAX_PROCESSOR_NAME) + 1;
		info->hosts = calloc(1, cap);
		int run = 0;
		for (int i = 0; i < info->nranks; i++) {
			const char *h = all + (size_t)i * MPI_MAX_PROCESSOR_NAME;
			if (i == 0 || strcmp(h, all + (size_t)(i - 1) * MPI_MAX_PROCESSOR_NAME) != 0) {
				if (info->nhosts++)
					strcat(info->hosts, ",");
				strcat(info->hosts, h);
				run = 0;
			}
			if (++run > info->max_ranks_per_host)
				info->max_ranks_per_host = run;
		}
	}
	free(all);
	MPI_Bcast(&info->nhosts, 1, MPI_INT, 0, comm);
	MPI_Bcast(&info->max_ranks_per_host, 1, MPI_INT, 0, comm);

	time_t now = time(NULL);
	MPI_Bcast(&now, sizeof now, MPI_BYTE, 0, comm);
	struct tm tm;
	gmtime_r(&now, &tm);
	strftime(info->date, sizeof info->date, "%Y-%m-%dT%H:%M:%SZ", &tm);
	strftime(info->stamp, sizeof info->stamp, "%Y%m%d-%H%M%S", &tm);

	int len = 0;
	char lib[MPI_MAX_LIBRARY_VERSION_STRING];
	MPI_Get_library_version(lib, &len);
	lib[strcspn(lib, "\n")] = '\0';
	snprintf(info->mpi_library, sizeof info->mpi_library, "%s", lib);
	detect_launcher(info->launcher, sizeof info->launcher);
	cb_slurm_job_get(&info->slurm, cb_env_process, NULL);
	info->slurm_job_id = info->slurm.job_id;
	cb_hwinfo_summary(info->hwloc, sizeof info->hwloc);
	return 0;
}

void cb_run_info_free(struct cb_run_info *info)
{
	free(info->hosts);
	info->hosts = NULL;
}

json_t *cb_run_info_json(const struct cb_run_info *info, const struct cb_opts *o)
{
	int major = 0, minor = 0;
	MPI_Get_version(&major, &minor);
	char mpiver[16];
	snprintf(mpiver, sizeof mpiver, "%d.%d", major, minor);
	const struct cb_slurm_job *j = &info->slurm;
	json_t *meta = json_pack("{s:s, s:s, s:s, s:s, s:i, s:i, s:i, s:s, s:s, s:s, s:s?, s:s, s:I, s:I, s:b, s:b, s:b, s:f}",
			 "cpobench_version", PACKAGE_VERSION, "command", o->cmdline ? o->cmdline : "", "date",
			 info->date, "hosts", info->hosts ? info->hosts : "", "nhosts", info->nhosts, "ranks",
			 info->nranks, "ranks_per_host", info->max_ranks_per_host, "mpi_library", info->mpi_library,
			 "mpi_version", mpiver, "launcher", info->launcher, "slurm_job_id", info->slurm_job_id,
			 "hwloc", info->hwloc, "iters", (json_int_t)o->iters, "warmup", (json_int_t)o->warmup, "check",
			 o->check, "in_place", o->in_place, "off_cache", o->off_cache, "timeout_s", o->timeout_s);
	/* The allocation as Slurm describes it (the ranks' own view is hosts/ranks_per_host above). */
	json_object_set_new(meta, "slurm_partition", j->partition ? json_string(j->partition) : json_null());
	json_object_set_new(meta, "slurm_nodelist", j->nodelist ? json_string(j->nodelist) : json_null());
	json_object_set_new(meta, "slurm_nnodes", j->nnodes ? json_integer(atol(j->nnodes)) : json_null());
	json_object_set_new(meta, "slurm_tasks_per_node", j->tasks_per_node ? json_string(j->tasks_per_node) : json_null());
	json_object_set_new(meta, "slurm_cluster", j->cluster ? json_string(j->cluster) : json_null());
	return meta;
}

void cb_run_info_print(FILE *f, const struct cb_run_info *info, const struct cb_opts *o)
{
	fprintf(f, "# cpobench %s\n", PACKAGE_VERSION);
	fprintf(f, "# command: %s\n", o->cmdline ? o->cmdline : "");
	fprintf(f, "# date: %s\n", info->date);
	fprintf(f, "# ranks: %d on %d host%s (max %d per host), launcher %s%s%s\n", info->nranks, info->nhosts,
		info->nhosts == 1 ? "" : "s", info->max_ranks_per_host, info->launcher,
		info->slurm_job_id ? ", slurm job " : "", info->slurm_job_id ? info->slurm_job_id : "");
	fprintf(f, "# hosts: %s\n", info->hosts ? info->hosts : "");
	if (info->slurm.job_id)
		fprintf(f, "# slurm: job %s, partition %s, nodes %s, tasks per node %s\n", info->slurm.job_id,
			info->slurm.partition ? info->slurm.partition : "?", info->slurm.nodelist ? info->slurm.nodelist : "?",
			info->slurm.tasks_per_node ? info->slurm.tasks_per_node : "?");
	fprintf(f, "# mpi: %s\n", info->mpi_library);
	fprintf(f, "# node: %s\n", info->hwloc);
	fprintf(f, "# iters %ld, warmup %ld, check %s, %s, cache %s, timeout %s\n", o->iters, o->warmup,
		o->check ? "on" : "off", o->in_place ? "in-place" : "out-of-place", o->off_cache ? "off (rotating buffers)" : "warm",
		o->timeout_s > 0 ? "on" : "off");
}
