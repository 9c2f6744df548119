/*
 * The KV transfer engine (MPI): one round of requests between prefill and
 * decode ranks, issued against the synthetic prefill clock.  Control messages
 * (tag CTRL, three int64: kind, request, group) carry READY (a group may be
 * received or pulled), COMPLETE (put: flushed; verbs: writes completed) and DONE (decode has all of a
 * request; prefill may free its blocks).  Data uses tag DATA_BASE + request.
 */
#include "config.h"
#include "kv/xfer.h"
#include "kv/verbs.h"

#include <math.h>
#include <sched.h>
#include <stdlib.h>
#include <string.h>

enum { TAG_CTRL = 7, TAG_DATA_BASE = 100 };
enum { CTRL_READY = 1, CTRL_COMPLETE = 2, CTRL_DONE = 3 };

int cb_kv_engine_open(struct cb_kv_engine *e)
{
	if (e->mech == CB_KV_VERBS)
		return cb_kv_verbs_connect(e, e->vdev) == 0 ? MPI_SUCCESS : MPI_ERR_OTHER;
	if (e->mech != CB_KV_PUT && e->mech != CB_KV_GET)
		return MPI_SUCCESS;
	int rc = MPI_Win_create(e->pool_bytes ? e->pool : NULL, (MPI_Aint)e->pool_bytes, 1, MPI_INFO_NULL, e->comm,
				&e->win);
	if (rc == MPI_SUCCESS)
		rc = MPI_Win_lock_all(0, e->win);
	e->have_win = rc == MPI_SUCCESS;
	return rc;
}

void cb_kv_engine_close(struct cb_kv_engine *e)
{
	cb_kv_verbs_disconnect(e);
	if (e->have_win) {
		MPI_Win_unlock_all(e->win);
		MPI_Win_free(&e->win);
	}
	e->have_win = 0;
	free(e->rq);
	free(e->rq_flow);
	e->rq = NULL;
	e->rq_flow = NULL;
	e->nrq = e->caprq = 0;
}

static double now_since(double t0)
{
	return MPI_Wtime() - t0;
}

static int rq_push(struct cb_kv_engine *e, MPI_Request r, long flow)
{
	if (e->nrq == e->caprq) {
		size_t cap = e->caprq ? e->caprq * 2 : 1024;
		MPI_Request *nr = realloc(e->rq, cap * sizeof *nr);
		long *nf = nr ? realloc(e->rq_flow, cap * sizeof *nf) : NULL;
		if (nr)
			e->rq = nr;
		if (!nr || !nf)
			return -1;
		e->rq_flow = nf;
		e->caprq = cap;
	}
	e->rq[e->nrq] = r;
	e->rq_flow[e->nrq++] = flow;
	return 0;
}

/* Test the outstanding operations; for decode receives, count down their flows.
 * Returns how many completed. */
static int rq_poll(struct cb_kv_engine *e)
{
	if (!e->nrq)
		return 0;
	int n = 0, *idx = malloc(e->nrq * sizeof *idx);
	if (!idx)
		return 0;
	MPI_Testsome((int)e->nrq, e->rq, &n, idx, MPI_STATUSES_IGNORE);
	if (n == MPI_UNDEFINED)
		n = 0;
	for (int i = 0; i < n; i++)
		if (e->rq_flow[idx[i]] >= 0)
			e->flows[e->rq_flow[idx[i]]].pending--;
	free(idx);
	if (n) {  /* compact: drop completed (MPI_REQUEST_NULL) entries */
		size_t w = 0;
		for (size_t r = 0; r < e->nrq; r++)
			if (e->rq[r] != MPI_REQUEST_NULL) {
				e->rq[w] = e->rq[r];
				e->rq_flow[w++] = e->rq_flow[r];
			}
		e->nrq = w;
	}
	return n;
}

static void ctrl_send(struct cb_kv_engine *e, int peer, int kind, int q, int group)
{
	int64_t m[3] = { kind, q, group };
	MPI_Send(m, 3, MPI_INT64_T, peer, TAG_CTRL, e->comm);
}

/* A message's bytes on this side: a plain buffer, or an hindexed datatype over the pool. */
static void msg_type(const struct cb_kv_plan *p, const struct cb_kv_msg *m, int src_side, MPI_Datatype *type,
		     MPI_Aint *off, int *count)
{
	const struct cb_kv_piece *first = &p->pieces[p->order[m->first]];
	if (m->contiguous) {
		*type = MPI_BYTE;
		*off = (MPI_Aint)(src_side ? first->src_off : first->dst_off);
		*count = (int)m->bytes;
		return;
	}
	int *len = malloc(m->npieces * sizeof *len);
	MPI_Aint *disp = malloc(m->npieces * sizeof *disp);
	for (uint32_t i = 0; i < m->npieces; i++) {
		const struct cb_kv_piece *c = &p->pieces[p->order[m->first + i]];
		len[i] = (int)c->len;
		disp[i] = (MPI_Aint)(src_side ? c->src_off : c->dst_off);
	}
	MPI_Type_create_hindexed((int)m->npieces, len, disp, MPI_BYTE, type);
	MPI_Type_commit(type);
	free(len);
	free(disp);
	*off = 0;
	*count = 1;
}

static void type_done(MPI_Datatype *t)
{
	if (*t != MPI_BYTE)
		MPI_Type_free(t);
}

/* Prefill: issue group g of every flow of request r. */
static void issue_group(struct cb_kv_engine *e, struct cb_kv_request *r, int g)
{
	for (int f = r->first_flow; f < r->first_flow + r->nflows; f++) {
		struct cb_kv_flow *fl = &e->flows[f];
		if (e->mech != CB_KV_PUT && e->mech != CB_KV_VERBS)
			ctrl_send(e, fl->peer, CTRL_READY, r->q, g);
		if (e->mech == CB_KV_VERBS) {
			cb_kv_verbs_issue(e, (size_t)f, g);
			continue;
		}
		if (e->mech == CB_KV_GET) {
			while (fl->next_msg < fl->plan.nmsgs && fl->plan.msgs[fl->next_msg].group <= g)
				fl->next_msg++;
			continue;
		}
		for (; fl->next_msg < fl->plan.nmsgs && fl->plan.msgs[fl->next_msg].group <= g; fl->next_msg++) {
			const struct cb_kv_msg *m = &fl->plan.msgs[fl->next_msg];
			MPI_Datatype st, dt;
			MPI_Aint soff, doff;
			int sc, dc;
			msg_type(&fl->plan, m, 1, &st, &soff, &sc);
			if (e->mech == CB_KV_SEND) {
				MPI_Request req;
				MPI_Isend(e->pool + soff, sc, st, fl->peer, TAG_DATA_BASE + r->q, e->comm, &req);
				rq_push(e, req, -1);
			} else {
				msg_type(&fl->plan, m, 0, &dt, &doff, &dc);
				MPI_Put(e->pool + soff, sc, st, fl->peer, doff, dc, dt, e->win);
				type_done(&dt);
			}
			type_done(&st);
		}
	}
}

/* Prefill: everything of request r is issued; put completes it with flush + COMPLETE. */
static void finish_issue(struct cb_kv_engine *e, struct cb_kv_request *r)
{
	if (e->mech != CB_KV_PUT && e->mech != CB_KV_VERBS)
		return;
	for (int f = r->first_flow; f < r->first_flow + r->nflows; f++) {
		if (e->mech == CB_KV_VERBS)
			cb_kv_verbs_flush(e, (size_t)f);  /* completions: the writes are in the peer's memory */
		else
			MPI_Win_flush(e->flows[f].peer, e->win);
		ctrl_send(e, e->flows[f].peer, CTRL_COMPLETE, r->q, 0);
	}
}

static int prefill_round(struct cb_kv_engine *e, double t0)
{
	int released = 0, n = e->nreqs;
	for (int i = 0; i < n; i++) {
		struct cb_kv_request *r = &e->reqs[i];
		r->started = 0;
		r->next_group = 0;
		r->flows_left = r->nflows;
		r->t_first_issue = r->t_last_issue = r->t_notify = r->t_release = NAN;
		r->post_s = 0;
		if (e->arrival.poisson)
			r->t_arr = cb_kv_poisson_time(&e->arrival, e->seed, e->inst, r->k);
		else
			r->t_arr = r->k < e->arrival.inflight ? 0 : NAN;  /* closed: set at a release */
		for (int f = r->first_flow; f < r->first_flow + r->nflows; f++)
			e->flows[f].next_msg = 0;
	}
	while (released < n || e->nrq) {
		int progress = 0;
		double now = now_since(t0);
		for (int i = 0; i < n; i++) {
			struct cb_kv_request *r = &e->reqs[i];
			if (!r->started) {
				/* prefill is serial per instance: start after the previous one ends */
				double prev_end = i ? e->reqs[i - 1].t_pf_end : 0;
				if (isnan(r->t_arr) || (i && !e->reqs[i - 1].started))
					break;
				r->t_pf_start = r->t_arr > prev_end ? r->t_arr : prev_end;
				r->t_pf_end = r->t_pf_start + r->t_prefill;
				r->started = 1;
			}
			while (r->next_group < r->ngroups && r->t_pf_start + r->ready[r->next_group] <= now) {
				double a = MPI_Wtime();
				if (isnan(r->t_first_issue))
					r->t_first_issue = a - t0;
				issue_group(e, r, r->next_group++);
				double b = MPI_Wtime();
				r->post_s += b - a;
				r->t_last_issue = b - t0;
				if (r->next_group == r->ngroups)
					finish_issue(e, r);  /* flush: waiting, not posting */
				progress = 1;
				now = b - t0;
			}
			if (r->next_group == r->ngroups && r->nflows == 0 && isnan(r->t_release)) {
				r->t_release = now;  /* nothing to send from this rank (deduplicated heads) */
				released++;
				if (!e->arrival.poisson && i + e->arrival.inflight < n)
					e->reqs[i + e->arrival.inflight].t_arr = now;
			}
		}
		progress |= rq_poll(e) > 0;
		int flag = 1;
		while (flag) {
			MPI_Status st;
			MPI_Iprobe(MPI_ANY_SOURCE, TAG_CTRL, e->comm, &flag, &st);
			if (!flag)
				break;
			int64_t m[3];
			MPI_Recv(m, 3, MPI_INT64_T, st.MPI_SOURCE, TAG_CTRL, e->comm, MPI_STATUS_IGNORE);
			int i = m[1] >= 0 && m[1] < e->nq ? e->req_of_q[m[1]] : -1;
			if (i >= 0 && m[0] == CTRL_DONE && --e->reqs[i].flows_left == 0) {
				double t = now_since(t0);
				e->reqs[i].t_release = t;
				released++;
				if (!e->arrival.poisson && i + e->arrival.inflight < n)
					e->reqs[i + e->arrival.inflight].t_arr = t;
			}
			progress = 1;
		}
		if (!progress)
			sched_yield();
	}
	return 0;
}

/* Decode: post receives (send) or pull (get) for group g of flow f. */
static void handle_ready(struct cb_kv_engine *e, long f, int q, int g)
{
	struct cb_kv_flow *fl = &e->flows[f];
	for (; fl->next_msg < fl->plan.nmsgs && fl->plan.msgs[fl->next_msg].group <= g; fl->next_msg++) {
		const struct cb_kv_msg *m = &fl->plan.msgs[fl->next_msg];
		MPI_Datatype st, dt;
		MPI_Aint soff, doff;
		int sc, dc;
		msg_type(&fl->plan, m, 0, &dt, &doff, &dc);
		if (e->mech == CB_KV_SEND) {
			MPI_Request req;
			MPI_Irecv(e->pool + doff, dc, dt, fl->peer, TAG_DATA_BASE + q, e->comm, &req);
			rq_push(e, req, f);
			fl->pending++;
		} else {
			msg_type(&fl->plan, m, 1, &st, &soff, &sc);
			MPI_Get(e->pool + doff, dc, dt, fl->peer, soff, sc, st, e->win);
			type_done(&st);
		}
		type_done(&dt);
	}
	if (e->mech == CB_KV_GET)
		MPI_Win_flush(fl->peer, e->win);
	fl->groups_seen++;
}

static int decode_round(struct cb_kv_engine *e, double t0)
{
	int notified = 0, n = e->nreqs;
	for (int i = 0; i < n; i++) {
		e->reqs[i].flows_left = e->reqs[i].nflows;
		e->reqs[i].t_notify = NAN;
		e->reqs[i].post_s = 0;
		e->reqs[i].t_first_issue = NAN;
	}
	for (size_t f = 0; f < e->nflows; f++) {
		e->flows[f].next_msg = 0;
		e->flows[f].groups_seen = 0;
		e->flows[f].pending = 0;
		e->flows[f].complete = 0;
	}
	while (notified < n || e->nrq) {
		int progress = rq_poll(e) > 0;
		int flag = 1;
		while (flag) {
			MPI_Status st;
			MPI_Iprobe(MPI_ANY_SOURCE, TAG_CTRL, e->comm, &flag, &st);
			if (!flag)
				break;
			int64_t m[3];
			MPI_Recv(m, 3, MPI_INT64_T, st.MPI_SOURCE, TAG_CTRL, e->comm, MPI_STATUS_IGNORE);
			int q = (int)m[1], i = q >= 0 && q < e->nq ? e->req_of_q[q] : -1;
			if (i < 0)
				continue;
			struct cb_kv_request *r = &e->reqs[i];
			long f = r->first_flow;
			while (f < r->first_flow + r->nflows && e->flows[f].peer != st.MPI_SOURCE)
				f++;
			if (f == r->first_flow + r->nflows)
				continue;
			if (m[0] == CTRL_READY) {
				double a = MPI_Wtime();
				handle_ready(e, f, q, (int)m[2]);
				r->post_s += MPI_Wtime() - a;
			} else if (m[0] == CTRL_COMPLETE) {
				e->flows[f].groups_seen = r->ngroups;
			}
			progress = 1;
		}
		for (int i = 0; i < n; i++) {
			struct cb_kv_request *r = &e->reqs[i];
			if (!isnan(r->t_notify))
				continue;
			for (int f = r->first_flow; f < r->first_flow + r->nflows; f++) {
				struct cb_kv_flow *fl = &e->flows[f];
				if (!fl->complete && fl->groups_seen == r->ngroups && fl->pending == 0) {
					fl->complete = 1;
					r->flows_left--;
				}
			}
			if (r->flows_left == 0) {
				r->t_notify = now_since(t0);
				for (int f = r->first_flow; f < r->first_flow + r->nflows; f++)
					ctrl_send(e, e->flows[f].peer, CTRL_DONE, r->q, 0);
				notified++;
				progress = 1;
			}
		}
		if (!progress)
			sched_yield();
	}
	return 0;
}

int cb_kv_round(struct cb_kv_engine *e)
{
	double t0 = MPI_Wtime();
	e->t0 = t0;
	if (e->side == CB_KV_PREFILL)
		return prefill_round(e, t0);
	if (e->side == CB_KV_DECODE)
		return decode_round(e, t0);
	return 0;
}
