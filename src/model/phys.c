/* Cluster-wide figures of a model: links and ports (topology counts), network power, reach, link failures. */
#include "config.h"
#include "model/model.h"

#include <math.h>
#include <string.h>

/* Rate of one link of tier i (per direction, b/s): the endpoint's bandwidth over its links. */
static double link_bps(const struct cb_tier *s)
{
	double lpe = s->links_per_endpoint > 0 ? s->links_per_endpoint : (s->rails > 0 ? s->rails : 1);
	return s->bw_Bps * 8.0 / lpe;
}

/* W per port end, scaled linearly from the rate the figure was quoted at (constant pJ/bit). */
static double port_w(const struct cb_media *md, double bps)
{
	return md->watts_port_gbps > 0 ? md->watts_per_port * bps / (md->watts_port_gbps * 1e9) : md->watts_per_port;
}

void cb_model_power(const struct cb_model *m, struct cb_model_power *pw)
{
	const struct cb_topo *e = &m->eff;
	struct cb_topo_counts cnt;
	memset(pw, 0, sizeof *pw);
	cb_topo_count(e, m->p, &cnt);
	for (int i = 0; i < m->ntiers; i++) {
		int src = m->t[i].src;
		const struct cb_tier *s = &e->tier[src];
		double links = (double)cnt.links[src], bps = link_bps(s);
		pw->links[i] = links;
		pw->links_by_medium[s->medium] += links;
		pw->port_w += links * (port_w(&e->media[s->lower_medium], bps) + port_w(&e->media[s->medium], bps));
		/* Switch ASIC at full load: every switch port in use (links from below, plus the
		 * links up to the next tier of the same network) x its rate x pJ/bit. */
		if (s->hops == 0)
			continue;
		double ports = links;
		if (src + 1 < e->ntiers && cnt.used[src + 1] && cb_tier_chain_start(e, src + 1) <= src)
			ports += (double)cnt.links[src + 1];
		pw->switch_w += ports * bps * e->switch_pj_per_bit * 1e-12;
	}
	pw->total_w = pw->port_w + pw->switch_w;
}

void cb_model_reach(const struct cb_model *m, struct cb_model_reach *r)
{
	memset(r, 0, sizeof *r);
	r->all_ok = 1;
	for (int i = 0; i < m->ntiers; i++) {
		r->ok[i] = cb_tier_reach_ok(&m->eff, m->t[i].src, &r->reach_m[i]);
		if (!r->ok[i])
			r->all_ok = 0;
	}
}

void cb_model_reliability(const struct cb_model *m, struct cb_model_rel *r)
{
	const struct cb_topo *e = &m->eff;
	struct cb_topo_counts cnt;
	memset(r, 0, sizeof *r);
	cb_topo_count(e, m->p, &cnt);
	double ends = 0, weighted = 0;
	for (int md = 0; md < CB_MEDIUM_COUNT; md++) {
		double n = (double)cnt.ends_by_medium[md], rel = e->media[md].failure_rel;
		ends += n;
		weighted += n * rel;
		r->link_failures_per_day += n * rel / CB_MODEL_PLUGGABLE_MTBF_H * 24.0;
	}
	r->weighted_failure_rel = ends > 0 ? weighted / ends : 0;
	r->job_interruptions_per_day = (double)m->p * 24.0 * CB_MODEL_NET_INTERRUPT_PER_GPU_H * r->weighted_failure_rel;
}
