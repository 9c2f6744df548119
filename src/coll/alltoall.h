/*
 * All-to-all algorithms of our own, on MPI point-to-point, correct for any
 * rank count.  Rank r's send buffer holds p blocks, block j for rank j; its
 * receive buffer gets block r of every rank, in source-rank order.  A block
 * is ONE element of `block` (a committed datatype of block_bytes bytes, no
 * gaps), so message counts stay small whatever the size.  Nothing is
 * allocated while timed: scratch comes from the caller.
 *
 * `acct`, when not NULL, counts what this rank puts on the network, per
 * tier (inside its domain / across domains): the bytes each algorithm
 * really sends, forwarding included.  Copies to oneself are not counted.
 */
#ifndef CB_COLL_ALLTOALL_H
#define CB_COLL_ALLTOALL_H

#include <mpi.h>
#include <stddef.h>
#include <stdint.h>

#include "harness/mapping.h"

enum { CB_TIER_INTRA = 0, CB_TIER_CROSS = 1, CB_NTIERS = 2 };

struct cb_tier_bytes {
	const int *domain_of;          /* domain of every rank of the communicator */
	uint64_t bytes[CB_NTIERS];     /* bytes this rank sent on each tier */
	uint64_t msgs[CB_NTIERS];      /* messages this rank sent on each tier */
};

static inline void cb_tier_add(struct cb_tier_bytes *a, int tier, uint64_t bytes, uint64_t msgs)
{
	if (a) {
		a->bytes[tier] += bytes;
		a->msgs[tier] += msgs;
	}
}

/* A send from rank `me` to rank `peer` of the accounted communicator. */
static inline void cb_tier_send(struct cb_tier_bytes *a, int me, int peer, uint64_t bytes)
{
	if (a)
		cb_tier_add(a, a->domain_of[me] != a->domain_of[peer], bytes, 1);
}

/* Pairwise exchange: p-1 steps; at step s send to r+s, receive from r-s
 * (mod p).  Each rank sends (d-1) blocks inside its domain of d ranks and
 * p-d across.  No scratch. */
int cb_alltoall_pairwise(const void *sendbuf, void *recvbuf, MPI_Datatype block, size_t block_bytes,
			 MPI_Comm comm, struct cb_tier_bytes *acct);

/* Bruck: rotate, then ceil(log2 p) steps; at step k (1, 2, 4, ...) send every
 * block whose rotated index has bit k set to r+k, receive from r-k; rotate
 * back.  Fewer, larger messages than pairwise; blocks are forwarded through
 * intermediate ranks, so more bytes in total (about p/2 log2 p blocks). */
size_t cb_alltoall_bruck_scratch_bytes(int nranks, size_t block_bytes);
int cb_alltoall_bruck(const void *sendbuf, void *recvbuf, MPI_Datatype block, size_t block_bytes,
		      MPI_Comm comm, void *scratch, struct cb_tier_bytes *acct);

/*
 * Hierarchical, leader-based, over the domains of a mapping (comm = the
 * mapping's communicator):
 *   1. blocks for ranks of my own domain go directly (pairwise in the domain);
 *   2. every rank sends its p-d blocks for other domains to its domain leader
 *      (domain rank 0);
 *   3. leaders exchange pairwise: leader of D sends leader of D' the d x d'
 *      blocks from D's ranks to D''s ranks, one message per pair of domains;
 *   4. each leader scatters to every member the p-d blocks it received for it.
 * Cross-domain messages drop from p(p-d) to N(N-1) for N domains, at the
 * cost of 2 extra intra-domain hops and of leaders carrying d times the
 * cross-domain bytes of a rank: a small-message (latency-bound) algorithm.
 */
struct cb_a2a_hier;
struct cb_a2a_hier *cb_a2a_hier_plan(const struct cb_mapping *m);
void cb_a2a_hier_free(struct cb_a2a_hier *h);
size_t cb_alltoall_hier_scratch_bytes(const struct cb_mapping *m, size_t block_bytes);
int cb_alltoall_hier(const void *sendbuf, void *recvbuf, MPI_Datatype block, size_t block_bytes,
		     const struct cb_a2a_hier *h, void *scratch, struct cb_tier_bytes *acct);

#endif
