/* Result files for the reporter: load, validate, calibrate from ping-pong, compare with the model. */
#include "config.h"
#include "report/inputs.h"
#include "core/result.h"
#include "model/model.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void base_name(const char *path, char *out, size_t len)
{
	const char *b = strrchr(path, '/');
	b = b ? b + 1 : path;
	snprintf(out, len, "%s", b);
	size_t n = strlen(out);
	if (n > 5 && strcmp(out + n - 5, ".json") == 0)
		out[n - 5] = '\0';
	for (char *p = out; *p; p++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') || *p == '-' ||
		      *p == '_' || *p == '.'))
			*p = '_';
}

int cb_inputs_load(struct cb_inputs *s, char **paths, int npaths, char *err, size_t errlen)
{
	memset(s, 0, sizeof *s);
	s->in = calloc((size_t)npaths + 1, sizeof *s->in);
	if (!s->in) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	for (int i = 0; i < npaths; i++) {
		struct cb_input *in = &s->in[s->n];
		snprintf(in->path, sizeof in->path, "%s", paths[i]);
		in->doc = cb_result_load(paths[i], err, errlen);
		if (!in->doc)
			return -1;
		s->n++;
		in->kernel = json_string_value(json_object_get(in->doc, "kernel"));
		in->fabric = json_string_value(json_object_get(in->doc, "fabric"));
		json_t *meta = json_object_get(in->doc, "meta");
		json_t *ranks = json_object_get(meta, "ranks");
		if (!in->kernel || !in->fabric) {
			snprintf(err, errlen, "%s: no \"kernel\" or \"fabric\" string", paths[i]);
			return -1;
		}
		if (!json_is_integer(ranks) || json_integer_value(ranks) < 1) {
			snprintf(err, errlen, "%s: \"meta.ranks\" is missing or not a positive integer", paths[i]);
			return -1;
		}
		in->ranks = (long)json_integer_value(ranks);
		in->topo_name = json_string_value(json_object_get(json_object_get(in->doc, "topology"), "name"));
		in->nrows = cb_meas_rows(in->doc, paths[i], &in->rows, err, errlen);
		if (in->nrows < 0)
			return -1;
		if (in->nrows == 0) {
			snprintf(err, errlen, "%s: \"rows\" is empty (nothing was measured)", paths[i]);
			return -1;
		}
		base_name(paths[i], in->base, sizeof in->base);
		for (int j = 0; j < s->n - 1; j++) /* two inputs with one name: keep outputs apart */
			if (strcmp(s->in[j].base, in->base) == 0)
				snprintf(in->base + strlen(in->base), sizeof in->base - strlen(in->base), "-%d", s->n);
	}
	return 0;
}

/* One-tier stand-in for a run without a topology: its ranks on one tier. */
static void one_tier(struct cb_topo *t, long ranks)
{
	memset(t, 0, sizeof *t);
	cb_media_defaults(t->media);
	snprintf(t->name, sizeof t->name, "one tier (calibrated)");
	t->ntiers = 1;
	t->endpoints = ranks;
	struct cb_tier *T = &t->tier[0];
	snprintf(T->name, sizeof T->name, "machine");
	snprintf(T->network, sizeof T->network, "local");
	T->group_size = ranks;
	T->bw_Bps = 1e9;
	T->oversub = 1;
	T->rails = 1;
	T->links_per_endpoint = 1;
	T->medium = T->lower_medium = CB_MEDIUM_COPPER;
}

static void check_one(struct cb_inputs *s, struct cb_input *in)
{
	char err[512];
	int emulated = strcmp(in->fabric, "emulated") == 0;
	int coll = strcmp(in->kernel, "allreduce") == 0 || strcmp(in->kernel, "alltoall") == 0;
	if (!coll) {
		snprintf(in->no_check_why, sizeof in->no_check_why,
			 strcmp(in->kernel, "pingpong") == 0 ? "ping-pong results calibrate the model"
							     : "the model is not compared with %s rows",
			 in->kernel);
		return;
	}
	if (in->ranks < 2) {
		snprintf(in->no_check_why, sizeof in->no_check_why, "one rank: nothing crosses a tier");
		return;
	}
	struct cb_topo *topo = calloc(1, sizeof *topo);
	struct cb_model m;
	/* The file the run used when it is still there, else the shipped name. */
	const char *tpath = json_string_value(json_object_get(json_object_get(in->doc, "topology"), "path"));
	int have_topo = (tpath && tpath[0] == '/' && cb_topo_load(tpath, topo, err, sizeof err) == 0) ||
			(in->topo_name && cb_topo_load(in->topo_name, topo, err, sizeof err) == 0);
	if (emulated) {
		if (!have_topo) {
			snprintf(in->no_check_why, sizeof in->no_check_why,
				 "emulated result without a loadable topology name (%s)", in->topo_name ? err : "none");
			free(topo);
			return;
		}
		int optics = CB_MODEL_OPTICS_ASIS;
		enum cb_medium med;
		const char *o = json_string_value(json_object_get(json_object_get(in->doc, "meta"), "optics"));
		if (o && cb_medium_parse(o, &med) == 0)
			optics = (int)med;
		if (cb_model_init(&m, topo, in->ranks, optics, cb_model_default_tier_mask(topo), err, sizeof err) != 0) {
			snprintf(in->no_check_why, sizeof in->no_check_why, "%s", err);
			free(topo);
			return;
		}
		snprintf(in->check_how, sizeof in->check_how,
			 "model on topology %s (optics %s), %ld ranks, not calibrated: the same figures the emulator used",
			 topo->name, o ? o : "as-built", in->ranks);
	} else {
		if (!s->have_calib) {
			snprintf(in->no_check_why, sizeof in->no_check_why,
				 "no pingpong result given to calibrate the model for this machine");
			free(topo);
			return;
		}
		if (!have_topo)
			one_tier(topo, in->ranks);
		if (cb_model_init(&m, topo, in->ranks, CB_MODEL_OPTICS_ASIS, 0, err, sizeof err) != 0) {
			snprintf(in->no_check_why, sizeof in->no_check_why, "%s", err);
			free(topo);
			return;
		}
		/* One fit (ping-pong rows without a tier) stands for every tier of the run. */
		int k = s->calib.ntiers < m.ntiers ? s->calib.ntiers : m.ntiers;
		if (s->calib.ntiers == 1)
			k = m.ntiers;
		for (int i = 0; i < k; i++)
			cb_model_calibrate(&m, i, &s->calib.fit[s->calib.ntiers == 1 ? 0 : i]);
		snprintf(in->check_how, sizeof in->check_how,
			 "model on %s, %ld ranks, %d tier(s) calibrated from the ping-pong fit of %s", topo->name,
			 in->ranks, k, s->calib_from);
	}
	in->checks = calloc((size_t)in->nrows + 1, sizeof *in->checks);
	in->nchecks = in->checks ? cb_check_rows(&m, in->kernel, in->rows, in->nrows, in->checks) : 0;
	if (in->nchecks == 0)
		snprintf(in->no_check_why, sizeof in->no_check_why, "no row the model can predict");
	free(topo);
}

void cb_inputs_check(struct cb_inputs *s)
{
	char err[512];
	for (int i = 0; i < s->n && !s->have_calib; i++) {
		struct cb_input *in = &s->in[i];
		if (strcmp(in->kernel, "pingpong") != 0 || strcmp(in->fabric, "real") != 0)
			continue;
		if (cb_calib_from_doc(in->doc, in->path, &s->calib, err, sizeof err) == 0) {
			s->have_calib = 1;
			s->calib_from = in->path;
		} else {
			snprintf(in->no_check_why, sizeof in->no_check_why, "%s", err);
		}
	}
	for (int i = 0; i < s->n; i++)
		check_one(s, &s->in[i]);
}

void cb_inputs_free(struct cb_inputs *s)
{
	for (int i = 0; i < s->n; i++) {
		json_decref(s->in[i].doc);
		free(s->in[i].rows);
		free(s->in[i].checks);
	}
	free(s->in);
	memset(s, 0, sizeof *s);
}

static int cmp_d(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return x < y ? -1 : x > y;
}

void cb_checks_summary(const struct cb_check *c, int n, double *median_abs, double *max_abs)
{
	*median_abs = *max_abs = NAN;
	if (n <= 0)
		return;
	double *v = malloc((size_t)n * sizeof *v);
	if (!v)
		return;
	for (int i = 0; i < n; i++)
		v[i] = fabs(c[i].err);
	qsort(v, (size_t)n, sizeof *v, cmp_d);
	*median_abs = n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
	*max_abs = v[n - 1];
	free(v);
}
