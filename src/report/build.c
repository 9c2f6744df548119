/* The reporter: measured, emulated and projected numbers as data, gnuplot plots, CSV tables and report.md. */
#include "config.h"
#include "report/build.h"
#include "report/inputs.h"
#include "report/plot.h"
#include "model/kv.h"
#include "model/model.h"
#include "core/units.h"

#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#define NMEDIA CB_MEDIUM_COUNT
#define VARS 8192

struct ctx {
	const struct cb_report_opts *o;
	FILE *md;                 /* report.md, or NULL */
	int nplots, rendered, failed, no_gnuplot, ncsv;
	char first_failure[1024];
	char err[4400];
};

static FILE *open_out(struct ctx *c, const char *name)
{
	char path[4096];
	snprintf(path, sizeof path, "%s/%s", c->o->out_dir, name);
	FILE *f = fopen(path, "w");
	if (!f)
		snprintf(c->err, sizeof c->err, "%s: cannot write: %s", path, strerror(errno));
	return f;
}

static int close_out(struct ctx *c, FILE *f, const char *name)
{
	if (fclose(f) != 0) {
		snprintf(c->err, sizeof c->err, "%s/%s: write failed", c->o->out_dir, name);
		return -1;
	}
	return 0;
}

static void md(struct ctx *c, const char *fmt, ...)
{
	if (!c->md)
		return;
	va_list ap;
	va_start(ap, fmt);
	vfprintf(c->md, fmt, ap);
	va_end(ap);
}

/* Append "name=value" gnuplot statements to a buffer. */
static void var(char *buf, const char *fmt, ...)
{
	size_t n = strlen(buf);
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(buf + n, VARS - n, fmt, ap);
	va_end(ap);
	n = strlen(buf);
	if (n + 1 < VARS) {
		buf[n] = '\n';
		buf[n + 1] = '\0';
	}
}

/* A gnuplot word list: each item quoted. */
static void words_add(char *list, size_t len, const char *item)
{
	size_t n = strlen(list);
	snprintf(list + n, len - n, "%s\"%s\"", n ? " " : "", item);
}

/* Line widths and point types per series (NULL: width 2, distinct point types). */
static void style_words(char *vars, int n, const double *w, const int *pt)
{
	static const int pts[] = { 7, 5, 9, 11, 13, 15, 4, 6, 8, 10 };
	char widths[512] = "", points[512] = "", one[32];
	for (int i = 0; i < n; i++) {
		snprintf(one, sizeof one, "%g", w ? w[i] : 2.0);
		words_add(widths, sizeof widths, one);
		snprintf(one, sizeof one, "%d", pt ? pt[i] : pts[i % 10]);
		words_add(points, sizeof points, one);
	}
	var(vars, "widths = '%s'\npoints = '%s'", widths, points);
}

/* Script, render, and the figure in report.md. */
static int plot(struct ctx *c, const char *name, const char *tmpl, const char *vars, const char *caption,
		const char *source)
{
	char msg[1024];
	if (cb_plot_script(c->o->out_dir, name, tmpl, vars, c->err, sizeof c->err) != 0)
		return -1;
	c->nplots++;
	int r = cb_plot_render(c->o->out_dir, name, msg, sizeof msg);
	if (r == 0)
		c->rendered++;
	else if (r == 1)
		c->no_gnuplot = 1;
	else {
		c->failed++;
		if (!c->first_failure[0])
			snprintf(c->first_failure, sizeof c->first_failure, "%s", msg);
	}
	if (r == 0)
		md(c, "![%s](%s.png)\n\n", caption, name);
	else
		md(c, "*(plot not rendered: %s; run `gnuplot %s.gp` in this directory)*\n\n",
		   r == 1 ? "gnuplot was not found on PATH" : "gnuplot failed", name);
	md(c, "*Figure `%s`: %s. Source: %s. Script `%s.gp`, data `%s.dat`%s%s%s.*\n\n", name, caption, source, name,
	   name, r == 0 ? ", vector `" : "", r == 0 ? name : "", r == 0 ? ".svg`" : "");
	return 0;
}

static const char *fmt_size(double b, char *buf, size_t len)
{
	return cb_size_format((uint64_t)b, buf, len);
}

static const char *fmt_time(double us, char *buf, size_t len)
{
	if (!isfinite(us))
		snprintf(buf, len, "-");
	else if (us >= 1e6)
		snprintf(buf, len, "%.3g s", us * 1e-6);
	else if (us >= 1e3)
		snprintf(buf, len, "%.3g ms", us * 1e-3);
	else if (us >= 1)
		snprintf(buf, len, "%.3g us", us);
	else
		snprintf(buf, len, "%.3g ns", us * 1e3);
	return buf;
}

static const char *fmt_power(double w, char *buf, size_t len)
{
	if (w >= 1e6)
		snprintf(buf, len, "%.3g MW", w * 1e-6);
	else if (w >= 1e3)
		snprintf(buf, len, "%.3g kW", w * 1e-3);
	else
		snprintf(buf, len, "%.3g W", w);
	return buf;
}

/* ---------------------------------------------------------------- measured results */

static const char *row_key(json_t *row, int with_type, char *buf, size_t len)
{
	const char *algo = json_string_value(json_object_get(row, "algo"));
	const char *dt = json_string_value(json_object_get(row, "dtype"));
	const char *op = json_string_value(json_object_get(row, "op"));
	if (with_type)
		snprintf(buf, len, "%s %s %s", algo ? algo : "?", dt ? dt : "", op ? op : "");
	else
		snprintf(buf, len, "%s", algo ? algo : "?");
	return buf;
}

/* Distinct series of an input, in order of appearance. */
static int series_of(const struct cb_input *in, char keys[][96], int max, int *with_type)
{
	json_t *rows = json_object_get(in->doc, "rows");
	size_t i;
	json_t *row;
	const char *dt0 = NULL, *op0 = NULL;
	*with_type = 0;
	json_array_foreach(rows, i, row) {
		const char *dt = json_string_value(json_object_get(row, "dtype"));
		const char *op = json_string_value(json_object_get(row, "op"));
		if (i == 0) {
			dt0 = dt;
			op0 = op;
		} else if ((dt && dt0 && strcmp(dt, dt0)) || (op && op0 && strcmp(op, op0)))
			*with_type = 1;
	}
	int n = 0;
	json_array_foreach(rows, i, row) {
		char k[96];
		row_key(row, *with_type, k, sizeof k);
		int j;
		for (j = 0; j < n; j++)
			if (strcmp(keys[j], k) == 0)
				break;
		if (j == n && n < max)
			snprintf(keys[n++], 96, "%s", k);
	}
	return n;
}

static int measured_section(struct ctx *c, const struct cb_inputs *s)
{
	char keys[32][96], name[512], vars[VARS], titles[2048], colors[1024], dashes[256], src[1400], b1[64], b2[64];
	for (int f = 0; f < s->n; f++) {
		const struct cb_input *in = &s->in[f];
		int with_type, nk = series_of(in, keys, 32, &with_type);
		json_t *rows = json_object_get(in->doc, "rows");
		json_t *meta = json_object_get(in->doc, "meta");
		const char *hosts = json_string_value(json_object_get(meta, "hosts"));
		const char *date = json_string_value(json_object_get(meta, "date"));
		const char *cmd = json_string_value(json_object_get(meta, "command"));
		md(c, "### %s: %s, %s fabric, %ld ranks\n\n", in->base, in->kernel, in->fabric, in->ranks);
		md(c, "File `%s`; %s on %s; topology %s; command `%s`.\n\n", in->path, date ? date : "date unknown",
		   hosts ? hosts : "?", in->topo_name ? in->topo_name : "none recorded", cmd ? cmd : "?");
		snprintf(src, sizeof src, "%s %s (`%s`), median over iterations of the maximum over ranks",
			 strcmp(in->fabric, "emulated") == 0 ? "emulated (SimGrid)" : "measured", in->kernel, in->path);

		/* (a) bandwidth and (b) latency, one data file each, a block per series */
		for (int k = 0; k < 2; k++) {
			snprintf(name, sizeof name, "%s-%s", k == 0 ? "a-busbw" : "b-latency", in->base);
			char dat[600];
			snprintf(dat, sizeof dat, "%s.dat", name);
			FILE *d = open_out(c, dat);
			if (!d)
				return -1;
			titles[0] = colors[0] = dashes[0] = '\0';
			for (int j = 0; j < nk; j++) {
				fprintf(d, "# %s: size_bytes %s\n", keys[j], k == 0 ? "busbw_GBps" : "median_us p99_us");
				size_t i;
				json_t *row;
				json_array_foreach(rows, i, row) {
					char kk[96];
					if (strcmp(row_key(row, with_type, kk, sizeof kk), keys[j]) != 0)
						continue;
					const struct cb_meas_row *r = &in->rows[i];
					if (k == 0) {
						double bw = r->busbw_GBps > 0 ? r->busbw_GBps
							    : r->median_us > 0 ? r->bytes / r->median_us * 1e-3 : NAN;
						fprintf(d, "%.0f %.9g\n", r->bytes, bw > 0 ? bw : NAN);
					} else {
						fprintf(d, "%.0f %.9g %.9g\n", r->bytes, r->median_us > 0 ? r->median_us : NAN,
							r->p99_us > 0 ? r->p99_us : NAN);
					}
				}
				fprintf(d, "\n\n");
				words_add(titles, sizeof titles, keys[j]);
				words_add(colors, sizeof colors, cb_plot_color(j));
				words_add(dashes, sizeof dashes, "1");
			}
			if (close_out(c, d, dat) != 0)
				return -1;
			vars[0] = '\0';
			var(vars, "data = '%s'", dat);
			var(vars, "n = %d", nk);
			var(vars, "titles = '%s'", titles);
			var(vars, "colors = '%s'", colors);
			var(vars, "dashes = '%s'", dashes);
			style_words(vars, nk, NULL, NULL);
			var(vars, "xlabel = 'message size (bytes%s)'", strcmp(in->kernel, "alltoall") == 0 ? " sent per rank"
								   : strcmp(in->kernel, "allreduce") == 0 ? " per rank"
													    : "");
			if (k == 0) {
				var(vars, "ptitle = '%s %s, %ld ranks: %s bandwidth vs size (%s)'", in->fabric, in->kernel,
				    in->ranks, in->rows[0].busbw_GBps > 0 ? "bus" : "algorithm", in->base);
				var(vars, "ylabel = '%s (GB/s, 1 GB = 10^9 B)'",
				    in->rows[0].busbw_GBps > 0 ? "bus bandwidth" : "bandwidth");
				var(vars, "logx = 2\nlogy = 10\nxfmt = '%%.0b%%B'\nyfmt = '%%g'\nkeypos = 'top left'");
				plot(c, name, "series", vars, "bandwidth against message size, one curve per algorithm", src);
			} else {
				var(vars, "ptitle = '%s %s, %ld ranks: latency p50 and p99 vs size (%s)'", in->fabric,
				    in->kernel, in->ranks, in->base);
				var(vars, "ylabel = 'time per operation (us)'");
				plot(c, name, "band", vars, "median time with the p99 as a band, one curve per algorithm", src);
			}
		}
		if (!c->md)
			continue;
		/* table: one line per size, p50 / p99 / busbw per series */
		md(c, "| size |");
		for (int j = 0; j < nk; j++)
			md(c, " %s p50 | p99 | busbw (GB/s) |", keys[j]);
		md(c, "\n|---:|");
		for (int j = 0; j < nk; j++)
			md(c, "---:|---:|---:|");
		md(c, "\n");
		double last = -1;
		for (int i = 0; i < in->nrows; i++) {
			if (in->rows[i].bytes == last)
				continue;
			last = in->rows[i].bytes;
			md(c, "| %s |", fmt_size(last, b1, sizeof b1));
			for (int j = 0; j < nk; j++) {
				int hit = -1;
				for (int r = 0; r < in->nrows; r++) {
					char kk[96];
					if (in->rows[r].bytes == last &&
					    strcmp(row_key(json_array_get(rows, (size_t)r), with_type, kk, sizeof kk), keys[j]) == 0)
						hit = r;
				}
				if (hit < 0)
					md(c, " | | |");
				else
					md(c, " %s | %s | %.3g |", fmt_time(in->rows[hit].median_us, b1, sizeof b1),
					   fmt_time(in->rows[hit].p99_us, b2, sizeof b2), in->rows[hit].busbw_GBps);
			}
			md(c, "\n");
		}
		md(c, "\n");
	}
	return 0;
}

/* ---------------------------------------------------------------- model checks */

static int checks_section(struct ctx *c, const struct cb_inputs *s)
{
	char name[512], dat[600], vars[VARS], titles[2048], colors[1024], kinds[1024], b1[64], b2[64], b3[64];
	int any = 0;
	if (s->have_calib) {
		md(c, "Ping-pong fit from `%s` (least squares on relative error, `T(n) = alpha + n / B`):\n\n",
		   s->calib_from);
		md(c, "| tier | alpha | B (GB/s) | points | largest error of the fit |\n|---|---:|---:|---:|---:|\n");
		for (int k = 0; k < s->calib.ntiers; k++)
			md(c, "| %s | %s | %.3g | %d | %.1f %% |\n", s->calib.tier_name[k],
			   fmt_time(s->calib.fit[k].alpha_s * 1e6, b1, sizeof b1),
			   s->calib.fit[k].beta_Bps * 1e-9, s->calib.fit[k].points, 100 * s->calib.fit[k].max_rel_residual);
		md(c, "\nExact values: `calibration.csv`.\n\n");
		FILE *cal = open_out(c, "calibration.csv");
		if (!cal)
			return -1;
		fprintf(cal, "source,tier,alpha_s,bandwidth_Bps,points,max_rel_err\n");
		for (int k = 0; k < s->calib.ntiers; k++)
			fprintf(cal, "%s,%s,%.9g,%.9g,%d,%.6g\n", s->calib_from, s->calib.tier_name[k], s->calib.fit[k].alpha_s,
				s->calib.fit[k].beta_Bps, s->calib.fit[k].points, s->calib.fit[k].max_rel_residual);
		if (close_out(c, cal, "calibration.csv") != 0)
			return -1;
		c->ncsv++;
	} else {
		md(c, "No ping-pong result was given, so the model was **not calibrated** against this machine and "
		      "measured results are shown without a model comparison.\n\n");
	}
	FILE *csv = open_out(c, "model-check.csv");
	if (!csv)
		return -1;
	fprintf(csv, "file,fabric,kernel,ranks,algo,model_algo,bytes,observed_us,model_us,error_pct\n");
	for (int f = 0; f < s->n; f++) {
		const struct cb_input *in = &s->in[f];
		if (in->nchecks == 0) {
			if (strcmp(in->kernel, "pingpong") != 0)
				md(c, "- `%s` (%s %s): not compared with the model: %s.\n", in->base, in->fabric, in->kernel,
				   in->no_check_why);
			continue;
		}
		any = 1;
		double med, mx;
		cb_checks_summary(in->checks, in->nchecks, &med, &mx);
		md(c, "#### `%s`: %s %s against the model\n\n%s. Median |error| %.1f %%, largest %.1f %% over %d rows.\n\n",
		   in->base, in->fabric, in->kernel, in->check_how, 100 * med, 100 * mx, in->nchecks);
		snprintf(name, sizeof name, "c-check-%s", in->base);
		snprintf(dat, sizeof dat, "%s.dat", name);
		FILE *d = open_out(c, dat);
		if (!d) {
			fclose(csv);
			return -1;
		}
		titles[0] = colors[0] = kinds[0] = '\0';
		int nser = 0;
		for (int i = 0; i < in->nchecks; i++) {
			int seen = 0;
			for (int j = 0; j < i; j++)
				if (strcmp(in->checks[j].algo, in->checks[i].algo) == 0)
					seen = 1;
			if (seen)
				continue;
			fprintf(d, "# %s (model: %s): size observed_us model_us error_pct\n", in->checks[i].algo,
				in->checks[i].model_algo);
			for (int j = i; j < in->nchecks; j++)
				if (strcmp(in->checks[j].algo, in->checks[i].algo) == 0)
					fprintf(d, "%.0f %.9g %.9g %.6g\n", in->checks[j].bytes, in->checks[j].measured_us,
						in->checks[j].model_us, 100 * in->checks[j].err);
			fprintf(d, "\n\n");
			words_add(titles, sizeof titles, in->checks[i].algo);
			words_add(colors, sizeof colors, cb_plot_color(nser));
			words_add(kinds, sizeof kinds, strcmp(in->fabric, "emulated") == 0 ? "emulated" : "measured");
			nser++;
		}
		if (close_out(c, d, dat) != 0) {
			fclose(csv);
			return -1;
		}
		vars[0] = '\0';
		var(vars, "data = '%s'\nn = %d\ntitles = '%s'\ncolors = '%s'\nkinds = '%s'", dat, nser, titles, colors,
		    kinds);
		var(vars, "ptitle = '%s %s, %ld ranks: %s vs model'", in->fabric, in->kernel, in->ranks,
		    strcmp(in->fabric, "emulated") == 0 ? "emulated" : "measured");
		char src[1600];
		snprintf(src, sizeof src, "`%s` and the model (docs/model.md): %s", in->path, in->check_how);
		plot(c, name, "check", vars, "observed time, model time and the model's error per size", src);
		md(c, "| size | algorithm | %s | model (%s) | error |\n|---:|---|---:|---|---:|\n",
		   strcmp(in->fabric, "emulated") == 0 ? "emulated" : "measured", "algorithm used");
		for (int i = 0; i < in->nchecks; i++) {
			const struct cb_check *k = &in->checks[i];
			md(c, "| %s | %s | %s | %s (%s) | %+.1f %% |\n", fmt_size(k->bytes, b1, sizeof b1), k->algo,
			   fmt_time(k->measured_us, b2, sizeof b2), fmt_time(k->model_us, b3, sizeof b3), k->model_algo,
			   100 * k->err);
			fprintf(csv, "%s,%s,%s,%ld,%s,%s,%.0f,%.9g,%.9g,%.6g\n", in->path, in->fabric, in->kernel, in->ranks,
				k->algo, k->model_algo, k->bytes, k->measured_us, k->model_us, 100 * k->err);
		}
		md(c, "\n");
	}
	if (close_out(c, csv, "model-check.csv") != 0)
		return -1;
	c->ncsv++;
	if (!any)
		md(c, "\nNo result file could be compared with the model: every projection below is **unchecked**.\n\n");
	return any;
}

/* ---------------------------------------------------------------- projections */

/* Fastest model algorithm of a kernel; *algo set to its name. */
static double fastest(const struct cb_model *m, const char *kernel, double n, const char **algo,
		      struct cb_model_cost *best)
{
	double t = INFINITY;
	for (int a = 0; a < CB_ALGO_PINGPONG; a++) {
		struct cb_model_cost cost;
		if (strcmp(cb_model_algo_kernel(a), kernel) != 0)
			continue;
		cb_model_cost(m, (enum cb_model_algo)a, n, &cost);
		if (cost.time_s < t) {
			t = cost.time_s;
			*algo = cb_model_algo_name(a);
			if (best)
				*best = cost;
		}
	}
	return t;
}

/* Energy of an operation in the tiers above the innermost: the part the optics choice changes. */
static double outer_energy(const struct cb_model *m, const struct cb_model_cost *cost)
{
	double e = 0;
	for (int i = 1; i < m->ntiers; i++)
		e += cost->tier_bytes[i] * 8.0 * cb_model_tier_j_per_bit(m, i);
	return e;
}

struct proj {
	const struct cb_topo *topo, *scaleout;
	long gpus[CB_MODEL_MAX_TIERS * 4 + 32];
	int ngpus;
};

static int proj_init(struct ctx *c, const struct proj *p, struct cb_model *m, long gpus, int optics)
{
	return cb_model_init_joined(m, p->topo, p->scaleout, gpus, optics, cb_model_default_tier_mask(p->topo), c->err,
				    sizeof c->err);
}

/* The projected job at one GPU count and medium: fastest algorithms, power, reliability, reach. */
struct gpu_point {
	const char *ar_algo, *a2a_algo;
	double ar_s, a2a_s;
	struct cb_model_cost ar_cost;  /* of the fastest all-reduce */
	struct cb_model_power pw;
	struct cb_model_rel rel;
	struct cb_model_reach reach;
};

static int gpu_point(struct ctx *c, const struct proj *p, struct cb_model *m, long gpus, int optics,
		     struct gpu_point *pt)
{
	if (proj_init(c, p, m, gpus, optics) != 0)
		return -1;
	pt->ar_algo = pt->a2a_algo = "";
	pt->ar_s = fastest(m, "allreduce", (double)c->o->allreduce_bytes, &pt->ar_algo, &pt->ar_cost);
	pt->a2a_s = fastest(m, "alltoall", (double)c->o->alltoall_bytes, &pt->a2a_algo, NULL);
	cb_model_power(m, &pt->pw);
	cb_model_reliability(m, &pt->rel);
	cb_model_reach(m, &pt->reach);
	return 0;
}

/* A plot against GPU count: the settings all three share (common, a format taking the data file), then its own. */
static void gpus_plot(struct ctx *c, const char *common, int nseries, const char *name, const char *own,
		      const char *caption, const char *source)
{
	char vars[VARS] = "", dat[128];
	snprintf(dat, sizeof dat, "%s.dat", name);
	var(vars, common, dat);
	style_words(vars, nseries, NULL, NULL);
	var(vars, "%s", own);
	plot(c, name, "series", vars, caption, source);
}

static int projection_section(struct ctx *c, const struct proj *p, const char *checked)
{
	const struct cb_report_opts *o = c->o;
	char vars[VARS], titles[2048], colors[1024], dashes[256], dat[256], b1[64], b2[64], b3[64], src[1024];
	struct cb_model m;
	long p0 = p->topo->endpoints >= 2 ? p->topo->endpoints : p->topo->tier[p->topo->ntiers - 1].group_size;
	md(c, "Topology `%s` (%s; file `%s`, sha256 %.12s...), optics applied to every tier but the innermost. "
	      "Model check: %s.\n\n",
	   p->topo->name, p->topo->description, p->topo->path[0] ? p->topo->path : "(built in)", p->topo->sha256,
	   checked);
	snprintf(src, sizeof src, "model (docs/model.md) on `%s` with the media table below; %s", p->topo->name, checked);

	/* (d) time against size per medium, at the topology's size, fastest algorithm */
	const char *kernels[2] = { "allreduce", "alltoall" };
	for (int k = 0; k < 2; k++) {
		snprintf(dat, sizeof dat, "d-%s-size.dat", kernels[k]);
		FILE *d = open_out(c, dat);
		if (!d)
			return -1;
		titles[0] = colors[0] = dashes[0] = '\0';
		for (int i = 0; i < o->noptics; i++) {
			if (proj_init(c, p, &m, p0, o->optics[i]) != 0) {
				fclose(d);
				return -1;
			}
			struct cb_model_reach reach;
			cb_model_reach(&m, &reach);
			fprintf(d, "# %s: size_bytes time_us algorithm\n", cb_medium_name(o->optics[i]));
			for (double n = 8; n <= 1073741824.0; n *= 2) {
				const char *a = "";
				fprintf(d, "%.0f %.9g %s\n", n, fastest(&m, kernels[k], n, &a, NULL) * 1e6, a);
			}
			fprintf(d, "\n\n");
			char tt[96];
			snprintf(tt, sizeof tt, "%s%s", cb_medium_name(o->optics[i]), reach.all_ok ? "" : " (cable beyond reach)");
			words_add(titles, sizeof titles, tt);
			words_add(colors, sizeof colors, cb_plot_medium_color(o->optics[i]));
			words_add(dashes, sizeof dashes, reach.all_ok ? "1" : "2");
		}
		if (close_out(c, d, dat) != 0)
			return -1;
		vars[0] = '\0';
		var(vars, "data = '%s'\nn = %d\ntitles = '%s'\ncolors = '%s'\ndashes = '%s'", dat, o->noptics, titles,
		    colors, dashes);
		style_words(vars, o->noptics, NULL, NULL);
		var(vars, "ptitle = 'Projected %s time on %s, %ld GPUs, per medium (fastest algorithm)'", kernels[k],
		    p->topo->name, p0);
		var(vars, "xlabel = 'message size (bytes%s)'\nylabel = 'time per operation (us)'",
		    k ? " sent per GPU" : " per GPU");
		var(vars, "logx = 2\nlogy = 10\nxfmt = '%%.0b%%B'\nyfmt = '%%g'\nkeypos = 'top left'");
		char name[64];
		snprintf(name, sizeof name, "d-%s-size", kernels[k]);
		plot(c, name, "series", vars, k ? "projected all-to-all time against size, one curve per medium"
						: "projected all-reduce time against size, one curve per medium",
		     src);
	}

	/* (e, f) against GPU count: all-reduce time, energy per operation, network power */
	FILE *csv = open_out(c, "projection-gpus.csv");
	if (!csv)
		return -1;
	fprintf(csv, "medium,gpus,allreduce_bytes,allreduce_algo,allreduce_us,energy_J,energy_outside_innermost_J,"
		     "alltoall_bytes,alltoall_algo,alltoall_us,port_W,switch_W,power_W,link_failures_per_day,"
		     "job_interruptions_per_day,reach_ok\n");
	FILE *df = open_out(c, "f-allreduce-gpus.dat"), *de = open_out(c, "e-energy-gpus.dat"),
	     *dp = open_out(c, "e-power-gpus.dat");
	if (!df || !de || !dp) {
		fclose(csv);
		return -1;
	}
	titles[0] = colors[0] = dashes[0] = '\0';
	for (int i = 0; i < o->noptics; i++) {
		const char *mname = cb_medium_name(o->optics[i]);
		long first_bad = 0;
		fprintf(df, "# %s: gpus time_us algorithm\n", mname);
		fprintf(de, "# %s: gpus energy_J_per_allreduce_outside_the_innermost_tier total_J\n", mname);
		fprintf(dp, "# %s: gpus network_power_MW\n", mname);
		for (int g = 0; g < p->ngpus; g++) {
			struct gpu_point pt;
			if (gpu_point(c, p, &m, p->gpus[g], o->optics[i], &pt) != 0) {
				fclose(csv);
				return -1;
			}
			if (!pt.reach.all_ok && !first_bad)
				first_bad = p->gpus[g];
			fprintf(df, "%ld %.9g %s\n", p->gpus[g], pt.ar_s * 1e6, pt.ar_algo);
			double eo = outer_energy(&m, &pt.ar_cost);
			fprintf(de, "%ld %.9g %.9g\n", p->gpus[g], eo > 0 ? eo : NAN, pt.ar_cost.energy_j);
			fprintf(dp, "%ld %.9g\n", p->gpus[g], pt.pw.total_w * 1e-6);
			fprintf(csv, "%s,%ld,%llu,%s,%.9g,%.9g,%.9g,%llu,%s,%.9g,%.9g,%.9g,%.9g,%.9g,%.9g,%d\n", mname,
				p->gpus[g], (unsigned long long)o->allreduce_bytes, pt.ar_algo, pt.ar_s * 1e6,
				pt.ar_cost.energy_j, eo, (unsigned long long)o->alltoall_bytes, pt.a2a_algo, pt.a2a_s * 1e6,
				pt.pw.port_w, pt.pw.switch_w, pt.pw.total_w, pt.rel.link_failures_per_day,
				pt.rel.job_interruptions_per_day, pt.reach.all_ok);
		}
		fprintf(df, "\n\n");
		fprintf(de, "\n\n");
		fprintf(dp, "\n\n");
		char tt[128];
		if (first_bad)
			snprintf(tt, sizeof tt, "%s (cable beyond reach from %ld GPUs)", mname, first_bad);
		else
			snprintf(tt, sizeof tt, "%s", mname);
		words_add(titles, sizeof titles, tt);
		words_add(colors, sizeof colors, cb_plot_medium_color(o->optics[i]));
		words_add(dashes, sizeof dashes, first_bad ? "2" : "1");
	}
	if (close_out(c, csv, "projection-gpus.csv") || close_out(c, df, "f-allreduce-gpus.dat") ||
	    close_out(c, de, "e-energy-gpus.dat") || close_out(c, dp, "e-power-gpus.dat"))
		return -1;
	c->ncsv++;
	const char *grow = "";
	const struct cb_tier *outer = &p->topo->tier[p->topo->ntiers - 1];
	char growbuf[512];
	if (p->gpus[p->ngpus - 1] > outer->group_size) {
		if (p->scaleout && strcmp(outer->network, p->topo->tier[0].network) == 0)
			snprintf(growbuf, sizeof growbuf, "; beyond %ld GPUs the domains are joined by the tiers of `%s`",
				 outer->group_size, p->scaleout->name);
		else
			snprintf(growbuf, sizeof growbuf, "; beyond %ld GPUs tier `%s` is replicated (+2 hops per level)",
				 outer->group_size, outer->name);
		grow = growbuf;
	}
	char common[2048];
	char xt[1024] = "";
	for (int g = 0; g < p->ngpus; g += 3)
		snprintf(xt + strlen(xt), sizeof xt - strlen(xt), "%s'%ld' %ld", g ? ", " : "", p->gpus[g], p->gpus[g]);
	if ((p->ngpus - 1) % 3)
		snprintf(xt + strlen(xt), sizeof xt - strlen(xt), ", '%ld' %ld", p->gpus[p->ngpus - 1],
			 p->gpus[p->ngpus - 1]);
	snprintf(common, sizeof common, "data = '%%s'\nn = %d\ntitles = '%s'\ncolors = '%s'\ndashes = '%s'\n"
					"xlabel = 'GPUs'\nlogx = 2\nxfmt = '%%%%.0f'\nyfmt = '%%%%g'\n"
					"keypos = 'top left'\nextra = \"set xtics (%s) rotate by -30; set rmargin 8\"",
		 o->noptics, titles, colors, dashes, xt);
	char s2[2048];
	snprintf(s2, sizeof s2, "%s%s", src, grow);
	char own[1024];
	snprintf(own, sizeof own,
		 "logy = 0\nextra = extra.'; set yrange [0:*]'\n"
		 "ptitle = 'All-reduce of %s per GPU on %s, %ld to %ld GPUs, per medium (fastest algorithm)'\n"
		 "ylabel = 'time per operation (us)'",
		 fmt_size((double)o->allreduce_bytes, b1, sizeof b1), p->topo->name, p->gpus[0], p->gpus[p->ngpus - 1]);
	gpus_plot(c, common, o->noptics, "f-allreduce-gpus", own,
		  "projected all-reduce time against GPU count, one curve per medium", s2);
	snprintf(own, sizeof own,
		 "logy = 10\nptitle = 'Network energy of one all-reduce of %s per GPU on %s, outside the %s tier'\n"
		 "ylabel = 'energy per operation (J), tiers the optics change'",
		 fmt_size((double)o->allreduce_bytes, b1, sizeof b1), p->topo->name, p->topo->tier[0].name);
	gpus_plot(c, common, o->noptics, "e-energy-gpus", own,
		  "network energy per all-reduce spent outside the innermost tier (the part the optics change; the "
		  "total, innermost tier included, is in the table and projection-gpus.csv), against GPU count, per medium",
		  s2);
	snprintf(own, sizeof own,
		 "logy = 10\nptitle = 'Network power of the cluster (%s): ports and switch ASICs at full load'\n"
		 "ylabel = 'network power (MW)'",
		 p->topo->name);
	gpus_plot(c, common, o->noptics, "e-power-gpus", own, "network power against GPU count, per medium", s2);

	/* table at a few GPU counts */
	md(c, "| medium | GPUs | all-reduce %s | energy/op (outside innermost) | all-to-all %s | network power | "
	      "link failures/day | job interruptions/day | reach |\n|---|---:|---:|---:|---:|---:|---:|---:|---|\n",
	   fmt_size((double)o->allreduce_bytes, b1, sizeof b1), fmt_size((double)o->alltoall_bytes, b2, sizeof b2));
	for (int i = 0; i < o->noptics; i++)
		for (int g = 0; g < p->ngpus; g++) {
			if (!(g == 0 || g == p->ngpus - 1 || p->gpus[g] == p0 || (g % 4 == 0)))
				continue;
			struct gpu_point pt;
			if (gpu_point(c, p, &m, p->gpus[g], o->optics[i], &pt) != 0)
				return -1;
			md(c, "| %s | %ld | %s (%s) | %.3g J (%.3g J) | %s (%s) | %s | %.3g | %.3g | %s |\n",
			   cb_medium_name(o->optics[i]), p->gpus[g], fmt_time(pt.ar_s * 1e6, b1, sizeof b1), pt.ar_algo,
			   pt.ar_cost.energy_j, outer_energy(&m, &pt.ar_cost), fmt_time(pt.a2a_s * 1e6, b2, sizeof b2),
			   pt.a2a_algo, fmt_power(pt.pw.total_w, b3, sizeof b3), pt.rel.link_failures_per_day,
			   pt.rel.job_interruptions_per_day, pt.reach.all_ok ? "ok" : "**NO**");
		}
	md(c, "\nAll rows: `projection-gpus.csv`. Source: %s%s.\n\n", src, grow);
	return 0;
}

/* (g) KV-cache exposed latency against context length. */
static int kv_section(struct ctx *c, const struct proj *p)
{
	const struct cb_report_opts *o = c->o;
	const struct cb_kv_preset *pre = cb_kv_preset_find(o->kv_model);
	char vars[VARS], titles[2048], colors[1024], dashes[256], b1[64], b2[64];
	struct cb_model m;
	struct cb_kv_params kp = { .preset = pre, .dtype_bytes = 2, .tp = 8, .prefill_flops = 36e12 };
	long gp = p->topo->ntiers > 1 ? p->topo->tier[1].group_size : 2 * p->topo->tier[0].group_size;
	struct {
		const char *title;
		int optics, tier;
		const char *color;
	} cases[3] = {
		{ "P/D in one NVLink domain", CB_MODEL_OPTICS_ASIS, 0, cb_plot_medium_color(CB_MEDIUM_COPPER) },
		{ "across scale-out, pluggable", CB_MEDIUM_PLUGGABLE, 1, cb_plot_medium_color(CB_MEDIUM_PLUGGABLE) },
		{ "across scale-out, CPO", CB_MEDIUM_CPO, 1, cb_plot_medium_color(CB_MEDIUM_CPO) },
	};
	FILE *d = open_out(c, "g-kvcache.dat");
	if (!d)
		return -1;
	titles[0] = colors[0] = dashes[0] = '\0';
	md(c, "Model `%s` (%.0f B/token in bf16), TP %d: each of the 8 ranks sends its shard, one message per layer, "
	      "across the tier named; prefill clock %.0f TFLOP/s per GPU. *bulk*: sent after prefill; *layer*: layer by "
	      "layer during prefill (docs/model.md section 4).\n\n",
	   pre->name, cb_kv_bytes_per_token(pre, 2), kp.tp, kp.prefill_flops * 1e-12);
	md(c, "| context | KV bytes | prefill |");
	for (int k = 0; k < 3; k++)
		md(c, " %s: bulk | layer |", cases[k].title);
	md(c, "\n|---:|---:|---:|");
	for (int k = 0; k < 3; k++)
		md(c, "---:|---:|");
	md(c, "\n");
	double vals[3][2][8];
	double ctx[8];
	int nctx = 0;
	for (int k = 0; k < 3; k++)
		for (int sch = 0; sch < 2; sch++) {
			if (proj_init(c, p, &m, gp, cases[k].optics) != 0) {
				fclose(d);
				return -1;
			}
			int tier = cases[k].tier < m.ntiers ? cases[k].tier : m.ntiers - 1;
			fprintf(d, "# %s, %s: context_tokens exposed_ms\n", cases[k].title, sch ? "layer" : "bulk");
			nctx = 0;
			for (double t = 1024; t <= 131072; t *= 2) {
				struct cb_kv_cost kc;
				cb_kv_cost(&m, tier, &kp, t, &kc);
				double e = sch ? kc.exposed_layer_s : kc.exposed_bulk_s;
				fprintf(d, "%.0f %.9g\n", t, e * 1e3);
				if ((long)t % 4096 == 0 || t == 1024) {
					if (nctx < 8) {
						vals[k][sch][nctx] = e;
						ctx[nctx] = t;
					}
					nctx++;
				}
			}
			fprintf(d, "\n\n");
			char tt[160];
			snprintf(tt, sizeof tt, "%s, %s", cases[k].title, sch ? "layer-wise" : "bulk");
			words_add(titles, sizeof titles, tt);
			words_add(colors, sizeof colors, cases[k].color);
			words_add(dashes, sizeof dashes, sch ? "2" : "1");
		}
	if (close_out(c, d, "g-kvcache.dat") != 0)
		return -1;
	if (nctx > 8)
		nctx = 8;
	for (int i = 0; i < nctx; i++) {
		struct cb_kv_cost kc;
		if (proj_init(c, p, &m, gp, CB_MODEL_OPTICS_ASIS) != 0)
			return -1;
		cb_kv_cost(&m, 0, &kp, ctx[i], &kc);
		md(c, "| %.0fk | %s | %s |", ctx[i] / 1024, fmt_size(kc.bytes, b1, sizeof b1),
		   fmt_time(kc.prefill_s * 1e6, b2, sizeof b2));
		for (int k = 0; k < 3; k++)
			md(c, " %s | %s |", fmt_time(vals[k][0][i] * 1e6, b1, sizeof b1),
			   fmt_time(vals[k][1][i] * 1e6, b2, sizeof b2));
		md(c, "\n");
	}
	md(c, "\n");
	vars[0] = '\0';
	var(vars, "data = 'g-kvcache.dat'\nn = 6\ntitles = '%s'\ncolors = '%s'\ndashes = '%s'", titles, colors, dashes);
	/* pluggable and CPO differ by nanoseconds: pluggable wide underneath so that both stay visible */
	static const double kw[6] = { 2, 2, 6, 6, 2, 2 };
	static const int kpt[6] = { 7, 7, 5, 5, 9, 9 };
	style_words(vars, 6, kw, kpt);
	var(vars, "ptitle = 'KV-cache transfer left exposed after prefill: %s, TP %d (%s)'", pre->name, kp.tp,
	    p->topo->name);
	var(vars, "xlabel = 'context length (tokens)'\nylabel = 'exposed latency (ms)'\nlogx = 2\nlogy = 10\n"
		  "xfmt = '%%.0b%%B'\nyfmt = '%%g'\nkeypos = 'top left'");
	char src[512];
	snprintf(src, sizeof src, "model (docs/model.md section 4) on `%s`; presets from the KV-cache reference notes, "
				  "not checked against a kvcache measurement",
		 p->topo->name);
	return plot(c, "g-kvcache", "series", vars,
		    "exposed KV-cache latency against context length: one NVLink domain vs pluggable vs CPO scale-out", src);
}

/* (h) reach against lane rate per medium, with every tier's cable. */
static int reach_section(struct ctx *c, const struct cb_topo *const *topos, int ntopos)
{
	const struct cb_topo *t = topos[0];
	char vars[VARS], titles[1024], colors[512];
	FILE *d = open_out(c, "h-reach.dat");
	if (!d)
		return -1;
	titles[0] = colors[0] = '\0';
	for (int m = 0; m < NMEDIA; m++) {
		const struct cb_media *md_ = &t->media[m];
		/* equal reaches would hide each other: each medium sits a few percent to the side */
		double shift = 1.0 + 0.03 * (m - NMEDIA / 2);
		fprintf(d, "# %s: lane_Gbps (x %.2f, shifted for visibility) reach_m\n", cb_medium_name(m), shift);
		for (int k = 0; k < md_->nreach; k++)
			fprintf(d, "%g %g\n", md_->reach[k].lane_gbps * shift, md_->reach[k].reach_m);
		fprintf(d, "\n\n");
		words_add(titles, sizeof titles, cb_medium_name(m));
		words_add(colors, sizeof colors, cb_plot_medium_color(m));
	}
	fprintf(d, "# tiers: lane_Gbps cable_m label (tiers with the same point share one label)\n");
	md(c, "| topology | tier | medium (ends) | lane rate | longest cable | reach | feasible |\n"
	      "|---|---|---|---:|---:|---:|---|\n");
	struct {
		double lane, cable;
		char label[512];
	} pts[32];
	int npts = 0;
	for (int k = 0; k < ntopos; k++)
		for (int i = 0; i < topos[k]->ntiers; i++) {
			const struct cb_tier *T = &topos[k]->tier[i];
			double reach, lane = T->lane_gbps > 0 ? T->lane_gbps : 200;
			int ok = cb_tier_reach_ok(topos[k], i, &reach);
			md(c, "| %s | %s | %s%s%s | %g Gb/s | %g m | %g m | %s |\n", topos[k]->name, T->name,
			   cb_medium_name(T->lower_medium), T->lower_medium != T->medium ? " / " : "",
			   T->lower_medium != T->medium ? cb_medium_name(T->medium) : "", T->lane_gbps, T->cable_m, reach,
			   ok ? "yes" : "**no**");
			if (!(T->cable_m > 0))
				continue;
			int j;
			for (j = 0; j < npts; j++)
				if (pts[j].lane == lane && pts[j].cable == T->cable_m)
					break;
			if (j == npts) {
				if (npts == 32)
					continue;
				pts[npts].lane = lane;
				pts[npts].cable = T->cable_m;
				pts[npts].label[0] = '\0';
				npts++;
			}
			size_t l = strlen(pts[j].label);
			snprintf(pts[j].label + l, sizeof pts[j].label - l, "%s%s/%s (%s)", l ? ", " : "", topos[k]->name,
				 T->name, cb_medium_name(T->medium));
		}
	for (int j = 0; j < npts; j++)
		fprintf(d, "%g %g \"%s\"\n", pts[j].lane, pts[j].cable, pts[j].label);
	fprintf(d, "\n\n");
	if (close_out(c, d, "h-reach.dat") != 0)
		return -1;
	md(c, "\nCopper at 200 Gb/s per lane: %g m (media table); the same row at 100 Gb/s: %g m.\n\n",
	   cb_media_reach_m(&t->media[CB_MEDIUM_COPPER], 200, NULL), cb_media_reach_m(&t->media[CB_MEDIUM_COPPER], 100, NULL));
	vars[0] = '\0';
	var(vars, "data = 'h-reach.dat'\nn = %d\ntitles = '%s'\ncolors = '%s'", NMEDIA, titles, colors);
	var(vars, "ptitle = 'Reach per medium against lane rate, and each tier''s longest cable'");
	return plot(c, "h-reach", "reach", vars, "reach of each medium at each lane rate, with the tiers' cable lengths",
		    "media table (`cpobench-report topo`; media-and-systems.md section 3) and the topology files' cable "
		    "lengths");
}

/* (i) the same 576-GPU job: 8 x NVL72 + pluggable or CPO scale-out vs one NVL576 domain. */
static int headline_section(struct ctx *c, const struct proj *p)
{
	(void)p;
	const struct cb_report_opts *o = c->o;
	const char *names[3] = { "rubin-ultra-nvl576-hybrid", "gb200-nvl72-pluggable", "gb200-nvl72-cpo" };
	struct cb_topo *t = calloc(3, sizeof *t), *rack = calloc(1, sizeof *rack), *so = calloc(2, sizeof *so);
	int rc = -1;
	char b1[64], b2[64], hb[8][64], vars[VARS];
	for (int i = 0; i < 3; i++)
		if (cb_topo_load(names[i], &t[i], c->err, sizeof c->err) != 0)
			goto out;
	/* 8 racks of the NVL576's own rack tier, joined by the GB200 files' scale-out tiers. */
	*rack = t[0];
	rack->ntiers = 1;
	for (int k = 0; k < 2; k++) {
		so[k] = t[1 + k];
		memmove(so[k].tier, so[k].tier + 1, sizeof so[k].tier[0] * (size_t)(so[k].ntiers - 1));
		so[k].ntiers--;
	}
	struct {
		const char *title, *color;
		struct cb_model m;
	} cfg[3] = { { "8 x NVL72 + pluggable scale-out", cb_plot_medium_color(CB_MEDIUM_PLUGGABLE), { 0 } },
		     { "8 x NVL72 + CPO scale-out", cb_plot_medium_color(CB_MEDIUM_CPO), { 0 } },
		     { "one NVL576 (copper in rack, CPO between racks)", "#6a3d9a", { 0 } } };
	if (cb_model_init_joined(&cfg[0].m, rack, &so[0], 576, CB_MODEL_OPTICS_ASIS, 0, c->err, sizeof c->err) ||
	    cb_model_init_joined(&cfg[1].m, rack, &so[1], 576, CB_MODEL_OPTICS_ASIS, 0, c->err, sizeof c->err) ||
	    cb_model_init(&cfg[2].m, &t[0], 576, CB_MODEL_OPTICS_ASIS, 0, c->err, sizeof c->err))
		goto out;
	struct cb_kv_params kp = { .preset = cb_kv_preset_find(o->kv_model), .dtype_bytes = 2, .tp = 8,
				   .prefill_flops = 36e12 };
	enum { AR, A2A, KV, EN, ENO, PW, FAIL, NMET };
	const char *metric[NMET] = { "all-reduce time", "all-to-all time", "KV transfer time", "energy per all-reduce",
				     "of it outside the rack", "network power", "link failures/day" };
	double v[3][NMET];
	const char *algo[3][2];
	for (int k = 0; k < 3; k++) {
		struct cb_model_cost cost;
		struct cb_model_power pw;
		struct cb_model_rel rel;
		struct cb_kv_cost kc;
		v[k][AR] = fastest(&cfg[k].m, "allreduce", (double)o->allreduce_bytes, &algo[k][0], &cost) * 1e6;
		v[k][EN] = cost.energy_j;
		v[k][ENO] = outer_energy(&cfg[k].m, &cost);
		v[k][A2A] = fastest(&cfg[k].m, "alltoall", (double)o->alltoall_bytes, &algo[k][1], NULL) * 1e6;
		cb_kv_cost(&cfg[k].m, 1, &kp, (double)o->kv_tokens, &kc);
		v[k][KV] = kc.transfer_s * 1e6;
		cb_model_power(&cfg[k].m, &pw);
		v[k][PW] = pw.total_w;
		cb_model_reliability(&cfg[k].m, &rel);
		v[k][FAIL] = rel.link_failures_per_day;
	}
	FILE *d = open_out(c, "i-headline.dat"), *csv = open_out(c, "headline.csv");
	if (!d || !csv)
		goto out;
	fprintf(d, "# metric  relative value per configuration (first = 1)\n");
	fprintf(csv, "metric,unit,%s,%s,%s\n", cfg[0].title, cfg[1].title, cfg[2].title);
	const char *unit[NMET] = { "us", "us", "us", "J", "J", "W", "per day" };
	for (int j = 0; j < NMET; j++) {
		fprintf(d, "\"%s\"", metric[j]);
		fprintf(csv, "%s,%s", metric[j], unit[j]);
		for (int k = 0; k < 3; k++) {
			fprintf(d, " %.6g", v[0][j] > 0 ? v[k][j] / v[0][j] : NAN);
			fprintf(csv, ",%.9g", v[k][j]);
		}
		fprintf(d, "\n");
		fprintf(csv, "\n");
	}
	if (close_out(c, d, "i-headline.dat") || close_out(c, csv, "headline.csv"))
		goto out;
	c->ncsv++;
	double a_pl = cfg[0].m.t[1].alpha_s, a_cpo = cfg[1].m.t[1].alpha_s;
	md(c, "The same 576-GPU job three ways, with the same rack (the NVL576 file's copper NVLink rack of 72 GPUs at "
	      "%.0f GB/s per direction): 8 racks joined by the GB200 files' scale-out (leaf/spine, pluggable or CPO "
	      "switches), or the 8 racks as one NVLink domain with CPO between racks. All-reduce of %s and all-to-all "
	      "of %s per GPU (fastest model algorithm), one %s request of %ld tokens across the tier above the rack, "
	      "network power of the 576 GPUs.\n\n",
	   cfg[2].m.t[0].bw_Bps * 1e-9, fmt_size((double)o->allreduce_bytes, b1, sizeof b1),
	   fmt_size((double)o->alltoall_bytes, b2, sizeof b2), o->kv_model, o->kv_tokens);
	md(c, "| metric | %s | %s | %s |\n|---|---:|---:|---:|\n", cfg[0].title, cfg[1].title, cfg[2].title);
	for (int j = 0; j < NMET; j++) {
		md(c, "| %s |", metric[j]);
		for (int k = 0; k < 3; k++) {
			if (j == PW)
				md(c, " %s", fmt_power(v[k][j], b1, sizeof b1));
			else if (j == EN || j == ENO || j == FAIL)
				md(c, " %.3g%s", v[k][j], j == FAIL ? "" : " J");
			else
				md(c, " %s", fmt_time(v[k][j], b1, sizeof b1));
			if (j <= A2A)
				md(c, " (%s)", algo[k][j]);
			md(c, " (x%.2f) |", v[0][j] > 0 ? v[k][j] / v[0][j] : NAN);
		}
		md(c, "\n");
	}
	md(c, "\n**What CPO changes.** On a scale-out link CPO saves only the DSP module's latency: one crossing of the "
	      "tier above the rack costs %s with pluggable optics and %s with CPO (%.0f ns less, %.1f %%), so the "
	      "all-reduce changes by %+.2f %% and the all-to-all by %+.2f %%. Its large effects are elsewhere: network "
	      "power %s (%+.0f %%), the all-reduce's energy outside the rack %+.0f %% and link failures %+.0f %% for the same job, and — above all — the NVLink domain it "
	      "makes possible: as one NVL576 domain the same all-to-all takes %s instead of %s (x%.2f) and the KV "
	      "transfer %s instead of %s, because traffic between racks runs at NVLink bandwidth (%.0f GB/s per GPU) "
	      "instead of the scale-out NIC's %.0f GB/s; copper cannot build that domain (1 m at 200 Gb/s per lane "
	      "against %g m between racks, section 5).\n\n",
	   fmt_time(a_pl * 1e6, hb[0], 64), fmt_time(a_cpo * 1e6, hb[1], 64), (a_pl - a_cpo) * 1e9,
	   100 * (a_pl - a_cpo) / a_pl, 100 * (v[1][AR] - v[0][AR]) / v[0][AR], 100 * (v[1][A2A] - v[0][A2A]) / v[0][A2A],
	   fmt_power(v[1][PW], hb[2], 64), 100 * (v[1][PW] - v[0][PW]) / v[0][PW], 100 * (v[1][ENO] - v[0][ENO]) / v[0][ENO],
	   100 * (v[1][FAIL] - v[0][FAIL]) / v[0][FAIL], fmt_time(v[2][A2A], hb[3], 64), fmt_time(v[0][A2A], hb[4], 64),
	   v[2][A2A] / v[0][A2A], fmt_time(v[2][KV], hb[5], 64), fmt_time(v[0][KV], hb[6], 64),
	   cfg[2].m.t[1].bw_Bps * 1e-9, cfg[0].m.t[1].bw_Bps * 1e-9,
	   t[0].ntiers > 1 ? t[0].tier[1].cable_m : 0);
	vars[0] = '\0';
	char titles[512] = "", colors[256] = "";
	for (int k = 0; k < 3; k++) {
		words_add(titles, sizeof titles, cfg[k].title);
		words_add(colors, sizeof colors, cfg[k].color);
	}
	var(vars, "data = 'i-headline.dat'\nn = 3\ntitles = '%s'\ncolors = '%s'", titles, colors);
	var(vars, "ptitle = '576 GPUs: 8 x NVL72 + scale-out (pluggable / CPO) vs one NVL576 domain'");
	plot(c, "i-headline", "headline", vars,
	     "time, energy, power and failures of the same 576-GPU job, relative to 8 x NVL72 with pluggable scale-out",
	     "model (docs/model.md) on rubin-ultra-nvl576-hybrid (rack tier and NVL576 tier) joined with the scale-out "
	     "tiers of gb200-nvl72-pluggable / gb200-nvl72-cpo; absolute values in headline.csv; unchecked except "
	     "where section 3 says otherwise");
	rc = 0;
out:
	free(t);
	free(rack);
	free(so);
	return rc;
}

static void sources_section(struct ctx *c, const struct cb_topo *t)
{
	md(c, "| medium | pJ/bit per end | host SerDes pJ/bit | latency per end | W per port | relative failure rate | source |\n"
	      "|---|---:|---:|---:|---:|---:|---|\n");
	for (int m = 0; m < NMEDIA; m++) {
		const struct cb_media *x = &t->media[m];
		md(c, "| %s | %g | %g | %g ns | %g W at %g Gb/s | %g | %s |\n", cb_medium_name(m), x->pj_per_bit,
		   x->host_serdes_pj_per_bit, x->latency_s * 1e9, x->watts_per_port, x->watts_port_gbps, x->failure_rel,
		   x->source);
	}
	md(c, "\nModel constants (docs/model.md section 6): pluggable module MTBF %.0f h (0.5-1.0 M device-hours, Meta "
	      "ECOC 2025 via a secondary source); %.3g network-caused job interruptions per GPU-hour with pluggable optics "
	      "(Llama 3 405B training: 35 in 54 days on 16,384 GPUs); prefill 36 TFLOP/s per GPU (NIXL's matrix "
	      "generator); KV presets from the KV-cache reference notes (DistServe for OPT-66B).\n\n",
	   CB_MODEL_PLUGGABLE_MTBF_H, CB_MODEL_NET_INTERRUPT_PER_GPU_H);
	md(c, "**Serviceability (assumption, not in the numbers).** A failed pluggable module is swapped in minutes "
	      "without touching the switch. A failed CPO optical engine means replacing or reworking the switch; the "
	      "external laser sources of Broadcom's Bailly/Davisson and NVIDIA's photonics switches are field-replaceable, "
	      "and lasers are the dominant optical failure mode, so most CPO failures need no switch swap. The model "
	      "counts failures, not repair time (sources: media-and-systems.md section 5 — ico-optics, JSE, the OIF "
	      "webinar remarks of Facebook; hyperscalers provision 5-10 %% spare ports).\n\n");
}

static int mkdir_p(const char *dir, char *err, size_t errlen)
{
	char tmp[4096];
	snprintf(tmp, sizeof tmp, "%s", dir);
	for (char *p = tmp + 1; *p; p++)
		if (*p == '/') {
			*p = '\0';
			if (mkdir(tmp, 0777) != 0 && errno != EEXIST)
				break;
			*p = '/';
		}
	if (mkdir(tmp, 0777) != 0 && errno != EEXIST) {
		snprintf(err, errlen, "--out %s: cannot create: %s", dir, strerror(errno));
		return -1;
	}
	struct stat st;
	if (stat(dir, &st) != 0 || !S_ISDIR(st.st_mode)) {
		snprintf(err, errlen, "--out %s: not a directory", dir);
		return -1;
	}
	return 0;
}

int cb_report_build(const struct cb_report_opts *o, char *err, size_t errlen)
{
	struct ctx c = { .o = o };
	struct cb_inputs in = { 0 };
	struct proj p = { 0 };
	struct cb_topo *topo = calloc(1, sizeof *topo), *so = calloc(1, sizeof *so), *nvl = calloc(1, sizeof *nvl);
	int rc = -1;
	if (cb_inputs_load(&in, o->files, o->nfiles, err, errlen) != 0)
		goto out;
	if (cb_topo_load(o->topology, topo, err, errlen) != 0 || cb_topo_load(o->scaleout, so, err, errlen) != 0 ||
	    cb_topo_load("rubin-ultra-nvl576-hybrid", nvl, err, errlen) != 0)
		goto out;
	if (mkdir_p(o->out_dir, err, errlen) != 0)
		goto out;
	cb_inputs_check(&in);
	p.topo = topo;
	p.scaleout = so;
	for (long g = topo->tier[0].group_size >= 2 ? topo->tier[0].group_size : 2; g <= 1048576 && p.ngpus < 40; g *= 2)
		p.gpus[p.ngpus++] = g;
	if (p.gpus[p.ngpus - 1] != 1048576)
		p.gpus[p.ngpus++] = 1048576;
	if (o->markdown && !(c.md = open_out(&c, "report.md")))
		goto fail;

	time_t now = time(NULL);
	char date[64];
	strftime(date, sizeof date, "%Y-%m-%d %H:%M UTC", gmtime(&now));
	md(&c, "# cpobench report\n\nWritten by `%s` on %s (cpobench %s). Measured, emulated and projected numbers "
	       "side by side; every figure names its source, and every projection says whether the model was checked.\n\n",
	   o->cmdline ? o->cmdline : "cpobench-report report", date, PACKAGE_VERSION);
	md(&c, "## Inputs\n\n");
	if (in.n == 0)
		md(&c, "No result files: projections only.\n\n");
	else {
		md(&c, "| file | kernel | fabric | ranks | topology | rows | model check |\n|---|---|---|---:|---|---:|---|\n");
		for (int i = 0; i < in.n; i++) {
			double med, mx;
			cb_checks_summary(in.in[i].checks, in.in[i].nchecks, &med, &mx);
			char chk[1100];
			if (in.in[i].nchecks)
				snprintf(chk, sizeof chk, "median |error| %.1f %%, max %.1f %%", 100 * med, 100 * mx);
			else
				snprintf(chk, sizeof chk, "%s", in.in[i].no_check_why);
			md(&c, "| `%s` | %s | %s | %ld | %s | %d | %s |\n", in.in[i].path, in.in[i].kernel, in.in[i].fabric,
			   in.in[i].ranks, in.in[i].topo_name ? in.in[i].topo_name : "-", in.in[i].nrows, chk);
		}
		md(&c, "\n");
	}

	/* How well was the model checked on the projection topology? */
	char checked[512] = "";
	for (int i = 0; i < in.n; i++)
		if (in.in[i].nchecks && strcmp(in.in[i].fabric, "emulated") == 0 && in.in[i].topo_name &&
		    strcmp(in.in[i].topo_name, topo->name) == 0) {
			double med, mx;
			cb_checks_summary(in.in[i].checks, in.in[i].nchecks, &med, &mx);
			snprintf(checked, sizeof checked, "checked against emulation on this topology (%s: median |error| %.1f %%, "
							  "max %.1f %% at %ld ranks)", in.in[i].base, 100 * med, 100 * mx,
				 in.in[i].ranks);
		}
	if (!checked[0])
		snprintf(checked, sizeof checked, "**never checked on this topology** (no emulated result for `%s`%s)",
			 topo->name, in.have_calib ? "; section 3 shows the check on the measured machine" : "");

	md(&c, "## 1. Headline: what CPO changes against pluggable optics and copper\n\n");
	if (headline_section(&c, &p) != 0)
		goto fail;
	md(&c, "## 2. Measured and emulated results\n\n");
	if (in.n == 0)
		md(&c, "None given.\n\n");
	if (measured_section(&c, &in) != 0)
		goto fail;
	md(&c, "## 3. Model checks: calibration, measured vs model, emulated vs model\n\n");
	if (checks_section(&c, &in) < 0)
		goto fail;
	md(&c, "## 4. Projections per medium\n\n");
	if (projection_section(&c, &p, checked) != 0)
		goto fail;
	md(&c, "## 5. KV-cache transfer: one NVLink domain vs pluggable vs CPO scale-out\n\n");
	if (kv_section(&c, &p) != 0)
		goto fail;
	md(&c, "## 6. Reach\n\n");
	const struct cb_topo *rt[2] = { topo, nvl };
	if (reach_section(&c, rt, strcmp(topo->name, nvl->name) ? 2 : 1) != 0)
		goto fail;
	md(&c, "## 7. Sources, reliability and serviceability\n\n");
	sources_section(&c, topo);
	if (c.no_gnuplot)
		md(&c, "Plots were not rendered: gnuplot was not on PATH when this report was written. Every `.gp` script "
		       "and its `.dat` data are here: `for f in *.gp; do gnuplot \"$f\"; done` renders them (Debian: apt-get "
		       "install gnuplot-nox).\n");
	if (c.md && close_out(&c, c.md, "report.md") != 0) {
		c.md = NULL;
		goto fail;
	}
	c.md = NULL;
	if (c.no_gnuplot)
		fprintf(stderr, "cpobench-report: warning: gnuplot not found on PATH: %d plots not rendered; scripts and data "
				"are in %s (cd %s && for f in *.gp; do gnuplot \"$f\"; done)\n",
			c.nplots, o->out_dir, o->out_dir);
	if (c.failed)
		fprintf(stderr, "cpobench-report: warning: %d of %d plots failed: %s\n", c.failed, c.nplots, c.first_failure);
	printf("%s: %s%d plots (%d rendered as PNG + SVG), %d CSV tables, gnuplot scripts and data\n", o->out_dir,
	       o->markdown ? "report.md, " : "", c.nplots, c.rendered, c.ncsv);
	rc = 0;
	goto out;
fail:
	snprintf(err, errlen, "%s", c.err);
	if (c.md)
		fclose(c.md);
out:
	cb_inputs_free(&in);
	free(topo);
	free(so);
	free(nvl);
	return rc;
}
