/* Layout -> messages: exact counts per granularity and schedule, resharding slices, the check pattern. */
#include "config.h"
#include "kv/layout.h"
#include "kv/pattern.h"
#include "tests/kvcache/kv_geom.h"
#include "tests/tap.h"

#include <stdlib.h>

static uint64_t ids_seq[64], ids_rev[64];

/* Messages of the plan for slice `si` of the given geometry. */
static size_t msgs(const struct cb_kv_geom *g, int si, uint64_t isl, enum cb_kv_gran gran, enum cb_kv_sched sch,
		   int arg, const uint64_t *dst, uint64_t *bytes, size_t *pieces)
{
	struct cb_kv_slice *s;
	int n = cb_kv_slices(g, &s);
	struct cb_kv_req r = { .isl = isl, .src_blocks = ids_seq, .dst_blocks = dst ? dst : ids_seq,
			       .src_pool_blocks = 33, .dst_pool_blocks = 33, .sched = sch, .sched_arg = arg,
			       .gran = gran, .max_msg = 1u << 30 };
	struct cb_kv_plan p;
	size_t m = 0;
	if (si < n && cb_kv_plan_build(g, &s[si], &r, &p) == 0) {
		m = p.nmsgs;
		if (bytes)
			*bytes = p.bytes;
		if (pieces)
			*pieces = p.npieces;
		cb_kv_plan_free(&p);
	}
	free(s);
	return m;
}

/* Every head of every decode rank is delivered exactly once, by a prefill rank that holds it. */
static int slices_exact(const struct cb_kv_geom *g)
{
	struct cb_kv_slice *s;
	int n = cb_kv_slices(g, &s), good = n > 0;
	for (int d = 0; d < g->tp_d; d++) {
		int h0 = cb_kv_first_head(g, g->tp_d, d);
		for (int h = h0; h < h0 + g->heads_d; h++) {
			int times = 0;
			for (int i = 0; i < n; i++)
				if (s[i].dst == d && h >= s[i].head0 && h < s[i].head0 + s[i].nheads) {
					times++;
					int p0 = cb_kv_first_head(g, g->tp_p, s[i].src);
					good &= h >= p0 && h < p0 + g->heads_p;
				}
			good &= times == 1;
		}
	}
	for (int i = 0; i < n; i++)
		good &= s[i].dst >= 0 && s[i].dst < g->tp_d && s[i].src >= 0 && s[i].src < g->tp_p;
	free(s);
	return good;
}

int main(void)
{
	for (int i = 0; i < 64; i++) {
		ids_seq[i] = (uint64_t)i;
		ids_rev[i] = (uint64_t)(63 - i);
	}
	/* L=4, Hkv=4, dhead=8, bf16, 4-token blocks; 32 tokens = 8 blocks */
	struct cb_kv_geom g = kv_test_geom(4, 4, 8, 4, 1, 1, CB_KV_LAYOUT_LAYER);
	uint64_t bytes = 0;
	size_t pieces = 0;
	const uint64_t total = 2ull * 4 * 4 * 8 * 2 * 32;  /* 2*L*Hkv*dhead*b*tokens */
	is_num(msgs(&g, 0, 32, CB_KV_GRAN_DESC, CB_KV_SCHED_BULK, 1, NULL, &bytes, &pieces), 4 * 2 * 8, 0,
	       "desc: one message per (layer, K/V, block) = 2*L*nb");
	is_num(bytes, total, 0, "desc: bytes = 2*L*Hkv*dhead*b*tokens");
	is_num(msgs(&g, 0, 32, CB_KV_GRAN_COALESCE, CB_KV_SCHED_BULK, 1, NULL, NULL, NULL), 4 * 2, 0,
	       "coalesce, sequential blocks: one run per region = 2*L");
	is_num(msgs(&g, 0, 32, CB_KV_GRAN_COALESCE, CB_KV_SCHED_BULK, 1, ids_rev + 56, NULL, NULL), 4 * 2 * 8, 0,
	       "coalesce, reversed destination blocks: nothing merges");
	is_num(msgs(&g, 0, 32, CB_KV_GRAN_LAYER, CB_KV_SCHED_BULK, 1, NULL, NULL, NULL), 4, 0, "layer: L messages");
	is_num(msgs(&g, 0, 32, CB_KV_GRAN_REQUEST, CB_KV_SCHED_BULK, 1, NULL, &bytes, NULL), 1, 0, "request: 1 message");
	is_num(bytes, total, 0, "request: all the bytes");
	is_num(msgs(&g, 0, 30, CB_KV_GRAN_DESC, CB_KV_SCHED_BULK, 1, NULL, &bytes, NULL), 4 * 2 * 8, 0,
	       "a partial last block is still a block");
	/* schedules split messages into issue groups */
	is_num(msgs(&g, 0, 32, CB_KV_GRAN_REQUEST, CB_KV_SCHED_LAYER, 1, NULL, NULL, NULL), 4, 0,
	       "request granularity, layer schedule: one message per layer");
	is_num(msgs(&g, 0, 32, CB_KV_GRAN_REQUEST, CB_KV_SCHED_LAYER, 3, NULL, NULL, NULL), 2, 0,
	       "layer:3 on 4 layers: 2 groups");
	is_num(msgs(&g, 0, 32, CB_KV_GRAN_DESC, CB_KV_SCHED_LAYER, 1, NULL, NULL, NULL), 64, 0,
	       "desc count does not depend on the schedule");
	is_num(msgs(&g, 0, 32, CB_KV_GRAN_REQUEST, CB_KV_SCHED_CHUNK, 8, NULL, NULL, NULL), 4, 0,
	       "chunk:8 on 32 tokens: 4 messages");
	is_num(msgs(&g, 0, 32, CB_KV_GRAN_COALESCE, CB_KV_SCHED_CHUNK, 8, NULL, NULL, NULL), 8 * 4, 0,
	       "coalesce inside chunks: 2*L runs per chunk");
	is_num(cb_kv_ngroups(&g, CB_KV_SCHED_CHUNK, 10, 32), 4, 0, "chunk:10 on 32 tokens: 4 groups");

	/* cross-layer blocks */
	struct cb_kv_geom x = kv_test_geom(4, 4, 8, 4, 1, 1, CB_KV_LAYOUT_CROSS);
	is_num(msgs(&x, 0, 32, CB_KV_GRAN_DESC, CB_KV_SCHED_BULK, 1, NULL, &bytes, NULL), 8, 0,
	       "cross-layer: one message per block");
	is_num(bytes, total, 0, "cross-layer: same bytes");
	is_num(msgs(&x, 0, 32, CB_KV_GRAN_COALESCE, CB_KV_SCHED_BULK, 1, NULL, NULL, NULL), 1, 0,
	       "cross-layer, sequential: one run");
	is_num(msgs(&x, 0, 32, CB_KV_GRAN_LAYER, CB_KV_SCHED_LAYER, 1, NULL, NULL, NULL), 1, 0,
	       "cross-layer blocks complete at the last layer: layer schedule gives one group");

	/* sliding window: layers 1 and 3 keep the last 8 tokens (blocks 6, 7) */
	struct cb_kv_geom w = kv_test_geom(4, 4, 8, 4, 1, 1, CB_KV_LAYOUT_LAYER);
	w.m.swa_layers = 2;
	w.m.swa_window = 8;
	is_num(msgs(&w, 0, 32, CB_KV_GRAN_DESC, CB_KV_SCHED_BULK, 1, NULL, &bytes, NULL), 2 * 2 * 8 + 2 * 2 * 2, 0,
	       "window layers send only the window's blocks");
	is_num(bytes, cb_kv_context_bytes(&w.m, 2, 32), 0, "window bytes = sliding-window-aware KV size");

	/* TP resharding, head slices (HND: a head slice of a block is contiguous) */
	struct cb_kv_geom r12 = kv_test_geom(4, 4, 8, 4, 1, 2, CB_KV_LAYOUT_LAYER);
	ok(slices_exact(&r12), "tp 1->2: every head once");
	is_num(msgs(&r12, 1, 32, CB_KV_GRAN_DESC, CB_KV_SCHED_BULK, 1, NULL, &bytes, NULL), 64, 0,
	       "tp 1->2: 2*L*nb pieces per decode rank");
	is_num(bytes, total / 2, 0, "tp 1->2: half the bytes each");
	is_num(msgs(&r12, 1, 32, CB_KV_GRAN_COALESCE, CB_KV_SCHED_BULK, 1, NULL, NULL, NULL), 64, 0,
	       "tp 1->2: head slices are strided at the source, nothing coalesces");
	struct cb_kv_geom r21 = kv_test_geom(4, 4, 8, 4, 2, 1, CB_KV_LAYOUT_LAYER);
	ok(slices_exact(&r21), "tp 2->1: every head once");
	is_num(msgs(&r21, 0, 32, CB_KV_GRAN_COALESCE, CB_KV_SCHED_BULK, 1, NULL, NULL, NULL), 64, 0,
	       "tp 2->1: strided at the destination, nothing coalesces");
	struct cb_kv_geom r22 = kv_test_geom(4, 4, 8, 4, 2, 2, CB_KV_LAYOUT_LAYER);
	is_num(msgs(&r22, 1, 32, CB_KV_GRAN_COALESCE, CB_KV_SCHED_BULK, 1, NULL, NULL, NULL), 8, 0,
	       "tp 2->2: rank to rank, coalesces per region");
	struct cb_kv_geom c12 = kv_test_geom(4, 4, 8, 4, 1, 2, CB_KV_LAYOUT_CROSS);
	is_num(msgs(&c12, 0, 32, CB_KV_GRAN_DESC, CB_KV_SCHED_BULK, 1, NULL, NULL, NULL), 8 * 4 * 2, 0,
	       "cross-layer blocks resharded: one piece per (block, layer, K/V)");
	/* GQA replication: 2 KV heads on 4 prefill ranks; one source per head */
	struct cb_kv_geom q41 = kv_test_geom(2, 2, 8, 4, 4, 1, CB_KV_LAYOUT_LAYER);
	struct cb_kv_slice *s;
	int n = cb_kv_slices(&q41, &s);
	ok(n == 2 && s[0].src == 0 && s[1].src == 2 && slices_exact(&q41),
	   "GQA 2 heads, tp 4->1: heads from ranks 0 and 2 only (replicas deduplicated)");
	free(s);
	struct cb_kv_geom q14 = kv_test_geom(2, 2, 8, 4, 1, 4, CB_KV_LAYOUT_LAYER);
	ok(slices_exact(&q14) && q14.heads_d == 1, "GQA 2 heads, tp 1->4: each decode rank gets its replica");
	int all = 1;
	for (int tp = 1; tp <= 8; tp *= 2)
		for (int td = 1; td <= 8; td *= 2) {
			struct cb_kv_geom gg = kv_test_geom(2, 4, 8, 4, tp, td, CB_KV_LAYOUT_LAYER);
			all &= slices_exact(&gg);
		}
	ok(all, "every tp_p x tp_d in {1,2,4,8}^2 over 4 heads: each head exactly once from an owner");
	struct cb_kv_geom mla = kv_test_geom(2, 1, 576, 4, 2, 4, CB_KV_LAYOUT_LAYER);
	mla.m.attn = CB_KV_MLA;
	char err[256];
	cb_kv_geom_init(&mla, err, sizeof err);
	n = cb_kv_slices(&mla, &s);
	ok(n == 4 && s[0].src == 0 && s[1].src == 1 && s[2].src == 0 && s[3].src == 1 && mla.ntens == 1,
	   "MLA tp 2->4: one source per decode rank, round-robin, one tensor");
	free(s);
	struct cb_kv_geom bad = { 0 };
	bad.m.attn = CB_KV_GQA, bad.m.layers = 2, bad.m.kv_heads = 8, bad.m.head_dim = 8, bad.tp_p = 3, bad.tp_d = 1;
	bad.block_tokens = 4, bad.elem_bytes = 2;
	ok(cb_kv_geom_init(&bad, err, sizeof err) != 0 && strstr(err, "--tp-p 3: must divide the model's 8 KV heads"),
	   "tp 3 over 8 heads refused (%s)", err);

	/* check pattern */
	struct cb_kv_piece pc = { .len = 4 * 4 * 16, .layer = 1, .nlayers = 1, .kv = 1, .nkv = 1, .head0 = 0,
				  .nheads = 4, .block = 3 };
	unsigned char buf[256], other[256];
	uint64_t first;
	cb_kv_pattern_fill(&g, &pc, 7, buf, 0);
	ok(cb_kv_pattern_verify(&g, &pc, 7, buf, &first) == 0, "pattern verifies");
	buf[77] ^= 1;
	ok(cb_kv_pattern_verify(&g, &pc, 7, buf, &first) == 1 && first == 77, "one flipped byte found at its offset");
	cb_kv_pattern_fill(&g, &pc, 7, other, 1);
	ok(cb_kv_pattern_verify(&g, &pc, 7, other, &first) == 256, "the poison differs in every byte");
	cb_kv_pattern_fill(&g, &pc, 8, other, 0);
	ok(cb_kv_pattern_verify(&g, &pc, 7, other, &first) > 200, "another request's KV does not verify");
	return tap_done();
}
