/* One-way latency of a pair crossing a tier, term by term, and reach feasibility. */
#include "config.h"
#include "topo/topo.h"

#include <string.h>

int cb_tier_chain_start(const struct cb_topo *t, int i)
{
	if (t->tier[i].hops_given && t->tier[i].hops == 0)
		return i;  /* a direct link: only this tier's link is on the path */
	int f = i;
	while (f > 0 && strcmp(t->tier[f - 1].network, t->tier[i].network) == 0 &&
	       !(t->tier[f - 1].hops_given && t->tier[f - 1].hops == 0))
		f--;
	return f;
}

/* Per-link terms of tier j: both ends' media adders, FEC, propagation over its cable. */
static void add_link(const struct cb_topo *t, int j, int nlinks, struct cb_latency_parts *p)
{
	const struct cb_tier *T = &t->tier[j];
	p->links += nlinks;
	p->media_s += nlinks * (t->media[T->lower_medium].latency_s + t->media[T->medium].latency_s);
	p->fec_s += nlinks * T->fec_s;
	p->prop_s += nlinks * T->cable_m * T->prop_s_per_m;
}

void cb_tier_latency_parts(const struct cb_topo *t, int i, struct cb_latency_parts *p)
{
	const struct cb_tier *T = &t->tier[i];
	memset(p, 0, sizeof *p);
	p->hops = T->hops;
	p->endpoint_s = 2 * T->endpoint_s;
	p->switch_s = T->hops * T->switch_s;
	if (T->hops == 0) {
		add_link(t, i, 1, p);
	} else {
		/* Folded Clos: up and down through every tier of the chain. */
		for (int j = cb_tier_chain_start(t, i); j <= i; j++)
			add_link(t, j, 2, p);
	}
	p->total_s = p->endpoint_s + p->switch_s + p->media_s + p->fec_s + p->prop_s;
}

double cb_tier_latency_s(const struct cb_topo *t, int i)
{
	struct cb_latency_parts p;
	cb_tier_latency_parts(t, i, &p);
	return p.total_s;
}

int cb_tier_reach_ok(const struct cb_topo *t, int i, double *reach_m)
{
	const struct cb_tier *T = &t->tier[i];
	double r = cb_media_reach_m(&t->media[T->medium], T->lane_gbps, NULL);
	if (T->lower_medium != T->medium) {
		double r2 = cb_media_reach_m(&t->media[T->lower_medium], T->lane_gbps, NULL);
		if (r2 < r)
			r = r2;
	}
	if (reach_m)
		*reach_m = r;
	return T->cable_m <= r;
}
