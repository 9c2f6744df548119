/* Which launcher started this process, and the Slurm allocation it runs in (from the environment). */
#ifndef CB_LAUNCHER_H
#define CB_LAUNCHER_H

#include <stddef.h>

/* getenv-like lookup, so tests can feed a fake environment. */
typedef const char *(*cb_env_fn)(const char *name, void *ctx);

/*
 * "mpirun" (Open MPI's mpirun/prterun, MPICH's hydra), "srun" (a Slurm step
 * whose tasks got their rank from PMIx/PMI, e.g. srun --mpi=pmix) or
 * "singleton".  mpirun is checked first: inside an allocation its ranks
 * inherit the batch step's SLURM_* variables, and on other nodes its daemons
 * are themselves started by srun, so SLURM_STEP_ID alone proves nothing.
 */
const char *cb_launcher_detect(cb_env_fn env, void *ctx);

/* The Slurm job a process runs in; every field NULL outside Slurm. */
struct cb_slurm_job {
	const char *job_id;         /* SLURM_JOB_ID */
	const char *partition;      /* SLURM_JOB_PARTITION */
	const char *nodelist;       /* SLURM_JOB_NODELIST, e.g. "n[1-2]" */
	const char *nnodes;         /* SLURM_JOB_NUM_NODES */
	const char *tasks_per_node; /* SLURM_TASKS_PER_NODE, e.g. "2(x2)"; per job, not per step */
	const char *cluster;        /* SLURM_CLUSTER_NAME */
};

void cb_slurm_job_get(struct cb_slurm_job *j, cb_env_fn env, void *ctx);

/* cb_env_fn over the process environment (ctx unused). */
const char *cb_env_process(const char *name, void *ctx);

#endif
