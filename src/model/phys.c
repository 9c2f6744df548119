/* Cluster-wide figures of a model: links, network power, reach per tier, link failures. */
#include "config.h"
#include "model/model.h"

#include <math.h>
#include <string.h>

/* Cables at tier i for p endpoints: one level of cabling per tier, rails per endpoint,
 * thinned by the oversubscription (docs/model.md section 5). */
static double tier_links(const struct cb_model *m, int i)
{
	const struct cb_tier *s = &m->eff.tier[m->t[i].src];
	int rails = s->rails > 0 ? s->rails : 1;
	return (double)m->p * rails / m->t[i].oversub;
}

void cb_model_power(const struct cb_model *m, struct cb_model_power *pw)
{
	memset(pw, 0, sizeof *pw);
	for (int i = 0; i < m->ntiers; i++) {
		const struct cb_tier *s = &m->eff.tier[m->t[i].src];
		const struct cb_media *md = &m->eff.media[m->t[i].medium];
		int rails = s->rails > 0 ? s->rails : 1;
		double links = tier_links(m, i);
		pw->links[i] = links;
		pw->links_by_medium[m->t[i].medium] += links;
		pw->port_w += links * 2.0 * md->watts_per_port;
		/* Switch ASIC at full load: switch-side ports (one per link, two when the tier's
		 * path crosses switch-to-switch links, hops >= 2) x port rate x pJ/bit. */
		double sw_ends = m->t[i].hops >= 2 ? 2.0 : (m->t[i].hops == 1 ? 1.0 : 0.0);
		double port_bps = s->bw_Bps * 8.0 / rails;
		pw->switch_w += links * sw_ends * port_bps * m->eff.switch_pj_per_bit * 1e-12;
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
	memset(r, 0, sizeof *r);
	double links = 0, weighted = 0;
	for (int i = 0; i < m->ntiers; i++) {
		double l = tier_links(m, i), rel = m->eff.media[m->t[i].medium].failure_rel;
		links += l;
		weighted += l * rel;
		r->link_failures_per_day += l * 2.0 * rel / CB_MODEL_PLUGGABLE_MTBF_H * 24.0;
	}
	r->weighted_failure_rel = links > 0 ? weighted / links : 0;
	r->job_interruptions_per_day = (double)m->p * 24.0 * CB_MODEL_NET_INTERRUPT_PER_GPU_H * r->weighted_failure_rel;
}
