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

/* Offset and length of block i when count elements are cut into n blocks. */
static inline void cb_block_range(size_t count, int n, int i, size_t *off, size_t *len)
{
	size_t q = count / (size_t)n, r = count % (size_t)n;
	*off = (size_t)i * q + ((size_t)i < r ? (size_t)i : r);
	*len = q + ((size_t)i < r ? 1 : 0);
}

#endif
