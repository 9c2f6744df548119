/* --mech verbs: RDMA device, pool registration, RC queue pairs over MPI, RDMA WRITE posting and completion. */
#include "config.h"
#include "kv/verbs.h"
#include "kv/wrplan.h"
#include "kv/xfer.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#ifdef HAVE_IBVERBS
#include <infiniband/verbs.h>
#endif

int cb_kv_verbs_devices(char *name, size_t len)
{
#ifdef HAVE_IBVERBS
	int n = 0;
	struct ibv_device **list = ibv_get_device_list(&n);
	if (!list)
		return 0;
	if (n > 0)
		snprintf(name, len, "%s", ibv_get_device_name(list[0]));
	ibv_free_device_list(list);
	return n;
#else
	(void)name;
	(void)len;
	return -1;
#endif
}

#ifndef HAVE_IBVERBS

struct cb_kv_verbs_dev *cb_kv_verbs_open(char *err, size_t errlen)
{
	snprintf(err, errlen, "--mech verbs: this cpobench was built without libibverbs (configure --with-ibverbs)");
	return NULL;
}
void cb_kv_verbs_close(struct cb_kv_verbs_dev *d) { (void)d; }
void cb_kv_verbs_describe(const struct cb_kv_verbs_dev *d, char *buf, size_t len)
{
	(void)d;
	snprintf(buf, len, "none");
}
int cb_kv_verbs_connect(struct cb_kv_engine *e, struct cb_kv_verbs_dev *d)
{
	(void)d;
	int ok = 0, allok = 0;
	MPI_Allreduce(&ok, &allok, 1, MPI_INT, MPI_MIN, e->comm);
	return -1;
}
void cb_kv_verbs_disconnect(struct cb_kv_engine *e) { (void)e; }
void cb_kv_verbs_issue(struct cb_kv_engine *e, size_t f, int g) { (void)e, (void)f, (void)g; }
void cb_kv_verbs_flush(struct cb_kv_engine *e, size_t f) { (void)e, (void)f; }
double cb_kv_verbs_reg_seconds(const struct cb_kv_engine *e)
{
	(void)e;
	return 0;
}

#else

enum { TAG_QPINFO = 41, DEFAULT_SQ_DEPTH = 128, MAX_SGE = 16, WANT_INLINE = 64, CHAIN = 32 };

struct cb_kv_verbs_dev {
	struct ibv_context *ctx;
	struct ibv_pd *pd;
	struct ibv_device_attr attr;
	struct ibv_port_attr port_attr;
	union ibv_gid gid;
	char name[64];
	int port, gid_index, roce;  /* gid_index -1: no GRH (InfiniBand) */
	uint32_t sq_depth;
};

/* What each side of a QP tells the other over MPI. */
struct qpinfo {
	uint64_t addr;
	uint32_t rkey, qpn, psn, ok;
	uint16_t lid;
	uint8_t mtu, pad[5];
	uint8_t gid[16];
};

struct peer {
	int rank;
	struct ibv_qp *qp;
	struct cb_kv_sq sq;
	struct qpinfo remote;
	uint64_t *ring_flow;   /* seq % depth -> flow, wr (for error reports) */
	uint32_t *ring_wr;
};

struct cb_kv_verbs_conn {
	struct cb_kv_verbs_dev *dev;
	struct ibv_mr *mr;
	struct ibv_cq *cq;
	struct peer *peers;
	int npeers;
	int *flow_peer;                /* flow -> index in peers */
	struct cb_kv_wrplan *wrplans;  /* per flow */
	uint64_t *flow_last;           /* flow -> sequence of its last (signaled) write, +1; 0 none */
	uint32_t max_inline;
	double reg_s;
	int rank;
};

static int env_int(const char *name, long lo, long hi, long dflt, long *out, char *err, size_t errlen)
{
	const char *v = getenv(name);
	*out = dflt;
	if (!v || !*v)
		return 0;
	char *end;
	errno = 0;
	long x = strtol(v, &end, 10);
	if (errno || *end || end == v || x < lo || x > hi) {
		snprintf(err, errlen, "%s=%s: expected an integer in [%ld, %ld]", name, v, lo, hi);
		return -1;
	}
	*out = x;
	return 0;
}

static int ipv4_mapped(const union ibv_gid *g)
{
	static const uint8_t prefix[12] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff };
	return !memcmp(g->raw, prefix, sizeof prefix);
}

/* RoCE: the RoCE v2 IPv4-mapped GID, else the first RoCE v2 one, else the first valid one. */
static int pick_gid(struct cb_kv_verbs_dev *d)
{
	int best = -1, rank = 0;
	for (int i = 0; i < d->port_attr.gid_tbl_len; i++) {
		struct ibv_gid_entry ge;
		if (ibv_query_gid_ex(d->ctx, (uint32_t)d->port, (uint32_t)i, &ge, 0))
			continue;
		union ibv_gid g = ge.gid;
		int r = ge.gid_type == IBV_GID_TYPE_ROCE_V2 ? (ipv4_mapped(&g) ? 3 : 2) : 1;
		if (r > rank) {
			rank = r;
			best = i;
		}
	}
	return best;
}

static const char *link_name(int ll)
{
	return ll == IBV_LINK_LAYER_ETHERNET ? "Ethernet (RoCE)" : ll == IBV_LINK_LAYER_INFINIBAND ? "InfiniBand" : "unspecified";
}

struct cb_kv_verbs_dev *cb_kv_verbs_open(char *err, size_t errlen)
{
	long port, gidx, depth;
	if (env_int("CPOBENCH_VERBS_PORT", 1, 255, 1, &port, err, errlen) ||
	    env_int("CPOBENCH_VERBS_GID_INDEX", -1, 65535, -2, &gidx, err, errlen) ||
	    env_int("CPOBENCH_VERBS_SQ_DEPTH", 1, 1 << 20, DEFAULT_SQ_DEPTH, &depth, err, errlen))
		return NULL;
	const char *want = getenv("CPOBENCH_VERBS_DEVICE");
	int n = 0;
	struct ibv_device **list = ibv_get_device_list(&n);
	if (!list || n == 0) {
		if (list)
			ibv_free_device_list(list);
		snprintf(err, errlen, "--mech verbs: libibverbs found no RDMA device (ibv_get_device_list: 0 devices); "
				      "use --mech send, put or get");
		return NULL;
	}
	struct ibv_device *dev = NULL;
	for (int i = 0; i < n && !dev; i++)
		if (!want || !*want || !strcmp(want, ibv_get_device_name(list[i])))
			dev = list[i];
	if (!dev) {
		snprintf(err, errlen, "CPOBENCH_VERBS_DEVICE=%s: no such RDMA device (first is %s)", want,
			 ibv_get_device_name(list[0]));
		ibv_free_device_list(list);
		return NULL;
	}
	struct cb_kv_verbs_dev *d = calloc(1, sizeof *d);
	if (!d) {
		ibv_free_device_list(list);
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	snprintf(d->name, sizeof d->name, "%s", ibv_get_device_name(dev));
	d->port = (int)port;
	d->ctx = ibv_open_device(dev);
	ibv_free_device_list(list);
	if (!d->ctx) {
		snprintf(err, errlen, "--mech verbs: ibv_open_device(%s): %s", d->name, strerror(errno));
		goto fail;
	}
	if (ibv_query_device(d->ctx, &d->attr) || ibv_query_port(d->ctx, (uint8_t)d->port, &d->port_attr)) {
		snprintf(err, errlen, "--mech verbs: %s port %d: cannot query (CPOBENCH_VERBS_PORT; device has %d ports)",
			 d->name, d->port, d->attr.phys_port_cnt);
		goto fail;
	}
	if (d->port_attr.state != IBV_PORT_ACTIVE) {
		snprintf(err, errlen, "--mech verbs: %s port %d is %s, not active", d->name, d->port,
			 ibv_port_state_str(d->port_attr.state));
		goto fail;
	}
	d->roce = d->port_attr.link_layer == IBV_LINK_LAYER_ETHERNET;
	if (gidx >= 0 && gidx >= d->port_attr.gid_tbl_len) {
		snprintf(err, errlen, "CPOBENCH_VERBS_GID_INDEX=%ld: %s port %d has %d GIDs", gidx, d->name, d->port,
			 d->port_attr.gid_tbl_len);
		goto fail;
	}
	d->gid_index = gidx >= -1 ? (int)gidx : d->roce ? pick_gid(d) : -1;
	if (d->roce && d->gid_index < 0) {
		snprintf(err, errlen, "--mech verbs: %s port %d is RoCE but has no usable GID (is the netdev up with an address?)",
			 d->name, d->port);
		goto fail;
	}
	if (d->gid_index >= 0 && ibv_query_gid(d->ctx, (uint8_t)d->port, d->gid_index, &d->gid)) {
		snprintf(err, errlen, "--mech verbs: %s port %d: cannot read GID %d", d->name, d->port, d->gid_index);
		goto fail;
	}
	d->sq_depth = (uint32_t)(depth < d->attr.max_qp_wr ? depth : d->attr.max_qp_wr);
	d->pd = ibv_alloc_pd(d->ctx);
	if (!d->pd) {
		snprintf(err, errlen, "--mech verbs: ibv_alloc_pd(%s): %s", d->name, strerror(errno));
		goto fail;
	}
	return d;
fail:
	cb_kv_verbs_close(d);
	return NULL;
}

void cb_kv_verbs_close(struct cb_kv_verbs_dev *d)
{
	if (!d)
		return;
	if (d->pd)
		ibv_dealloc_pd(d->pd);
	if (d->ctx)
		ibv_close_device(d->ctx);
	free(d);
}

void cb_kv_verbs_describe(const struct cb_kv_verbs_dev *d, char *buf, size_t len)
{
	char gid[64] = "none (LID routing)";
	if (d->gid_index >= 0) {
		const uint8_t *g = d->gid.raw;
		if (ipv4_mapped(&d->gid))
			snprintf(gid, sizeof gid, "%d ::ffff:%u.%u.%u.%u", d->gid_index, g[12], g[13], g[14], g[15]);
		else
			snprintf(gid, sizeof gid, "%d %02x%02x:%02x%02x:...:%02x%02x", d->gid_index, g[0], g[1], g[2], g[3],
				 g[14], g[15]);
	}
	snprintf(buf, len, "%s port %d, %s, active MTU %d, GID %s, LID %u, max_qp_wr %d, max_sge %d, max_msg_sz %" PRIu32
		 ", send queue depth %" PRIu32, d->name, d->port, link_name(d->port_attr.link_layer),
		 128 << d->port_attr.active_mtu, gid, d->port_attr.lid, d->attr.max_qp_wr, d->attr.max_sge,
		 d->port_attr.max_msg_sz, d->sq_depth);
}

static uint32_t psn_for(int from, int to)
{
	return ((uint32_t)from * 2654435761u ^ (uint32_t)to * 40503u) & 0xffffff;
}

static int qp_create(struct cb_kv_verbs_conn *c, struct peer *p)
{
	struct cb_kv_verbs_dev *d = c->dev;
	struct ibv_qp_init_attr ia = { 0 };
	ia.send_cq = c->cq;
	ia.recv_cq = c->cq;
	ia.qp_type = IBV_QPT_RC;
	ia.sq_sig_all = 0;
	ia.cap.max_send_wr = d->sq_depth;
	ia.cap.max_recv_wr = 1;
	ia.cap.max_send_sge = (uint32_t)(d->attr.max_sge < MAX_SGE ? d->attr.max_sge : MAX_SGE);
	ia.cap.max_recv_sge = 1;
	ia.cap.max_inline_data = WANT_INLINE;
	p->qp = ibv_create_qp(d->pd, &ia);
	if (!p->qp) {  /* some devices refuse inline data */
		ia.cap.max_inline_data = 0;
		p->qp = ibv_create_qp(d->pd, &ia);
	}
	if (!p->qp)
		return -1;
	/* the QP reports what it got */
	c->max_inline = ia.cap.max_inline_data;
	cb_kv_sq_init(&p->sq, ia.cap.max_send_wr < d->sq_depth ? ia.cap.max_send_wr : d->sq_depth);
	p->ring_flow = calloc(p->sq.depth, sizeof *p->ring_flow);
	p->ring_wr = calloc(p->sq.depth, sizeof *p->ring_wr);
	struct ibv_qp_attr a = { 0 };
	a.qp_state = IBV_QPS_INIT;
	a.pkey_index = 0;
	a.port_num = (uint8_t)d->port;
	a.qp_access_flags = IBV_ACCESS_REMOTE_WRITE;
	if (!p->ring_flow || !p->ring_wr ||
	    ibv_modify_qp(p->qp, &a, IBV_QP_STATE | IBV_QP_PKEY_INDEX | IBV_QP_PORT | IBV_QP_ACCESS_FLAGS))
		return -1;
	return 0;
}

static int qp_connect(struct cb_kv_verbs_conn *c, struct peer *p, const struct qpinfo *mine, char *what, size_t wlen)
{
	struct cb_kv_verbs_dev *d = c->dev;
	const struct qpinfo *r = &p->remote;
	struct ibv_qp_attr a = { 0 };
	a.qp_state = IBV_QPS_RTR;
	a.path_mtu = (enum ibv_mtu)(mine->mtu < r->mtu ? mine->mtu : r->mtu);
	a.dest_qp_num = r->qpn;
	a.rq_psn = r->psn;
	a.max_dest_rd_atomic = 1;
	a.min_rnr_timer = 12;
	a.ah_attr.port_num = (uint8_t)d->port;
	a.ah_attr.dlid = r->lid;
	if (d->gid_index >= 0) {
		a.ah_attr.is_global = 1;
		memcpy(a.ah_attr.grh.dgid.raw, r->gid, 16);
		a.ah_attr.grh.sgid_index = (uint8_t)d->gid_index;
		a.ah_attr.grh.hop_limit = 64;
	}
	if (ibv_modify_qp(p->qp, &a, IBV_QP_STATE | IBV_QP_AV | IBV_QP_PATH_MTU | IBV_QP_DEST_QPN | IBV_QP_RQ_PSN |
					     IBV_QP_MAX_DEST_RD_ATOMIC | IBV_QP_MIN_RNR_TIMER)) {
		snprintf(what, wlen, "ibv_modify_qp to RTR (peer rank %d, qpn %u): %s", p->rank, r->qpn, strerror(errno));
		return -1;
	}
	memset(&a, 0, sizeof a);
	a.qp_state = IBV_QPS_RTS;
	a.timeout = 14;
	a.retry_cnt = 7;
	a.rnr_retry = 7;
	a.sq_psn = mine->psn;
	a.max_rd_atomic = 1;
	if (ibv_modify_qp(p->qp, &a, IBV_QP_STATE | IBV_QP_TIMEOUT | IBV_QP_RETRY_CNT | IBV_QP_RNR_RETRY | IBV_QP_SQ_PSN |
					     IBV_QP_MAX_QP_RD_ATOMIC)) {
		snprintf(what, wlen, "ibv_modify_qp to RTS (peer rank %d): %s", p->rank, strerror(errno));
		return -1;
	}
	return 0;
}

static int agree(MPI_Comm comm, int ok)
{
	int all = 0;
	MPI_Allreduce(&ok, &all, 1, MPI_INT, MPI_MIN, comm);
	return all;
}

int cb_kv_verbs_connect(struct cb_kv_engine *e, struct cb_kv_verbs_dev *d)
{
	char what[256] = "";
	int ok = 1;
	struct cb_kv_verbs_conn *c = calloc(1, sizeof *c);
	int rank;
	e->verbs = c;
	MPI_Comm_rank(e->comm, &rank);
	if (!c || !d) {
		snprintf(what, sizeof what, c ? "no RDMA device open" : "out of memory");
		ok = 0;
		goto agree1;
	}
	c->dev = d;
	c->rank = rank;
	/* peers: the distinct ranks of this rank's flows */
	c->flow_peer = malloc((e->nflows + 1) * sizeof *c->flow_peer);
	c->peers = calloc(e->nflows + 1, sizeof *c->peers);
	c->wrplans = calloc(e->nflows + 1, sizeof *c->wrplans);
	c->flow_last = calloc(e->nflows + 1, sizeof *c->flow_last);
	if (!c->flow_peer || !c->peers || !c->wrplans || !c->flow_last) {
		snprintf(what, sizeof what, "out of memory");
		ok = 0;
		goto agree1;
	}
	for (size_t f = 0; f < e->nflows; f++) {
		int i = 0;
		while (i < c->npeers && c->peers[i].rank != e->flows[f].peer)
			i++;
		if (i == c->npeers)
			c->peers[c->npeers++].rank = e->flows[f].peer;
		c->flow_peer[f] = i;
	}
	if (!c->npeers)
		goto agree1;  /* idle, or nothing to move: take part in the collectives only */
	double t = MPI_Wtime();
	int access = IBV_ACCESS_LOCAL_WRITE | (e->side == CB_KV_DECODE ? IBV_ACCESS_REMOTE_WRITE : 0);
	c->mr = ibv_reg_mr(d->pd, e->pool, e->pool_bytes, access);
	c->reg_s = MPI_Wtime() - t;
	if (!c->mr) {
		snprintf(what, sizeof what, "ibv_reg_mr of the %s pool (%" PRIu64 " bytes): %s",
			 e->side == CB_KV_DECODE ? "decode" : "prefill", e->pool_bytes, strerror(errno));
		ok = 0;
		goto agree1;
	}
	long cqe = (long)c->npeers * (long)d->sq_depth + 1;  /* every send queue full, errors included */
	c->cq = ibv_create_cq(d->ctx, (int)(cqe < d->attr.max_cqe ? cqe : d->attr.max_cqe), NULL, NULL, 0);
	if (!c->cq) {
		snprintf(what, sizeof what, "ibv_create_cq: %s", strerror(errno));
		ok = 0;
		goto agree1;
	}
	for (int i = 0; i < c->npeers && ok; i++)
		if (qp_create(c, &c->peers[i]) != 0) {
			snprintf(what, sizeof what, "ibv_create_qp/INIT for peer rank %d: %s", c->peers[i].rank, strerror(errno));
			ok = 0;
		}
	struct cb_kv_wr_limits lim = { .max_sge = (uint32_t)(d->attr.max_sge < MAX_SGE ? d->attr.max_sge : MAX_SGE),
				       .max_len = d->port_attr.max_msg_sz };
	for (size_t f = 0; f < e->nflows && ok; f++)
		if (e->side == CB_KV_PREFILL && cb_kv_wrplan_build(&e->flows[f].plan, &lim, &c->wrplans[f]) != 0) {
			snprintf(what, sizeof what, "out of memory planning work requests");
			ok = 0;
		}
agree1:
	/* exchange QP attributes with every peer (even after a local failure, so nobody hangs) */
	{
		int np = c ? c->npeers : 0;
		struct qpinfo *mine = calloc((size_t)np + 1, sizeof *mine);
		MPI_Request *rq = malloc(((size_t)np * 2 + 1) * sizeof *rq);
		if (!mine || !rq) {
			free(mine);
			free(rq);
			fprintf(stderr, "cpobench kvcache: rank %d: verbs: out of memory\n", rank);
			MPI_Abort(MPI_COMM_WORLD, 2);
		}
		for (int i = 0; i < np; i++) {
			struct peer *p = &c->peers[i];
			mine[i].ok = (uint32_t)ok;
			if (ok) {
				mine[i].addr = (uint64_t)(uintptr_t)e->pool;
				mine[i].rkey = c->mr->rkey;
				mine[i].qpn = p->qp->qp_num;
				mine[i].psn = psn_for(c->rank, p->rank);
				mine[i].lid = d->port_attr.lid;
				mine[i].mtu = (uint8_t)d->port_attr.active_mtu;
				if (d->gid_index >= 0)
					memcpy(mine[i].gid, d->gid.raw, 16);
			}
			MPI_Irecv(&p->remote, (int)sizeof p->remote, MPI_BYTE, p->rank, TAG_QPINFO, e->comm, &rq[2 * i]);
			MPI_Isend(&mine[i], (int)sizeof mine[i], MPI_BYTE, p->rank, TAG_QPINFO, e->comm, &rq[2 * i + 1]);
		}
		MPI_Waitall(2 * np, rq, MPI_STATUSES_IGNORE);
		/* test only: a wrong rkey makes every write fail with a remote access error */
		const char *fault = getenv("CPOBENCH_VERBS_FAULT");
		if (fault && !strcmp(fault, "rkey") && e->side == CB_KV_PREFILL)
			for (int i = 0; i < np; i++)
				c->peers[i].remote.rkey ^= 0x5a5a;
		for (int i = 0; i < np && ok; i++)
			if (c->peers[i].remote.ok && qp_connect(c, &c->peers[i], &mine[i], what, sizeof what) != 0)
				ok = 0;
		free(mine);
		free(rq);
	}
	if (!ok)
		fprintf(stderr, "cpobench kvcache: rank %d: --mech verbs: %s\n", rank, what);
	/* nobody writes before every QP is ready to receive */
	if (!agree(e->comm, ok))
		return -1;
	double reg = c->reg_s;
	MPI_Allreduce(&reg, &c->reg_s, 1, MPI_DOUBLE, MPI_MAX, e->comm);
	return 0;
}

void cb_kv_verbs_disconnect(struct cb_kv_engine *e)
{
	struct cb_kv_verbs_conn *c = e->verbs;
	if (!c)
		return;
	for (int i = 0; i < c->npeers; i++) {
		if (c->peers[i].qp)
			ibv_destroy_qp(c->peers[i].qp);
		free(c->peers[i].ring_flow);
		free(c->peers[i].ring_wr);
	}
	if (c->cq)
		ibv_destroy_cq(c->cq);
	if (c->mr)
		ibv_dereg_mr(c->mr);
	for (size_t f = 0; c->wrplans && f < e->nflows; f++)
		cb_kv_wrplan_free(&c->wrplans[f]);
	free(c->wrplans);
	free(c->peers);
	free(c->flow_peer);
	free(c->flow_last);
	free(c);
	e->verbs = NULL;
}

static struct peer *peer_of_qpn(struct cb_kv_verbs_conn *c, uint32_t qpn)
{
	for (int i = 0; i < c->npeers; i++)
		if (c->peers[i].qp->qp_num == qpn)
			return &c->peers[i];
	return NULL;
}

/* A failed write: name the piece, then stop the run (the data path cannot recover). */
static void report_failure(struct cb_kv_engine *e, struct peer *p, const struct ibv_wc *wc)
{
	struct cb_kv_verbs_conn *c = e->verbs;
	char where[320] = "";
	if (p) {
		uint64_t f = p->ring_flow[wc->wr_id % p->sq.depth];
		uint32_t w = p->ring_wr[wc->wr_id % p->sq.depth];
		const struct cb_kv_flow *fl = &e->flows[f];
		const struct cb_kv_wr *wr = &c->wrplans[f].wrs[w];
		const struct cb_kv_piece *pc = &fl->plan.pieces[fl->plan.order[wr->piece]];
		snprintf(where, sizeof where,
			 " request %d, message %u: layer %d%s, %s, heads %d-%d, block %d: %" PRIu64 " bytes to decode offset %" PRIu64,
			 fl->q, wr->msg, pc->layer, pc->nlayers > 1 ? "+" : "", pc->nkv > 1 ? "K+V" : pc->kv ? "V" : "K",
			 pc->head0, pc->head0 + pc->nheads - 1, pc->block, wr->len, wr->dst_off);
	}
	fprintf(stderr, "cpobench kvcache: rank %d: --mech verbs: RDMA WRITE to rank %d failed: %s (status %d, vendor error 0x%x)%s\n",
		c->rank, p ? p->rank : -1, ibv_wc_status_str(wc->status), (int)wc->status, wc->vendor_err, where);
	MPI_Abort(MPI_COMM_WORLD, 1);
}

/* Reap completions; returns how many were reaped. */
static int poll_cq(struct cb_kv_engine *e)
{
	struct cb_kv_verbs_conn *c = e->verbs;
	struct ibv_wc wc[16];
	int n = ibv_poll_cq(c->cq, 16, wc);
	if (n < 0) {
		fprintf(stderr, "cpobench kvcache: rank %d: --mech verbs: ibv_poll_cq failed\n", c->rank);
		MPI_Abort(MPI_COMM_WORLD, 1);
	}
	for (int i = 0; i < n; i++) {
		struct peer *p = peer_of_qpn(c, wc[i].qp_num);
		if (wc[i].status != IBV_WC_SUCCESS || !p)
			report_failure(e, p, &wc[i]);
		cb_kv_sq_complete(&p->sq, wc[i].wr_id);
	}
	return n;
}

void cb_kv_verbs_issue(struct cb_kv_engine *e, size_t f, int g)
{
	struct cb_kv_verbs_conn *c = e->verbs;
	struct cb_kv_flow *fl = &e->flows[f];
	struct peer *p = &c->peers[c->flow_peer[f]];
	const struct cb_kv_wrplan *w = &c->wrplans[f];
	struct ibv_send_wr wr[CHAIN];
	struct ibv_sge sge[CHAIN * MAX_SGE];
	while (fl->next_msg < fl->plan.nmsgs && fl->plan.msgs[fl->next_msg].group <= g) {
		/* one message = its work requests, posted as chains of at most CHAIN */
		size_t m = fl->next_msg++, i = w->msg_wr0[m], end = w->msg_wr0[m + 1];
		while (i < end) {
			while (cb_kv_sq_room(&p->sq) == 0)
				poll_cq(e);
			size_t n = end - i, room = cb_kv_sq_room(&p->sq), ns = 0;
			n = n < room ? n : room;
			n = n < CHAIN ? n : CHAIN;
			for (size_t k = 0; k < n; k++) {
				const struct cb_kv_wr *x = &w->wrs[i + k];
				int last = fl->next_msg == fl->plan.nmsgs && i + k + 1 == end;
				uint64_t seq = p->sq.posted;
				int sig = cb_kv_sq_post(&p->sq, last);
				p->ring_flow[seq % p->sq.depth] = f;
				p->ring_wr[seq % p->sq.depth] = (uint32_t)(i + k);
				if (last)
					c->flow_last[f] = seq + 1;
				memset(&wr[k], 0, sizeof wr[k]);
				wr[k].wr_id = seq;
				wr[k].opcode = IBV_WR_RDMA_WRITE;
				wr[k].sg_list = &sge[ns];
				wr[k].num_sge = (int)x->nsge;
				wr[k].send_flags = (sig ? IBV_SEND_SIGNALED : 0) | (x->len <= c->max_inline ? IBV_SEND_INLINE : 0);
				wr[k].wr.rdma.remote_addr = p->remote.addr + x->dst_off;
				wr[k].wr.rdma.rkey = p->remote.rkey;
				wr[k].next = k + 1 < n ? &wr[k + 1] : NULL;
				for (uint32_t s = 0; s < x->nsge; s++, ns++) {
					const struct cb_kv_sge *y = &w->sges[x->sge0 + s];
					sge[ns].addr = (uint64_t)(uintptr_t)(e->pool + y->src_off);
					sge[ns].length = (uint32_t)y->len;
					sge[ns].lkey = c->mr->lkey;
				}
			}
			struct ibv_send_wr *bad = NULL;
			int rc = ibv_post_send(p->qp, wr, &bad);
			if (rc) {
				fprintf(stderr, "cpobench kvcache: rank %d: --mech verbs: ibv_post_send to rank %d failed: %s "
						"(request %d, message %zu, work request %zu of %zu)\n",
					c->rank, p->rank, strerror(rc), fl->q, m, bad ? (size_t)(bad - wr) + i : i, w->nwrs);
				MPI_Abort(MPI_COMM_WORLD, 1);
			}
			i += n;
		}
	}
}

void cb_kv_verbs_flush(struct cb_kv_engine *e, size_t f)
{
	struct cb_kv_verbs_conn *c = e->verbs;
	struct peer *p = &c->peers[c->flow_peer[f]];
	while (c->flow_last[f] && p->sq.retired < c->flow_last[f])
		poll_cq(e);
	c->flow_last[f] = 0;
}

double cb_kv_verbs_reg_seconds(const struct cb_kv_engine *e)
{
	const struct cb_kv_verbs_conn *c = e->verbs;
	return c ? c->reg_s : 0;
}

#endif
