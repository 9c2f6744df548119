/* Paged KV layout -> pieces (contiguous on both sides) -> messages, with TP head slicing. */
#include "config.h"
#include "kv/layout.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char *cb_kv_layout_name(enum cb_kv_layout l)
{
	return l == CB_KV_LAYOUT_CROSS ? "cross" : "layer";
}

const char *cb_kv_gran_name(enum cb_kv_gran g)
{
	static const char *const n[] = { "desc", "coalesce", "layer", "request" };
	return n[g];
}

static int heads_of(const struct cb_kv_model *m, int tp)
{
	if (m->attn == CB_KV_MLA)
		return 1;
	return tp <= m->kv_heads ? m->kv_heads / tp : 1;
}

static int check_tp(const struct cb_kv_model *m, int tp, const char *opt, char *err, size_t errlen)
{
	if (m->attn == CB_KV_MLA)
		return 0;
	if ((tp <= m->kv_heads && m->kv_heads % tp) || (tp > m->kv_heads && tp % m->kv_heads)) {
		snprintf(err, errlen, "%s %d: must divide the model's %d KV heads or be a multiple of them", opt, tp,
			 m->kv_heads);
		return -1;
	}
	return 0;
}

int cb_kv_geom_init(struct cb_kv_geom *g, char *err, size_t errlen)
{
	if (check_tp(&g->m, g->tp_p, "--tp-p", err, errlen) || check_tp(&g->m, g->tp_d, "--tp-d", err, errlen))
		return -1;
	g->ntens = cb_kv_tensors(&g->m);
	g->heads_p = heads_of(&g->m, g->tp_p);
	g->heads_d = heads_of(&g->m, g->tp_d);
	g->row_bytes = (uint64_t)g->m.head_dim * (uint64_t)g->elem_bytes;
	return 0;
}

int cb_kv_first_head(const struct cb_kv_geom *g, int tp, int r)
{
	if (g->m.attn == CB_KV_MLA)
		return 0;
	if (tp <= g->m.kv_heads)
		return r * (g->m.kv_heads / tp);
	return r / (tp / g->m.kv_heads);  /* replicated: tp/Hkv ranks share a head */
}

uint64_t cb_kv_block_bytes(const struct cb_kv_geom *g, int heads)
{
	uint64_t b = (uint64_t)heads * (uint64_t)g->block_tokens * g->row_bytes;
	if (g->layout == CB_KV_LAYOUT_CROSS)
		b *= (uint64_t)g->m.layers * (uint64_t)g->ntens;
	return b;
}

uint64_t cb_kv_pool_bytes(const struct cb_kv_geom *g, int heads, uint64_t pool_blocks)
{
	uint64_t b = cb_kv_block_bytes(g, heads) * pool_blocks;
	if (g->layout == CB_KV_LAYOUT_LAYER)
		b *= (uint64_t)g->m.layers * (uint64_t)g->ntens;
	return b;
}

/* The prefill rank that serves head h to decode rank dst: the owner, or for
 * replicated heads (tp_p > Hkv) one replica chosen round-robin by dst; for
 * MLA (every rank holds the latent) rank dst mod tp_p. */
static int source_of(const struct cb_kv_geom *g, int h, int dst)
{
	if (g->m.attn == CB_KV_MLA)
		return dst % g->tp_p;
	int H = g->m.kv_heads;
	if (g->tp_p <= H)
		return h / (H / g->tp_p);
	int rep = g->tp_p / H;
	return h * rep + dst % rep;
}

int cb_kv_slices(const struct cb_kv_geom *g, struct cb_kv_slice **out)
{
	size_t n = 0, cap = (size_t)g->tp_d * (size_t)(g->heads_d + 1);
	struct cb_kv_slice *s = calloc(cap, sizeof *s);
	if (!s)
		return -1;
	for (int d = 0; d < g->tp_d; d++) {
		int h0 = cb_kv_first_head(g, g->tp_d, d);
		for (int h = h0; h < h0 + g->heads_d; h++) {
			int src = source_of(g, h, d);
			if (n && s[n - 1].dst == d && s[n - 1].src == src && s[n - 1].head0 + s[n - 1].nheads == h)
				s[n - 1].nheads++;
			else
				s[n++] = (struct cb_kv_slice){ .src = src, .dst = d, .head0 = h, .nheads = 1 };
		}
	}
	*out = s;
	return (int)n;
}

int cb_kv_ngroups(const struct cb_kv_geom *g, enum cb_kv_sched s, int arg, uint64_t isl)
{
	if (s == CB_KV_SCHED_LAYER)
		return (g->m.layers + arg - 1) / arg;
	if (s == CB_KV_SCHED_CHUNK)
		return (int)((isl + (uint64_t)arg - 1) / (uint64_t)arg);
	return 1;
}

/* Byte offset of (layer, tensor, pool block, local head) in one rank's pool. */
static uint64_t pool_off(const struct cb_kv_geom *g, int heads, uint64_t pool_blocks, int layer, int kv,
			 uint64_t blk, int head)
{
	uint64_t head_bytes = (uint64_t)g->block_tokens * g->row_bytes;
	uint64_t region = (uint64_t)layer * (uint64_t)g->ntens + (uint64_t)kv;
	if (g->layout == CB_KV_LAYOUT_LAYER)
		return (region * pool_blocks + blk) * cb_kv_block_bytes(g, heads) + (uint64_t)head * head_bytes;
	return blk * cb_kv_block_bytes(g, heads) + (region * (uint64_t)heads + (uint64_t)head) * head_bytes;
}

static int group_of(const struct cb_kv_geom *g, const struct cb_kv_req *r, int last_layer, uint64_t block)
{
	if (r->sched == CB_KV_SCHED_LAYER)
		return last_layer / r->sched_arg;
	if (r->sched == CB_KV_SCHED_CHUNK) {
		uint64_t end = (block + 1) * (uint64_t)g->block_tokens;
		if (end > r->isl)
			end = r->isl;
		return (int)((end - 1) / (uint64_t)r->sched_arg);
	}
	return 0;
}

/* Is logical block b of a request of isl tokens inside layer l's window? */
static int block_needed(const struct cb_kv_geom *g, int layer, uint64_t b, uint64_t isl)
{
	if (!cb_kv_layer_is_swa(&g->m, layer) || (uint64_t)g->m.swa_window >= isl)
		return 1;
	uint64_t first_tok = isl - (uint64_t)g->m.swa_window;
	return (b + 1) * (uint64_t)g->block_tokens > first_tok;
}

/* The piece of slice s in (layer l, tensor k, logical block b); sh/dh = the
 * slice's first head on the source/destination rank. */
static struct cb_kv_piece head_piece(const struct cb_kv_geom *g, const struct cb_kv_slice *s, const struct cb_kv_req *r,
				     int l, int k, uint64_t b, int sh, int dh)
{
	return (struct cb_kv_piece){
		.src_off = pool_off(g, g->heads_p, r->src_pool_blocks, l, k, r->src_blocks[b], sh),
		.dst_off = pool_off(g, g->heads_d, r->dst_pool_blocks, l, k, r->dst_blocks[b], dh),
		.len = (uint64_t)s->nheads * (uint64_t)g->block_tokens * g->row_bytes, .layer = l, .nlayers = 1,
		.kv = (int16_t)k, .nkv = 1, .head0 = s->head0, .nheads = s->nheads, .block = (int32_t)b,
		.group = group_of(g, r, l, b) };
}

static int pieces_build(const struct cb_kv_geom *g, const struct cb_kv_slice *s, const struct cb_kv_req *r,
			struct cb_kv_plan *p)
{
	uint64_t nb = cb_kv_nblocks(g, r->isl);
	int L = g->m.layers, T = g->ntens;
	int sh = s->head0 - cb_kv_first_head(g, g->tp_p, s->src);
	int dh = s->head0 - cb_kv_first_head(g, g->tp_d, s->dst);
	int whole = g->layout == CB_KV_LAYOUT_CROSS && s->nheads == g->heads_p && s->nheads == g->heads_d;
	size_t cap = whole ? nb : nb * (size_t)L * (size_t)T;
	p->pieces = malloc((cap ? cap : 1) * sizeof *p->pieces);
	if (!p->pieces)
		return -1;
	size_t n = 0;
	if (whole) {
		for (uint64_t b = 0; b < nb; b++)
			p->pieces[n++] = (struct cb_kv_piece){
				.src_off = pool_off(g, g->heads_p, r->src_pool_blocks, 0, 0, r->src_blocks[b], 0),
				.dst_off = pool_off(g, g->heads_d, r->dst_pool_blocks, 0, 0, r->dst_blocks[b], 0),
				.len = cb_kv_block_bytes(g, g->heads_p), .layer = 0, .nlayers = L, .kv = 0,
				.nkv = (int16_t)T, .head0 = s->head0, .nheads = s->nheads, .block = (int32_t)b,
				.group = group_of(g, r, L - 1, b) };
	} else if (g->layout == CB_KV_LAYOUT_LAYER) {
		/* region-major, as vLLM numbers its descriptors */
		for (int l = 0; l < L; l++)
			for (int k = 0; k < T; k++)
				for (uint64_t b = 0; b < nb; b++)
					if (block_needed(g, l, b, r->isl))
						p->pieces[n++] = head_piece(g, s, r, l, k, b, sh, dh);
	} else {
		/* cross-layer blocks carrying a head slice: one piece per (block, layer, tensor) */
		for (uint64_t b = 0; b < nb; b++)
			for (int l = 0; l < L; l++)
				for (int k = 0; k < T; k++)
					p->pieces[n++] = head_piece(g, s, r, l, k, b, sh, dh);
	}
	p->npieces = n;
	p->bytes = 0;
	for (size_t i = 0; i < n; i++)
		p->bytes += p->pieces[i].len;
	return 0;
}

/* Stable counting sort of piece indices [0,n) by key(i) in [0, nkeys). */
static int sort_by(uint32_t *idx, size_t n, const int32_t *key, int nkeys)
{
	size_t *start = calloc((size_t)nkeys + 1, sizeof *start);
	uint32_t *tmp = malloc((n ? n : 1) * sizeof *tmp);
	if (!start || !tmp) {
		free(start);
		free(tmp);
		return -1;
	}
	for (size_t i = 0; i < n; i++)
		start[key[idx[i]] + 1]++;
	for (int k = 0; k < nkeys; k++)
		start[k + 1] += start[k];
	for (size_t i = 0; i < n; i++)
		tmp[start[key[idx[i]]]++] = idx[i];
	memcpy(idx, tmp, n * sizeof *idx);
	free(start);
	free(tmp);
	return 0;
}

int cb_kv_plan_build(const struct cb_kv_geom *g, const struct cb_kv_slice *s, const struct cb_kv_req *r,
		     struct cb_kv_plan *p)
{
	memset(p, 0, sizeof *p);
	p->ngroups = cb_kv_ngroups(g, r->sched, r->sched_arg, r->isl);
	if (pieces_build(g, s, r, p) != 0)
		return -1;
	size_t n = p->npieces;
	p->order = malloc((n ? n : 1) * sizeof *p->order);
	p->msgs = malloc((n ? n : 1) * sizeof *p->msgs);
	/* key per piece: group, then (for layer granularity) layer within group */
	int32_t *gkey = malloc((n ? n : 1) * sizeof *gkey), *lkey = malloc((n ? n : 1) * sizeof *lkey);
	int rc = -1;
	if (!p->order || !p->msgs || !gkey || !lkey)
		goto out;
	for (size_t i = 0; i < n; i++) {
		p->order[i] = (uint32_t)i;
		gkey[i] = p->pieces[i].group;
		/* whole cross-layer blocks have no single layer: they form one layer key */
		lkey[i] = p->pieces[i].nlayers == 1 ? p->pieces[i].layer : 0;
	}
	if (r->gran == CB_KV_GRAN_LAYER && sort_by(p->order, n, lkey, g->m.layers) != 0)
		goto out;
	if (sort_by(p->order, n, gkey, p->ngroups) != 0)
		goto out;

	size_t nm = 0;
	for (size_t i = 0; i < n; i++) {
		const struct cb_kv_piece *c = &p->pieces[p->order[i]];
		struct cb_kv_msg *m = nm ? &p->msgs[nm - 1] : NULL;
		int join = 0;
		if (m && m->group == c->group && m->bytes + c->len <= r->max_msg) {
			const struct cb_kv_piece *last = &p->pieces[p->order[i - 1]];
			int adjacent = last->src_off + last->len == c->src_off && last->dst_off + last->len == c->dst_off;
			switch (r->gran) {
			case CB_KV_GRAN_DESC: join = 0; break;
			case CB_KV_GRAN_COALESCE: join = adjacent; break;
			case CB_KV_GRAN_LAYER: join = lkey[p->order[i - 1]] == lkey[p->order[i]]; break;
			case CB_KV_GRAN_REQUEST: join = 1; break;
			}
			if (join) {
				m->contiguous = m->contiguous && adjacent;
				m->bytes += c->len;
				m->npieces++;
			}
		}
		if (!join)
			p->msgs[nm++] = (struct cb_kv_msg){ .bytes = c->len, .first = (uint32_t)i, .npieces = 1,
							   .group = c->group, .contiguous = 1 };
	}
	p->nmsgs = nm;
	for (size_t m = 0, at = 0; m < nm; at += p->msgs[m++].bytes)
		p->msgs[m].stage_off = at;
	rc = 0;
out:
	free(gkey);
	free(lkey);
	if (rc != 0)
		cb_kv_plan_free(p);
	return rc;
}

void cb_kv_plan_free(struct cb_kv_plan *p)
{
	free(p->pieces);
	free(p->order);
	free(p->msgs);
	memset(p, 0, sizeof *p);
}
