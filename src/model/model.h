/*
 * The analytic projection model: per-tier alpha/beta from a topology and a
 * choice of optics, time per algorithm, bytes per tier, energy, network
 * power, reach and link failures.  MPI-free; docs/model.md gives every
 * formula with its source.  Units are SI: seconds, bytes, bytes/s, joules,
 * watts, metres.
 */
#ifndef CB_MODEL_H
#define CB_MODEL_H

#include <stdint.h>

#include "core/fit.h"
#include "topo/topo.h"

#define CB_MODEL_MAX_TIERS (CB_TOPO_MAX_TIERS + 8)

/* One tier as the model sees it for a given cluster size. */
struct cb_model_tier {
	int src;              /* index of the topology tier it comes from */
	long group;           /* endpoints per group at this tier (cumulative, clipped to p) */
	long members;         /* lower groups per group: group / lower group (>= 1) */
	double alpha_s;       /* one-way latency of a message crossing this tier */
	double bw_Bps;        /* per endpoint per direction, one flow alone */
	double oversub;       /* >= 1 */
	int hops;
	enum cb_medium medium;
	int calibrated;       /* alpha/beta replaced by a fit (cb_model_calibrate) */
};

/* The model of one cluster: a topology, a size and (optionally) optics. */
struct cb_model {
	const struct cb_topo *topo;  /* media table, switch energy, FEC, ... (borrowed) */
	struct cb_topo eff;          /* topology with the optics applied and grown to p */
	long p;                      /* endpoints (GPUs) */
	int ntiers;                  /* tiers in use at p */
	struct cb_model_tier t[CB_MODEL_MAX_TIERS];
	double overhead_s;           /* software overhead per message (0 unless calibrated) */
	int grown;                   /* outer tiers added beyond the file (p > file's largest group) */
	int joined;                  /* of which taken from a scale-out topology */
};

/*
 * Optics choice: medium applied to the tiers selected by tier_mask
 * (bit i = topology tier i); CB_MODEL_OPTICS_ASIS keeps the file's media.
 */
#define CB_MODEL_OPTICS_ASIS (-1)
/* Default tier selection for an optics choice: every tier but the innermost. */
unsigned cb_model_default_tier_mask(const struct cb_topo *t);

/* Build the model; returns 0, or -1 with a message (p < 2, no tiers). */
int cb_model_init(struct cb_model *m, const struct cb_topo *topo, long p, int optics, unsigned tier_mask,
		  char *err, size_t errlen);

/*
 * The same, for p beyond the file's largest group: a file that is a single
 * scale-up network (its outermost tier in tier 0's network) first gets the
 * tiers of `scaleout` (group sizes raised to at least the file's largest,
 * optics applied); then the outermost tier is replicated (same fan-out, two
 * more switch hops each) until one group holds p.
 */
int cb_model_init_joined(struct cb_model *m, const struct cb_topo *topo, const struct cb_topo *scaleout, long p,
			 int optics, unsigned tier_mask, char *err, size_t errlen);

/* Per-flow bandwidth at tier i when k endpoints of one lower group cross it at once:
 * min(bw, lower_group x bw / oversub / k). */
double cb_model_flow_bw(const struct cb_model *m, int i, long k);
/* Aggregate bandwidth of one group at tier i, both directions: group x bw x 2
 * (NVIDIA's convention: NVL72 = 72 x 1.8 TB/s = 130 TB/s). */
double cb_model_group_aggregate_Bps(const struct cb_model *m, int i);
/* Tier crossed by a pair of endpoints r and s (lowest common tier), in 0..ntiers-1. */
int cb_model_pair_tier(const struct cb_model *m, long r, long s);

/* Collectives and kernels the model knows. */
enum cb_model_algo {
	CB_ALGO_AR_RING,
	CB_ALGO_AR_RABENSEIFNER,
	CB_ALGO_AR_HIER,
	CB_ALGO_A2A_PAIRWISE,
	CB_ALGO_A2A_BRUCK,
	CB_ALGO_A2A_HIER,
	CB_ALGO_PINGPONG,
	CB_ALGO_KV_BULK,     /* KV cache sent after prefill: exposed = transfer */
	CB_ALGO_KV_LAYER,    /* layer by layer during prefill (kv.h) */
	CB_ALGO_COUNT
};
const char *cb_model_algo_kernel(enum cb_model_algo a);  /* "allreduce", ... */
const char *cb_model_algo_name(enum cb_model_algo a);    /* "ring", ... (as the kernels name them) */
/* Find by kernel and algorithm name (the kernels' names; "pairwise" also as "pair"). */
int cb_model_algo_find(const char *kernel, const char *algo, enum cb_model_algo *out);

/* What one operation costs. */
struct cb_model_cost {
	double time_s;
	double tier_time_s[CB_MODEL_MAX_TIERS];  /* time spent in steps bound by each tier */
	double tier_bytes[CB_MODEL_MAX_TIERS];   /* bytes crossing each tier, summed over endpoints */
	double messages;                         /* point-to-point messages per endpoint */
	double energy_j;                         /* dynamic network energy of the operation */
};

/*
 * Time, bytes and energy of one operation of n bytes (the kernels' size
 * conventions: all-reduce n = each rank's vector; all-to-all n = bytes each
 * rank sends in total; ping-pong n = message size, between endpoints 0 and the
 * first endpoint across the outermost tier).  Returns 0, or -1 if the
 * algorithm is unknown.
 */
int cb_model_cost(const struct cb_model *m, enum cb_model_algo a, double n, struct cb_model_cost *c);
/* One-way time of an n-byte message across tier i (ping-pong half round trip). */
double cb_model_p2p_s(const struct cb_model *m, int i, double n);

/* Energy per bit crossing tier i: 2 x media + 2 x host SerDes (if the medium needs it) + hops x switch. */
double cb_model_tier_j_per_bit(const struct cb_model *m, int i);

/* Network power and links of the whole cluster of m->p endpoints. */
struct cb_model_power {
	double links[CB_MODEL_MAX_TIERS];       /* cables at each tier */
	double port_w;                          /* ports (both ends) x W/port, all tiers */
	double switch_w;                        /* switch ASIC power at full load */
	double total_w;
	double links_by_medium[CB_MEDIUM_COUNT];
};
void cb_model_power(const struct cb_model *m, struct cb_model_power *pw);

/* Reach of each tier at its lane rate. */
struct cb_model_reach {
	double reach_m[CB_MODEL_MAX_TIERS];
	int ok[CB_MODEL_MAX_TIERS];
	int all_ok;
};
void cb_model_reach(const struct cb_model *m, struct cb_model_reach *r);

/*
 * Reliability.  Baselines (media-and-systems.md section 5): a pluggable module
 * MTBF of 750,000 device-hours (0.5-1.0 M), and Llama 3's 1.65e-6 network-caused
 * job interruptions per GPU-hour with pluggable optics.
 */
#define CB_MODEL_PLUGGABLE_MTBF_H 750000.0
#define CB_MODEL_NET_INTERRUPT_PER_GPU_H 1.65e-6
struct cb_model_rel {
	double link_failures_per_day;      /* sum over links: 2 ends x failure_rel / MTBF x 24 */
	double job_interruptions_per_day;  /* p x 24 x 1.65e-6 x link-weighted failure_rel */
	double weighted_failure_rel;       /* links-weighted relative failure rate */
};
void cb_model_reliability(const struct cb_model *m, struct cb_model_rel *r);

/* Replace tier i's alpha and bandwidth with a ping-pong fit (core/fit.h; the fit's alpha includes
 * software overhead; a flat fit, beta = inf, keeps the tier's bandwidth). */
void cb_model_calibrate(struct cb_model *m, int i, const struct cb_fit *f);

#endif
