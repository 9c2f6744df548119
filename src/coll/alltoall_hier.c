/* Hierarchical (leader-based) all-to-all over the domains of a rank mapping. */
#include "config.h"
#include "coll/alltoall.h"

#include <stdlib.h>
#include <string.h>

enum { TAG_INTRA = 403, TAG_GATHER, TAG_LEADERS, TAG_SCATTER };

struct cb_a2a_hier {
	MPI_Comm domain_comm, cross_comm;
	int rank, p, ndomains, domain, d, dl;  /* my domain, its size, my index in it */
	int *first;        /* members of domain D: member[first[D] .. first[D+1]) */
	int *member;       /* world ranks, by domain, ascending inside one */
	int *others;       /* the p-d ranks outside my domain, by domain then rank */
	int *off;          /* index in others[] where domain D starts (mine: unused) */
	int *cross_domain; /* leaders: domain of each rank of cross_comm */
	int ncross;
};

struct leader { int rank, domain; };

static int by_rank(const void *a, const void *b)
{
	return ((const struct leader *)a)->rank - ((const struct leader *)b)->rank;
}

struct cb_a2a_hier *cb_a2a_hier_plan(const struct cb_mapping *m)
{
	struct cb_a2a_hier *h = calloc(1, sizeof *h);
	if (!h)
		return NULL;
	int p = m->nranks, N = m->ndomains;
	h->domain_comm = m->domain_comm;
	h->cross_comm = m->cross_comm;
	h->rank = m->rank;
	h->p = p;
	h->ndomains = N;
	h->domain = m->domain;
	h->d = m->domain_size;
	h->dl = m->domain_rank;
	h->first = calloc((size_t)N + 1, sizeof(int));
	h->member = malloc((size_t)p * sizeof(int));
	h->others = malloc(((size_t)p - (size_t)h->d + 1) * sizeof(int));
	h->off = calloc((size_t)N, sizeof(int));
	h->cross_domain = malloc((size_t)N * sizeof(int));
	struct leader *lead = malloc((size_t)N * sizeof *lead);
	if (!h->first || !h->member || !h->others || !h->off || !h->cross_domain || !lead) {
		free(lead);
		cb_a2a_hier_free(h);
		return NULL;
	}
	for (int r = 0; r < p; r++)
		h->first[m->domain_of[r] + 1]++;
	for (int D = 0; D < N; D++)
		h->first[D + 1] += h->first[D];
	int *fill = calloc((size_t)N, sizeof(int));
	if (!fill) {
		free(lead);
		cb_a2a_hier_free(h);
		return NULL;
	}
	for (int r = 0; r < p; r++) {
		int D = m->domain_of[r];
		h->member[h->first[D] + fill[D]++] = r;
	}
	free(fill);
	int n = 0;
	for (int D = 0; D < N; D++) {
		h->off[D] = n;
		if (D == h->domain)
			continue;
		for (int i = h->first[D]; i < h->first[D + 1]; i++)
			h->others[n++] = h->member[i];
	}
	/* cross_comm of domain rank 0 holds every leader, in world-rank order. */
	for (int D = 0; D < N; D++)
		lead[D] = (struct leader){ h->member[h->first[D]], D };
	qsort(lead, (size_t)N, sizeof *lead, by_rank);
	for (int c = 0; c < N; c++)
		h->cross_domain[c] = lead[c].domain;
	h->ncross = N;
	free(lead);
	return h;
}

void cb_a2a_hier_free(struct cb_a2a_hier *h)
{
	if (!h)
		return;
	free(h->first);
	free(h->member);
	free(h->others);
	free(h->off);
	free(h->cross_domain);
	free(h);
}

/* Leaders: gathered blocks and their re-ordered copy, d(p-d) blocks each;
 * other ranks: one buffer of p-d blocks (sent to, then received from, the leader). */
size_t cb_alltoall_hier_scratch_bytes(const struct cb_mapping *m, size_t block_bytes)
{
	size_t out = (size_t)(m->nranks - m->domain_size);
	return (m->domain_rank == 0 ? 2 * (size_t)m->domain_size * out : out) * block_bytes;
}

static int dsize(const struct cb_a2a_hier *h, int D)
{
	return h->first[D + 1] - h->first[D];
}

/* Step 1: blocks for my own domain, pairwise inside it. */
static int intra(const struct cb_a2a_hier *h, const char *send, char *recv, MPI_Datatype block, size_t bb,
		 struct cb_tier_bytes *acct)
{
	const int *mine = h->member + h->first[h->domain];
	int rc = MPI_SUCCESS;
	memcpy(recv + (size_t)h->rank * bb, send + (size_t)h->rank * bb, bb);
	for (int s = 1; s < h->d && rc == MPI_SUCCESS; s++) {
		int to = (h->dl + s) % h->d, from = (h->dl - s + h->d) % h->d;
		rc = MPI_Sendrecv(send + (size_t)mine[to] * bb, 1, block, to, TAG_INTRA, recv + (size_t)mine[from] * bb,
				  1, block, from, TAG_INTRA, h->domain_comm, MPI_STATUS_IGNORE);
		cb_tier_add(acct, CB_TIER_INTRA, bb, 1);
	}
	return rc;
}

/* Steps 2-4 on the leader.  G[l][j]: member l's block for others[j];
 * S[D'][l][m']: the same blocks ordered by destination domain, so each
 * leader-to-leader message is one contiguous section. */
static int leader(const struct cb_a2a_hier *h, const char *send, char *recv, MPI_Datatype block, size_t bb,
		  char *scratch, struct cb_tier_bytes *acct)
{
	const int d = h->d, out = h->p - d;
	const size_t row = (size_t)out * bb;
	char *G = scratch, *S = scratch + (size_t)d * row;
	int rc = MPI_SUCCESS;

	for (int j = 0; j < out; j++)
		memcpy(G + (size_t)j * bb, send + (size_t)h->others[j] * bb, bb);
	for (int l = 1; l < d && rc == MPI_SUCCESS; l++)
		rc = MPI_Recv(G + (size_t)l * row, out, block, l, TAG_GATHER, h->domain_comm, MPI_STATUS_IGNORE);

	for (int D = 0; D < h->ndomains; D++) {
		if (D == h->domain)
			continue;
		int dd = dsize(h, D);
		for (int l = 0; l < d; l++)
			memcpy(S + ((size_t)d * h->off[D] + (size_t)l * dd) * bb, G + (size_t)l * row + (size_t)h->off[D] * bb,
			       (size_t)dd * bb);
	}

	/* Leaders exchange pairwise; X[D'][l'][m] (into G) from leader of D'. */
	int me = 0;
	while (h->cross_domain[me] != h->domain)
		me++;
	char *X = G;
	for (int s = 1; s < h->ncross && rc == MPI_SUCCESS; s++) {
		int to = (me + s) % h->ncross, from = (me - s + h->ncross) % h->ncross;
		int Dt = h->cross_domain[to], Df = h->cross_domain[from];
		int nt = d * dsize(h, Dt), nf = d * dsize(h, Df);
		rc = MPI_Sendrecv(S + (size_t)d * h->off[Dt] * bb, nt, block, to, TAG_LEADERS,
				  X + (size_t)d * h->off[Df] * bb, nf, block, from, TAG_LEADERS, h->cross_comm,
				  MPI_STATUS_IGNORE);
		cb_tier_add(acct, CB_TIER_CROSS, (uint64_t)nt * bb, 1);
	}

	/* Sc[m][j] (into S): member m's block from others[j]. */
	char *Sc = S;
	for (int D = 0; D < h->ndomains; D++) {
		if (D == h->domain)
			continue;
		int dd = dsize(h, D);
		for (int src = 0; src < dd; src++)
			for (int m = 0; m < d; m++)
				memcpy(Sc + (size_t)m * row + (size_t)(h->off[D] + src) * bb,
				       X + ((size_t)d * h->off[D] + (size_t)src * d + (size_t)m) * bb, bb);
	}
	for (int l = 1; l < d && rc == MPI_SUCCESS; l++) {
		rc = MPI_Send(Sc + (size_t)l * row, out, block, l, TAG_SCATTER, h->domain_comm);
		cb_tier_add(acct, CB_TIER_INTRA, row, 1);
	}
	for (int j = 0; j < out; j++)
		memcpy(recv + (size_t)h->others[j] * bb, Sc + (size_t)j * bb, bb);
	return rc;
}

int cb_alltoall_hier(const void *sendbuf, void *recvbuf, MPI_Datatype block, size_t block_bytes,
		     const struct cb_a2a_hier *h, void *scratch, struct cb_tier_bytes *acct)
{
	const char *send = sendbuf;
	char *recv = recvbuf;
	const size_t bb = block_bytes;
	const int out = h->p - h->d;
	if (bb == 0)
		return MPI_SUCCESS;
	int rc = intra(h, send, recv, block, bb, acct);
	if (rc != MPI_SUCCESS || out == 0)
		return rc;
	if (h->dl == 0)
		return leader(h, send, recv, block, bb, scratch, acct);

	char *buf = scratch;
	for (int j = 0; j < out; j++)
		memcpy(buf + (size_t)j * bb, send + (size_t)h->others[j] * bb, bb);
	rc = MPI_Send(buf, out, block, 0, TAG_GATHER, h->domain_comm);
	cb_tier_add(acct, CB_TIER_INTRA, (uint64_t)out * bb, 1);
	if (rc == MPI_SUCCESS)
		rc = MPI_Recv(buf, out, block, 0, TAG_SCATTER, h->domain_comm, MPI_STATUS_IGNORE);
	for (int j = 0; j < out; j++)
		memcpy(recv + (size_t)h->others[j] * bb, buf + (size_t)j * bb, bb);
	return rc;
}
