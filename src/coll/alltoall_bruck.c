/* Bruck's all-to-all: log2(p) steps of packed blocks, any rank count. */
#include "config.h"
#include "coll/alltoall.h"

#include <string.h>

#define TAG_BRUCK 402

/* Rotated blocks (p), plus a pack and an unpack buffer for at most
 * ceil(p/2) blocks (those whose index has one given bit set). */
size_t cb_alltoall_bruck_scratch_bytes(int nranks, size_t block_bytes)
{
	return ((size_t)nranks + 2 * ((size_t)nranks / 2 + 1)) * block_bytes;
}

int cb_alltoall_bruck(const void *sendbuf, void *recvbuf, MPI_Datatype block, size_t block_bytes,
		      MPI_Comm comm, void *scratch, struct cb_tier_bytes *acct)
{
	const char *send = sendbuf;
	char *recv = recvbuf;
	int rank, p, rc = MPI_SUCCESS;
	MPI_Comm_rank(comm, &rank);
	MPI_Comm_size(comm, &p);
	if (block_bytes == 0)
		return MPI_SUCCESS;
	const size_t bb = block_bytes;
	char *rot = scratch, *packed = rot + (size_t)p * bb, *unpacked = packed + ((size_t)p / 2 + 1) * bb;

	/* rot[i] = my block for rank r+i: it must travel i ranks forward. */
	for (int i = 0; i < p; i++)
		memcpy(rot + (size_t)i * bb, send + (size_t)((rank + i) % p) * bb, bb);
	for (int k = 1; k < p && rc == MPI_SUCCESS; k <<= 1) {
		int to = (rank + k) % p, from = (rank - k + p) % p, n = 0;
		for (int i = k; i < p; i++)
			if (i & k)
				memcpy(packed + (size_t)n++ * bb, rot + (size_t)i * bb, bb);
		rc = MPI_Sendrecv(packed, n, block, to, TAG_BRUCK, unpacked, n, block, from, TAG_BRUCK, comm,
				  MPI_STATUS_IGNORE);
		cb_tier_send(acct, rank, to, (uint64_t)n * bb);
		n = 0;
		for (int i = k; i < p; i++)
			if (i & k)
				memcpy(rot + (size_t)i * bb, unpacked + (size_t)n++ * bb, bb);
	}
	/* Now rot[i] came from rank r-i and is for me. */
	for (int i = 0; i < p; i++)
		memcpy(recv + (size_t)((rank - i + p) % p) * bb, rot + (size_t)i * bb, bb);
	return rc;
}
