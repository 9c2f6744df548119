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
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { TAG_CTRL = 7, TAG_DATA_BASE = 100 };
enum { CTRL_READY = 1, CTRL_COMPLETE = 2, CTRL_DONE = 3 };

/* Window creation and RMA calls return their errors instead of aborting the job
 * (the communicator's own handler is restored after), so an MPI library
 * without a one-sided path between these ranks is reported, not fatal. */
int cb_kv_engine_open(struct cb_kv_engine *e)
{
	if (e->mech == CB_KV_VERBS)
		return cb_kv_verbs_connect(e, e->vdev) == 0 ? MPI_SUCCESS : MPI_ERR_OTHER;
	if (e->mech != CB_KV_PUT && e->mech != CB_KV_GET)
		return MPI_SUCCESS;
	MPI_Errhandler saved;
	MPI_Comm_get_errhandler(e->comm, &saved);
	MPI_Comm_set_errhandler(e->comm, MPI_ERRORS_RETURN);
	int rc = MPI_Win_create(e->pool_bytes ? e->pool : NULL, (MPI_Aint)e->pool_bytes, 1, MPI_INFO_NULL, e->comm,
				&e->win);
	MPI_Comm_set_errhandler(e->comm, saved);
	MPI_Errhandler_free(&saved);
	if (rc != MPI_SUCCESS)
		return rc;
	MPI_Win_set_errhandler(e->win, MPI_ERRORS_RETURN);
	rc = MPI_Win_lock_all(0, e->win);
	e->have_win = rc == MPI_SUCCESS;
	if (!e->have_win)
		MPI_Win_free(&e->win);
	return rc;
}

int cb_kv_rma_probe(MPI_Comm comm, const int *peers, int npeers, char *what, size_t whatlen)
{
	static char byte;
	char got = 0;
	MPI_Win win;
	MPI_Errhandler saved;
	int rc, len = 0;
	char msg[MPI_MAX_ERROR_STRING] = "";
	const char *call = "MPI_Win_create";
	MPI_Comm_get_errhandler(comm, &saved);
	MPI_Comm_set_errhandler(comm, MPI_ERRORS_RETURN);
	rc = MPI_Win_create(&byte, 1, 1, MPI_INFO_NULL, comm, &win);
	MPI_Comm_set_errhandler(comm, saved);
	MPI_Errhandler_free(&saved);
	if (rc == MPI_SUCCESS) {
		MPI_Win_set_errhandler(win, MPI_ERRORS_RETURN);
		call = "MPI_Win_lock_all";
		rc = MPI_Win_lock_all(0, win);
		int locked = rc == MPI_SUCCESS;
		for (int i = 0; rc == MPI_SUCCESS && i < npeers; i++) {
			call = "MPI_Get";
			rc = MPI_Get(&got, 1, MPI_BYTE, peers[i], 0, 1, MPI_BYTE, win);
			if (rc == MPI_SUCCESS) {
				call = "MPI_Win_flush";
				rc = MPI_Win_flush(peers[i], win);
			}
		}
		if (locked)
			MPI_Win_unlock_all(win);
		MPI_Win_free(&win);
	}
	if (rc != MPI_SUCCESS) {
		MPI_Error_string(rc, msg, &len);
		snprintf(what, whatlen, "%s failed (%s)", call, msg);
	}
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
	free(e->rq_msg);
	e->rq = NULL;
	e->rq_flow = e->rq_msg = NULL;
	e->nrq = e->caprq = 0;
}

static double now_since(double t0)
{
	return MPI_Wtime() - t0;
}

static int rq_push(struct cb_kv_engine *e, MPI_Request r, long flow, long msg)
{
	if (e->nrq == e->caprq) {
		size_t cap = e->caprq ? e->caprq * 2 : 1024;
		MPI_Request *nr = realloc(e->rq, cap * sizeof *nr);
		if (nr)
			e->rq = nr;
		long *nf = nr ? realloc(e->rq_flow, cap * sizeof *nf) : NULL;
		if (nf)
			e->rq_flow = nf;
		long *nm = nf ? realloc(e->rq_msg, cap * sizeof *nm) : NULL;
		if (!nm)
			return -1;
		e->rq_msg = nm;
		e->caprq = cap;
	}
	e->rq[e->nrq] = r;
	e->rq_flow[e->nrq] = flow;
	e->rq_msg[e->nrq++] = msg;
	return 0;
}

static void unpack_msg(struct cb_kv_engine *e, struct cb_kv_flow *fl, size_t mi);

/* Test the outstanding operations; for decode receives, unpack packed messages
 * and count down their flows.  Returns how many completed. */
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
		if (e->rq_flow[idx[i]] >= 0) {
			struct cb_kv_flow *fl = &e->flows[e->rq_flow[idx[i]]];
			unpack_msg(e, fl, (size_t)e->rq_msg[idx[i]]);
			fl->pending--;
		}
	free(idx);
	if (n) {  /* compact: drop completed (MPI_REQUEST_NULL) entries */
		size_t w = 0;
		for (size_t r = 0; r < e->nrq; r++)
			if (e->rq[r] != MPI_REQUEST_NULL) {
				e->rq[w] = e->rq[r];
				e->rq_flow[w] = e->rq_flow[r];
				e->rq_msg[w++] = e->rq_msg[r];
			}
		e->nrq = w;
	}
	return n;
}

/* Receive a pending control message, if any: 1 and m (and its source), or 0. */
static int ctrl_recv(struct cb_kv_engine *e, int64_t m[3], int *src)
{
	int flag = 0;
	MPI_Status st;
	MPI_Iprobe(MPI_ANY_SOURCE, TAG_CTRL, e->comm, &flag, &st);
	if (!flag)
		return 0;
	MPI_Recv(m, 3, MPI_INT64_T, st.MPI_SOURCE, TAG_CTRL, e->comm, MPI_STATUS_IGNORE);
	if (src)
		*src = st.MPI_SOURCE;
	return 1;
}

static void ctrl_send(struct cb_kv_engine *e, int peer, int kind, int q, int group)
{
	int64_t m[3] = { kind, q, group };
	MPI_Send(m, 3, MPI_INT64_T, peer, TAG_CTRL, e->comm);
}

/* Message m's bytes on one side: a plain buffer (in the pool, or the flow's
 * staging band when it travels packed), or an hindexed datatype over the pool. */
struct side_buf {
	MPI_Datatype type;
	MPI_Aint off;
	int count;
};

static int packed(const struct cb_kv_engine *e, const struct cb_kv_msg *m)
{
	return !m->contiguous && e->pack == CB_KV_PACK_COPY && e->mech != CB_KV_VERBS;
}

static void side_buf(const struct cb_kv_engine *e, const struct cb_kv_flow *fl, const struct cb_kv_msg *m,
		     int src_side, struct side_buf *b)
{
	const struct cb_kv_plan *p = &fl->plan;
	const struct cb_kv_piece *first = &p->pieces[p->order[m->first]];
	b->type = MPI_BYTE;
	b->count = (int)m->bytes;
	if (m->contiguous) {
		b->off = (MPI_Aint)(src_side ? first->src_off : first->dst_off);
		return;
	}
	if (packed(e, m)) {
		b->off = (MPI_Aint)((src_side ? fl->stage_src : fl->stage_dst) + m->stage_off);
		return;
	}
	int *len = malloc(m->npieces * sizeof *len);
	MPI_Aint *disp = malloc(m->npieces * sizeof *disp);
	for (uint32_t i = 0; i < m->npieces; i++) {
		const struct cb_kv_piece *c = &p->pieces[p->order[m->first + i]];
		len[i] = (int)c->len;
		disp[i] = (MPI_Aint)(src_side ? c->src_off : c->dst_off);
	}
	MPI_Type_create_hindexed((int)m->npieces, len, disp, MPI_BYTE, &b->type);
	MPI_Type_commit(&b->type);
	free(len);
	free(disp);
	b->off = 0;
	b->count = 1;
}

static void side_done(struct side_buf *b)
{
	if (b->type != MPI_BYTE)
		MPI_Type_free(&b->type);
}

/* Copy message mi's pieces between the pool and the flow's staging band:
 * gather on the prefill side (to_stage), scatter on the decode side. */
static double stage_copy(struct cb_kv_engine *e, const struct cb_kv_flow *fl, size_t mi, int to_stage)
{
	const struct cb_kv_plan *p = &fl->plan;
	const struct cb_kv_msg *m = &p->msgs[mi];
	if (!packed(e, m))
		return 0;
	double t = MPI_Wtime();
	char *stage = e->pool + (to_stage ? fl->stage_src : fl->stage_dst) + m->stage_off;
	for (uint32_t i = 0; i < m->npieces; i++) {
		const struct cb_kv_piece *c = &p->pieces[p->order[m->first + i]];
		if (to_stage)
			memcpy(stage, e->pool + c->src_off, c->len);
		else
			memcpy(e->pool + c->dst_off, stage, c->len);
		stage += c->len;
	}
	return MPI_Wtime() - t;
}

static void unpack_msg(struct cb_kv_engine *e, struct cb_kv_flow *fl, size_t mi)
{
	e->reqs[e->req_of_q[fl->q]].pack_s += stage_copy(e, fl, mi, 0);
}

/* One message: prefill sends or puts it, decode receives or gets it. */
static void move_msg(struct cb_kv_engine *e, long f, size_t mi, int q)
{
	struct cb_kv_flow *fl = &e->flows[f];
	const struct cb_kv_msg *m = &fl->plan.msgs[mi];
	int prefill = e->side == CB_KV_PREFILL;
	struct side_buf mine, theirs = { MPI_BYTE, 0, 0 };
	side_buf(e, fl, m, prefill, &mine);
	if (e->mech == CB_KV_PUT || e->mech == CB_KV_GET)
		side_buf(e, fl, m, !prefill, &theirs);
	MPI_Request req;
	switch (e->mech) {
	case CB_KV_SEND:
		if (prefill) {
			MPI_Isend(e->pool + mine.off, mine.count, mine.type, fl->peer, TAG_DATA_BASE + q, e->comm, &req);
			rq_push(e, req, -1, -1);
		} else {
			MPI_Irecv(e->pool + mine.off, mine.count, mine.type, fl->peer, TAG_DATA_BASE + q, e->comm, &req);
			rq_push(e, req, f, (long)mi);
			fl->pending++;
		}
		break;
	case CB_KV_PUT:
		MPI_Put(e->pool + mine.off, mine.count, mine.type, fl->peer, theirs.off, theirs.count, theirs.type, e->win);
		break;
	case CB_KV_GET:
		MPI_Get(e->pool + mine.off, mine.count, mine.type, fl->peer, theirs.off, theirs.count, theirs.type, e->win);
		break;
	default:
		break;
	}
	side_done(&mine);
	side_done(&theirs);
}

/* Prefill: issue group g of every flow of request r.  send: READY first (the
 * receives get posted), then the data; put: the data; get: pack, then READY. */
static void issue_group(struct cb_kv_engine *e, struct cb_kv_request *r, int g)
{
	for (int f = r->first_flow; f < r->first_flow + r->nflows; f++) {
		struct cb_kv_flow *fl = &e->flows[f];
		if (e->mech == CB_KV_VERBS) {
			cb_kv_verbs_issue(e, (size_t)f, g);
			continue;
		}
		if (e->mech == CB_KV_SEND)
			ctrl_send(e, fl->peer, CTRL_READY, r->q, g);
		for (; fl->next_msg < fl->plan.nmsgs && fl->plan.msgs[fl->next_msg].group <= g; fl->next_msg++) {
			r->pack_s += stage_copy(e, fl, fl->next_msg, 1);
			if (e->mech != CB_KV_GET)
				move_msg(e, f, fl->next_msg, r->q);
		}
		if (e->mech == CB_KV_GET)
			ctrl_send(e, fl->peer, CTRL_READY, r->q, g);
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
		r->post_s = r->pack_s = 0;
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
		int64_t m[3];
		while (ctrl_recv(e, m, NULL)) {
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

/* Decode: post receives (send) or pull and unpack (get) group g of flow f. */
static void handle_ready(struct cb_kv_engine *e, long f, int q, int g)
{
	struct cb_kv_flow *fl = &e->flows[f];
	size_t first = fl->next_msg;
	for (; fl->next_msg < fl->plan.nmsgs && fl->plan.msgs[fl->next_msg].group <= g; fl->next_msg++)
		move_msg(e, f, fl->next_msg, q);
	if (e->mech == CB_KV_GET) {
		MPI_Win_flush(fl->peer, e->win);
		for (size_t mi = first; mi < fl->next_msg; mi++)
			unpack_msg(e, fl, mi);
	}
	fl->groups_seen++;
}

static int decode_round(struct cb_kv_engine *e, double t0)
{
	int notified = 0, n = e->nreqs;
	for (int i = 0; i < n; i++) {
		e->reqs[i].flows_left = e->reqs[i].nflows;
		e->reqs[i].t_notify = NAN;
		e->reqs[i].post_s = e->reqs[i].pack_s = 0;
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
		int64_t m[3];
		int src;
		while (ctrl_recv(e, m, &src)) {
			int q = (int)m[1], i = q >= 0 && q < e->nq ? e->req_of_q[q] : -1;
			if (i < 0)
				continue;
			struct cb_kv_request *r = &e->reqs[i];
			long f = r->first_flow;
			while (f < r->first_flow + r->nflows && e->flows[f].peer != src)
				f++;
			if (f == r->first_flow + r->nflows)
				continue;
			if (m[0] == CTRL_READY) {
				double a = MPI_Wtime();
				handle_ready(e, f, q, (int)m[2]);
				r->post_s += MPI_Wtime() - a;
			} else if (m[0] == CTRL_COMPLETE) {  /* put: everything is here */
				for (size_t mi = 0; mi < e->flows[f].plan.nmsgs; mi++)
					unpack_msg(e, &e->flows[f], mi);
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
