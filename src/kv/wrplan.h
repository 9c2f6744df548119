/*
 * RDMA WRITE work-request planner for --mech verbs (MPI-free, verbs-free):
 * a KV plan's messages become work requests, one per destination-contiguous
 * run of pieces (the source side gathered by a scatter/gather list), within
 * the device's SGE and message-size limits; plus the send-queue accounting
 * (selective signaling) that keeps posts within the queue depth.
 */
#ifndef CB_KV_WRPLAN_H
#define CB_KV_WRPLAN_H

#include <stddef.h>
#include <stdint.h>

#include "kv/layout.h"

/* Device limits that shape the plan. */
struct cb_kv_wr_limits {
	uint32_t max_sge;      /* SGEs per work request (>= 1) */
	uint64_t max_len;      /* bytes per work request (port max_msg_sz, >= 1) */
};

/* One scatter/gather element: source bytes in the prefill pool. */
struct cb_kv_sge {
	uint64_t src_off;
	uint64_t len;
};

/* One RDMA WRITE: destination bytes [dst_off, dst_off+len) in the decode pool,
 * gathered from sges[sge0 .. sge0+nsge). */
struct cb_kv_wr {
	uint64_t dst_off, len;
	uint32_t sge0, nsge;
	uint32_t msg;          /* message of the KV plan it belongs to */
	uint32_t piece;        /* index into the plan's order[] of its first piece (error reports) */
};

struct cb_kv_wrplan {
	struct cb_kv_wr *wrs;
	size_t nwrs;
	struct cb_kv_sge *sges;
	size_t nsges;
	size_t *msg_wr0;       /* message m is wrs[msg_wr0[m] .. msg_wr0[m+1]); nmsgs+1 entries */
	size_t nmsgs;
};

/* Plan the work requests of p (messages in order; a work request never spans
 * two messages).  Returns 0, or -1 on bad limits or out of memory. */
int cb_kv_wrplan_build(const struct cb_kv_plan *p, const struct cb_kv_wr_limits *lim, struct cb_kv_wrplan *out);
void cb_kv_wrplan_free(struct cb_kv_wrplan *w);

/*
 * Send-queue accounting for one QP with selective signaling.  Work requests
 * get sequence numbers 0, 1, ...; a signaled completion of sequence s retires
 * every request up to s (RC completes in order).  Posting is allowed only
 * while the queue has room; a request is signaled when `interval` requests
 * have gone unsignaled, or when the caller forces it (end of a flow).  With
 * interval <= depth/2, a full queue always holds a signaled request, so
 * waiting for completions cannot stall.
 */
struct cb_kv_sq {
	uint32_t depth;        /* max_send_wr the QP was created with */
	uint32_t interval;     /* signal at least every interval requests */
	uint64_t posted;       /* next sequence number */
	uint64_t retired;      /* every sequence below this has completed */
	uint64_t unsignaled;   /* requests posted since the last signaled one */
	uint64_t signaled_out; /* signaled requests not yet completed */
};

/* Signaling interval for a queue of depth entries: depth/2, at least 1. */
uint32_t cb_kv_sq_interval(uint32_t depth);
void cb_kv_sq_init(struct cb_kv_sq *q, uint32_t depth);
/* Free entries. */
static inline uint32_t cb_kv_sq_room(const struct cb_kv_sq *q)
{
	return q->depth - (uint32_t)(q->posted - q->retired);
}
/* Take the next sequence number; returns 1 when that request must be signaled.
 * The caller checks room first. */
int cb_kv_sq_post(struct cb_kv_sq *q, int force_signal);
/* A signaled completion of sequence seq arrived. */
void cb_kv_sq_complete(struct cb_kv_sq *q, uint64_t seq);

#endif
