/* Model configurations for KV-cache sizing: presets from an INI file, or custom:L,Hkv,dhead,... */
#ifndef CB_KV_MODEL_H
#define CB_KV_MODEL_H

#include <stddef.h>
#include <stdint.h>

enum cb_kv_attn { CB_KV_GQA, CB_KV_MLA };

struct cb_kv_model {
	char name[64];         /* preset key, e.g. "llama-3.1-70b", or "custom" */
	char display[64];
	char source[256];
	enum cb_kv_attn attn;
	int layers;
	int kv_heads;          /* GQA: KV heads; MLA: 1 (the latent, replicated) */
	int head_dim;          /* GQA: head dim; MLA: kv_lora_rank + rope_dim */
	int swa_layers;        /* layers with a sliding window (0: none) */
	int swa_window;        /* tokens kept by those layers */
	int hidden;            /* model width d for the FLOPs model (0: unknown) */
	double active_params;  /* MoE active parameters per token (0: dense formula) */
};

/* Default preset file path: $CPOBENCH_DATADIR/presets/models.ini, the installed
 * pkgdatadir, or the source tree (for runs before `make install`). */
const char *cb_kv_presets_path(void);
/*
 * Load preset `name` (case-insensitive) from an INI file.  Returns 0, or -1
 * with a one-line message: "FILE:LINE: ..." for a malformed file, or the
 * list of known presets for an unknown name.
 */
int cb_kv_model_load(const char *path, const char *name, struct cb_kv_model *m, char *err, size_t errlen);
/* "custom:L,Hkv,dhead[,attn=mla][,hidden=D][,swa=LAYERS/WINDOW]" */
int cb_kv_model_custom(const char *spec, struct cb_kv_model *m, char *err, size_t errlen);
/* Either of the two, by the spec's prefix. */
int cb_kv_model_resolve(const char *path, const char *spec, struct cb_kv_model *m, char *err, size_t errlen);

/* Number of KV tensors per layer: 2 (K and V) for GQA, 1 (latent) for MLA. */
int cb_kv_tensors(const struct cb_kv_model *m);
/* Full-attention-equivalent bytes per token: 2*L*Hkv*dhead*b, or L*(512+64)*b. */
uint64_t cb_kv_token_bytes(const struct cb_kv_model *m, int elem_bytes);
/* Bytes for a context of ctx tokens, sliding-window aware. */
uint64_t cb_kv_context_bytes(const struct cb_kv_model *m, int elem_bytes, uint64_t ctx);
/* Is layer l a sliding-window layer?  (gpt-oss alternates: odd layers are banded.) */
int cb_kv_layer_is_swa(const struct cb_kv_model *m, int layer);

#endif
