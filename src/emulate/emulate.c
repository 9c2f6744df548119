/* cpobench-emulate: run a kernel on an emulated fabric (SimGrid SMPI) generated from a topology. */
#include "config.h"
#include "core/atomic_file.h"
#include "core/units.h"
#include "emulate/emuopts.h"
#include "emulate/platform.h"

#include <errno.h>
#include <getopt.h>
#include <jansson.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/wait.h>
#include <unistd.h>

#ifndef CB_SMPIRUN
#define CB_SMPIRUN "no"
#endif

#define MAX_CFG 64

/* Collectives SMPI lets us force (smpi/<name>:<algorithm>). */
static const char *const collectives[] = { "allreduce", "alltoall", "alltoallv", "allgather", "allgatherv",
					   "reduce_scatter", "bcast", "reduce", "gather", "scatter", "barrier",
					   NULL };
/* Algorithm names SimGrid 3.32 accepts (printed by smpirun for an unknown name). */
static const char *const allreduce_algos[] = { "default", "lr", "rab1", "rab2", "rab_rdb", "rdb", "smp_binomial",
	"smp_binomial_pipeline", "smp_rdb", "smp_rsag", "smp_rsag_lr", "smp_rsag_rab", "redbcast", "ompi",
	"ompi_ring_segmented", "mpich", "mvapich2", "mvapich2_rs", "mvapich2_two_level", "impi", "rab", "automatic",
	NULL };
static const char *const alltoall_algos[] = { "default", "2dmesh", "3dmesh", "basic_linear", "bruck", "pair",
	"pair_rma", "pair_light_barrier", "pair_mpi_barrier", "pair_one_barrier", "rdb", "ring", "ring_light_barrier",
	"ring_mpi_barrier", "ring_one_barrier", "mvapich2", "mvapich2_scatter_dest", "ompi", "mpich", "impi",
	"automatic", NULL };
static const char *const selectors[] = { "ompi", "mpich", "mvapich2", "impi", "default", NULL };

struct emu {
	const char *topology, *keep_dir, *selector, *shared_malloc;
	enum cb_medium optics;
	int optics_set, dry_run;
	long np;
	char *cfg[MAX_CFG];       /* every --cfg handed to smpirun, "key:value" */
	int ncfg;
	json_t *algo_map;
	int kernel_argc;
	char **kernel_argv;       /* KERNEL [options] */
};

static void usage(FILE *f)
{
	fprintf(f,
		"usage: cpobench-emulate --topology T [--optics copper|aec|pluggable|lpo|cpo] [--np N]\n"
		"                        [--algo-map COLL=ALGO,...] [--selector ompi|mpich|mvapich2|impi|default]\n"
		"                        [--shared-malloc auto|local|global|no] [--cfg KEY:VALUE]... [--keep DIR]\n"
		"                        [--dry-run] -- KERNEL [kernel options]\n"
		"\n"
		"Runs `cpobench KERNEL` on an emulated fabric: generates the SimGrid platform for N endpoints of\n"
		"topology T (as `cpobench-report platform`), then smpirun with the settings that make SMPI an\n"
		"ideal contention-aware alpha-beta model.  The result file is the usual one, with fabric\n"
		"\"emulated\", the topology, and every setting under meta.emulation.\n"
		"\n"
		"  --topology T      topology file or shipped name (required)\n"
		"  --optics M        medium of every tier that is not copper (default: as in the file)\n"
		"  --np N            endpoints = simulated ranks (default: the topology's endpoint count)\n"
		"  --algo-map LIST   force SMPI's algorithm behind `--algo mpi`, e.g. allreduce=lr,alltoall=pair\n"
		"                    (default: the --selector's choice)\n"
		"  --selector S      SMPI's library decision logic for `--algo mpi` (default ompi = Open MPI's)\n"
		"  --shared-malloc   auto (default): without -c, buffers are folded (SMPI_SHARED_MALLOC, no-op\n"
		"                    reductions) with `local` if /dev/shm holds them, else `global`; with -c they\n"
		"                    are private ('no') so every element can be checked\n"
		"  --cfg KEY:VALUE   extra SimGrid setting, after (and so overriding) ours\n"
		"  --keep DIR        write the platform and host file to DIR and keep them\n"
		"  --dry-run         print the smpirun command and the emulation record; run nothing\n"
		"  Kernel options default to -n 1 -w 0 (emulation is deterministic) and --domain-size of the\n"
		"  topology's innermost group (e.g. 72 for an NVL72 rack); yours come after them.\n"
		"exit status: the kernel's (0 ok, 1 wrong result, 2 bad usage or input, 3 timeout)\n");
}

static int in_list(const char *const *list, const char *s)
{
	for (int i = 0; list[i]; i++)
		if (strcmp(list[i], s) == 0)
			return 1;
	return 0;
}

static int add_cfg(struct emu *e, const char *kv, char *err, size_t errlen)
{
	if (!strchr(kv, ':') || kv[0] == ':') {
		snprintf(err, errlen, "--cfg: expected KEY:VALUE (a SimGrid setting), got '%s'", kv);
		return -1;
	}
	if (e->ncfg >= MAX_CFG) {
		snprintf(err, errlen, "--cfg: at most %d settings", MAX_CFG);
		return -1;
	}
	e->cfg[e->ncfg++] = strdup(kv);
	return 0;
}

static int add_cfgf(struct emu *e, const char *key, const char *value)
{
	char buf[512];
	char err[640];
	snprintf(buf, sizeof buf, "%s:%s", key, value);
	return add_cfg(e, buf, err, sizeof err);
}

static int parse_algo_map(struct emu *e, const char *arg, char *err, size_t errlen)
{
	char *copy = strdup(arg), *save = NULL;
	int rc = 0;
	for (char *item = strtok_r(copy, ",", &save); item && rc == 0; item = strtok_r(NULL, ",", &save)) {
		char *eq = strchr(item, '=');
		if (!eq || eq == item || !eq[1]) {
			snprintf(err, errlen, "--algo-map: expected COLL=ALGO[,...], got '%s'", item);
			rc = -1;
			break;
		}
		*eq = '\0';
		const char *coll = item, *algo = eq + 1;
		const char *const *known = strcmp(coll, "allreduce") == 0 ? allreduce_algos
					   : strcmp(coll, "alltoall") == 0 ? alltoall_algos : NULL;
		if (!in_list(collectives, coll)) {
			int n = snprintf(err, errlen, "--algo-map: unknown collective '%s' (expected one of:", coll);
			for (int i = 0; collectives[i] && n < (int)errlen; i++)
				n += snprintf(err + n, errlen - (size_t)n, " %s", collectives[i]);
			if (n < (int)errlen)
				snprintf(err + n, errlen - (size_t)n, ")");
			rc = -1;
		} else if (known && !in_list(known, algo)) {
			int n = snprintf(err, errlen, "--algo-map: SimGrid has no %s algorithm '%s' (expected one of:", coll, algo);
			for (int i = 0; known[i] && n < (int)errlen; i++)
				n += snprintf(err + n, errlen - (size_t)n, " %s", known[i]);
			if (n < (int)errlen)
				snprintf(err + n, errlen - (size_t)n, ")");
			rc = -1;
		} else {
			json_object_set_new(e->algo_map, coll, json_string(algo));
		}
	}
	free(copy);
	return rc;
}

static int parse_args(struct emu *e, int argc, char **argv, char *err, size_t errlen)
{
	static const struct option lo[] = {
		{ "topology", required_argument, NULL, 't' },  { "optics", required_argument, NULL, 'O' },
		{ "np", required_argument, NULL, 'n' },        { "algo-map", required_argument, NULL, 'a' },
		{ "selector", required_argument, NULL, 's' },  { "shared-malloc", required_argument, NULL, 'm' },
		{ "cfg", required_argument, NULL, 'c' },       { "keep", required_argument, NULL, 'k' },
		{ "dry-run", no_argument, NULL, 'd' },         { "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },         { NULL, 0, NULL, 0 },
	};
	int c;
	opterr = 0;
	/* '+': stop at the first non-option, so nothing after "--" is touched */
	while ((c = getopt_long(argc, argv, "+:h", lo, NULL)) != -1) {
		int rc = 0;
		switch (c) {
		case 't': e->topology = optarg; break;
		case 'O': rc = cb_emu_parse_optics(optarg, &e->optics, err, errlen); e->optics_set = 1; break;
		case 'n': rc = cb_emu_parse_np(optarg, &e->np, err, errlen); break;
		case 'a': rc = parse_algo_map(e, optarg, err, errlen); break;
		case 's':
			e->selector = optarg;
			if (!in_list(selectors, optarg)) {
				snprintf(err, errlen, "--selector: expected ompi, mpich, mvapich2, impi or default, got '%s'", optarg);
				rc = -1;
			}
			break;
		case 'm':
			e->shared_malloc = optarg;
			if (strcmp(optarg, "auto") && strcmp(optarg, "local") && strcmp(optarg, "global") && strcmp(optarg, "no")) {
				snprintf(err, errlen, "--shared-malloc: expected auto, local, global or no, got '%s'", optarg);
				rc = -1;
			}
			break;
		case 'c':
			if (e->ncfg >= MAX_CFG / 2) {
				snprintf(err, errlen, "--cfg: at most %d settings", MAX_CFG / 2);
				rc = -1;
			} else {
				rc = add_cfg(e, optarg, err, errlen);
			}
			break;
		case 'k': e->keep_dir = optarg; break;
		case 'd': e->dry_run = 1; break;
		case 'h': usage(stdout); exit(0);
		case 'V': printf("cpobench-emulate %s\n", PACKAGE_VERSION); exit(0);
		case ':': snprintf(err, errlen, "option '%s' needs a value", argv[optind - 1]); return -1;
		default: snprintf(err, errlen, "unknown option '%s' (see --help)", argv[optind - 1]); return -1;
		}
		if (rc != 0)
			return -1;
	}
	if (optind >= argc) {
		snprintf(err, errlen, "no kernel given: expected -- KERNEL [options] (e.g. -- allreduce -b 1M -e 64M)");
		return -1;
	}
	if (argv[optind][0] == '-') {
		snprintf(err, errlen, "expected a kernel name after the options, got '%s'", argv[optind]);
		return -1;
	}
	e->kernel_argc = argc - optind;
	e->kernel_argv = argv + optind;
	return 0;
}

/* What the kernel options say about checking and the largest size. */
static void scan_kernel_args(const struct emu *e, int *check, uint64_t *max_bytes)
{
	*check = 0;
	*max_bytes = 4u << 20; /* cpobench's default -e */
	for (int i = 1; i < e->kernel_argc; i++) {
		const char *a = e->kernel_argv[i], *v = NULL;
		if (strcmp(a, "-c") == 0 || strcmp(a, "--check") == 0)
			*check = 1;
		else if ((strcmp(a, "-e") == 0 || strcmp(a, "--max-bytes") == 0) && i + 1 < e->kernel_argc)
			v = e->kernel_argv[++i];
		else if (strncmp(a, "--max-bytes=", 12) == 0)
			v = a + 12;
		else if (strncmp(a, "-e", 2) == 0 && a[2])
			v = a + 2;
		uint64_t b;
		char err[128];
		if (v && cb_size_parse(v, &b, err, sizeof err) == 0)
			*max_bytes = b;
	}
}

static int kernel_has_option(const struct emu *e, const char *name)
{
	size_t n = strlen(name);
	for (int i = 1; i < e->kernel_argc; i++)
		if (strncmp(e->kernel_argv[i], name, n) == 0 && (e->kernel_argv[i][n] == '\0' || e->kernel_argv[i][n] == '='))
			return 1;
	return 0;
}

/* SimGrid's own collectives (behind --algo mpi) allocate their temporaries with
 * new[], which cannot be folded: up to one buffer per simulated rank. */
static void warn_library_temporaries(const struct emu *e, uint64_t max_bytes)
{
	int mpi = 1;
	for (int i = 1; i + 1 < e->kernel_argc; i++)
		if (strcmp(e->kernel_argv[i], "--algo") == 0)
			mpi = strstr(e->kernel_argv[i + 1], "mpi") != NULL;
	long pages = sysconf(_SC_AVPHYS_PAGES), psize = sysconf(_SC_PAGESIZE);
	uint64_t avail = pages > 0 && psize > 0 ? (uint64_t)pages * (uint64_t)psize : 0;
	uint64_t worst = max_bytes * (uint64_t)e->np;
	if (mpi && json_object_size(e->algo_map) == 0 && avail && worst > avail / 2)
		fprintf(stderr, "cpobench-emulate: note: --algo mpi runs SimGrid's own collective, whose temporaries are "
			"private: up to %ld ranks x %llu MiB = %llu GiB (%llu GiB free); force a ring with "
			"--algo-map allreduce=lr,alltoall=ring or leave mpi out of --algo if memory runs short\n",
			e->np, (unsigned long long)(max_bytes >> 20), (unsigned long long)(worst >> 30),
			(unsigned long long)(avail >> 30));
}

static uint64_t pow2_at_least(uint64_t v)
{
	uint64_t p = 1;
	while (p < v)
		p <<= 1;
	return p;
}

/* smpi/shared-malloc mode: see usage. */
static json_t *choose_shared_malloc(struct emu *e, int check, uint64_t max_bytes)
{
	const char *mode = e->shared_malloc ? e->shared_malloc : "auto";
	char why[256];
	uint64_t block = 0;
	if (strcmp(mode, "auto") == 0) {
		struct statvfs sv;
		uint64_t shm_free = statvfs("/dev/shm", &sv) == 0 ? (uint64_t)sv.f_bavail * sv.f_frsize : 0;
		/* folded: about send + recv + scratch of the largest size, once per call site */
		uint64_t need = 3 * max_bytes + (64u << 20);
		if (check) {
			mode = "no";
			snprintf(why, sizeof why, "-c: private buffers so every element can be checked");
		} else if (shm_free >= need) {
			mode = "local";
			snprintf(why, sizeof why, "timing only; /dev/shm has %llu MiB free for ~%llu MiB of folded buffers",
				 (unsigned long long)(shm_free >> 20), (unsigned long long)(need >> 20));
		} else {
			mode = "global";
			block = pow2_at_least(max_bytes < (1u << 20) ? (1u << 20) : max_bytes);
			snprintf(why, sizeof why, "timing only; /dev/shm too small (%llu MiB free), one %llu MiB block "
				 "per buffer keeps mappings under vm.max_map_count",
				 (unsigned long long)(shm_free >> 20), (unsigned long long)(block >> 20));
		}
	} else {
		snprintf(why, sizeof why, "--shared-malloc %s", mode);
		if (check && strcmp(mode, "no") != 0)
			snprintf(why, sizeof why, "--shared-malloc %s (ignored by the kernel: -c makes buffers private)", mode);
	}
	add_cfgf(e, "smpi/shared-malloc", mode);
	if (block) {
		char b[32];
		snprintf(b, sizeof b, "%llu", (unsigned long long)block);
		add_cfgf(e, "smpi/shared-malloc-blocksize", b);
	}
	return json_pack("{s:s, s:o?, s:s}", "mode", mode, "blocksize", block ? json_integer((json_int_t)block) : NULL,
			 "why", why);
}

/* cpobench-smpi beside this program (build tree or bindir), or $CPOBENCH_SMPI. */
static char *find_smpi_binary(void)
{
	const char *env = getenv("CPOBENCH_SMPI");
	if (env && *env)
		return strdup(env);
	char self[PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", self, sizeof self - 32);
	if (n <= 0)
		return strdup("cpobench-smpi");
	self[n] = '\0';
	char *slash = strrchr(self, '/');
	strcpy(slash ? slash + 1 : self, "cpobench-smpi");
	return strdup(self);
}

/* The topology as loaded, after --optics. */
static json_t *topology_record(const struct cb_topo *t)
{
	return cb_topo_to_json(t);
}

static void rm_tree_files(const char *dir, const char *xml, const char *hosts)
{
	unlink(xml);
	unlink(hosts);
	rmdir(dir);
}

static void emu_free(struct emu *e)
{
	for (int i = 0; i < e->ncfg; i++)
		free(e->cfg[i]);
	e->ncfg = 0;
	json_decref(e->algo_map);
	e->algo_map = NULL;
}

/* Error exit: message, everything freed, status 2. */
static int fail(struct emu *e, struct cb_topo *t, char *smpi_bin, const char *fmt, const char *a, const char *b)
{
	fputs("cpobench-emulate: ", stderr);
	fprintf(stderr, fmt, a, b);
	fputc('\n', stderr);
	emu_free(e);
	free(t);
	free(smpi_bin);
	return 2;
}

int main(int argc, char **argv)
{
	struct emu e = { .selector = "ompi", .algo_map = json_object() };
	char err[1024] = "";
	struct cb_topo *t = calloc(1, sizeof *t);
	int changed = 0, status = 2;
	if (!t || parse_args(&e, argc, argv, err, sizeof err) != 0 ||
	    cb_emu_topology(e.topology, e.optics_set, e.optics, &e.np, t, &changed, err, sizeof err) != 0) {
		return fail(&e, t, NULL, "%s%s", err[0] ? err : "out of memory", "");
	}
	if (e.optics_set && !changed)
		fprintf(stderr, "cpobench-emulate: note: --optics %s changed nothing: every tier of %s is copper\n",
			cb_medium_name(e.optics), t->name);

	const char *smpirun = getenv("SMPIRUN");
	if (!smpirun || !*smpirun)
		smpirun = CB_SMPIRUN;
	char *smpi_bin = find_smpi_binary();
	if (!e.dry_run && (strcmp(smpirun, "no") == 0 || !*smpirun || access(smpi_bin, R_OK) != 0)) {
		return fail(&e, t, smpi_bin, "SimGrid SMPI is not available (%s%s); install libsimgrid-dev and "
			    "simgrid (scripts/deps.sh) and re-run ./configure",
			    strcmp(smpirun, "no") == 0 || !*smpirun ? "configure found no smpirun" : "no cpobench-smpi beside cpobench-emulate", "");
	}

	/* platform files */
	char dir[PATH_MAX];
	if (e.keep_dir) {
		if (cb_mkdir_p(e.keep_dir, err, sizeof err) != 0) {
			return fail(&e, t, smpi_bin, "--keep %s: %s", e.keep_dir, err);
		}
		snprintf(dir, sizeof dir, "%s", e.keep_dir);
	} else {
		const char *tmp = getenv("TMPDIR");
		snprintf(dir, sizeof dir, "%s/cpobench-emulate.XXXXXX", tmp && *tmp ? tmp : "/tmp");
		if (!mkdtemp(dir)) {
			return fail(&e, t, smpi_bin, "cannot create a temporary directory %s: %s", dir, strerror(errno));
		}
	}
	char xml[PATH_MAX + 32], hosts[PATH_MAX + 32];
	snprintf(xml, sizeof xml, "%s/platform.xml", dir);
	snprintf(hosts, sizeof hosts, "%s/platform.hosts", dir);
	if (cb_platform_write_files(t, e.np, xml, hosts, err, sizeof err) != 0) {
		if (!e.keep_dir)
			rm_tree_files(dir, xml, hosts);
		return fail(&e, t, smpi_bin, "%s%s", err, "");
	}
	struct stat st;
	long xml_bytes = stat(xml, &st) == 0 ? (long)st.st_size : -1;

	/* settings: ideal model, collective choice, memory, then the user's */
	char **user_cfg = malloc(sizeof(char *) * (size_t)(e.ncfg + 1));
	int nuser = e.ncfg;
	memcpy(user_cfg, e.cfg, sizeof(char *) * (size_t)e.ncfg);
	e.ncfg = 0;
	for (int i = 0; cb_platform_ideal_cfg[i]; i++)
		add_cfg(&e, cb_platform_ideal_cfg[i], err, sizeof err);
	add_cfgf(&e, "smpi/coll-selector", e.selector);
	const char *coll;
	json_t *algo;
	json_object_foreach(e.algo_map, coll, algo) {
		char key[64];
		snprintf(key, sizeof key, "smpi/%s", coll);
		add_cfgf(&e, key, json_string_value(algo));
	}
	int check;
	uint64_t max_bytes;
	scan_kernel_args(&e, &check, &max_bytes);
	warn_library_temporaries(&e, max_bytes);
	json_t *shm = choose_shared_malloc(&e, check, max_bytes);
	for (int i = 0; i < nuser; i++)
		e.cfg[e.ncfg++] = user_cfg[i];
	free(user_cfg);

	json_t *cfg = json_array();
	for (int i = 0; i < e.ncfg; i++)
		json_array_append_new(cfg, json_string(e.cfg[i]));
	json_t *platform = cb_platform_summary(t, e.np);
	json_object_set_new(platform, "xml", e.keep_dir ? json_string(xml) : json_null());
	json_object_set_new(platform, "hosts", e.keep_dir ? json_string(hosts) : json_null());
	json_object_set_new(platform, "xml_bytes", json_integer(xml_bytes));
	json_t *map = json_pack("{s:s}", "selector", e.selector);
	json_object_update(map, e.algo_map);
	json_t *rec = json_pack("{s:o, s:s?, s:i, s:I, s:o, s:{s:s, s:o}, s:o, s:o}",
		"topology", topology_record(t), "optics", e.optics_set ? cb_medium_name(e.optics) : NULL,
		"optics_tiers_changed", changed, "endpoints", (json_int_t)e.np, "platform", platform,
		"simgrid", "smpirun", smpirun, "cfg", cfg, "algo_map", map, "shared_malloc", shm);
	char *rec_s = json_dumps(rec, JSON_COMPACT);

	/* smpirun -np N -platform X -hostfile H --cfg=... cpobench-smpi KERNEL -n 1 -w 0 [options] */
	int nargs = 0, cap = 20 + e.ncfg + e.kernel_argc;
	char **args = calloc((size_t)cap, sizeof *args);
	char npbuf[32];
	snprintf(npbuf, sizeof npbuf, "%ld", e.np);
	args[nargs++] = (char *)smpirun;
	args[nargs++] = "-np";
	args[nargs++] = npbuf;
	args[nargs++] = "-platform";
	args[nargs++] = xml;
	args[nargs++] = "-hostfile";
	args[nargs++] = hosts;
	args[nargs++] = "--log=root.thresh:warning"; /* SimGrid INFO lines (config echo, algorithm switches) */
	for (int i = 0; i < e.ncfg; i++) {
		size_t n = strlen(e.cfg[i]) + 8;
		args[nargs] = malloc(n);
		snprintf(args[nargs++], n, "--cfg=%s", e.cfg[i]);
	}
	args[nargs++] = smpi_bin;
	args[nargs++] = e.kernel_argv[0];
	args[nargs++] = "-n";
	args[nargs++] = "1";
	args[nargs++] = "-w";
	args[nargs++] = "0";
	/* every simulated rank is its own SimGrid host, so "ranks per node" would make
	 * domains of one: the platform's innermost group is the domain instead */
	char dombuf[32];
	if (!kernel_has_option(&e, "--domain-size") && !kernel_has_option(&e, "--topology")) {
		snprintf(dombuf, sizeof dombuf, "%ld", t->tier[0].group_size < e.np ? t->tier[0].group_size : e.np);
		args[nargs++] = "--domain-size";
		args[nargs++] = dombuf;
	}
	for (int i = 1; i < e.kernel_argc; i++)
		args[nargs++] = e.kernel_argv[i];
	args[nargs] = NULL;

	if (e.dry_run) {
		printf("CPOBENCH_EMULATION='%s'\n", rec_s);
		for (int i = 0; i < nargs; i++)
			printf("%s%s", i ? " " : "", args[i]);
		printf("\n");
		status = 0;
	} else {
		fflush(stdout);
		pid_t pid = fork();
		if (pid == 0) {
			setenv("CPOBENCH_EMULATION", rec_s, 1);
			execvp(args[0], args);
			fprintf(stderr, "cpobench-emulate: cannot run %s: %s\n", args[0], strerror(errno));
			_exit(127);
		}
		int ws = 0;
		if (pid < 0 || waitpid(pid, &ws, 0) < 0) {
			fprintf(stderr, "cpobench-emulate: cannot start smpirun: %s\n", strerror(errno));
			status = 2;
		} else if (WIFEXITED(ws)) {
			status = WEXITSTATUS(ws);
		} else {
			fprintf(stderr, "cpobench-emulate: smpirun killed by signal %d\n", WTERMSIG(ws));
			status = 128 + WTERMSIG(ws);
		}
	}
	if (!e.keep_dir)
		rm_tree_files(dir, xml, hosts);
	for (int i = 8; i < 8 + e.ncfg; i++)
		free(args[i]);
	free(args);
	emu_free(&e);
	free(rec_s);
	json_decref(rec);
	free(smpi_bin);
	free(t);
	return status;
}
