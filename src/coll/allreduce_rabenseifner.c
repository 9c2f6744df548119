/* Rabenseifner all-reduce: recursive-halving reduce-scatter, recursive-doubling all-gather. */
/*
 * Order of the steps.  The halving starts at distance 1 (MPICH's order:
 * partner newrank ^ 1 first, on n/2 bytes) and ends at distance pof2/2 on
 * n/pof2 bytes; the doubling retraces it backwards.  With ranks numbered
 * domain by domain, the large early halves stay inside a domain and only the
 * small late ones cross the slower tiers (distance-first-largest would send
 * n/2 across the slowest tier).  Each rank then holds block bitrev(newrank),
 * not block newrank: the doubling follows the ranges the halving kept.
 */
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
		/* Recursive halving: at distance `mask`, keep the half of [lo,hi) our bit selects. */
		int parent_lo[32], parent_hi[32], nsteps = 0;
		int lo = 0, hi = pof2;
		for (int mask = 1; mask < pof2; mask *= 2) {
			int partner = real_rank(newrank ^ mask, rem), mid = lo + (hi - lo) / 2;
			int upper = (newrank & mask) != 0;
			int klo = upper ? mid : lo, khi = upper ? hi : mid;
			int slo = upper ? lo : mid, shi = upper ? mid : hi;
			size_t ko, kl, so, sl;
			span(count, pof2, klo, khi, &ko, &kl);
			span(count, pof2, slo, shi, &so, &sl);
			rc = MPI_Sendrecv(buf + so * ds, (int)sl, dt, partner, 11, tmp, (int)kl, dt, partner, 11, comm,
					  MPI_STATUS_IGNORE);
			if (rc != MPI_SUCCESS)
				return rc;
			if (kl)
				MPI_Reduce_local(tmp, buf + ko * ds, (int)kl, dt, op);
			parent_lo[nsteps] = lo;
			parent_hi[nsteps++] = hi;
			lo = klo;
			hi = khi;
		}
		/* [lo,hi) is now one fully reduced block; recursive doubling retraces the
		 * halving backwards: swap our range for the partner's sibling range. */
		for (int step = nsteps - 1; step >= 0; step--) {
			int partner = real_rank(newrank ^ (1 << step), rem);
			int plo = parent_lo[step], phi = parent_hi[step], mid = plo + (phi - plo) / 2;
			int olo = lo == plo ? mid : plo, ohi = lo == plo ? phi : mid;
			size_t mo, ml, po, pl;
			span(count, pof2, lo, hi, &mo, &ml);
			span(count, pof2, olo, ohi, &po, &pl);
			rc = MPI_Sendrecv(buf + mo * ds, (int)ml, dt, partner, 12, buf + po * ds, (int)pl, dt, partner,
					  12, comm, MPI_STATUS_IGNORE);
			if (rc != MPI_SUCCESS)
				return rc;
			lo = plo;
			hi = phi;
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
