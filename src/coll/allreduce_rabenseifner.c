/* Rabenseifner all-reduce: recursive-halving reduce-scatter, recursive-doubling all-gather. */
#include "config.h"
#include "coll/coll.h"
#include "harness/cbmem.h"

#include <string.h>

size_t cb_allreduce_rabenseifner_scratch_bytes(size_t count, int nranks, size_t dsize)
{
	(void)nranks;
	return (count ? count : 1) * dsize;
}

/* Real rank of a participant in the power-of-two group. */
static int real_rank(int newrank, int rem)
{
	return newrank < rem ? 2 * newrank + 1 : newrank + rem;
}

/* Element range covered by blocks [lo, hi) of pof2 blocks. */
static void span(size_t count, int pof2, int lo, int hi, size_t *off, size_t *len)
{
	size_t o1, l1, o2, l2;
	cb_block_range(count, pof2, lo, &o1, &l1);
	cb_block_range(count, pof2, hi - 1, &o2, &l2);
	*off = o1;
	*len = o2 + l2 - o1;
}

int cb_allreduce_rabenseifner(const void *sendbuf, void *recvbuf, size_t count, MPI_Datatype dt, MPI_Op op,
			      MPI_Comm comm, void *scratch)
{
	int rank, p, dsize, rc;
	MPI_Comm_rank(comm, &rank);
	MPI_Comm_size(comm, &p);
	MPI_Type_size(dt, &dsize);
	char *buf = recvbuf, *tmp = scratch;
	size_t ds = (size_t)dsize;
	if (sendbuf != MPI_IN_PLACE && count)
		cb_mem_copy(recvbuf, sendbuf, count * ds);
	if (p == 1)
		return MPI_SUCCESS;

	int pof2 = 1;
	while (pof2 * 2 <= p)
		pof2 *= 2;
	int rem = p - pof2, newrank;

	/* Fold the extra ranks in: even ranks below 2*rem hand their data to rank+1. */
	if (rank < 2 * rem) {
		if (rank % 2 == 0) {
			rc = MPI_Send(buf, (int)count, dt, rank + 1, 10, comm);
			newrank = -1;
		} else {
			rc = MPI_Recv(tmp, (int)count, dt, rank - 1, 10, comm, MPI_STATUS_IGNORE);
			if (count)
				MPI_Reduce_local(tmp, buf, (int)count, dt, op);
			newrank = rank / 2;
		}
		if (rc != MPI_SUCCESS)
			return rc;
	} else {
		newrank = rank - rem;
	}

	if (newrank >= 0) {
		/* Recursive halving: keep the half of [lo,hi) selected by our bit at `mask`. */
		int lo = 0, hi = pof2;
		for (int mask = pof2 / 2; mask > 0; mask /= 2) {
			int partner = real_rank(newrank ^ mask, rem), mid = lo + (hi - lo) / 2;
			int klo = (newrank & mask) ? mid : lo, khi = (newrank & mask) ? hi : mid;
			int slo = (newrank & mask) ? lo : mid, shi = (newrank & mask) ? mid : hi;
			size_t ko, kl, so, sl;
			span(count, pof2, klo, khi, &ko, &kl);
			span(count, pof2, slo, shi, &so, &sl);
			rc = MPI_Sendrecv(buf + so * ds, (int)sl, dt, partner, 11, tmp, (int)kl, dt, partner, 11, comm,
					  MPI_STATUS_IGNORE);
			if (rc != MPI_SUCCESS)
				return rc;
			if (kl)
				MPI_Reduce_local(tmp, buf + ko * ds, (int)kl, dt, op);
			lo = klo;
			hi = khi;
		}
		/* Now block `newrank` is fully reduced; recursive doubling gathers the rest. */
		for (int mask = 1; mask < pof2; mask *= 2) {
			int partner = real_rank(newrank ^ mask, rem);
			int mlo = newrank & ~(mask - 1), plo = (newrank ^ mask) & ~(mask - 1);
			size_t mo, ml, po, pl;
			span(count, pof2, mlo, mlo + mask, &mo, &ml);
			span(count, pof2, plo, plo + mask, &po, &pl);
			rc = MPI_Sendrecv(buf + mo * ds, (int)ml, dt, partner, 12, buf + po * ds, (int)pl, dt, partner,
					  12, comm, MPI_STATUS_IGNORE);
			if (rc != MPI_SUCCESS)
				return rc;
		}
	}

	/* Hand the result back to the folded-in ranks. */
	if (rank < 2 * rem) {
		if (rank % 2)
			rc = MPI_Send(buf, (int)count, dt, rank - 1, 13, comm);
		else
			rc = MPI_Recv(buf, (int)count, dt, rank + 1, 13, comm, MPI_STATUS_IGNORE);
		if (rc != MPI_SUCCESS)
			return rc;
	}
	return MPI_SUCCESS;
}
