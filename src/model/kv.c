/* KV-cache transfer per request: bytes, messages, transfer and exposed time, energy. */
#include "config.h"
#include "model/kv.h"

#include <math.h>
#include <string.h>

#define KVREF "kvcache.md section 4 (KVBench presets, HF configs)"
const struct cb_kv_preset cb_kv_presets[] = {
	{ "llama-3.1-8b", 32, 8, 128, 8.0e9, KVREF },
	{ "llama-3.1-70b", 80, 8, 128, 70.6e9, KVREF },
	{ "llama-3.1-405b", 126, 8, 128, 405e9, KVREF },
	{ "qwen3-235b-a22b", 94, 4, 128, 22e9, KVREF },
	{ "deepseek-r1", 61, 0, 576, 37e9, KVREF " (MLA: 512 latent + 64 rope)" },
	{ "opt-66b", 64, 72, 128, 66e9, "DistServe (OSDI'24): 64 layers x hidden 9216, MHA" },
	{ NULL, 0, 0, 0, 0, NULL },
};

const struct cb_kv_preset *cb_kv_preset_find(const char *name)
{
	for (int i = 0; cb_kv_presets[i].name; i++)
		if (strcmp(cb_kv_presets[i].name, name) == 0)
			return &cb_kv_presets[i];
	return NULL;
}

double cb_kv_bytes_per_token(const struct cb_kv_preset *p, int b)
{
	if (p->kv_heads == 0)
		return (double)p->layers * p->head_dim * b;
	return 2.0 * p->layers * p->kv_heads * p->head_dim * b;
}

void cb_kv_cost(const struct cb_model *m, int tier, const struct cb_kv_params *kp, double tokens,
		struct cb_kv_cost *c)
{
	memset(c, 0, sizeof *c);
	const struct cb_kv_preset *p = kp->preset;
	int tp = kp->tp > 0 ? kp->tp : 1;
	double L = p->layers;
	c->bytes = tokens * cb_kv_bytes_per_token(p, kp->dtype_bytes);
	double shard = c->bytes / tp;
	c->messages = kp->block_tokens > 0 ? L * 2.0 * ceil(tokens / (double)kp->block_tokens) : L;
	double bw = cb_model_flow_bw(m, tier, 1), alpha = m->t[tier].alpha_s + m->overhead_s;
	c->transfer_s = alpha + c->messages * kp->msg_overhead_s + shard / bw;
	c->prefill_s = kp->prefill_flops > 0 ? 2.0 * p->params * tokens / (tp * kp->prefill_flops) : 0;
	c->exposed_bulk_s = c->transfer_s;
	/* Layer j's share leaves when layer j is computed; the link serialises them. */
	double per_layer = alpha + (c->messages / L) * kp->msg_overhead_s + shard / L / bw;
	double t_layer = c->prefill_s / L;
	c->exposed_layer_s = per_layer + (per_layer > t_layer ? (L - 1) * (per_layer - t_layer) : 0);
	c->energy_j = c->bytes * 8.0 * cb_model_tier_j_per_bit(m, tier);
}
