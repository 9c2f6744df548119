/* Topology summary as JSON, for result files and `cpobench-report topo --json`. */
#include "config.h"
#include "topo/topo.h"

#include <jansson.h>

static json_t *tier_json(const struct cb_topo *t, int i)
{
	const struct cb_tier *T = &t->tier[i];
	struct cb_latency_parts p;
	double reach;
	cb_tier_latency_parts(t, i, &p);
	int ok = cb_tier_reach_ok(t, i, &reach);
	return json_pack("{s:s, s:I, s:s, s:f, s:f, s:i, s:f, s:f, s:i, s:f, s:f, s:f, s:s, s:s, s:f, s:i, s:b, s:f, s:i,"
			 " s:{s:f, s:f, s:f, s:f, s:f, s:f, s:i, s:i}, s:f, s:b}",
			 "name", T->name, "group_size", (json_int_t)T->group_size, "network", T->network,
			 "bw_GBps", T->bw_Bps / 1e9, "bw_uplink_GBps", T->bw_Bps / T->oversub / 1e9, "lanes", T->lanes,
			 "lane_gbps", T->lane_gbps, "encoding", T->encoding, "hops", T->hops, "switch_ns", T->switch_s * 1e9,
			 "endpoint_ns", T->endpoint_s * 1e9, "cable_m", T->cable_m, "medium", cb_medium_name(T->medium),
			 "lower_medium", cb_medium_name(T->lower_medium), "oversub", T->oversub, "rails", T->rails,
			 "rail_aligned", T->rail_aligned, "links_per_endpoint", T->links_per_endpoint, "switch_radix",
			 T->switch_radix, "latency_ns", "total", p.total_s * 1e9, "endpoint", p.endpoint_s * 1e9, "switch",
			 p.switch_s * 1e9, "media", p.media_s * 1e9, "fec", p.fec_s * 1e9, "propagation", p.prop_s * 1e9,
			 "hops", p.hops, "links", p.links, "reach_m", reach, "reach_ok", ok);
}

static json_t *media_json(const struct cb_media *m)
{
	json_t *reach = json_array();
	for (int i = 0; i < m->nreach; i++)
		json_array_append_new(reach, json_pack("{s:f, s:f}", "lane_gbps", m->reach[i].lane_gbps, "reach_m",
						       m->reach[i].reach_m));
	return json_pack("{s:f, s:f, s:f, s:f, s:f, s:f, s:f, s:o, s:s}", "pj_per_bit", m->pj_per_bit,
			 "host_serdes_pj_per_bit", m->host_serdes_pj_per_bit, "latency_ns", m->latency_s * 1e9,
			 "watts_per_port", m->watts_per_port, "watts_port_gbps", m->watts_port_gbps, "failure_rel",
			 m->failure_rel, "prop_ns_per_m", m->prop_s_per_m * 1e9, "reach", reach, "source", m->source);
}

json_t *cb_topo_to_json(const struct cb_topo *t)
{
	json_t *tiers = json_array(), *media = json_object();
	for (int i = 0; i < t->ntiers; i++)
		json_array_append_new(tiers, tier_json(t, i));
	/* Only the media the tiers use, with any per-file overrides applied. */
	for (int m = 0; m < CB_MEDIUM_COUNT; m++) {
		int used = 0;
		for (int i = 0; i < t->ntiers; i++)
			used |= t->tier[i].medium == (enum cb_medium)m || t->tier[i].lower_medium == (enum cb_medium)m;
		if (used)
			json_object_set_new(media, cb_medium_name((enum cb_medium)m), media_json(&t->media[m]));
	}
	return json_pack("{s:s, s:s, s:s, s:s, s:b, s:I, s:I, s:f, s:f, s:o, s:o}", "name", t->name, "path",
			 t->embedded ? "(built in)" : t->path, "sha256", t->sha256, "description", t->description,
			 "embedded", t->embedded, "endpoints", (json_int_t)t->endpoints, "endpoints_per_node",
			 (json_int_t)t->endpoints_per_node, "fec_ns", t->fec_s * 1e9, "switch_pj_per_bit",
			 t->switch_pj_per_bit, "tiers", tiers, "media", media);
}
