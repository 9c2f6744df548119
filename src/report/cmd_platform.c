/* cpobench-report platform: the SimGrid platform and host file for N endpoints of a topology. */
#include "config.h"
#include "emulate/emuopts.h"
#include "emulate/platform.h"
#include "report/report.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

static void usage(FILE *f)
{
	fprintf(f,
		"usage: cpobench-report platform --topology T [--optics copper|aec|pluggable|lpo|cpo] [--np N]\n"
		"                                [-o FILE.xml] [--hostfile FILE] [--json FILE]\n"
		"  Writes the SimGrid platform (XML, to stdout without -o) and the host file (default\n"
		"  FILE.hosts beside -o) for N endpoints (default: the topology's), one rank per endpoint.\n"
		"  --optics sets the medium of every tier that is not copper (AEC, pluggable, LPO or CPO\n"
		"  tiers); copper tiers keep copper.  --json writes what the platform holds per tier.\n"
		"  Then: smpirun -platform FILE.xml -hostfile FILE.hosts ...  (or use cpobench-emulate)\n");
}

static int write_json(const char *path, json_t *j, char *err, size_t errlen)
{
	if (json_dump_file(j, path, JSON_INDENT(2)) != 0) {
		snprintf(err, errlen, "--json %s: cannot write", path);
		return -1;
	}
	return 0;
}

static int run(int argc, char **argv)
{
	static const struct option lo[] = {
		{ "topology", required_argument, NULL, 't' }, { "optics", required_argument, NULL, 'O' },
		{ "np", required_argument, NULL, 'n' },       { "output", required_argument, NULL, 'o' },
		{ "hostfile", required_argument, NULL, 'H' }, { "json", required_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },           { NULL, 0, NULL, 0 },
	};
	const char *topo_name = NULL, *out = NULL, *hostfile = NULL, *json_path = NULL;
	enum cb_medium optics = CB_MEDIUM_CPO;
	int optics_set = 0, c;
	long np = 0;
	char err[512] = "";
	opterr = 0;
	optind = 0;
	while (!err[0] && (c = getopt_long(argc, argv, ":ho:", lo, NULL)) != -1) {
		switch (c) {
		case 't': topo_name = optarg; break;
		case 'O': optics_set = cb_emu_parse_optics(optarg, &optics, err, sizeof err) == 0; break;
		case 'n': cb_emu_parse_np(optarg, &np, err, sizeof err); break;
		case 'o': out = optarg; break;
		case 'H': hostfile = optarg; break;
		case 'j': json_path = optarg; break;
		case 'h': usage(stdout); return 0;
		case ':': snprintf(err, sizeof err, "option '%s' needs a value", argv[optind - 1]); break;
		default: snprintf(err, sizeof err, "unknown option '%s' (see --help)", argv[optind - 1]); break;
		}
	}
	if (!err[0] && optind < argc)
		snprintf(err, sizeof err, "unexpected argument '%s'", argv[optind]);
	struct cb_topo *t = calloc(1, sizeof *t);
	int changed = 0;
	if (!err[0] && t)
		cb_emu_topology(topo_name, optics_set, optics, &np, t, &changed, err, sizeof err);
	if (err[0]) {
		fprintf(stderr, "cpobench-report platform: %s\n", err);
		free(t);
		return 2;
	}
	if (optics_set && !changed)
		fprintf(stderr, "cpobench-report platform: note: --optics %s changed nothing: every tier of %s is copper\n",
			cb_medium_name(optics), t->name);

	int rc = 0;
	if (out) {
		rc = cb_platform_write_files(t, np, out, hostfile, err, sizeof err);
	} else {
		FILE *h = hostfile ? fopen(hostfile, "w") : NULL;
		if (hostfile && !h)
			snprintf(err, sizeof err, "--hostfile %s: cannot write", hostfile), rc = -1;
		if (rc == 0)
			rc = cb_platform_write(stdout, h, t, np, err, sizeof err);
		if (h)
			fclose(h);
	}
	json_t *summary = cb_platform_summary(t, np);
	if (rc == 0 && json_path)
		rc = write_json(json_path, summary, err, sizeof err);
	if (rc == 0 && out) {
		struct stat st;
		long bytes = stat(out, &st) == 0 ? (long)st.st_size : -1;
		char *hp = hostfile ? NULL : cb_platform_hosts_path(out);
		fprintf(stderr, "platform: %s (%ld bytes), hosts: %s; %ld endpoints of %s\n", out, bytes,
			hostfile ? hostfile : hp, np, t->name);
		free(hp);
		size_t i;
		json_t *tier;
		json_array_foreach(json_object_get(summary, "tiers"), i, tier)
			fprintf(stderr, "  tier %zu %-12s %-9s groups of %-6lld %9.3f us  %9.3f GB/s  oversub %g%s\n", i,
				json_string_value(json_object_get(tier, "name")),
				json_string_value(json_object_get(tier, "medium")),
				(long long)json_integer_value(json_object_get(tier, "group_size")),
				json_real_value(json_object_get(tier, "latency_s")) * 1e6,
				json_real_value(json_object_get(tier, "bw_Bps")) / 1e9,
				json_real_value(json_object_get(tier, "oversub")),
				json_is_true(json_object_get(tier, "reach_ok")) ? "" : "  (cable beyond the medium's reach)");
	}
	json_decref(summary);
	free(t);
	if (rc != 0) {
		fprintf(stderr, "cpobench-report platform: %s\n", err);
		return 2;
	}
	return 0;
}

const struct cb_report_cmd cb_report_cmd_platform = {
	.name = "platform",
	.summary = "SimGrid platform + host file for N endpoints of a topology (emulation)",
	.run = run,
};
