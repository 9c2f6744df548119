/* The model's tiers: optics applied, grown to the cluster size, alpha and bandwidth per tier. */
#include "config.h"
#include "model/model.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

unsigned cb_model_default_tier_mask(const struct cb_topo *t)
{
	unsigned mask = 0;
	for (int i = 1; i < t->ntiers; i++)
		mask |= 1u << i;
	return t->ntiers == 1 ? 1u : mask;
}

/*
 * Put medium `to` on both ends of tier i's links, with one exception: CPO sits on
 * switches, so at the first tier of a network (the endpoint's NIC end) an optical
 * module the file gives the NIC stays (NVIDIA's CPO switches keep the NIC's
 * pluggable, topologies/README.md [cpo-switch]).
 */
static void apply_optics(struct cb_topo *e, int i, enum cb_medium to)
{
	struct cb_tier *t = &e->tier[i];
	int nic_end = cb_tier_chain_start(e, i) == i;
	enum cb_medium lower = t->lower_medium;
	t->medium = to;
	if (to == CB_MEDIUM_CPO && nic_end && e->media[lower].optical && lower != CB_MEDIUM_CPO)
		t->lower_medium = lower;
	else if (to == CB_MEDIUM_CPO && nic_end)
		t->lower_medium = CB_MEDIUM_PLUGGABLE;
	else
		t->lower_medium = to;
	t->prop_s_per_m = e->media[to].prop_s_per_m;
}

/* Add copies of the outermost tier (same fan-out, two more switch hops each)
 * until one group holds p endpoints; the last group is clipped to p. */
static int grow(struct cb_topo *e, const struct cb_topo *scaleout, long p, int optics, int *joined)
{
	int added = 0;
	/* A file that is one scale-up network (no scale-out tier) is joined by the scale-out's tiers. */
	*joined = 0;
	if (scaleout && e->tier[e->ntiers - 1].group_size < p &&
	    strcmp(e->tier[e->ntiers - 1].network, e->tier[0].network) == 0) {
		long outer = e->tier[e->ntiers - 1].group_size;
		for (int j = 0; j < scaleout->ntiers && e->ntiers < CB_TOPO_MAX_TIERS; j++) {
			struct cb_tier next = scaleout->tier[j];
			if (next.group_size < outer)
				next.group_size = outer;
			e->tier[e->ntiers++] = next;
			if (optics != CB_MODEL_OPTICS_ASIS)
				apply_optics(e, e->ntiers - 1, (enum cb_medium)optics);
			(*joined)++;
		}
	}
	while (e->tier[e->ntiers - 1].group_size < p && e->ntiers < CB_TOPO_MAX_TIERS) {
		const struct cb_tier *last = &e->tier[e->ntiers - 1];
		long below = e->ntiers > 1 ? e->tier[e->ntiers - 2].group_size : 1;
		long fan = last->group_size / (below > 0 ? below : 1);
		if (fan < 2)
			fan = 2;
		struct cb_tier next = *last;
		next.group_size = last->group_size * fan;
		next.hops = last->hops + 2;
		snprintf(next.name, sizeof next.name, "%.50s+%d", e->tier[e->ntiers - 1 - added].name, added + 1);
		e->tier[e->ntiers++] = next;
		added++;
	}
	if (e->tier[e->ntiers - 1].group_size < p)
		e->tier[e->ntiers - 1].group_size = p;
	return added;
}

int cb_model_init(struct cb_model *m, const struct cb_topo *topo, long p, int optics, unsigned tier_mask,
		  char *err, size_t errlen)
{
	return cb_model_init_joined(m, topo, NULL, p, optics, tier_mask, err, errlen);
}

int cb_model_init_joined(struct cb_model *m, const struct cb_topo *topo, const struct cb_topo *scaleout, long p,
			 int optics, unsigned tier_mask, char *err, size_t errlen)
{
	memset(m, 0, sizeof *m);
	if (p < 2) {
		snprintf(err, errlen, "the model needs at least 2 endpoints (got %ld)", p);
		return -1;
	}
	if (topo->ntiers < 1) {
		snprintf(err, errlen, "%s: topology has no tiers", topo->name);
		return -1;
	}
	m->topo = topo;
	m->p = p;
	m->eff = *topo;
	if (optics != CB_MODEL_OPTICS_ASIS)
		for (int i = 0; i < m->eff.ntiers; i++)
			if (tier_mask & (1u << i))
				apply_optics(&m->eff, i, (enum cb_medium)optics);
	m->grown = grow(&m->eff, scaleout, p, optics, &m->joined);

	long below = 1;
	for (int i = 0; i < m->eff.ntiers; i++) {
		const struct cb_tier *s = &m->eff.tier[i];
		struct cb_model_tier *t = &m->t[m->ntiers++];
		t->src = i;
		t->group = s->group_size < p ? s->group_size : p;
		if (t->group < below)
			t->group = below;
		t->members = (t->group + below - 1) / below;
		t->alpha_s = cb_tier_latency_s(&m->eff, i);
		t->bw_Bps = s->bw_Bps;
		t->oversub = s->oversub >= 1 ? s->oversub : 1;
		t->hops = s->hops;
		t->medium = s->medium;
		if (t->group >= p)
			break;
		below = t->group;
	}
	return 0;
}

double cb_model_flow_bw(const struct cb_model *m, int i, long k)
{
	const struct cb_model_tier *t = &m->t[i];
	long lower = i > 0 ? m->t[i - 1].group : 1;
	if (k < 1)
		k = 1;
	double share = (double)lower * t->bw_Bps / t->oversub / (double)k;
	return share < t->bw_Bps ? share : t->bw_Bps;
}

double cb_model_group_aggregate_Bps(const struct cb_model *m, int i)
{
	return (double)m->t[i].group * m->t[i].bw_Bps * 2.0;
}

int cb_model_pair_tier(const struct cb_model *m, long r, long s)
{
	for (int i = 0; i < m->ntiers - 1; i++)
		if (r / m->t[i].group == s / m->t[i].group)
			return i;
	return m->ntiers - 1;
}

double cb_model_p2p_s(const struct cb_model *m, int i, double n)
{
	return m->overhead_s + m->t[i].alpha_s + n / cb_model_flow_bw(m, i, 1);
}

/* Both ends of one link of tier j: media energy, plus host SerDes where the medium needs it. */
static double link_pj(const struct cb_topo *e, int j)
{
	const struct cb_media *lo = &e->media[e->tier[j].lower_medium], *up = &e->media[e->tier[j].medium];
	return lo->pj_per_bit + lo->host_serdes_pj_per_bit + up->pj_per_bit + up->host_serdes_pj_per_bit;
}

double cb_model_tier_j_per_bit(const struct cb_model *m, int i)
{
	const struct cb_topo *e = &m->eff;
	int src = m->t[i].src;
	double pj = m->t[i].hops * e->switch_pj_per_bit;
	if (e->tier[src].hops == 0)
		pj += link_pj(e, src);
	else /* folded Clos: up and down through every tier of the chain, as the latency */
		for (int j = cb_tier_chain_start(e, src); j <= src; j++)
			pj += 2.0 * link_pj(e, j);
	return pj * 1e-12;
}

void cb_model_calibrate(struct cb_model *m, int i, const struct cb_fit *f)
{
	m->t[i].alpha_s = f->alpha_s;
	if (isfinite(f->beta_Bps) && f->beta_Bps > 0)
		m->t[i].bw_Bps = f->beta_Bps;
	m->t[i].calibrated = 1;
}
