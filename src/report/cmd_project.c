/* cpobench-report project: the analytic model over optics, GPU counts and sizes (table, CSV, JSON). */
#include "config.h"
#include "core/units.h"
#include "report/project.h"
#include "report/report.h"
#include "report/calib.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void usage(FILE *f)
{
	fputs("usage: cpobench-report project --topology T [--optics LIST] [--kernel K] [--algo LIST]\n"
	      "                               [--gpus A[:B[:F]]] [-b MIN] [-e MAX] [-f F] [--csv FILE] [--json FILE]\n"
	      "\n"
	      "Project time, energy, network power, reach and link failures with the analytic model\n"
	      "(docs/model.md) for each optics choice, GPU count and size.\n"
	      "\n"
	      "  --topology T        topology file or shipped name (required)\n"
	      "  --optics LIST       copper,aec,pluggable,lpo,cpo,as-built or all (default: all five media)\n"
	      "  --optics-tiers LIST topology tiers (indices or names) the optics apply to (default: all but the innermost)\n"
	      "  --scale-out T       topology joining the domains of a scale-up-only file beyond its size\n"
	      "                      (default scaleout-1m-pluggable)\n"
	      "  --kernel K          allreduce, alltoall, pingpong, kvcache or all (default: allreduce)\n"
	      "  --algo LIST         allreduce: ring,rabenseifner,hier; alltoall: pairwise,bruck,hier;\n"
	      "                      kvcache: bulk,layer (sent after prefill, or layer by layer during it) (default: all)\n"
	      "  --gpus A[:B[:F]]    GPU counts A, A*F, ... and B (F = 2; default: the topology's endpoints)\n"
	      "  -b, -e, -f          sizes in bytes (K/M/G = powers of 1024; default 8 to 1G, factor 2);\n"
	      "                      for kvcache: context length in tokens (default 1K to 128K)\n"
	      "  --model NAME        kvcache model preset (default llama-3.1-70b): llama-3.1-8b, llama-3.1-70b,\n"
	      "                      llama-3.1-405b, qwen3-235b-a22b, deepseek-r1, opt-66b\n"
	      "  --tp N              kvcache: ranks a request is spread over (8)\n"
	      "  --block-tokens N    kvcache: one message per (layer, K/V, block of N tokens); 0 = per layer (0)\n"
	      "  --msg-overhead-us X kvcache: software cost per message (0; fit it from a kvcache result)\n"
	      "  --prefill-tflops X  kvcache: sustained prefill TFLOP/s per GPU (36, as NIXL's matrix generator)\n"
	      "  --kv-tier N         kvcache: tier the transfer crosses (default 1, the first above the innermost)\n"
	      "  --calibrate FILE    fit tier alpha/beta from a pingpong result file and use it (--cal-tier N, default 0)\n"
	      "  --csv FILE          also write CSV ('-' = stdout instead of the table)\n"
	      "  --json FILE         also write JSON ('-' = stdout instead of the table)\n",
	      f);
}

static int kernel_algos(const char *kernel, const char *list, struct cb_proj_spec *s, char *err, size_t errlen)
{
	static const char *const kernels[] = { "allreduce", "alltoall", "pingpong", "kvcache", NULL };
	int any = 0;
	for (int k = 0; kernels[k]; k++) {
		if (strcmp(kernel, "all") != 0 && strcmp(kernel, kernels[k]) != 0)
			continue;
		any = 1;
		for (int a = 0; a < CB_ALGO_COUNT; a++) {
			if (strcmp(cb_model_algo_kernel(a), kernels[k]) != 0)
				continue;
			if (list && strcmp(kernel, "all") != 0) {
				char *copy = strdup(list), *save = NULL;
				int want = 0;
				for (char *t = strtok_r(copy, ",", &save); t; t = strtok_r(NULL, ",", &save)) {
					enum cb_model_algo found;
					if (cb_model_algo_find(kernels[k], t, &found) != 0) {
						snprintf(err, errlen, "--algo: '%s' is not a %s algorithm of the model", t,
							 kernels[k]);
						free(copy);
						return -1;
					}
					if (found == (enum cb_model_algo)a)
						want = 1;
				}
				free(copy);
				if (!want)
					continue;
			}
			s->algos[s->nalgos++] = (enum cb_model_algo)a;
		}
	}
	if (!any) {
		snprintf(err, errlen, "--kernel '%s': expected allreduce, alltoall, pingpong, kvcache or all", kernel);
		return -1;
	}
	return 0;
}

static int optics_list(const char *list, struct cb_proj_spec *s, char *err, size_t errlen)
{
	if (strcmp(list, "all") == 0)
		list = "copper,aec,pluggable,lpo,cpo";
	char *copy = strdup(list), *save = NULL;
	s->noptics = 0;
	for (char *t = strtok_r(copy, ",", &save); t; t = strtok_r(NULL, ",", &save)) {
		int o;
		if (cb_proj_optics_parse(t, &o) != 0 || s->noptics == CB_PROJ_MAX_OPTICS) {
			snprintf(err, errlen, "--optics: unknown medium '%s' (expected copper, aec, pluggable, lpo, cpo, "
				 "as-built or all)", t);
			free(copy);
			return -1;
		}
		s->optics[s->noptics++] = o;
	}
	free(copy);
	if (s->noptics == 0) {
		snprintf(err, errlen, "--optics: empty list");
		return -1;
	}
	return 0;
}

static int tier_list(const char *list, const struct cb_topo *t, unsigned *mask, char *err, size_t errlen)
{
	char *copy = strdup(list), *save = NULL;
	*mask = 0;
	for (char *tok = strtok_r(copy, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		int found = -1;
		for (int i = 0; i < t->ntiers; i++)
			if (strcmp(t->tier[i].name, tok) == 0)
				found = i;
		char *end;
		long v = strtol(tok, &end, 10);
		if (found < 0 && *end == '\0' && end != tok && v >= 0 && v < t->ntiers)
			found = (int)v;
		if (found < 0) {
			snprintf(err, errlen, "--optics-tiers: '%s' is not a tier of %s (0..%d or a tier name)", tok,
				 t->name, t->ntiers - 1);
			free(copy);
			return -1;
		}
		*mask |= 1u << found;
	}
	free(copy);
	return 0;
}

struct out {
	FILE *table, *csv;
	json_t *rows;
};

static int emit(void *ctx, const struct cb_proj_row *r)
{
	struct out *o = ctx;
	if (o->table)
		cb_proj_table_row(o->table, r);
	if (o->csv)
		cb_proj_csv_row(o->csv, r);
	if (o->rows)
		json_array_append_new(o->rows, cb_proj_row_json(r));
	return 0;
}

static int project_run(int argc, char **argv)
{
	enum { O_TOPO = 256, O_OPTICS, O_OTIERS, O_KERNEL, O_ALGO, O_GPUS, O_CSV, O_JSON, O_MODEL, O_TP, O_BLOCK,
	       O_OVH, O_TFLOPS, O_KVTIER, O_CAL, O_CALTIER, O_SCALEOUT };
	static const struct option lo[] = {
		{ "topology", 1, 0, O_TOPO }, { "optics", 1, 0, O_OPTICS }, { "optics-tiers", 1, 0, O_OTIERS },
		{ "kernel", 1, 0, O_KERNEL }, { "algo", 1, 0, O_ALGO }, { "gpus", 1, 0, O_GPUS },
		{ "min-bytes", 1, 0, 'b' }, { "max-bytes", 1, 0, 'e' }, { "step-factor", 1, 0, 'f' },
		{ "csv", 1, 0, O_CSV }, { "json", 1, 0, O_JSON }, { "model", 1, 0, O_MODEL }, { "tp", 1, 0, O_TP },
		{ "block-tokens", 1, 0, O_BLOCK }, { "msg-overhead-us", 1, 0, O_OVH },
		{ "prefill-tflops", 1, 0, O_TFLOPS }, { "kv-tier", 1, 0, O_KVTIER }, { "calibrate", 1, 0, O_CAL },
		{ "cal-tier", 1, 0, O_CALTIER }, { "scale-out", 1, 0, O_SCALEOUT }, { "help", 0, 0, 'h' }, { 0, 0, 0, 0 }
	};
	const char *topo_arg = NULL, *optics = "all", *otiers = NULL, *kernel = "allreduce", *algo = NULL,
		   *gpus = NULL, *csv = NULL, *json = NULL, *model = "llama-3.1-70b", *cal = NULL,
		   *scaleout = "scaleout-1m-pluggable";
	const char *bstr = NULL, *estr = NULL;
	long factor = 2, tp = 8, block = 0, kv_tier = -1, cal_tier = 0;
	double ovh_us = 0, tflops = 36;
	char err[1024];
	int c;
	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":b:e:f:h", lo, NULL)) != -1) {
		char *end;
		switch (c) {
		case O_TOPO: topo_arg = optarg; break;
		case O_OPTICS: optics = optarg; break;
		case O_OTIERS: otiers = optarg; break;
		case O_KERNEL: kernel = optarg; break;
		case O_ALGO: algo = optarg; break;
		case O_GPUS: gpus = optarg; break;
		case O_CSV: csv = optarg; break;
		case O_JSON: json = optarg; break;
		case O_MODEL: model = optarg; break;
		case O_CAL: cal = optarg; break;
		case O_SCALEOUT: scaleout = optarg; break;
		case 'b': bstr = optarg; break;
		case 'e': estr = optarg; break;
		case 'f':
			if (cb_int_parse(optarg, 2, 1 << 20, &factor, err, sizeof err) != 0)
				goto bad_opt;
			break;
		case O_TP:
			if (cb_int_parse(optarg, 1, 1 << 20, &tp, err, sizeof err) != 0)
				goto bad_opt;
			break;
		case O_BLOCK:
			if (cb_int_parse(optarg, 0, 1 << 30, &block, err, sizeof err) != 0)
				goto bad_opt;
			break;
		case O_KVTIER:
		case O_CALTIER:
			if (cb_int_parse(optarg, 0, CB_MODEL_MAX_TIERS - 1, c == O_KVTIER ? &kv_tier : &cal_tier, err,
					 sizeof err) != 0)
				goto bad_opt;
			break;
		case O_OVH:
			ovh_us = strtod(optarg, &end);
			if (end == optarg || *end || ovh_us < 0) {
				snprintf(err, sizeof err, "expected a number >= 0, got '%s'", optarg);
				goto bad_opt;
			}
			break;
		case O_TFLOPS:
			tflops = strtod(optarg, &end);
			if (end == optarg || *end || !(tflops > 0)) {
				snprintf(err, sizeof err, "expected a number > 0, got '%s'", optarg);
				goto bad_opt;
			}
			break;
		case 'h': usage(stdout); return 0;
		case ':':
			fprintf(stderr, "cpobench-report project: option '%s' needs a value\n", argv[optind - 1]);
			return 2;
		default:
			fprintf(stderr, "cpobench-report project: unknown option '%s' (see --help)\n", argv[optind - 1]);
			return 2;
		bad_opt: {
			/* Name the option (every one that reaches here has a long name), not the value. */
			const char *name = "?";
			for (int i = 0; lo[i].name; i++)
				if (lo[i].val == c)
					name = lo[i].name;
			fprintf(stderr, "cpobench-report project: --%s: %s\n", name, err);
			return 2;
		}
		}
	}
	if (optind < argc) {
		fprintf(stderr, "cpobench-report project: unexpected argument '%s'\n", argv[optind]);
		return 2;
	}
	if (!topo_arg) {
		fprintf(stderr, "cpobench-report project: --topology is required (a file or a shipped name)\n");
		return 2;
	}
	struct cb_topo *topo = calloc(1, sizeof *topo), *so = calloc(1, sizeof *so);
	struct cb_proj_spec s = { .topo = topo, .kv_tier = (int)kv_tier, .cal_tier = -1 };
	int rc = 2;
	struct out o = { 0 };
	FILE *csvf = NULL, *jsonf = NULL;
	if (cb_topo_load(topo_arg, topo, err, sizeof err) != 0) {
		fprintf(stderr, "cpobench-report project: %s\n", err);
		goto done;
	}
	s.tier_mask = cb_model_default_tier_mask(topo);
	if (cb_topo_load(scaleout, so, err, sizeof err) != 0) {
		fprintf(stderr, "cpobench-report project: --scale-out: %s\n", err);
		goto done;
	}
	s.scaleout = so;
	if (optics_list(optics, &s, err, sizeof err) != 0 || kernel_algos(kernel, algo, &s, err, sizeof err) != 0 ||
	    (otiers && tier_list(otiers, topo, &s.tier_mask, err, sizeof err) != 0)) {
		fprintf(stderr, "cpobench-report project: %s\n", err);
		goto done;
	}
	if (gpus) {
		if (cb_proj_gpus_parse(gpus, s.gpus, CB_PROJ_MAX_GPUS, &s.ngpus, err, sizeof err) != 0) {
			fprintf(stderr, "cpobench-report project: %s\n", err);
			goto done;
		}
	} else {
		s.gpus[0] = topo->endpoints >= 2 ? topo->endpoints : topo->tier[topo->ntiers - 1].group_size;
		s.ngpus = 1;
	}
	int kv = strcmp(kernel, "kvcache") == 0;
	uint64_t bmin = kv ? 1024 : 8, bmax = kv ? 131072 : (1ULL << 30);
	if ((bstr && cb_size_parse(bstr, &bmin, err, sizeof err) != 0) ||
	    (estr && cb_size_parse(estr, &bmax, err, sizeof err) != 0)) {
		fprintf(stderr, "cpobench-report project: -b/-e: %s\n", err);
		goto done;
	}
	if (bmin > bmax || bmin == 0) {
		fprintf(stderr, "cpobench-report project: -b %llu must be >= 1 and <= -e %llu\n",
			(unsigned long long)bmin, (unsigned long long)bmax);
		goto done;
	}
	s.nsizes = cb_sizes_sweep(bmin, bmax, (uint64_t)factor, &s.sizes);
	if (strcmp(kernel, "all") == 0)
		s.nkv_sizes = cb_sizes_sweep(1024, 131072, 2, &s.kv_sizes);
	if (s.nsizes <= 0) {
		fprintf(stderr, "cpobench-report project: no sizes in -b/-e/-f\n");
		goto done;
	}
	s.kv = (struct cb_kv_params){ .preset = cb_kv_preset_find(model), .dtype_bytes = 2, .tp = (int)tp,
				      .block_tokens = block, .msg_overhead_s = ovh_us * 1e-6,
				      .prefill_flops = tflops * 1e12 };
	if (!s.kv.preset) {
		fprintf(stderr, "cpobench-report project: --model '%s': unknown preset (see --help)\n", model);
		goto done;
	}
	if (cal) {
		struct cb_calib cb;
		if (cb_calib_from_file(cal, &cb, err, sizeof err) != 0) {
			fprintf(stderr, "cpobench-report project: --calibrate: %s\n", err);
			goto done;
		}
		if (cal_tier >= cb.ntiers) {
			fprintf(stderr, "cpobench-report project: --cal-tier %ld: %s has fits for %d tier(s)\n", cal_tier,
				cal, cb.ntiers);
			goto done;
		}
		s.cal_tier = (int)cal_tier;
		s.cal = cb.fit[cal_tier];
	}
	if (csv && strcmp(csv, "-") != 0 && !(csvf = fopen(csv, "w"))) {
		fprintf(stderr, "cpobench-report project: --csv %s: cannot write\n", csv);
		goto done;
	}
	if (csv)
		o.csv = csvf ? csvf : stdout;
	if (json && strcmp(json, "-") != 0 && !(jsonf = fopen(json, "w"))) {
		fprintf(stderr, "cpobench-report project: --json %s: cannot write\n", json);
		goto done;
	}
	if (json)
		o.rows = json_array();
	if (!(csv && strcmp(csv, "-") == 0) && !(json && strcmp(json, "-") == 0))
		o.table = stdout;
	if (o.table)
		cb_proj_table_header(o.table, &s);
	if (o.csv)
		cb_proj_csv_header(o.csv);
	if (cb_proj_run(&s, emit, &o, err, sizeof err) != 0) {
		fprintf(stderr, "cpobench-report project: %s\n", err);
		goto done;
	}
	if (o.rows) {
		json_t *doc = json_pack("{s:s, s:s, s:s, s:s, s:O}", "schema", "cpobench.projection.v1", "topology",
					topo->name, "topology_sha256", topo->sha256, "model_check",
					"none (never compared with measurement or emulation)", "rows", o.rows);
		json_dumpf(doc, jsonf ? jsonf : stdout, JSON_INDENT(1) | JSON_REAL_PRECISION(8));
		fputc('\n', jsonf ? jsonf : stdout);
		json_decref(doc);
	}
	rc = 0;
done:
	if (csvf && fclose(csvf) != 0) {
		fprintf(stderr, "cpobench-report project: --csv %s: write failed\n", csv);
		rc = 2;
	}
	if (jsonf && fclose(jsonf) != 0) {
		fprintf(stderr, "cpobench-report project: --json %s: write failed\n", json);
		rc = 2;
	}
	json_decref(o.rows);
	free(s.sizes);
	free(s.kv_sizes);
	free(topo);
	free(so);
	return rc;
}

const struct cb_report_cmd cb_report_cmd_project = {
	"project", "analytic projection: time, energy, power, reach, failures per optics and GPU count", project_run
};
