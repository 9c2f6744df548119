/* cpobench KERNEL [options]: run one kernel over a size sweep under mpirun/srun/smpirun. */
#include "config.h"
#include "core/atomic_file.h"
#include "harness/cbmem.h"
#include "harness/kernel.h"
#include "harness/meta.h"
#include "harness/sweep.h"
#include "harness/topology.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#ifdef CB_SMPI
#define CB_FABRIC "emulated"
#else
#define CB_FABRIC "real"
#endif

/* Under SMPI: what cpobench-emulate passed in $CPOBENCH_EMULATION (platform,
 * topology, optics, every SimGrid setting), plus how buffers and reductions
 * were handled.  NULL on a real fabric; "" in err when all is well. */
static json_t *emulation_record(char *err, size_t errlen)
{
	err[0] = '\0';
#ifdef CB_SMPI
	const char *env = getenv("CPOBENCH_EMULATION");
	json_t *e = NULL;
	if (env && *env) {
		json_error_t je;
		e = json_loads(env, 0, &je);
		if (!json_is_object(e)) {
			snprintf(err, errlen, "$CPOBENCH_EMULATION: expected a JSON object (%s)",
				 e ? "not an object" : je.text);
			json_decref(e);
			return NULL;
		}
	} else {
		e = json_pack("{s:s}", "note",
			      "run through cpobench-emulate to record the platform, topology and SimGrid settings");
	}
	json_object_set_new(e, "buffers", json_string(cb_mem_buffers_name()));
	json_object_set_new(e, "reduction", json_string(cb_mem_reduction_name()));
	json_object_set_new(e, "fill_and_check", json_string(cb_mem_folded() ? "skipped (timing only)" : "done"));
	return e;
#else
	(void)errlen;
	return NULL;
#endif
}

static void usage_general(FILE *f)
{
	fprintf(f, "usage: cpobench KERNEL [options]    (cpobench KERNEL --help for its options)\n\nkernels:\n");
	for (int i = 0; cb_kernels[i]; i++)
		fprintf(f, "  %-12s %s\n", cb_kernels[i]->name, cb_kernels[i]->summary);
	fprintf(f, "\nRun under mpirun, srun or smpirun, e.g.  mpirun -np 4 cpobench allreduce -c\n"
		   "cpobench --list-kernels prints the kernel names, one per line (no MPI needed)\n"
		   "exit status: 0 ok, 1 wrong result, 2 bad usage or input, 3 timeout\n");
}

/* Returns the result file path rank 0 will write (malloc'd).  Default names:
 * DIR/<kernel>-<stamp>-<job id or pid>.json, DIR = --output-dir, else
 * results/<job id> under Slurm, else results; "-2", "-3"... if it exists
 * (several steps of one job may start in the same second). */
static char *result_path(const struct cb_kernel *K, const struct cb_opts *o, const struct cb_run_info *info)
{
	if (o->json_path)
		return strdup(o->json_path);
	const char *id = info->slurm_job_id;
	char pid[32];
	if (!id) {
		snprintf(pid, sizeof pid, "%ld", (long)getpid());
		id = pid;
	}
	const char *dir = o->output_dir, *sub = "";
	if (!o->output_dir_given && info->slurm_job_id)
		sub = info->slurm_job_id;
	size_t n = strlen(dir) + strlen(sub) + strlen(K->name) + strlen(info->stamp) + strlen(id) + 32;
	char *p = malloc(n);
	for (int k = 1; p && k < 1000; k++) {
		char dup[16] = "";
		if (k > 1)
			snprintf(dup, sizeof dup, "-%d", k);
		snprintf(p, n, "%s%s%s/%s-%s-%s%s.json", dir, *sub ? "/" : "", sub, K->name, info->stamp, id, dup);
		if (access(p, F_OK) != 0)
			break;
	}
	return p;
}

/* Rank 0: create the directory and write the empty result file, so an
 * unwritable destination is refused before anything is measured. */
static struct cb_result *result_open(const struct cb_kernel *K, struct cb_kernel_ctx *k, const struct cb_opts *o,
				     const struct cb_run_info *info, const struct cb_mapping *map, const struct cb_topo *topo)
{
	char err[512];
	char *path = result_path(K, o, info);
	struct cb_result *r = NULL;
	if (!path)
		goto fail;
	char *dir = strdup(path), *slash = strrchr(dir, '/');
	if (slash && slash != dir) {
		*slash = '\0';
		if (cb_mkdir_p(dir, err, sizeof err) != 0) {
			fprintf(stderr, "cpobench %s: %s\n", K->name, err);
			free(dir);
			goto fail;
		}
	}
	free(dir);
	json_t *meta = cb_run_info_json(info, o);
	json_object_set_new(meta, "size_convention", json_string(K->size_convention ? K->size_convention : ""));
	json_object_set_new(meta, "mapping", cb_mapping_json(map));
	if (K->header)
		K->header(k, NULL, meta);
	/* emulated: the topology cpobench-emulate used (after --optics) wins */
	json_t *emu = emulation_record(err, sizeof err), *emu_topo = NULL;
	if (emu) {
		emu_topo = json_incref(json_object_get(emu, "topology"));
		json_object_del(emu, "topology");
		json_object_set_new(meta, "emulation", emu);
	}
	r = cb_result_new(K->name, CB_FABRIC, meta,
			  emu_topo ? emu_topo : topo ? cb_topo_to_json(topo) : json_null());
	if (!r || cb_result_set_path(r, path, err, sizeof err) != 0 || cb_result_write(r, err, sizeof err) != 0) {
		fprintf(stderr, "cpobench %s: cannot write results: %s\n", K->name, r ? err : "out of memory");
		cb_result_free(r);
		r = NULL;
	}
fail:
	free(path);
	return r;
}

static int run_kernel(const struct cb_kernel *K, int argc, char **argv, int rank, int nranks)
{
	struct cb_opts o;
	char err[512];
	cb_opts_defaults(&o);
	void *cfg = K->cfg_size ? calloc(1, K->cfg_size) : NULL;
	if (cfg && K->cfg_defaults)
		K->cfg_defaults(cfg);
	int status = CB_EXIT_OK;
	struct cb_topo *topo = NULL;
	/* argv[1] is the kernel; options follow. */
	if (cb_opts_parse(&o, argc, argv, 2, K->kopts, K->cfg_set, cfg, err, sizeof err) != 0) {
		if (rank == 0)
			fprintf(stderr, "cpobench %s: %s\n", K->name, err);
		status = CB_EXIT_USAGE;
		goto out;
	}
	if (o.help) {
		if (rank == 0)
			cb_opts_usage(stdout, K->name, K->summary, K->algos, K->kopts);
		goto out;
	}
	cb_mem_configure(!o.check);
	{
		json_t *emu = emulation_record(err, sizeof err);
		json_decref(emu);
		if (err[0]) {
			if (rank == 0)
				fprintf(stderr, "cpobench %s: %s\n", K->name, err);
			status = CB_EXIT_USAGE;
			goto out;
		}
	}

	if (o.topology && (status = cb_topology_setup(o.topology, MPI_COMM_WORLD, K->name, &topo)) != CB_EXIT_OK)
		goto out;
	struct cb_kernel_ctx k = { .opts = &o, .cfg = cfg, .comm = MPI_COMM_WORLD, .rank = rank, .nranks = nranks, .topo = topo };
	/* The mapping comes first so a kernel's init can place its roles by domain. */
	struct cb_run_info info;
	struct cb_mapping map;
	cb_run_info_collect(&info, MPI_COMM_WORLD);
	/* Under Slurm the allocation's topology decides domains unless --domain-size says otherwise. */
	long domain_size = o.domain_size;
	if (o.domain_auto || (!o.domain_size_given && info.slurm_job_id))
		domain_size = CB_DOMAIN_AUTO;
	k.map = &map;
	int mapped = cb_mapping_build(&map, MPI_COMM_WORLD, domain_size, err, sizeof err) == 0;
	if (!mapped) {
		if (rank == 0)
			fprintf(stderr, "cpobench %s: %s\n", K->name, err);
	} else {
		if (topo)
			cb_mapping_apply_topology(&map, MPI_COMM_WORLD, topo, err, sizeof err);
		cb_mapping_bind(&map, MPI_COMM_WORLD, o.bind_none);
	}
	int ok = mapped, allok;
	err[0] = '\0';
	if (mapped && K->init && K->init(&k, err, sizeof err) != 0) {
		if (err[0])  /* a kernel may have only rank 0 say why */
			fprintf(stderr, "cpobench %s: rank %d: %s\n", K->name, rank, err);
		ok = 0;
	}
	MPI_Allreduce(&ok, &allok, 1, MPI_INT, MPI_MIN, MPI_COMM_WORLD);
	if (!allok) {
		status = CB_EXIT_USAGE;
		goto fini;
	}

	status = cb_sweep_validate(K, &k, &info);
	struct cb_result *res = NULL;
	if (status == CB_EXIT_OK && rank == 0) {
		res = result_open(K, &k, &o, &info, &map, topo);
		if (!res)
			status = CB_EXIT_USAGE;
	}
	MPI_Bcast(&status, 1, MPI_INT, 0, MPI_COMM_WORLD);
	if (status == CB_EXIT_OK) {
		if (rank == 0) {
			cb_run_info_print(stdout, &info, &o);
			if (topo)
				cb_topology_print(stdout, topo);
			cb_mapping_print(stdout, &map);
#ifdef CB_SMPI
			printf("# emulated (SimGrid SMPI): buffers %s, reductions %s%s\n", cb_mem_buffers_name(),
			       cb_mem_reduction_name(), cb_mem_folded() ? " (timing only; -c makes them private and real)" : "");
#endif
			printf("# kernel: %s (%s)\n# results: %s (+ .csv)\n", K->name, K->size_convention,
			       cb_result_json_path(res));
			if (K->header)
				K->header(&k, stdout, NULL);
		}
		status = cb_sweep_run(K, &k, res, stdout);
		if (rank == 0 && K->finish && (status == CB_EXIT_OK || status == CB_EXIT_WRONG)) {
			K->finish(&k, cb_result_doc(res), stdout);
			if (cb_result_write(res, err, sizeof err) != 0) {
				fprintf(stderr, "cpobench %s: cannot write results: %s\n", K->name, err);
				status = CB_EXIT_USAGE;
			}
		}
		if (rank == 0 && status == CB_EXIT_WRONG)
			fprintf(stderr, "cpobench %s: some results were wrong (see check column)\n", K->name);
	}
	cb_result_free(res);
fini:
	if (K->fini)
		K->fini(&k);
	cb_mapping_free(&map);
	cb_run_info_free(&info);
out:
	free(topo);
	free(cfg);
	cb_opts_free(&o);
	return status;
}

int main(int argc, char **argv)
{
	int rank = 0, nranks = 1, status;
	/* For job scripts: no MPI needed (a batch script may not be able to start a singleton). */
	if (argc == 2 && strcmp(argv[1], "--list-kernels") == 0) {
		for (int i = 0; cb_kernels[i]; i++)
			printf("%s\n", cb_kernels[i]->name);
		return CB_EXIT_OK;
	}
	MPI_Init(&argc, &argv);
	MPI_Comm_rank(MPI_COMM_WORLD, &rank);
	MPI_Comm_size(MPI_COMM_WORLD, &nranks);

	if (argc < 2) {
		if (rank == 0)
			usage_general(stderr);
		status = CB_EXIT_USAGE;
	} else if (strcmp(argv[1], "-h") == 0 || strcmp(argv[1], "--help") == 0) {
		if (rank == 0)
			usage_general(stdout);
		status = CB_EXIT_OK;
	} else if (strcmp(argv[1], "--version") == 0) {
		if (rank == 0)
			printf("cpobench %s\n", PACKAGE_VERSION);
		status = CB_EXIT_OK;
	} else {
		const struct cb_kernel *K = cb_kernel_find(argv[1]);
		if (!K) {
			if (rank == 0) {
				fprintf(stderr, "cpobench: unknown kernel '%s' (expected one of:", argv[1]);
				for (int i = 0; cb_kernels[i]; i++)
					fprintf(stderr, " %s", cb_kernels[i]->name);
				fprintf(stderr, ")\n");
			}
			status = CB_EXIT_USAGE;
		} else {
			status = run_kernel(K, argc, argv, rank, nranks);
		}
	}
	fflush(stdout);
	MPI_Finalize();
	return status;
}
