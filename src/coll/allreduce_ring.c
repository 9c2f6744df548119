/* Ring all-reduce: reduce-scatter then all-gather around the ring. */
#include "config.h"
#include "coll/coll.h"
#include "harness/cbmem.h"

#include <string.h>

size_t cb_allreduce_ring_scratch_bytes(size_t count, int nranks, size_t dsize)
{
	return (count / (size_t)nranks + 1) * dsize;
}

int cb_allreduce_ring(const void *sendbuf, void *recvbuf, size_t count, MPI_Datatype dt, MPI_Op op,
		      MPI_Comm comm, void *scratch)
{
	int rank, p, dsize;
	MPI_Comm_rank(comm, &rank);
	MPI_Comm_size(comm, &p);
	MPI_Type_size(dt, &dsize);
	char *buf = recvbuf;
	if (sendbuf != MPI_IN_PLACE && count)
		cb_mem_copy(recvbuf, sendbuf, count * (size_t)dsize);
	if (p == 1)
		return MPI_SUCCESS;
	int right = (rank + 1) % p, left = (rank - 1 + p) % p;
	size_t soff, slen, roff, rlen;
	int rc;

	/* Step s: send block (rank - s), receive block (rank - s - 1) and reduce it. */
	for (int s = 0; s < p - 1; s++) {
		cb_block_range(count, p, (rank - s + p) % p, &soff, &slen);
		cb_block_range(count, p, (rank - s - 1 + 2 * p) % p, &roff, &rlen);
		rc = MPI_Sendrecv(buf + soff * (size_t)dsize, (int)slen, dt, right, 0, scratch, (int)rlen, dt, left, 0,
				  comm, MPI_STATUS_IGNORE);
		if (rc != MPI_SUCCESS)
			return rc;
		if (rlen)
			MPI_Reduce_local(scratch, buf + roff * (size_t)dsize, (int)rlen, dt, op);
	}
	/* Rank now owns block (rank + 1) reduced; pass finished blocks around. */
	for (int s = 0; s < p - 1; s++) {
		cb_block_range(count, p, (rank + 1 - s + p) % p, &soff, &slen);
		cb_block_range(count, p, (rank - s + p) % p, &roff, &rlen);
		rc = MPI_Sendrecv(buf + soff * (size_t)dsize, (int)slen, dt, right, 1, buf + roff * (size_t)dsize,
				  (int)rlen, dt, left, 1, comm, MPI_STATUS_IGNORE);
		if (rc != MPI_SUCCESS)
			return rc;
	}
	return MPI_SUCCESS;
}
