/* Launcher detection and the Slurm job record, from fake environments. */
#include "config.h"
#include "core/launcher.h"
#include "tests/tap.h"

/* ctx: NULL-terminated array of "NAME=value" strings. */
static const char *fake_env(const char *name, void *ctx)
{
	size_t n = strlen(name);
	for (const char *const *e = ctx; *e; e++)
		if (strncmp(*e, name, n) == 0 && (*e)[n] == '=')
			return *e + n + 1;
	return NULL;
}

int main(void)
{
	/* What ranks saw on Debian 12 (Slurm 22.05, Open MPI 4.1.4, PMIx 4.2.2). */
	const char *srun_pmix[] = { "SLURM_JOB_ID=9", "SLURM_STEP_ID=0", "SLURM_PROCID=1", "PMIX_RANK=1",
				    "SLURM_JOB_PARTITION=debug", "SLURM_JOB_NODELIST=n[1-2]",
				    "SLURM_JOB_NUM_NODES=2", "SLURM_TASKS_PER_NODE=2(x2)", NULL };
	const char *mpirun_in_job[] = { "SLURM_JOB_ID=9", "SLURM_PROCID=0", "PMIX_RANK=1",
					"OMPI_MCA_orte_hnp_uri=1234.0;tcp://127.0.0.1:5555", NULL };
	/* mpirun's daemons on other nodes are started by srun: a step id is present there too. */
	const char *mpirun_remote[] = { "SLURM_JOB_ID=9", "SLURM_STEP_ID=1", "PMIX_RANK=3",
					"OMPI_MCA_orte_hnp_uri=1234.0;tcp://10.0.0.1:5555", NULL };
	const char *hydra[] = { "PMI_PORT=host:1234", "PMI_RANK=0", NULL };
	const char *prte[] = { "PRTE_LAUNCHED=1", "PMIX_RANK=0", NULL };
	const char *plain[] = { "HOME=/root", NULL };
	const char *empty_step[] = { "SLURM_STEP_ID=", NULL };

	is_str(cb_launcher_detect(fake_env, srun_pmix), "srun", "srun --mpi=pmix: srun");
	is_str(cb_launcher_detect(fake_env, mpirun_in_job), "mpirun", "mpirun inside a job: mpirun");
	is_str(cb_launcher_detect(fake_env, mpirun_remote), "mpirun", "mpirun rank on a remote node: mpirun");
	is_str(cb_launcher_detect(fake_env, hydra), "mpirun", "MPICH hydra: mpirun");
	is_str(cb_launcher_detect(fake_env, prte), "mpirun", "Open MPI 5 prterun: mpirun");
	is_str(cb_launcher_detect(fake_env, plain), "singleton", "nothing: singleton");
	is_str(cb_launcher_detect(fake_env, empty_step), "singleton", "empty variables do not count");

	struct cb_slurm_job j;
	cb_slurm_job_get(&j, fake_env, srun_pmix);
	is_str(j.job_id, "9", "job id");
	is_str(j.partition, "debug", "partition");
	is_str(j.nodelist, "n[1-2]", "node list");
	is_str(j.nnodes, "2", "node count");
	is_str(j.tasks_per_node, "2(x2)", "tasks per node");
	ok(j.cluster == NULL, "no cluster name: NULL");
	const char *old_names[] = { "SLURM_JOBID=7", "SLURM_NODELIST=a,b", "SLURM_NNODES=2", NULL };
	cb_slurm_job_get(&j, fake_env, old_names);
	ok(j.job_id && !strcmp(j.job_id, "7") && !strcmp(j.nodelist, "a,b") && !strcmp(j.nnodes, "2"),
	   "older variable names (SLURM_JOBID, SLURM_NODELIST, SLURM_NNODES)");
	cb_slurm_job_get(&j, fake_env, plain);
	ok(!j.job_id && !j.partition && !j.nodelist && !j.tasks_per_node, "outside Slurm: all NULL");
	return tap_done();
}
