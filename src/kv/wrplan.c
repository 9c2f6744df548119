/* RDMA WRITE work-request planner and send-queue accounting for --mech verbs (MPI-free). */
#include "config.h"
#include "kv/wrplan.h"

#include <stdlib.h>
#include <string.h>

struct grow {
	void **v;
	size_t *n, cap, size;
};

static int push(struct grow *g, const void *item)
{
	if (*g->n == g->cap) {
		size_t cap = g->cap ? g->cap * 2 : 64;
		void *nv = realloc(*g->v, cap * g->size);
		if (!nv)
			return -1;
		*g->v = nv;
		g->cap = cap;
	}
	memcpy((char *)*g->v + *g->n * g->size, item, g->size);
	(*g->n)++;
	return 0;
}

int cb_kv_wrplan_build(const struct cb_kv_plan *p, const struct cb_kv_wr_limits *lim, struct cb_kv_wrplan *out)
{
	memset(out, 0, sizeof *out);
	if (!lim->max_sge || !lim->max_len)
		return -1;
	/* an ibv_sge length is 32 bits */
	uint64_t max_len = lim->max_len < UINT32_MAX ? lim->max_len : UINT32_MAX;
	out->nmsgs = p->nmsgs;
	out->msg_wr0 = malloc((p->nmsgs + 1) * sizeof *out->msg_wr0);
	if (!out->msg_wr0)
		return -1;
	struct grow gw = { (void **)&out->wrs, &out->nwrs, 0, sizeof(struct cb_kv_wr) };
	struct grow gs = { (void **)&out->sges, &out->nsges, 0, sizeof(struct cb_kv_sge) };
	for (size_t m = 0; m < p->nmsgs; m++) {
		const struct cb_kv_msg *msg = &p->msgs[m];
		out->msg_wr0[m] = out->nwrs;
		int open = 0;  /* the last work request may still grow (same message) */
		for (uint32_t i = 0; i < msg->npieces; i++) {
			uint32_t oi = msg->first + i;
			const struct cb_kv_piece *c = &p->pieces[p->order[oi]];
			uint64_t s_off = c->src_off, d_off = c->dst_off, left = c->len;
			while (left) {
				struct cb_kv_wr *w = open ? &out->wrs[out->nwrs - 1] : NULL;
				if (w && w->dst_off + w->len == d_off && w->len < max_len) {
					uint64_t take = left < max_len - w->len ? left : max_len - w->len;
					struct cb_kv_sge *last = &out->sges[out->nsges - 1];
					if (last->src_off + last->len == s_off) {
						last->len += take;
					} else if (w->nsge < lim->max_sge) {
						struct cb_kv_sge sg = { s_off, take };
						if (push(&gs, &sg))
							goto fail;
						w = &out->wrs[out->nwrs - 1];
						w->nsge++;
					} else {
						open = 0;
						continue;
					}
					w->len += take;
					s_off += take, d_off += take, left -= take;
					continue;
				}
				uint64_t take = left < max_len ? left : max_len;
				struct cb_kv_wr nw = { .dst_off = d_off, .len = take, .sge0 = (uint32_t)out->nsges, .nsge = 1,
						       .msg = (uint32_t)m, .piece = oi };
				struct cb_kv_sge sg = { s_off, take };
				if (push(&gw, &nw) || push(&gs, &sg))
					goto fail;
				open = 1;
				s_off += take, d_off += take, left -= take;
			}
		}
	}
	out->msg_wr0[p->nmsgs] = out->nwrs;
	return 0;
fail:
	cb_kv_wrplan_free(out);
	return -1;
}

void cb_kv_wrplan_free(struct cb_kv_wrplan *w)
{
	free(w->wrs);
	free(w->sges);
	free(w->msg_wr0);
	memset(w, 0, sizeof *w);
}

uint32_t cb_kv_sq_interval(uint32_t depth)
{
	return depth / 2 ? depth / 2 : 1;
}

void cb_kv_sq_init(struct cb_kv_sq *q, uint32_t depth)
{
	memset(q, 0, sizeof *q);
	q->depth = depth ? depth : 1;
	q->interval = cb_kv_sq_interval(q->depth);
}

int cb_kv_sq_post(struct cb_kv_sq *q, int force_signal)
{
	q->posted++;
	/* a depth-1 queue signals every request; otherwise at most interval-1 go unsignaled */
	if (force_signal || q->unsignaled + 1 >= q->interval || q->depth == 1) {
		q->unsignaled = 0;
		q->signaled_out++;
		return 1;
	}
	q->unsignaled++;
	return 0;
}

void cb_kv_sq_complete(struct cb_kv_sq *q, uint64_t seq)
{
	if (seq + 1 > q->retired)
		q->retired = seq + 1;
	if (q->signaled_out)
		q->signaled_out--;
}
