/* Pairwise-exchange all-to-all: p-1 sendrecv steps with shifting partners. */
#include "config.h"
#include "coll/alltoall.h"

#include <string.h>

#define TAG_PAIRWISE 401

int cb_alltoall_pairwise(const void *sendbuf, void *recvbuf, MPI_Datatype block, size_t block_bytes,
			 MPI_Comm comm, struct cb_tier_bytes *acct)
{
	const char *send = sendbuf;
	char *recv = recvbuf;
	int rank, p, rc = MPI_SUCCESS;
	MPI_Comm_rank(comm, &rank);
	MPI_Comm_size(comm, &p);
	if (block_bytes == 0)
		return MPI_SUCCESS;
	memcpy(recv + (size_t)rank * block_bytes, send + (size_t)rank * block_bytes, block_bytes);
	for (int s = 1; s < p && rc == MPI_SUCCESS; s++) {
		int to = (rank + s) % p, from = (rank - s + p) % p;
		rc = MPI_Sendrecv(send + (size_t)to * block_bytes, 1, block, to, TAG_PAIRWISE,
				  recv + (size_t)from * block_bytes, 1, block, from, TAG_PAIRWISE, comm,
				  MPI_STATUS_IGNORE);
		cb_tier_send(acct, rank, to, block_bytes);
	}
	return rc;
}
