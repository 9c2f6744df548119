/* The model's formulas against values computed by hand (docs/model.md), and published anchors. */
#include "config.h"
#include "model/kv.h"
#include "model/model.h"
#include "tests/tap.h"

#include <string.h>

#define US 1e-6
#define REL(x) (fabs(x) * 1e-9 + 1e-15)

/*
 * The two-tier platform of the SimGrid measurements (shared reference
 * emulation.md 1.7 d): groups of 8 hosts at 900 GB/s and 1 us; an uplink of
 * 400 GB/s per group (8 x 400 / oversub 8) and 5 us between groups.  All latency
 * sits in endpoint_s so the value does not depend on how the other terms add up.
 */
static void two_tier(struct cb_topo *t)
{
	memset(t, 0, sizeof *t);
	strcpy(t->name, "two-tier");
	t->switch_pj_per_bit = 9;
	t->ntiers = 2;
	t->tier[0] = (struct cb_tier){ .name = "group", .group_size = 8, .bw_Bps = 900e9, .lane_gbps = 200,
				       .hops = 1, .endpoint_s = 0.5 * US, .cable_m = 1, .medium = CB_MEDIUM_COPPER,
				       .lower_medium = CB_MEDIUM_COPPER, .oversub = 1, .rails = 18,
				       .links_per_endpoint = 18, .network = "nvlink" };
	t->tier[1] = (struct cb_tier){ .name = "uplink", .group_size = 1 << 20, .bw_Bps = 400e9, .lane_gbps = 200,
				       .hops = 3, .endpoint_s = 2.5 * US, .cable_m = 30,
				       .medium = CB_MEDIUM_PLUGGABLE, .lower_medium = CB_MEDIUM_PLUGGABLE,
				       .oversub = 8, .rails = 1, .links_per_endpoint = 1, .network = "ib" };
	struct cb_media *m = t->media;
	m[CB_MEDIUM_COPPER] = (struct cb_media){ .medium = CB_MEDIUM_COPPER, .host_serdes_pj_per_bit = 5,
						 .watts_per_port = 0.1, .failure_rel = 0.05, .nreach = 2,
						 .reach = { { 100, 2 }, { 200, 1 } } };
	m[CB_MEDIUM_PLUGGABLE] = (struct cb_media){ .medium = CB_MEDIUM_PLUGGABLE, .pj_per_bit = 15.6,
						    .host_serdes_pj_per_bit = 5, .watts_per_port = 25, .optical = 1,
						    .failure_rel = 1, .nreach = 1, .reach = { { 200, 500 } } };
	m[CB_MEDIUM_CPO] = (struct cb_media){ .medium = CB_MEDIUM_CPO, .pj_per_bit = 5.6, .watts_per_port = 9, .optical = 1,
					      .failure_rel = 0.3, .nreach = 1, .reach = { { 200, 500 } } };
}

static double cost(struct cb_model *m, enum cb_model_algo a, double n, struct cb_model_cost *c)
{
	cb_model_cost(m, a, n, c);
	return c->time_s;
}

int main(void)
{
	struct cb_topo topo;
	struct cb_model m;
	struct cb_model_cost c;
	char err[256];
	const double n = 1048576; /* 1 MiB */
	two_tier(&topo);

	ok(cb_model_init(&m, &topo, 1, CB_MODEL_OPTICS_ASIS, 0, err, sizeof err) == -1 && strstr(err, "2 endpoints"),
	   "p = 1 refused (%s)", err);
	ok(cb_model_init(&m, &topo, 64, CB_MODEL_OPTICS_ASIS, 0, err, sizeof err) == 0, "model of 64 endpoints");
	ok(m.ntiers == 2 && m.t[0].group == 8 && m.t[1].group == 64 && m.t[1].members == 8, "tiers 8 x 8");
	is_num(m.t[0].alpha_s, 1 * US, 1e-15, "alpha tier 0 = 2 x endpoint");
	is_num(m.t[1].alpha_s, 5 * US, 1e-15, "alpha tier 1");
	is_num(cb_model_flow_bw(&m, 1, 1), 400e9, 1, "one flow per uplink: 400 GB/s");
	is_num(cb_model_flow_bw(&m, 1, 2), 200e9, 1, "two flows: 200 GB/s");
	is_num(cb_model_flow_bw(&m, 1, 8), 50e9, 1, "eight flows (all): 50 GB/s");
	ok(cb_model_pair_tier(&m, 3, 7) == 0 && cb_model_pair_tier(&m, 7, 8) == 1, "pair tiers");
	is_num(cb_model_group_aggregate_Bps(&m, 0), 8 * 900e9 * 2, 1, "group aggregate, both directions");

	/* emulation.md 1.7 (d): the SimGrid runs matched these within one barrier skew. */
	double ring = 2 * 63 * (5 * US + (n / 64) / 400e9);
	is_num(cost(&m, CB_ALGO_AR_RING, n, &c), ring, REL(ring), "ring all-reduce p=64 1 MiB = 635.16 us (%.2f)",
	       c.time_s / US);
	is_num(c.time_s / US, 635.16, 0.005, "ring equals the published expectation");
	is_num(c.messages, 126, 0, "ring: 2(p-1) messages");
	is_num(c.tier_bytes[0], 2 * 63 * (n / 64) * 56, 1e-3, "ring: 56 edges inside groups");
	is_num(c.tier_bytes[1], 2 * 63 * (n / 64) * 8, 1e-3, "ring: 8 edges across the uplinks");
	/* Per bit: both ends of the 2 links up and down (media + host SerDes) + hops x switch. */
	double e = c.tier_bytes[0] * 8 * (2 * (5 + 5) + 9) * 1e-12 +
		   c.tier_bytes[1] * 8 * (2 * (15.6 + 5 + 15.6 + 5) + 3 * 9) * 1e-12;
	is_num(c.energy_j, e, REL(e), "ring energy: bytes x 8 x (links x both ends + hops x switch)");
	is_num(cb_model_tier_j_per_bit(&m, 0), 29e-12, 1e-20, "copper NVLink-like tier: 29 pJ/bit");
	is_num(cb_model_tier_j_per_bit(&m, 1), 109.4e-12, 1e-20, "pluggable tier: 109.4 pJ/bit");

	double pair = 7 * (1 * US + (n / 64) / 900e9) + 56 * (5 * US + (n / 64) / 50e9);
	is_num(cost(&m, CB_ALGO_A2A_PAIRWISE, n, &c), pair, REL(pair), "pairwise all-to-all p=64 = 305.48 us");
	is_num(c.time_s / US, 305.48, 0.005, "pairwise equals the published expectation");
	is_num(c.tier_bytes[1], 56 * n, 1e-3, "pairwise: (p-8) n across the uplinks");

	double rab = 2 * (3 * 1 * US + (7.0 / 8) * n / 900e9 + 3 * 5 * US + (7.0 / 64) * n / 50e9);
	is_num(cost(&m, CB_ALGO_AR_RABENSEIFNER, n, &c), rab, REL(rab),
	       "rabenseifner p=64: n/2, n/4, n/8 inside, n/16, n/32, n/64 across (8 flows)");
	is_num(c.tier_bytes[1], 2 * 64 * (7.0 / 64) * n, 1e-3, "rabenseifner bytes across");
	is_num(c.tier_bytes[0], 2 * 64 * (7.0 / 8) * n, 1e-3, "rabenseifner bytes inside");

	double hier = 14 * (1 * US + (n / 8) / 900e9) + 14 * (5 * US + (n / 64) / 50e9);
	is_num(cost(&m, CB_ALGO_AR_HIER, n, &c), hier, REL(hier), "hierarchical all-reduce p=64");
	is_num(c.messages, 28, 0, "hierarchical: 2(8-1) + 2(8-1) messages");

	double a2ah = 7 * (1 * US + (n / 8) / 900e9) + 7 * (5 * US + (n / 8) / 50e9);
	is_num(cost(&m, CB_ALGO_A2A_HIER, n, &c), a2ah, REL(a2ah), "hierarchical all-to-all p=64");

	double pp = 5 * US + 4096 / 400e9;
	is_num(cost(&m, CB_ALGO_PINGPONG, 4096, &c), pp, REL(pp), "ping-pong across the outer tier");

	/* Non-power-of-two: fold at distance 1, then the butterfly on 64 of 72 ranks. */
	ok(cb_model_init(&m, &topo, 72, CB_MODEL_OPTICS_ASIS, 0, err, sizeof err) == 0, "model of 72");
	double rab72 = 2 * (1 * US + n / 900e9) + 2 * (3 * 1 * US + (7.0 / 8) * n / 900e9 + 3 * 5 * US +
						   (7.0 / 64) * n / 50e9);
	is_num(cost(&m, CB_ALGO_AR_RABENSEIFNER, n, &c), rab72, REL(rab72), "rabenseifner p=72: fold + 64");

	/* Bruck at 4096 ranks: (5 us + n/2 / 400, 200, 100 GB/s) + 9 (5 us + n/2 / 50 GB/s) = 163.55 us. */
	ok(cb_model_init(&m, &topo, 4096, CB_MODEL_OPTICS_ASIS, 0, err, sizeof err) == 0, "model of 4096");
	double bruck = 12 * 5 * US + (n / 2) * (1 / 400e9 + 1 / 200e9 + 1 / 100e9 + 9 / 50e9);
	is_num(cost(&m, CB_ALGO_A2A_BRUCK, n, &c), bruck, REL(bruck), "bruck p=4096 = 163.55 us (%.2f)",
	       c.time_s / US);
	is_num(c.messages, 12, 0, "bruck: lg p messages");

	/* Power, reliability, reach at p = 64. */
	ok(cb_model_init(&m, &topo, 64, CB_MODEL_OPTICS_ASIS, 0, err, sizeof err) == 0, "model of 64 again");
	struct cb_model_power pw;
	cb_model_power(&m, &pw);
	is_num(pw.links[0], 64 * 18, 0, "tier 0 links: p x 18 rails");
	is_num(pw.links[1], 8, 0, "tier 1 links: p / oversub 8");
	is_num(pw.port_w, 1152 * 2 * 0.1 + 8 * 2 * 25, 1e-9, "port power: links x 2 ends x W/port");
	is_num(pw.switch_w, 1152 * 400e9 * 9e-12 + 8 * 3.2e12 * 9e-12, 1e-6, "switch power: ports in use x rate x pJ/bit");
	struct cb_model_rel rel;
	cb_model_reliability(&m, &rel);
	is_num(rel.link_failures_per_day, (1152 * 2 * 0.05 + 8 * 2 * 1.0) / 750000 * 24, 1e-12,
	       "link failures per day = links x 2 ends x rel / MTBF x 24");
	is_num(rel.job_interruptions_per_day, 64 * 24 * 1.65e-6 * (1152 * 0.05 + 8) / 1160, 1e-12,
	       "job interruptions per day, link-weighted");
	struct cb_model_reach reach;
	cb_model_reach(&m, &reach);
	ok(reach.all_ok && reach.reach_m[1] == 500, "as built: copper 1 m in the group, pluggable 500 m");

	/* Optics: copper on the 30 m uplink at 200 G/lane does not reach; CPO does and costs less. */
	ok(cb_model_init(&m, &topo, 64, CB_MEDIUM_COPPER, cb_model_default_tier_mask(&topo), err, sizeof err) == 0,
	   "copper everywhere");
	cb_model_reach(&m, &reach);
	ok(!reach.all_ok && reach.ok[0] && !reach.ok[1] && reach.reach_m[1] == 1, "copper at 200G: 30 m > 1 m");
	ok(cb_model_init(&m, &topo, 64, CB_MEDIUM_CPO, cb_model_default_tier_mask(&topo), err, sizeof err) == 0,
	   "CPO outside the group");
	ok(m.t[0].medium == CB_MEDIUM_COPPER && m.t[1].medium == CB_MEDIUM_CPO, "optics applied to tier 1 only");
	ok(m.eff.tier[1].lower_medium == CB_MEDIUM_PLUGGABLE, "CPO on the switch end; the NIC keeps its module");
	is_num(cb_model_tier_j_per_bit(&m, 1), (2 * (15.6 + 5 + 5.6) + 3 * 9) * 1e-12, 1e-20,
	       "CPO end: no host SerDes term");
	cb_model_power(&m, &pw);
	is_num(pw.port_w, 1152 * 2 * 0.1 + 8 * (25 + 9), 1e-9, "CPO port power");
	ok(cb_model_init(&m, &topo, 64, CB_MEDIUM_LPO, cb_model_default_tier_mask(&topo), err, sizeof err) == 0 &&
		   m.eff.tier[1].lower_medium == CB_MEDIUM_LPO,
	   "LPO on both ends");

	/* Growth beyond the file: a third tier with the same fan-out and two more hops. */
	topo.tier[1].group_size = 64;
	ok(cb_model_init(&m, &topo, 500, CB_MODEL_OPTICS_ASIS, 0, err, sizeof err) == 0, "model of 500");
	ok(m.grown == 1 && m.ntiers == 3 && m.t[2].group == 500 && m.t[2].members == 8 && m.t[2].hops == 5,
	   "500 endpoints: one grown tier of 8 x 64, clipped to 500 (%d tiers, hops %d)", m.ntiers, m.t[2].hops);
	ok(cb_model_init(&m, &topo, 1000, CB_MODEL_OPTICS_ASIS, 0, err, sizeof err) == 0 && m.grown == 2 &&
		   m.ntiers == 4 && m.t[3].group == 1000 && m.t[3].members == 2,
	   "1000 endpoints: two grown tiers");

	/* KV cache: DistServe's OPT-66B, 512 tokens = 1.13 GiB; 10 req/s = 11.3 GiB/s. */
	const struct cb_kv_preset *opt = cb_kv_preset_find("opt-66b");
	ok(opt != NULL, "opt-66b preset");
	is_num(cb_kv_bytes_per_token(opt, 2) * 512, 1207959552.0, 0, "OPT-66B 512 tokens = 1,207,959,552 B");
	is_num(cb_kv_bytes_per_token(opt, 2) * 512 / 1073741824.0, 1.13, 0.005, "= 1.13 GiB (DistServe's 1.13 GB)");
	is_num(cb_kv_bytes_per_token(opt, 2) * 512 * 10 / 1073741824.0, 11.25, 1e-12,
	       "10 req/s = 11.25 GiB/s (DistServe: 10 x 1.13 = 11.3)");
	is_num(cb_kv_bytes_per_token(cb_kv_preset_find("llama-3.1-70b"), 2), 327680, 0, "Llama-3.1-70B 320 KiB/token");
	is_num(cb_kv_bytes_per_token(cb_kv_preset_find("deepseek-r1"), 2), 70272, 0, "DeepSeek-R1 MLA 70,272 B/token");
	ok(cb_kv_preset_find("nope") == NULL, "unknown preset");

	topo.tier[1].group_size = 1 << 20;
	ok(cb_model_init(&m, &topo, 64, CB_MODEL_OPTICS_ASIS, 0, err, sizeof err) == 0, "model for KV");
	struct cb_kv_params kp = { .preset = cb_kv_preset_find("llama-3.1-70b"), .dtype_bytes = 2, .tp = 8,
				   .block_tokens = 0, .msg_overhead_s = 0, .prefill_flops = 36e12 };
	struct cb_kv_cost kv;
	cb_kv_cost(&m, 1, &kp, 32768, &kv);
	is_num(kv.bytes, 32768.0 * 327680, 0, "70B 32k request bytes");
	is_num(kv.messages, 80, 0, "one message per layer");
	is_num(kv.transfer_s, 5 * US + kv.bytes / 8 / 400e9, 1e-15, "transfer = alpha + shard / bw");
	is_num(kv.prefill_s, 2 * 70.6e9 * 32768 / (8 * 36e12), 1e-12, "prefill clock 2 x params x tokens / (tp F)");
	double layer = 5 * US + kv.bytes / 8 / 80 / 400e9;
	is_num(kv.exposed_layer_s, layer, 1e-15, "layer-wise: one layer exposed when the link keeps up");
	kp.prefill_flops = 1e18; /* prefill far faster than the link */
	cb_kv_cost(&m, 1, &kp, 32768, &kv);
	is_num(kv.exposed_layer_s, layer + 79 * (layer - kv.prefill_s / 80), 1e-12, "layer-wise when the link lags");
	kp.block_tokens = 16;
	kp.msg_overhead_s = 1 * US;
	cb_kv_cost(&m, 1, &kp, 32768, &kv);
	is_num(kv.messages, 80 * 2 * 2048, 0, "block 16: L x 2 x blocks messages");
	is_num(kv.transfer_s, 5 * US + 327680 * US + 32768.0 * 327680 / 8 / 400e9, 1e-12, "message overhead counted");

	/* Anchor: the shipped GB200 NVL72 rack aggregates 72 x 1.8 TB/s = 129.6 TB/s ("130 TB/s", source article). */
	struct cb_topo nvl;
	ok(cb_topo_load("gb200-nvl72-pluggable", &nvl, err, sizeof err) == 0, "shipped gb200-nvl72-pluggable loads (%s)",
	   err);
	ok(cb_model_init(&m, &nvl, 72, CB_MODEL_OPTICS_ASIS, 0, err, sizeof err) == 0 && m.ntiers == 1, "one NVL72 rack");
	is_num(cb_model_group_aggregate_Bps(&m, 0) / 1e12, 129.6, 1e-9, "NVL72 aggregate = 129.6 TB/s (~130 TB/s)");
	is_num(cb_model_flow_bw(&m, 0, 1), 900e9, 1, "NVLink 5: 900 GB/s per direction per GPU");

	/* Calibration: a ping-pong fit (core/fit.h, tested in tests/hier/test_fit.c) replaces a tier's
	 * alpha and bandwidth; a flat fit (beta = inf) keeps the bandwidth. */
	struct cb_fit f = { .alpha_s = 2 * US, .beta_Bps = 10e9, .points = 5 };
	double bw_before = m.t[0].bw_Bps;
	cb_model_calibrate(&m, 0, &f);
	ok(m.t[0].alpha_s == 2 * US && m.t[0].bw_Bps == 10e9 && m.t[0].calibrated, "calibrate: alpha and bandwidth set");
	f.beta_Bps = INFINITY;
	f.alpha_s = 3 * US;
	cb_model_calibrate(&m, 0, &f);
	ok(m.t[0].alpha_s == 3 * US && m.t[0].bw_Bps == 10e9, "calibrate with beta = inf: alpha set, bandwidth kept");
	ok(bw_before != 10e9, "calibration changed the bandwidth (was %g)", bw_before);
	return tap_done();
}
