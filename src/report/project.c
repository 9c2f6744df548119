/* Projection sweeps through the model, and their table/CSV/JSON rows. */
#include "config.h"
#include "report/project.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

const char *cb_proj_optics_name(int optics)
{
	return optics == CB_MODEL_OPTICS_ASIS ? "as-built" : cb_medium_name((enum cb_medium)optics);
}

int cb_proj_optics_parse(const char *s, int *out)
{
	enum cb_medium m;
	if (strcmp(s, "as-built") == 0 || strcmp(s, "asis") == 0) {
		*out = CB_MODEL_OPTICS_ASIS;
		return 0;
	}
	if (cb_medium_parse(s, &m) != 0)
		return -1;
	*out = (int)m;
	return 0;
}

int cb_proj_gpus_parse(const char *s, long *out, int max, int *n, char *err, size_t errlen)
{
	long v[3] = { 0, 0, 2 };
	int k = 0;
	const char *p = s;
	while (k < 3) {
		char *end;
		errno = 0;
		long x = strtol(p, &end, 10);
		if (end == p || errno || x < 2 || x > (1L << 40)) {
			snprintf(err, errlen, "--gpus '%s': expected A, A:B or A:B:F with integers >= 2 (e.g. 72:1048576)", s);
			return -1;
		}
		v[k++] = x;
		if (*end == '\0')
			break;
		if (*end != ':' || k == 3) {
			snprintf(err, errlen, "--gpus '%s': expected A, A:B or A:B:F with integers >= 2 (e.g. 72:1048576)", s);
			return -1;
		}
		p = end + 1;
	}
	if (k == 1)
		v[1] = v[0];
	if (v[0] > v[1]) {
		snprintf(err, errlen, "--gpus '%s': first count %ld is larger than last %ld", s, v[0], v[1]);
		return -1;
	}
	*n = 0;
	for (long g = v[0]; g <= v[1]; g *= v[2]) {
		if (*n == max) {
			snprintf(err, errlen, "--gpus '%s': more than %d counts; use a larger factor", s, max);
			return -1;
		}
		out[(*n)++] = g;
		if (g > v[1] / v[2])
			break;
	}
	if (out[*n - 1] != v[1]) {
		if (*n == max) {
			snprintf(err, errlen, "--gpus '%s': more than %d counts; use a larger factor", s, max);
			return -1;
		}
		out[(*n)++] = v[1];
	}
	return 0;
}

static double busbw(enum cb_model_algo a, long p, double n, double t)
{
	if (!(t > 0))
		return 0;
	double algbw = n / t;
	if (a <= CB_ALGO_AR_HIER)
		return algbw * 2.0 * (p - 1) / p;
	if (a <= CB_ALGO_A2A_HIER)
		return algbw * (double)(p - 1) / p;
	return algbw;
}

int cb_proj_run(const struct cb_proj_spec *s, cb_proj_row_fn fn, void *ctx, char *err, size_t errlen)
{
	struct cb_model m;
	for (int o = 0; o < s->noptics; o++)
		for (int g = 0; g < s->ngpus; g++) {
			if (cb_model_init_joined(&m, s->topo, s->scaleout, s->gpus[g], s->optics[o], s->tier_mask, err,
						 errlen) != 0)
				return -1;
			if (s->cal_tier >= 0 && s->cal_tier < m.ntiers)
				cb_model_calibrate(&m, s->cal_tier, &s->cal);
			struct cb_proj_row r = { .optics = s->optics[o], .gpus = s->gpus[g], .ntiers = m.ntiers };
			struct cb_model_reach reach;
			cb_model_power(&m, &r.power);
			cb_model_reliability(&m, &r.rel);
			cb_model_reach(&m, &reach);
			r.reach_ok = reach.all_ok;
			r.worst_reach_margin_m = INFINITY;
			for (int i = 0; i < m.ntiers; i++) {
				double margin = reach.reach_m[i] - m.eff.tier[m.t[i].src].cable_m;
				if (margin < r.worst_reach_margin_m)
					r.worst_reach_margin_m = margin;
			}
			int kv_tier = s->kv_tier >= 0 ? s->kv_tier : (m.ntiers > 1 ? 1 : 0);
			if (kv_tier >= m.ntiers)
				kv_tier = m.ntiers - 1;
			for (int a = 0; a < s->nalgos; a++) {
				int kv = s->algos[a] == CB_ALGO_KV_BULK || s->algos[a] == CB_ALGO_KV_LAYER;
				const uint64_t *sizes = kv && s->kv_sizes ? s->kv_sizes : s->sizes;
				long nsizes = kv && s->kv_sizes ? s->nkv_sizes : s->nsizes;
				for (long k = 0; k < nsizes; k++) {
					r.algo = s->algos[a];
					r.size = (double)sizes[k];
					if (kv) {
						cb_kv_cost(&m, kv_tier, &s->kv, r.size, &r.kv);
						memset(&r.cost, 0, sizeof r.cost);
						r.cost.time_s = r.algo == CB_ALGO_KV_BULK ? r.kv.exposed_bulk_s
											  : r.kv.exposed_layer_s;
						r.cost.energy_j = r.kv.energy_j;
						r.cost.messages = r.kv.messages;
						r.busbw_Bps = r.kv.transfer_s > 0 ? r.kv.bytes / s->kv.tp / r.kv.transfer_s : 0;
					} else {
						cb_model_cost(&m, r.algo, r.size, &r.cost);
						r.busbw_Bps = busbw(r.algo, r.gpus, r.size, r.cost.time_s);
					}
					int rc = fn(ctx, &r);
					if (rc)
						return rc;
				}
			}
		}
	return 0;
}

void cb_proj_table_header(FILE *f, const struct cb_proj_spec *s)
{
	fprintf(f, "# topology: %s%s%s (%d tiers)\n", s->topo->name, s->topo->path[0] ? ", file " : "",
		s->topo->path, s->topo->ntiers);
	const struct cb_tier *outer = &s->topo->tier[s->topo->ntiers - 1];
	long maxg = 0;
	for (int g = 0; g < s->ngpus; g++)
		if (s->gpus[g] > maxg)
			maxg = s->gpus[g];
	if (maxg > outer->group_size) {
		if (s->scaleout && strcmp(outer->network, s->topo->tier[0].network) == 0)
			fprintf(f, "# beyond %ld GPUs: domains joined by the tiers of %s (optics applied to them too)\n",
				outer->group_size, s->scaleout->name);
		else
			fprintf(f, "# beyond %ld GPUs: tier '%s' replicated (same fan-out, +2 switch hops per level)\n",
				outer->group_size, outer->name);
	}
	fprintf(f, "# model check: %s\n",
		s->checked ? s->checked
			   : "NONE - this projection was never compared with a measurement or an emulation "
			     "(cpobench-report report RESULTS... --topology T does that)");
	if (s->cal_tier >= 0)
		fprintf(f, "# calibrated: tier %d alpha %.3f us, %.3f GB/s (ping-pong fit, max error %.1f %%)\n",
			s->cal_tier, s->cal.alpha_s * 1e6, isinf(s->cal.beta_Bps) ? 0 : s->cal.beta_Bps * 1e-9,
			100 * s->cal.max_rel_residual);
	fprintf(f, "# %-9s %-12s %-9s %8s %13s %12s %10s %12s %10s %11s %10s %9s %5s\n", "kernel", "algo", "optics",
		"gpus", "size", "time", "busbw", "energy/op", "power", "link-fail", "job-intr", "msgs", "reach");
	fprintf(f, "# %-9s %-12s %-9s %8s %13s %12s %10s %12s %10s %11s %10s %9s %5s\n", "", "", "", "",
		"(B|tokens)", "(us)", "(GB/s)", "(J)", "(kW)", "(/day)", "(/day)", "", "");
}

void cb_proj_table_row(FILE *f, const struct cb_proj_row *r)
{
	fprintf(f, "  %-9s %-12s %-9s %8ld %13.0f %12.3f %10.3f %12.4g %10.1f %11.4f %10.4f %9.0f %5s\n",
		cb_model_algo_kernel(r->algo), cb_model_algo_name(r->algo), cb_proj_optics_name(r->optics), r->gpus,
		r->size, r->cost.time_s * 1e6, r->busbw_Bps * 1e-9, r->cost.energy_j, r->power.total_w * 1e-3,
		r->rel.link_failures_per_day, r->rel.job_interruptions_per_day, r->cost.messages,
		r->reach_ok ? "ok" : "NO");
}

void cb_proj_csv_header(FILE *f)
{
	fputs("kernel,algo,optics,gpus,size,tiers,time_us,busbw_GBps,energy_J,messages,port_W,switch_W,power_W,"
	      "link_failures_per_day,job_interruptions_per_day,reach_ok,reach_margin_m,kv_bytes,kv_prefill_us,"
	      "kv_transfer_us,kv_exposed_bulk_us,kv_exposed_layer_us\n",
	      f);
}

void cb_proj_csv_row(FILE *f, const struct cb_proj_row *r)
{
	fprintf(f, "%s,%s,%s,%ld,%.0f,%d,%.6g,%.6g,%.6g,%.6g,%.6g,%.6g,%.6g,%.6g,%.6g,%d,%.6g,%.6g,%.6g,%.6g,%.6g,%.6g\n",
		cb_model_algo_kernel(r->algo), cb_model_algo_name(r->algo), cb_proj_optics_name(r->optics), r->gpus,
		r->size, r->ntiers, r->cost.time_s * 1e6, r->busbw_Bps * 1e-9, r->cost.energy_j, r->cost.messages,
		r->power.port_w, r->power.switch_w, r->power.total_w, r->rel.link_failures_per_day,
		r->rel.job_interruptions_per_day, r->reach_ok, r->worst_reach_margin_m, r->kv.bytes,
		r->kv.prefill_s * 1e6, r->kv.transfer_s * 1e6, r->kv.exposed_bulk_s * 1e6, r->kv.exposed_layer_s * 1e6);
}

json_t *cb_proj_row_json(const struct cb_proj_row *r)
{
	json_t *j = json_pack("{s:s, s:s, s:s, s:I, s:f, s:i, s:f, s:f, s:f, s:f, s:f, s:f, s:f, s:f, s:f, s:b}",
			      "kernel", cb_model_algo_kernel(r->algo), "algo", cb_model_algo_name(r->algo), "optics",
			      cb_proj_optics_name(r->optics), "gpus", (json_int_t)r->gpus, "size", r->size, "tiers",
			      r->ntiers, "time_us", r->cost.time_s * 1e6, "busbw_GBps", r->busbw_Bps * 1e-9,
			      "energy_J", r->cost.energy_j, "messages", r->cost.messages, "port_W", r->power.port_w,
			      "switch_W", r->power.switch_w, "power_W", r->power.total_w, "link_failures_per_day",
			      r->rel.link_failures_per_day, "job_interruptions_per_day",
			      r->rel.job_interruptions_per_day, "reach_ok", r->reach_ok);
	if (j && (r->algo == CB_ALGO_KV_BULK || r->algo == CB_ALGO_KV_LAYER))
		json_object_set_new(j, "kv", json_pack("{s:f, s:f, s:f, s:f, s:f}", "bytes", r->kv.bytes, "prefill_us",
						       r->kv.prefill_s * 1e6, "transfer_us", r->kv.transfer_s * 1e6,
						       "exposed_bulk_us", r->kv.exposed_bulk_s * 1e6,
						       "exposed_layer_us", r->kv.exposed_layer_s * 1e6));
	return j;
}
