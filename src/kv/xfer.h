/*
 * The KV transfer engine (MPI): one round of requests between prefill and
 * decode ranks, issued against the synthetic prefill clock, moved by two-sided
 * messages, RMA put (flush + completion message) or RMA get (ready/done).
 */
#ifndef CB_KV_XFER_H
#define CB_KV_XFER_H

#include <mpi.h>
#include <stdint.h>

#include "kv/clock.h"
#include "kv/layout.h"
#include "kv/roles.h"

enum cb_kv_mech { CB_KV_SEND, CB_KV_PUT, CB_KV_GET, CB_KV_VERBS };

/* One request's bytes between this rank and one peer, known to both sides. */
struct cb_kv_flow {
	int q;                 /* request id in the round */
	int peer;              /* global rank on the other side */
	struct cb_kv_plan plan;
	/* --granularity *-packed: start of this flow's staging band in the prefill
	 * and in the decode rank's buffer (both sides know both) */
	uint64_t stage_src, stage_dst;
	/* run time */
	size_t next_msg;       /* next message to issue (prefill) or post (decode) */
	int groups_seen;       /* decode: READY messages handled */
	long pending;          /* decode, send: receives outstanding */
	int complete;
};

/* A request as this rank sees it; times in seconds since the round start. */
struct cb_kv_request {
	int q, k;              /* id in the round; index in its prefill instance */
	uint64_t isl;
	int ngroups;
	double *ready;         /* group g may be issued this long after prefill starts */
	double t_prefill;
	int first_flow, nflows;
	double t_arr, t_pf_start, t_pf_end, t_first_issue, t_last_issue, t_notify, t_release, post_s;
	double pack_s;         /* packing (prefill) or unpacking (decode) time, within post_s for prefill */
	int next_group, flows_left, started;
};

struct cb_kv_engine {
	enum cb_kv_mech mech;
	enum cb_kv_side side;
	MPI_Comm comm;
	enum cb_kv_pack pack;
	char *pool;            /* the KV pool, then the staging bands (packed messages) */
	uint64_t pool_bytes;   /* pool and staging: the RMA window */
	MPI_Win win;
	int have_win;
	struct cb_kv_verbs_dev *vdev;     /* verbs: the device (opened by the kernel) */
	struct cb_kv_verbs_conn *verbs;   /* verbs: MRs, QPs, work requests of this case */
	struct cb_kv_flow *flows;
	size_t nflows;
	struct cb_kv_request *reqs;
	int nreqs;
	int *req_of_q;         /* q -> index in reqs, or -1 (decode) */
	int nq;
	struct cb_kv_arrival arrival;
	uint64_t seed;
	int inst;
	double t0;             /* MPI_Wtime() at the start of the last round */
	/* outstanding nonblocking operations */
	MPI_Request *rq;
	long *rq_flow, *rq_msg;
	size_t nrq, caprq;
};

/* Collective over comm: create the RMA window over each rank's pool (put/get),
 * or register the pools and connect the queue pairs (verbs). */
int cb_kv_engine_open(struct cb_kv_engine *e);
void cb_kv_engine_close(struct cb_kv_engine *e);
/* Collective over comm: can this MPI library do RMA between this rank and
 * peers?  A 1-byte window, lock_all, MPI_Get + flush from each peer, with
 * errors returned.  Returns MPI_SUCCESS, or the error code with the failing
 * call and MPI's text in what (this rank's view: agree with an allreduce). */
int cb_kv_rma_probe(MPI_Comm comm, const int *peers, int npeers, char *what, size_t whatlen);
/* Run one round; request times are filled in.  Returns 0, or an MPI error code. */
int cb_kv_round(struct cb_kv_engine *e);

#endif
