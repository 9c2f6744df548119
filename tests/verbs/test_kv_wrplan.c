/* --mech verbs planner: KV messages -> RDMA WRITE work requests and SGEs (exact counts, every byte once,
 * device limits), and send-queue accounting (never overrun, never stall). */
#include "config.h"
#include "kv/layout.h"
#include "kv/wrplan.h"
#include "tests/kvcache/kv_geom.h"
#include "tests/tap.h"

#include <stdlib.h>
#include <string.h>

/* 4 layers, 2 KV heads x 64 dims, bf16, 16-token blocks: a block of one head
 * row-run is 16*64*2 = 2 KiB; one region's block (2 heads) is 4 KiB. */
static struct cb_kv_geom geom(int tp_p, int tp_d)
{
	return kv_test_geom(4, 2, 64, 16, tp_p, tp_d, CB_KV_LAYOUT_LAYER);
}

static uint64_t seq_ids[8] = { 0, 1, 2, 3, 4, 5, 6, 7 };
static uint64_t rev_ids[8] = { 7, 6, 5, 4, 3, 2, 1, 0 };

static int plan(const struct cb_kv_geom *g, int slice, enum cb_kv_gran gran, const uint64_t *src, const uint64_t *dst,
		struct cb_kv_plan *p)
{
	struct cb_kv_slice *s;
	int n = cb_kv_slices(g, &s);
	struct cb_kv_req r = { .isl = 64, .src_blocks = src, .dst_blocks = dst, .src_pool_blocks = 8,
			       .dst_pool_blocks = 8, .sched = CB_KV_SCHED_BULK, .sched_arg = 1, .gran = gran,
			       .max_msg = 1u << 30 };
	int rc = slice < n ? cb_kv_plan_build(g, &s[slice], &r, p) : -1;
	free(s);
	return rc;
}

/* Every destination byte of the plan is written exactly once, from the source byte the
 * plan's pieces pair it with; SGE/WR limits hold; WRs stay inside their message. */
static int covers_once(const struct cb_kv_plan *p, const struct cb_kv_wrplan *w, const struct cb_kv_wr_limits *lim)
{
	uint64_t end = 0;
	for (size_t i = 0; i < p->npieces; i++)
		if (p->pieces[i].dst_off + p->pieces[i].len > end)
			end = p->pieces[i].dst_off + p->pieces[i].len;
	int64_t *want = malloc(end * sizeof *want), *got = malloc(end * sizeof *got);
	int good = want && got;
	for (uint64_t b = 0; good && b < end; b++)
		want[b] = got[b] = -1;
	for (size_t i = 0; good && i < p->npieces; i++)
		for (uint64_t b = 0; b < p->pieces[i].len; b++)
			want[p->pieces[i].dst_off + b] = (int64_t)(p->pieces[i].src_off + b);
	uint64_t total = 0;
	for (size_t i = 0; good && i < w->nwrs; i++) {
		const struct cb_kv_wr *x = &w->wrs[i];
		uint64_t sum = 0, d = x->dst_off;
		if (x->nsge < 1 || x->nsge > lim->max_sge || x->len > lim->max_len || x->len == 0)
			good = 0;
		if (i < w->msg_wr0[x->msg] || i >= w->msg_wr0[x->msg + 1])
			good = 0;
		for (uint32_t s = 0; good && s < x->nsge; s++) {
			const struct cb_kv_sge *y = &w->sges[x->sge0 + s];
			for (uint64_t b = 0; b < y->len; b++, d++) {
				if (d >= end || got[d] != -1)
					good = 0;
				else
					got[d] = (int64_t)(y->src_off + b);
			}
			sum += y->len;
		}
		good = good && sum == x->len;
		total += x->len;
	}
	for (uint64_t b = 0; good && b < end; b++)
		if (got[b] != want[b])
			good = 0;
	good = good && total == p->bytes;
	free(want);
	free(got);
	return good;
}

static void check_plan(const char *what, const struct cb_kv_plan *p, const struct cb_kv_wr_limits *lim, size_t want_wrs,
		       size_t want_sges)
{
	struct cb_kv_wrplan w;
	int rc = cb_kv_wrplan_build(p, lim, &w);
	ok(rc == 0, "%s: planned", what);
	is_num(w.nwrs, want_wrs, 0, "%s: %zu work requests", what, want_wrs);
	is_num(w.nsges, want_sges, 0, "%s: %zu SGEs", what, want_sges);
	ok(covers_once(p, &w, lim), "%s: every destination byte written once from its source byte, limits held", what);
	cb_kv_wrplan_free(&w);
}

/* Simulate posting nwr requests on a queue of depth d with completions arriving in order
 * at random moments: returns 1 if room is never exceeded, every wait has a signaled request
 * outstanding, and the unsignaled run never reaches the depth. */
static int sq_sim(uint32_t depth, int nwr, unsigned seed)
{
	struct cb_kv_sq q;
	cb_kv_sq_init(&q, depth);
	uint64_t *sig = malloc(((size_t)nwr + 1) * sizeof *sig);
	size_t nsig = 0, head = 0;
	int good = q.interval >= 1 && q.interval <= depth && sig, run = 0;
	for (int i = 0; good && i < nwr; i++) {
		while (cb_kv_sq_room(&q) == 0 || (rand_r(&seed) % 3 == 0 && head < nsig)) {
			if (head == nsig) {  /* full queue and nothing signaled outstanding: would hang */
				good = 0;
				break;
			}
			cb_kv_sq_complete(&q, sig[head++]);
		}
		if (!good || q.posted - q.retired >= depth)
			break;
		uint64_t seq = q.posted;
		if (cb_kv_sq_post(&q, i == nwr - 1)) {
			sig[nsig++] = seq;
			run = 0;
		} else if (++run >= (int)depth) {
			good = 0;
		}
	}
	good = good && nsig && sig[nsig - 1] == (uint64_t)nwr - 1;  /* the last one is signaled */
	while (good && head < nsig)
		cb_kv_sq_complete(&q, sig[head++]);
	good = good && q.retired == (uint64_t)nwr && q.signaled_out == 0;
	free(sig);
	return good;
}

int main(void)
{
	struct cb_kv_geom g = geom(1, 1);
	struct cb_kv_wr_limits wide = { .max_sge = 16, .max_len = 1u << 30 };
	struct cb_kv_plan p;

	/* 64 tokens = 4 blocks; per layer K and V regions, each block 4 KiB for 2 heads:
	 * desc: 4 layers x 2 tensors x 4 blocks = 32 pieces, 32 messages -> 32 WRs, 1 SGE each */
	ok(plan(&g, 0, CB_KV_GRAN_DESC, seq_ids, seq_ids, &p) == 0, "desc plan built");
	is_num(p.nmsgs, 32, 0, "desc: 32 messages");
	check_plan("desc, seq", &p, &wide, 32, 32);
	cb_kv_plan_free(&p);

	/* coalesce: each region's 4 blocks are adjacent on both sides -> 8 messages, 8 WRs */
	plan(&g, 0, CB_KV_GRAN_COALESCE, seq_ids, seq_ids, &p);
	is_num(p.nmsgs, 8, 0, "coalesce: 8 messages");
	check_plan("coalesce, seq", &p, &wide, 8, 8);
	/* a 4 KiB max WR length splits each 16 KiB run into 4 */
	struct cb_kv_wr_limits small = { .max_sge = 16, .max_len = 4096 };
	check_plan("coalesce, max_msg_sz 4 KiB", &p, &small, 32, 32);
	struct cb_kv_wr_limits odd = { .max_sge = 16, .max_len = 3000 };
	check_plan("coalesce, max_msg_sz 3000", &p, &odd, 8 * 6, 8 * 6);
	cb_kv_plan_free(&p);

	/* request granularity, sequential blocks: one message; the 8 regions are not adjacent
	 * at the destination (other regions between) -> 8 WRs, one per destination run */
	plan(&g, 0, CB_KV_GRAN_REQUEST, seq_ids, seq_ids, &p);
	is_num(p.nmsgs, 1, 0, "request: 1 message");
	check_plan("request, seq", &p, &wide, 8, 8);
	cb_kv_plan_free(&p);

	/* reversed source blocks, sequential destination: the destination stays contiguous per
	 * region, the source is not -> one WR per region gathering 4 SGEs */
	plan(&g, 0, CB_KV_GRAN_REQUEST, rev_ids, seq_ids, &p);
	check_plan("request, reversed source", &p, &wide, 8, 32);
	/* max_sge 3: a region's 4 source blocks need 2 WRs (3 + 1 SGEs) */
	struct cb_kv_wr_limits sge3 = { .max_sge = 3, .max_len = 1u << 30 };
	check_plan("request, reversed source, max_sge 3", &p, &sge3, 16, 32);
	struct cb_kv_wr_limits sge1 = { .max_sge = 1, .max_len = 1u << 30 };
	check_plan("request, reversed source, max_sge 1", &p, &sge1, 32, 32);
	cb_kv_plan_free(&p);

	/* reversed destination: nothing is destination-contiguous -> one WR per block */
	plan(&g, 0, CB_KV_GRAN_REQUEST, seq_ids, rev_ids, &p);
	check_plan("request, reversed destination", &p, &wide, 32, 32);
	cb_kv_plan_free(&p);

	/* TP resharding 1 -> 2: each decode rank gets one head; the source rows of one head are
	 * 2 KiB runs inside the prefill block, destination blocks hold only that head */
	struct cb_kv_geom g12 = geom(1, 2);
	plan(&g12, 1, CB_KV_GRAN_REQUEST, seq_ids, seq_ids, &p);
	is_num(p.bytes, 4 * 2 * 4 * 2048, 0, "TP1->TP2: a decode rank receives 64 KiB");
	check_plan("TP1->TP2 head slice, request", &p, &wide, 8, 32);
	check_plan("TP1->TP2 head slice, request, max_sge 2", &p, &(struct cb_kv_wr_limits){ 2, 1u << 30 }, 16, 32);
	cb_kv_plan_free(&p);

	/* bad limits are refused */
	plan(&g, 0, CB_KV_GRAN_DESC, seq_ids, seq_ids, &p);
	struct cb_kv_wrplan w;
	ok(cb_kv_wrplan_build(&p, &(struct cb_kv_wr_limits){ 0, 4096 }, &w) == -1, "max_sge 0 refused");
	ok(cb_kv_wrplan_build(&p, &(struct cb_kv_wr_limits){ 4, 0 }, &w) == -1, "max_len 0 refused");
	cb_kv_plan_free(&p);

	/* send-queue accounting */
	is_num(cb_kv_sq_interval(128), 64, 0, "depth 128: signal every 64");
	is_num(cb_kv_sq_interval(1), 1, 0, "depth 1: signal every request");
	is_num(cb_kv_sq_interval(3), 1, 0, "depth 3: signal every request");
	struct cb_kv_sq q;
	cb_kv_sq_init(&q, 8);
	int sig = 0;
	for (int i = 0; i < 8; i++)
		sig += cb_kv_sq_post(&q, 0);
	is_num(sig, 2, 0, "depth 8: 8 posts, 2 signaled (every 4th)");
	is_num(cb_kv_sq_room(&q), 0, 0, "depth 8 after 8 posts: no room");
	cb_kv_sq_complete(&q, 3);
	is_num(cb_kv_sq_room(&q), 4, 0, "completion of seq 3 retires 0..3");
	cb_kv_sq_complete(&q, 7);
	is_num(cb_kv_sq_room(&q), 8, 0, "completion of seq 7 retires the rest");
	ok(cb_kv_sq_post(&q, 1) == 1, "a forced post is signaled");
	int all = 1;
	for (uint32_t d = 1; d <= 33; d++)
		for (unsigned s = 1; s <= 5; s++)
			all &= sq_sim(d, 1000, s);
	ok(all, "depths 1..33, random completion timing: never overrun, never stalled, unsignaled run < depth");
	return tap_done();
}
