/*
 * Hierarchical all-reduce: intra-domain reduce-scatter, inter-domain
 * all-reduce among the ranks with the same local index, intra-domain
 * all-gather.
 *
 * Levels.  Both levels use our own ring (reduce-scatter / all-gather around
 * the domain, cb_allreduce_ring across domains), not the library's
 * collectives, so that the time of every step is a known alpha-beta formula
 * the model can reproduce: with D domains of S ranks and n bytes,
 *   2(S-1) intra steps of n/S bytes  +  2(D-1) cross steps of n/(S*D) bytes.
 * Only commutative operators are supported (as for the ring).
 *
 * Blocks.  The vector is cut into S blocks, S = the LARGEST domain size
 * (cb_block_range(count, S, j)).  Cross group j (cross_comm of the ranks with
 * local index j) all-reduces block j.  A domain of size s owns its blocks as
 * s contiguous "ranges": local rank i < s-1 owns block i, the last local rank
 * s-1 owns blocks s-1 .. S-1.  In a full domain (s == S) every range is one
 * block.
 *
 * Uneven domains.  In a smaller domain (s < S) blocks j = s .. S-1 have no
 * rank with local index j, so no member in cross group j: they are
 * "orphans".  After the intra reduce-scatter the last local rank of that
 * domain (the "holder") sends each orphan block j, already reduced over its
 * domain, to the block's "proxy": the rank with local index j in the
 * lowest-numbered domain whose size exceeds j (one always exists, as the
 * largest domain has S ranks).  The proxy folds every orphan it receives into
 * its own block j before the cross all-reduce, so block j's cross result
 * covers every domain, and then sends the result back to each holder, which
 * puts it in place before the intra all-gather.  Every element is thus
 * reduced over every rank exactly once.  Cost of the fix-up: the holder
 * sends and receives S-s extra blocks (the last rank of a small domain is the
 * busiest rank); with equal domains nothing extra happens.
 *
 * Any count works: blocks and ranges may be empty (count 0, count < S), and
 * empty messages are still exchanged so both sides stay in step.
 * Deadlock freedom: holders post their orphan sends non-blocking before the
 * cross ring and receive the results after it; a proxy receives its orphans
 * (already posted) before its own cross ring and sends the results back
 * non-blocking, so no rank waits on a rank that waits on it.
 * The plan (who is holder or proxy for what) is computed once, outside the
 * timed region, from the domain of every rank.
 */
#include "config.h"
#include "coll/coll.h"
#include "harness/cbmem.h"

#include <stdlib.h>
#include <string.h>

#define HIER_TAG_ORPHAN 0x4e1
#define HIER_TAG_RESULT 0x4e2

int cb_hier_plan_build(struct cb_hier_plan *p, const int *domain_of, int nranks, int rank)
{
	memset(p, 0, sizeof *p);
	p->rank = rank;
	p->nranks = nranks;
	int *local = calloc((size_t)nranks, sizeof(int));
	int *size = calloc((size_t)nranks, sizeof(int)); /* domains are numbered < nranks */
	if (!local || !size)
		goto fail;
	for (int r = 0; r < nranks; r++) {
		int d = domain_of[r];
		if (d < 0 || d >= nranks)
			goto fail;
		local[r] = size[d]++;
		if (d + 1 > p->ndomains)
			p->ndomains = d + 1;
	}
	for (int d = 0; d < p->ndomains; d++)
		if (size[d] > p->max_size)
			p->max_size = size[d];
	p->domain = domain_of[rank];
	p->local = local[rank];
	p->size = size[p->domain];
	for (int d = 0; d < p->ndomains; d++)
		if (size[d] > p->local)
			p->cross_size++;

	/* The proxy of block j: local index j in the lowest domain larger than j. */
	int S = p->max_size;
	int *proxy = malloc((size_t)S * sizeof(int));
	if (!proxy)
		goto fail;
	for (int j = 0; j < S; j++) {
		int pd = 0;
		while (size[pd] <= j)
			pd++;
		proxy[j] = -1;
		for (int r = 0; r < nranks && proxy[j] < 0; r++)
			if (domain_of[r] == pd && local[r] == j)
				proxy[j] = r;
	}
	if (p->local == p->size - 1 && p->size < S) {
		p->norphans = S - p->size;
		p->orphan_proxy = malloc((size_t)p->norphans * sizeof(int));
		if (!p->orphan_proxy) {
			free(proxy);
			goto fail;
		}
		for (int j = p->size; j < S; j++)
			p->orphan_proxy[j - p->size] = proxy[j];
	}
	if (proxy[p->local] == rank) {
		/* Holders of my block: the last rank of every domain not larger than my index. */
		p->orphan_from = malloc((size_t)p->ndomains * sizeof(int));
		if (!p->orphan_from) {
			free(proxy);
			goto fail;
		}
		for (int r = 0; r < nranks; r++)
			if (size[domain_of[r]] <= p->local && local[r] == size[domain_of[r]] - 1)
				p->orphan_from[p->nfrom++] = r;
	}
	free(proxy);
	int nreq = p->norphans > p->nfrom ? p->norphans : p->nfrom;
	p->req = malloc((size_t)(nreq ? nreq : 1) * sizeof(MPI_Request));
	if (!p->req)
		goto fail;
	free(local);
	free(size);
	return 0;
fail:
	free(local);
	free(size);
	cb_hier_plan_free(p);
	return -1;
}

void cb_hier_plan_free(struct cb_hier_plan *p)
{
	free(p->orphan_proxy);
	free(p->orphan_from);
	free(p->req);
	p->orphan_proxy = p->orphan_from = NULL;
	p->req = NULL;
	p->norphans = p->nfrom = 0;
}

/* Range i of a domain of s ranks: block i, or blocks s-1..S-1 for the last. */
static void range_of(size_t count, int S, int s, int i, size_t *off, size_t *len)
{
	size_t o2, l2;
	cb_block_range(count, S, i, off, len);
	if (i == s - 1 && s < S) {
		cb_block_range(count, S, S - 1, &o2, &l2);
		*len = o2 + l2 - *off;
	}
}

size_t cb_allreduce_hier_scratch_bytes(const struct cb_hier_plan *p, size_t count, size_t dsize)
{
	size_t off, len, need = 1;
	for (int i = 0; i < p->size; i++) {
		range_of(count, p->max_size, p->size, i, &off, &len);
		if (len > need)
			need = len;   /* intra reduce-scatter receive */
	}
	cb_block_range(count, p->max_size, p->local, &off, &len);
	if (len > need)
		need = len;           /* an orphan block received by a proxy */
	size_t ring = cb_allreduce_ring_scratch_bytes(len, p->cross_size, dsize) / dsize;
	return (need > ring ? need : ring) * dsize;
}

static int ring_reduce_scatter(char *buf, size_t count, int S, int s, int l, size_t dsize, MPI_Datatype dt,
			       MPI_Op op, MPI_Comm comm, void *scratch)
{
	int right = (l + 1) % s, left = (l - 1 + s) % s;
	size_t soff, slen, roff, rlen;
	/* Step t sends range l-t-1 and reduces range l-t-2, so rank l ends owning range l. */
	for (int t = 0; t < s - 1; t++) {
		range_of(count, S, s, (l - t - 1 + 2 * s) % s, &soff, &slen);
		range_of(count, S, s, (l - t - 2 + 2 * s) % s, &roff, &rlen);
		int rc = MPI_Sendrecv(buf + soff * dsize, (int)slen, dt, right, 0, scratch, (int)rlen, dt, left, 0, comm,
				      MPI_STATUS_IGNORE);
		if (rc != MPI_SUCCESS)
			return rc;
		if (rlen)
			MPI_Reduce_local(scratch, buf + roff * dsize, (int)rlen, dt, op);
	}
	return MPI_SUCCESS;
}

static int ring_allgather(char *buf, size_t count, int S, int s, int l, size_t dsize, MPI_Datatype dt,
			  MPI_Comm comm)
{
	int right = (l + 1) % s, left = (l - 1 + s) % s;
	size_t soff, slen, roff, rlen;
	for (int t = 0; t < s - 1; t++) {
		range_of(count, S, s, (l - t + s) % s, &soff, &slen);
		range_of(count, S, s, (l - t - 1 + 2 * s) % s, &roff, &rlen);
		int rc = MPI_Sendrecv(buf + soff * dsize, (int)slen, dt, right, 1, buf + roff * dsize, (int)rlen, dt,
				      left, 1, comm, MPI_STATUS_IGNORE);
		if (rc != MPI_SUCCESS)
			return rc;
	}
	return MPI_SUCCESS;
}

int cb_allreduce_hier(const void *sendbuf, void *recvbuf, size_t count, MPI_Datatype dt, MPI_Op op,
		      const struct cb_hier_plan *p, MPI_Comm comm, MPI_Comm domain_comm, MPI_Comm cross_comm,
		      void *scratch)
{
	int dsize_i;
	MPI_Type_size(dt, &dsize_i);
	size_t dsize = (size_t)dsize_i;
	char *buf = recvbuf;
	const int S = p->max_size, s = p->size, l = p->local;
	if (sendbuf != MPI_IN_PLACE && count)
		cb_mem_copy(recvbuf, sendbuf, count * dsize);

	int rc = ring_reduce_scatter(buf, count, S, s, l, dsize, dt, op, domain_comm, scratch);
	if (rc != MPI_SUCCESS)
		return rc;

	/* Orphans of a smaller domain go to their proxies. */
	MPI_Request *req = p->req;
	int nreq = 0;
	size_t off, len;
	for (int k = 0; k < p->norphans; k++) {
		cb_block_range(count, S, s + k, &off, &len);
		rc = MPI_Isend(buf + off * dsize, (int)len, dt, p->orphan_proxy[k], HIER_TAG_ORPHAN, comm, &req[nreq++]);
		if (rc != MPI_SUCCESS)
			return rc;
	}
	cb_block_range(count, S, l, &off, &len);
	for (int k = 0; k < p->nfrom; k++) {
		rc = MPI_Recv(scratch, (int)len, dt, p->orphan_from[k], HIER_TAG_ORPHAN, comm, MPI_STATUS_IGNORE);
		if (rc != MPI_SUCCESS)
			return rc;
		if (len)
			MPI_Reduce_local(scratch, buf + off * dsize, (int)len, dt, op);
	}

	rc = cb_allreduce_ring(MPI_IN_PLACE, buf + off * dsize, len, dt, op, cross_comm, scratch);
	if (rc != MPI_SUCCESS)
		return rc;

	MPI_Waitall(nreq, req, MPI_STATUSES_IGNORE);
	nreq = 0;
	for (int k = 0; k < p->nfrom; k++) {
		rc = MPI_Isend(buf + off * dsize, (int)len, dt, p->orphan_from[k], HIER_TAG_RESULT, comm, &req[nreq++]);
		if (rc != MPI_SUCCESS)
			return rc;
	}
	for (int k = 0; k < p->norphans; k++) {
		size_t ooff, olen;
		cb_block_range(count, S, s + k, &ooff, &olen);
		rc = MPI_Recv(buf + ooff * dsize, (int)olen, dt, p->orphan_proxy[k], HIER_TAG_RESULT, comm,
			      MPI_STATUS_IGNORE);
		if (rc != MPI_SUCCESS)
			return rc;
	}

	rc = ring_allgather(buf, count, S, s, l, dsize, dt, domain_comm);
	MPI_Waitall(nreq, req, MPI_STATUSES_IGNORE);
	return rc;
}
