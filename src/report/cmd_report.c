/* cpobench-report report: report.md with plots and tables from result files and projections. */
#include "config.h"
#include "core/units.h"
#include "model/kv.h"
#include "report/build.h"
#include "report/cli.h"
#include "report/project.h"
#include "report/report.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void usage(FILE *f, const char *cmd, int markdown)
{
	fprintf(f,
		"usage: cpobench-report %s [RESULT.json ...] --out DIR [--topology T] [--optics LIST] [options]\n\n"
		"%s\n\n"
		"  --out DIR            output directory (created; files in it are overwritten)\n"
		"  --topology T         topology of the projections (default gb200-nvl72-pluggable)\n"
		"  --optics LIST        media projected: copper,aec,pluggable,lpo,cpo or all (default all)\n"
		"  --scale-out T        joins a scale-up-only topology beyond its size (default scaleout-1m-pluggable)\n"
		"  --size S             all-reduce size per GPU for the plots against GPU count (default 1G)\n"
		"  --alltoall-size S    all-to-all bytes per GPU for the same (default 16M)\n"
		"  --model NAME         KV-cache preset (default llama-3.1-70b), --kv-tokens N (default 32768)\n\n"
		"Result files: cpobench.result.v1 JSON (`cpobench KERNEL --json`, `cpobench-emulate`). A pingpong result\n"
		"calibrates the model for the machine it ran on; all-reduce/all-to-all results of the same machine are then\n"
		"compared with the model, and emulated results with the model on the topology they name.\n"
		"Plots need gnuplot on PATH at run time; without it the scripts and data are written and the report says\n"
		"how to render them.\n",
		cmd,
		markdown ? "Write DIR/report.md (readable on its own, plots embedded), CSV tables, PNG and SVG plots and the\n"
			   "gnuplot scripts that made them: measured, emulated and projected numbers side by side."
			 : "Write the plots of `report` (PNG and SVG, with their gnuplot scripts and data) and CSV tables,\n"
			   "without report.md.");
}

int cb_report_cli(int argc, char **argv, int markdown)
{
	enum { O_OUT = 256, O_TOPO, O_OPTICS, O_SCALEOUT, O_SIZE, O_A2A, O_MODEL, O_TOKENS };
	static const struct option lo[] = { { "out", 1, 0, O_OUT },	       { "topology", 1, 0, O_TOPO },
					    { "optics", 1, 0, O_OPTICS },      { "scale-out", 1, 0, O_SCALEOUT },
					    { "size", 1, 0, O_SIZE },	       { "alltoall-size", 1, 0, O_A2A },
					    { "model", 1, 0, O_MODEL },	       { "kv-tokens", 1, 0, O_TOKENS },
					    { "help", 0, 0, 'h' },	       { 0, 0, 0, 0 } };
	struct cb_report_opts o = { .topology = "gb200-nvl72-pluggable", .scaleout = "scaleout-1m-pluggable",
				    .allreduce_bytes = 1ULL << 30, .alltoall_bytes = 16ULL << 20,
				    .kv_model = "llama-3.1-70b", .kv_tokens = 32768, .markdown = markdown };
	const char *optics = "all";
	char err[2048];
	int c;
	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":h", lo, NULL)) != -1) {
		switch (c) {
		case O_OUT: o.out_dir = optarg; break;
		case O_TOPO: o.topology = optarg; break;
		case O_OPTICS: optics = optarg; break;
		case O_SCALEOUT: o.scaleout = optarg; break;
		case O_MODEL: o.kv_model = optarg; break;
		case O_SIZE:
		case O_A2A: {
			uint64_t v;
			if (cb_size_parse(optarg, &v, err, sizeof err) != 0 || v == 0) {
				fprintf(stderr, "cpobench-report %s: %s: expected a size > 0 (8, 64K, 1G), got '%s'\n", argv[0],
					argv[optind - 1], optarg);
				return 2;
			}
			*(c == O_SIZE ? &o.allreduce_bytes : &o.alltoall_bytes) = v;
			break;
		}
		case O_TOKENS:
			if (cb_int_parse(optarg, 1, 1L << 24, &o.kv_tokens, err, sizeof err) != 0) {
				fprintf(stderr, "cpobench-report %s: --kv-tokens: %s\n", argv[0], err);
				return 2;
			}
			break;
		case 'h': usage(stdout, argv[0], markdown); return 0;
		case ':':
			fprintf(stderr, "cpobench-report %s: option '%s' needs a value\n", argv[0], argv[optind - 1]);
			return 2;
		default:
			fprintf(stderr, "cpobench-report %s: unknown option '%s' (see --help)\n", argv[0], argv[optind - 1]);
			return 2;
		}
	}
	if (!o.out_dir) {
		fprintf(stderr, "cpobench-report %s: --out DIR is required\n", argv[0]);
		return 2;
	}
	if (!cb_kv_preset_find(o.kv_model)) {
		fprintf(stderr, "cpobench-report %s: --model '%s': unknown preset (llama-3.1-8b, llama-3.1-70b, "
				"llama-3.1-405b, qwen3-235b-a22b, deepseek-r1, opt-66b)\n",
			argv[0], o.kv_model);
		return 2;
	}
	if (strcmp(optics, "all") == 0)
		optics = "copper,aec,pluggable,lpo,cpo";
	char *copy = strdup(optics), *save = NULL;
	for (char *t = strtok_r(copy, ",", &save); t; t = strtok_r(NULL, ",", &save)) {
		enum cb_medium m;
		if (cb_medium_parse(t, &m) != 0 || o.noptics == 8) {
			fprintf(stderr, "cpobench-report %s: --optics: unknown medium '%s' (expected copper, aec, pluggable, "
					"lpo, cpo or all)\n",
				argv[0], t);
			free(copy);
			return 2;
		}
		o.optics[o.noptics++] = (int)m;
	}
	free(copy);
	if (o.noptics == 0) {
		fprintf(stderr, "cpobench-report %s: --optics: empty list\n", argv[0]);
		return 2;
	}
	o.files = argv + optind;
	o.nfiles = argc - optind;
	size_t len = 32;
	for (int i = 0; i < argc; i++)
		len += strlen(argv[i]) + 1;
	char *cmdline = malloc(len);
	strcpy(cmdline, "cpobench-report");
	for (int i = 0; i < argc; i++) {
		strcat(cmdline, " ");
		strcat(cmdline, argv[i]);
	}
	o.cmdline = cmdline;
	int rc = 0;
	if (cb_report_build(&o, err, sizeof err) != 0) {
		fprintf(stderr, "cpobench-report %s: %s\n", argv[0], err);
		rc = 2;
	}
	free(cmdline);
	return rc;
}

static int report_run(int argc, char **argv)
{
	return cb_report_cli(argc, argv, 1);
}

const struct cb_report_cmd cb_report_cmd_report = {
	"report", "report.md with plots and tables: measured, emulated and projected, CPO vs pluggable vs copper",
	report_run
};
