/*
 * Collective algorithms of our own, on MPI point-to-point, so that they can be
 * compared with the library's and modelled formula by formula (docs/model.md).
 * Every one is correct for any rank count and any element count, in place
 * (sendbuf == MPI_IN_PLACE) or not.  `scratch` is caller-provided, of the size
 * the matching *_scratch_bytes() returns, so nothing is allocated while timed.
 */
#ifndef CB_COLL_H
#define CB_COLL_H

#include <mpi.h>
#include <stddef.h>

/* Ring: reduce-scatter then all-gather, p-1 steps each; chunk i is
 * count/p elements, one more for the first count%p chunks. */
size_t cb_allreduce_ring_scratch_bytes(size_t count, int nranks, size_t dsize);
int cb_allreduce_ring(const void *sendbuf, void *recvbuf, size_t count, MPI_Datatype dt, MPI_Op op,
		      MPI_Comm comm, void *scratch);

/* Rabenseifner: reduce-scatter by recursive halving, all-gather by recursive
 * doubling, over the largest power of two p' <= p; the first 2(p-p') ranks
 * pair up first (even sends to odd) and get the result back at the end. */
size_t cb_allreduce_rabenseifner_scratch_bytes(size_t count, int nranks, size_t dsize);
int cb_allreduce_rabenseifner(const void *sendbuf, void *recvbuf, size_t count, MPI_Datatype dt, MPI_Op op,
			      MPI_Comm comm, void *scratch);

/* Hierarchical: intra-domain reduce-scatter, cross-domain all-reduce among
 * equal local indices, intra-domain all-gather, correct for domains of
 * unequal size (allreduce_hier.c explains how).  The plan is built once, from
 * the domain of every rank (domains numbered 0..ndomains-1; local index =
 * order by rank inside the domain, as MPI_Comm_split with key = rank gives). */
struct cb_hier_plan {
	int rank, nranks;
	int ndomains, max_size;   /* max_size: S, blocks the vector is cut into */
	int domain, local, size;  /* my domain, my index in it, its size */
	int cross_size;           /* domains larger than my local index */
	int norphans;             /* holder: blocks size..S-1 of my domain ... */
	int *orphan_proxy;        /* ... and the world rank each one goes to */
	int nfrom;                /* proxy: holders whose orphan block local I fold in */
	int *orphan_from;
	MPI_Request *req;         /* room for the non-blocking hand-offs */
};
int cb_hier_plan_build(struct cb_hier_plan *p, const int *domain_of, int nranks, int rank);
void cb_hier_plan_free(struct cb_hier_plan *p);
size_t cb_allreduce_hier_scratch_bytes(const struct cb_hier_plan *p, size_t count, size_t dsize);
int cb_allreduce_hier(const void *sendbuf, void *recvbuf, size_t count, MPI_Datatype dt, MPI_Op op,
		      const struct cb_hier_plan *p, MPI_Comm comm, MPI_Comm domain_comm, MPI_Comm cross_comm,
		      void *scratch);

/* Offset and length of block i when count elements are cut into n blocks. */
static inline void cb_block_range(size_t count, int n, int i, size_t *off, size_t *len)
{
	size_t q = count / (size_t)n, r = count % (size_t)n;
	*off = (size_t)i * q + ((size_t)i < r ? (size_t)i : r);
	*len = q + ((size_t)i < r ? 1 : 0);
}

#endif
