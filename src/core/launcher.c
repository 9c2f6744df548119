/* Which launcher started this process, and the Slurm allocation it runs in. */
#include "config.h"
#include "core/launcher.h"

#include <stdlib.h>

const char *cb_env_process(const char *name, void *ctx)
{
	(void)ctx;
	return getenv(name);
}

static int set(cb_env_fn env, void *ctx, const char *name)
{
	const char *v = env(name, ctx);
	return v && *v;
}

const char *cb_launcher_detect(cb_env_fn env, void *ctx)
{
	/* Open MPI 4 mpirun (orte), Open MPI 5 (prte), MPICH/Intel hydra. */
	if (set(env, ctx, "OMPI_MCA_orte_hnp_uri") || set(env, ctx, "PRTE_LAUNCHED") ||
	    set(env, ctx, "OMPI_MCA_prte_hnp_uri") || set(env, ctx, "HYDI_CONTROL_FD") ||
	    set(env, ctx, "PMI_PORT"))
		return "mpirun";
	/* A task of a Slurm step: srun sets SLURM_STEP_ID for each task it starts. */
	if (set(env, ctx, "SLURM_STEP_ID") || set(env, ctx, "SLURM_STEPID"))
		return "srun";
	return "singleton";
}

void cb_slurm_job_get(struct cb_slurm_job *j, cb_env_fn env, void *ctx)
{
	const char *id = env("SLURM_JOB_ID", ctx);
	if (!id || !*id)
		id = env("SLURM_JOBID", ctx);
	j->job_id = id && *id ? id : NULL;
	if (!j->job_id) {
		j->partition = j->nodelist = j->nnodes = j->tasks_per_node = j->cluster = NULL;
		return;
	}
	j->partition = env("SLURM_JOB_PARTITION", ctx);
	j->nodelist = env("SLURM_JOB_NODELIST", ctx);
	if (!j->nodelist)
		j->nodelist = env("SLURM_NODELIST", ctx);
	j->nnodes = env("SLURM_JOB_NUM_NODES", ctx);
	if (!j->nnodes)
		j->nnodes = env("SLURM_NNODES", ctx);
	j->tasks_per_node = env("SLURM_TASKS_PER_NODE", ctx);
	j->cluster = env("SLURM_CLUSTER_NAME", ctx);
}
