/*
 * KV-cache transfer model for prefill/decode disaggregation: bytes and
 * messages per request from a model preset, transfer time across one tier,
 * and the latency left exposed after prefill (bulk, or layer by layer
 * overlapped with a prefill clock).  docs/model.md section 4.
 */
#ifndef CB_MODEL_KV_H
#define CB_MODEL_KV_H

#include "model/model.h"

struct cb_kv_preset {
	const char *name;
	int layers;
	int kv_heads;        /* 0 for MLA */
	int head_dim;        /* MLA: latent + rope dims */
	double params;       /* parameters used per token (active), for the prefill clock */
	const char *source;
};

/* Shipped presets (kvcache.md section 4; DistServe for OPT-66B); NULL-terminated by name. */
extern const struct cb_kv_preset cb_kv_presets[];
const struct cb_kv_preset *cb_kv_preset_find(const char *name);

/* 2 L Hkv dhead b (dense/GQA) or L (latent + rope) b (MLA). */
double cb_kv_bytes_per_token(const struct cb_kv_preset *p, int dtype_bytes);

struct cb_kv_params {
	const struct cb_kv_preset *preset;
	int dtype_bytes;       /* 2 = bf16 */
	int tp;                /* ranks the request is spread over; each sends its shard on its own link */
	long block_tokens;     /* 0: one message per layer; > 0: one per (layer, K/V, block) */
	double msg_overhead_s; /* software cost per message (fitted from measurement, 0 if not) */
	double prefill_flops;  /* sustained prefill FLOP/s per GPU */
};

struct cb_kv_cost {
	double bytes;          /* whole request */
	double messages;       /* per rank */
	double prefill_s;      /* 2 x params x tokens / (tp x flops) */
	double transfer_s;     /* one rank's shard across the tier */
	double exposed_bulk_s; /* sent after prefill ends */
	double exposed_layer_s;/* layer-wise, overlapped with prefill */
	double energy_j;
};

/* One request of `tokens` tokens across tier i of m. */
void cb_kv_cost(const struct cb_model *m, int tier, const struct cb_kv_params *kp, double tokens,
		struct cb_kv_cost *c);

#endif
