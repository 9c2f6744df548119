/* Command-line options shared by every kernel, plus each kernel's own. */
#include "config.h"
#include "core/options.h"
#include "core/units.h"

#include <getopt.h>
#include <stdlib.h>
#include <string.h>

enum {
	OPT_INPLACE = 256, OPT_OFFCACHE, OPT_JSON, OPT_OUTDIR, OPT_TIMEOUT, OPT_ALGO,
	OPT_DTYPE, OPT_OP, OPT_TOPOLOGY, OPT_DOMAIN, OPT_TESTFAULT, OPT_BIND, OPT_KERNEL_BASE = 512
};

static const struct option common_opts[] = {
	{ "min-bytes", required_argument, NULL, 'b' },
	{ "max-bytes", required_argument, NULL, 'e' },
	{ "step-factor", required_argument, NULL, 'f' },
	{ "iters", required_argument, NULL, 'n' },
	{ "warmup", required_argument, NULL, 'w' },
	{ "check", no_argument, NULL, 'c' },
	{ "help", no_argument, NULL, 'h' },
	{ "in-place", no_argument, NULL, OPT_INPLACE },
	{ "off-cache", no_argument, NULL, OPT_OFFCACHE },
	{ "json", required_argument, NULL, OPT_JSON },
	{ "output-dir", required_argument, NULL, OPT_OUTDIR },
	{ "timeout", required_argument, NULL, OPT_TIMEOUT },
	{ "algo", required_argument, NULL, OPT_ALGO },
	{ "dtype", required_argument, NULL, OPT_DTYPE },
	{ "op", required_argument, NULL, OPT_OP },
	{ "topology", required_argument, NULL, OPT_TOPOLOGY },
	{ "domain-size", required_argument, NULL, OPT_DOMAIN },
	{ "test-fault", required_argument, NULL, OPT_TESTFAULT },
	{ "bind", required_argument, NULL, OPT_BIND },
};
#define NCOMMON (sizeof common_opts / sizeof common_opts[0])

void cb_opts_defaults(struct cb_opts *o)
{
	memset(o, 0, sizeof *o);
	o->min_bytes = 8;
	o->max_bytes = 4u << 20;
	o->step_factor = 2;
	o->iters = 100;
	o->warmup = 10;
	o->fault.step = -1;
	o->dtypes[0] = CB_DTYPE_FLOAT;
	o->ndtypes = 1;
	o->ops[0] = CB_OP_SUM;
	o->nops = 1;
	o->output_dir = "results";
}

/* Split a copy of a comma list (kept in *copy, caller frees) into at most CB_MAX_LIST items. */
static int split_list(const char *arg, char **copy, char **items, const char *opt, char *err, size_t errlen)
{
	int n = 0;
	char *s = *copy = strdup(arg);
	if (!s) {
		snprintf(err, errlen, "%s: out of memory", opt);
		return -1;
	}
	for (char *save = NULL, *t = strtok_r(s, ",", &save); t; t = strtok_r(NULL, ",", &save)) {
		if (n == CB_MAX_LIST) {
			snprintf(err, errlen, "%s: more than %d items", opt, CB_MAX_LIST);
			return -1;
		}
		items[n++] = t;
	}
	if (n == 0)
		snprintf(err, errlen, "%s: empty list", opt);
	return n ? n : -1;
}

static int parse_dtypes(struct cb_opts *o, char *arg, char *err, size_t errlen)
{
	char *items[CB_MAX_LIST];
	if (strcmp(arg, "all") == 0) {
		o->ndtypes = 0;
		for (int t = 0; t < CB_DTYPE_BYTE; t++)
			o->dtypes[o->ndtypes++] = (enum cb_dtype)t;
		return 0;
	}
	char *copy = NULL;
	int n = split_list(arg, &copy, items, "--dtype", err, errlen);
	for (int i = 0; i < n; i++)
		if (cb_dtype_parse(items[i], &o->dtypes[i]) != 0 || o->dtypes[i] == CB_DTYPE_BYTE) {
			snprintf(err, errlen, "--dtype: unknown type '%s' (expected float, double, int32, int64 or all)", items[i]);
			n = -1;
		}
	free(copy);
	if (n < 0)
		return -1;
	o->ndtypes = n;
	return 0;
}

static int parse_ops(struct cb_opts *o, char *arg, char *err, size_t errlen)
{
	char *items[CB_MAX_LIST];
	if (strcmp(arg, "all") == 0) {
		for (int k = 0; k < CB_OP_COUNT; k++)
			o->ops[k] = (enum cb_op)k;
		o->nops = CB_OP_COUNT;
		return 0;
	}
	char *copy = NULL;
	int n = split_list(arg, &copy, items, "--op", err, errlen);
	for (int i = 0; i < n; i++)
		if (cb_op_parse(items[i], &o->ops[i]) != 0) {
			snprintf(err, errlen, "--op: unknown operator '%s' (expected sum, max, min or all)", items[i]);
			n = -1;
		}
	free(copy);
	if (n < 0)
		return -1;
	o->nops = n;
	return 0;
}

static int parse_size_opt(const char *name, const char *arg, uint64_t *out, char *err, size_t errlen)
{
	char e[200];
	if (cb_size_parse(arg, out, e, sizeof e) != 0) {
		snprintf(err, errlen, "%s: %s", name, e);
		return -1;
	}
	return 0;
}

static int parse_long_opt(const char *name, const char *arg, long lo, long hi, long *out, char *err, size_t errlen)
{
	char e[200];
	if (cb_int_parse(arg, lo, hi, out, e, sizeof e) != 0) {
		snprintf(err, errlen, "%s: %s", name, e);
		return -1;
	}
	return 0;
}

static char *join_argv(int argc, char **argv)
{
	size_t len = 1;
	for (int i = 0; i < argc; i++)
		len += strlen(argv[i]) + 3;
	char *s = malloc(len), *p = s;
	if (!s)
		return NULL;
	for (int i = 0; i < argc; i++) {
		int quote = strpbrk(argv[i], " \t\"'") != NULL;
		p += sprintf(p, "%s%s%s%s", i ? " " : "", quote ? "'" : "", argv[i], quote ? "'" : "");
	}
	return s;
}

struct cb_fault cb_fault_parse(const char *spec)
{
	static const struct {
		const char *name;
		enum cb_fault_kind kind;
		int takes_step;
	} faults[] = {
		{ "corrupt", CB_FAULT_CORRUPT, 0 }, { "stall", CB_FAULT_STALL, 0 }, { "stall-in-op", CB_FAULT_STALL_IN_OP, 0 },
		{ "kill", CB_FAULT_KILL, 1 },       { "enospc", CB_FAULT_ENOSPC, 1 },
	};
	struct cb_fault f = { spec ? CB_FAULT_INVALID : CB_FAULT_NONE, -1 };
	if (!spec)
		return f;
	const char *colon = strchr(spec, ':');
	size_t n = colon ? (size_t)(colon - spec) : strlen(spec);
	for (size_t i = 0; i < sizeof faults / sizeof faults[0]; i++) {
		if (strlen(faults[i].name) != n || strncmp(spec, faults[i].name, n) != 0)
			continue;
		if (!faults[i].takes_step) {
			if (!colon)
				f.kind = faults[i].kind;
		} else if (colon && colon[1] >= '0' && colon[1] <= '9') {
			char *end;
			long step = strtol(colon + 1, &end, 10);
			if (!*end) {
				f.kind = faults[i].kind;
				f.step = step;
			}
		}
	}
	return f;
}

static int handle(struct cb_opts *o, int c, char *arg, char *err, size_t errlen)
{
	long v;
	char *items[CB_MAX_LIST];
	if (c == 'b' || c == 'e' || c == 'f')
		o->sizes_given = 1;
	switch (c) {
	case 'b': return parse_size_opt("-b/--min-bytes", arg, &o->min_bytes, err, errlen);
	case 'e': return parse_size_opt("-e/--max-bytes", arg, &o->max_bytes, err, errlen);
	case 'f':
		if (parse_long_opt("-f/--step-factor", arg, 2, 1 << 20, &v, err, errlen))
			return -1;
		o->step_factor = (uint64_t)v;
		return 0;
	case 'n': return parse_long_opt("-n/--iters", arg, 1, 100000000, &o->iters, err, errlen);
	case 'w': return parse_long_opt("-w/--warmup", arg, 0, 100000000, &o->warmup, err, errlen);
	case 'c': o->check = 1; return 0;
	case 'h': o->help = 1; return 0;
	case OPT_INPLACE: o->in_place = 1; return 0;
	case OPT_OFFCACHE: o->off_cache = 1; return 0;
	case OPT_JSON:
		if (!*arg) {
			snprintf(err, errlen, "--json: empty file name");
			return -1;
		}
		o->json_path = arg;
		return 0;
	case OPT_OUTDIR:
		if (!*arg) {
			snprintf(err, errlen, "--output-dir: empty directory name");
			return -1;
		}
		o->output_dir = arg;
		o->output_dir_given = 1;
		return 0;
	case OPT_TIMEOUT: {
		char e[200];
		if (cb_seconds_parse(arg, &o->timeout_s, e, sizeof e)) {
			snprintf(err, errlen, "--timeout: %s", e);
			return -1;
		}
		return 0;
	}
	case OPT_ALGO: {
		free(o->algo_list);
		int n = split_list(arg, &o->algo_list, items, "--algo", err, errlen);
		if (n < 0)
			return -1;
		for (int i = 0; i < n; i++)
			o->algos[i] = items[i];
		o->nalgos = n;
		return 0;
	}
	case OPT_DTYPE: return parse_dtypes(o, arg, err, errlen);
	case OPT_OP: return parse_ops(o, arg, err, errlen);
	case OPT_TOPOLOGY: o->topology = arg; return 0;
	case OPT_DOMAIN:
		o->domain_size_given = 1;
		o->domain_auto = strcmp(arg, "auto") == 0;
		if (o->domain_auto) {
			o->domain_size = 0;
			return 0;
		}
		return parse_long_opt("--domain-size", arg, 1, 1L << 30, &o->domain_size, err, errlen);
	case OPT_TESTFAULT:
		o->test_fault = arg;
		o->fault = cb_fault_parse(arg);
		return 0;
	case OPT_BIND:
		if (strcmp(arg, "core") == 0 || strcmp(arg, "none") == 0) {
			o->bind_none = arg[0] == 'n';
			return 0;
		}
		snprintf(err, errlen, "--bind: '%s' is not a binding policy (expected core or none)", arg);
		return -1;
	default: return -1;
	}
}

int cb_opts_parse(struct cb_opts *o, int argc, char **argv, int first,
		  const struct cb_kopt *kopts, cb_kopt_set_fn kset, void *kcfg,
		  char *err, size_t errlen)
{
	size_t nk = 0;
	while (kopts && kopts[nk].name)
		nk++;
	struct option *lo = calloc(NCOMMON + nk + 1, sizeof *lo);
	if (!lo) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	memcpy(lo, common_opts, sizeof common_opts);
	for (size_t i = 0; i < nk; i++) {
		lo[NCOMMON + i].name = kopts[i].name;
		lo[NCOMMON + i].has_arg = kopts[i].has_arg ? required_argument : no_argument;
		lo[NCOMMON + i].val = OPT_KERNEL_BASE + (int)i;
	}
	free(o->cmdline);
	o->cmdline = join_argv(argc, argv);

	int rc = 0, c;
	/* optind = 0 makes glibc's getopt start afresh (so parsing can repeat);
	 * it then treats argv[first - 1] as the program name. */
	opterr = 0;
	optind = 0;
	argc -= first - 1;
	argv += first - 1;
	while (rc == 0 && (c = getopt_long(argc, argv, ":b:e:f:n:w:ch", lo, NULL)) != -1) {
		if (c == '?') {
			if (optopt)
				snprintf(err, errlen, "unknown option '-%c' (see --help)", optopt);
			else
				snprintf(err, errlen, "unknown option '%s' (see --help)", argv[optind - 1]);
			rc = -1;
		} else if (c == ':') {
			snprintf(err, errlen, "option '%s' needs a value", argv[optind - 1]);
			rc = -1;
		} else if (c >= OPT_KERNEL_BASE) {
			const struct cb_kopt *k = &kopts[c - OPT_KERNEL_BASE];
			char e[256];
			if (!kset || kset(kcfg, k->name, optarg, e, sizeof e) != 0) {
				snprintf(err, errlen, "--%s: %s", k->name, kset ? e : "not supported");
				rc = -1;
			}
		} else {
			rc = handle(o, c, optarg, err, errlen);
		}
	}
	if (rc == 0 && optind < argc) {
		snprintf(err, errlen, "unexpected argument '%s' (options start with -; see --help)", argv[optind]);
		rc = -1;
	}
	if (rc == 0 && o->min_bytes > o->max_bytes) {
		char a[32], b[32];
		snprintf(err, errlen, "-b/--min-bytes (%s) is larger than -e/--max-bytes (%s)",
			 cb_size_format(o->min_bytes, a, sizeof a), cb_size_format(o->max_bytes, b, sizeof b));
		rc = -1;
	}
	free(lo);
	return rc;
}

void cb_opts_usage(FILE *f, const char *kernel, const char *summary, const char *const *algos,
		   const struct cb_kopt *kopts)
{
	fprintf(f, "usage: cpobench %s [options]\n  %s\n\n", kernel, summary);
	fprintf(f,
		"sweep:\n"
		"  -b, --min-bytes SIZE     smallest size (default 8; K/M/G/T = powers of 1024)\n"
		"  -e, --max-bytes SIZE     largest size (default 4M)\n"
		"  -f, --step-factor N      multiply the size by N each step (default 2)\n"
		"  -n, --iters N            timed iterations per size (default 100)\n"
		"  -w, --warmup N           untimed warm-up iterations per size (default 10)\n"
		"  --algo LIST              comma list of algorithms (default: all of:");
	for (int i = 0; algos && algos[i]; i++)
		fprintf(f, "%s%s", i ? "," : " ", algos[i]);
	fprintf(f, ")\n"
		"  --dtype LIST             float, double, int32, int64 or all (default float)\n"
		"  --op LIST                sum, max, min or all (default sum)\n"
		"  --in-place               operate in place (MPI_IN_PLACE)\n"
		"  --off-cache              rotate through buffers larger than the last-level cache\n"
		"  -c, --check              verify every element once per size, untimed; exit 1 on a wrong result\n"
		"placement:\n"
		"  --topology FILE|NAME     fabric description (see topologies/README.md)\n"
		"  --domain-size N|auto     group N consecutive ranks into a domain; auto: ranks under one Slurm\n"
		"                           leaf switch (topology.conf), else per node (default: auto under\n"
		"                           Slurm, else ranks per node)\n"
		"  --bind core|none         bind each unbound rank to a core with hwloc (default core; a binding\n"
		"                           the launcher already set is kept and recorded)\n"
		"output:\n"
		"  --json FILE              result file (default DIR/<kernel>-<date>-<id>.json, CSV beside it)\n"
		"  --output-dir DIR         directory for result files (default results, results/JOBID under Slurm)\n"
		"  --timeout SEC            abort with status 3 if one size step takes longer (default 0 = off)\n"
		"  -h, --help               this text\n");
	if (kopts && kopts[0].name) {
		fprintf(f, "%s options:\n", kernel);
		for (int i = 0; kopts[i].name; i++) {
			char left[64];
			snprintf(left, sizeof left, "--%s%s%s", kopts[i].name, kopts[i].has_arg ? " " : "",
				 kopts[i].has_arg ? kopts[i].metavar : "");
			fprintf(f, "  %-24s %s\n", left, kopts[i].help);
		}
	}
	fprintf(f, "\nexit status: 0 ok, 1 wrong result, 2 bad usage or input, 3 timeout\n");
}

void cb_opts_free(struct cb_opts *o)
{
	free(o->cmdline);
	free(o->algo_list);
	o->cmdline = o->algo_list = NULL;
}
