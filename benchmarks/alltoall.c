/*
 * alltoall: every rank sends a distinct block to every rank.  Size = bytes
 * each rank sends in total, p blocks of size/p (nccl-tests' convention,
 * rounded down to whole elements per peer); each row also carries
 * bytes_per_peer (OMB's size).  busbw factor (p-1)/p.  Algorithms: the
 * library's MPI_Alltoall, and our pairwise, Bruck and hierarchical ones
 * (src/coll/alltoall_*.c).
 *
 * --pattern moe: expert-parallel dispatch then combine through
 * MPI_Alltoallv, one row per --tokens value (see README "All-to-all").
 *
 * Every row records the bytes and messages sent inside the domain and
 * across domains (sum and maximum over ranks), so the reporter can weight
 * energy by tier.
 */
#include "config.h"
#include "harness/kernel.h"
#include "coll/alltoall.h"
#include "core/busbw.h"
#include "core/exchange_pattern.h"
#include "core/moe.h"
#include "core/stats.h"
#include "core/table.h"
#include "core/units.h"
#include "mpi/mpitypes.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { ALGO_MPI, ALGO_PAIRWISE, ALGO_BRUCK, ALGO_HIER };
static const char *const a2a_algos[] = { "mpi", "pairwise", "bruck", "hier", NULL };
static const char *const moe_algos[] = { "mpi", NULL };
static const char *const tier_names[CB_NTIERS] = { "intra-domain", "cross-domain" };

#define MAX_TOKEN_LIST 16

/* Options that only make sense with --pattern moe, as bits of cfg.moe_given. */
enum { GIVEN_TOKENS = 1, GIVEN_HIDDEN = 2, GIVEN_ELEM = 4, GIVEN_TOPK = 8, GIVEN_EXPERTS = 16,
       GIVEN_ROUTING = 32, GIVEN_SEED = 64 };

struct a2a_cfg {
	int moe;
	unsigned moe_given;
	long tokens[MAX_TOKEN_LIST];
	int ntokens;
	long hidden;
	long elem_bytes;          /* 0: the dtype's size */
	long topk;
	long experts_per_rank;
	struct cb_routing routing;
	long seed;
};

/* Per --tokens value: what the routing sends and receives (from init). */
struct moe_plan {
	long tokens;
	int *sendcounts;          /* rows to every rank */
	int *recvcounts;          /* rows from every rank */
	long recv_rows;
};

struct a2a_state {
	const struct a2a_cfg *cfg;
	/* the current case */
	MPI_Datatype block;       /* one block per peer, or one token row (moe) */
	int have_block;
	size_t block_bytes;
	void *scratch;
	struct cb_a2a_hier *hier;
	struct cb_tier_bytes acct;    /* this rank, last operation (moe: dispatch + combine) */
	int accounting_counted;       /* 1: counted as sent; 0: payload the library must deliver */
	uint64_t local_bytes;
	uint64_t tier_sum[2 * CB_NTIERS + 1], tier_max[2 * CB_NTIERS + 1];
	/* moe */
	struct moe_plan *plans;
	int nplans;
	const struct moe_plan *plan;
	int *xcounts, *sdispls, *rdispls;
	int32_t *experts;
	size_t row_bytes;
	long calls;
	double *t_dispatch, *t_combine;
	struct cb_stats dispatch_us, combine_us;
	uint64_t phase_bytes[2][3];   /* [dispatch, combine][local, intra, cross] summed over ranks */
	long recv_rows_max;
	double recv_rows_mean;
};

static const struct cb_kopt a2a_kopts[] = {
	{ "pattern", 1, "alltoall|moe", "alltoall: every rank the same block to every rank (default); moe: MoE dispatch + combine" },
	{ "tokens", 1, "N[,N...]", "moe: tokens per rank, one row each (default 128)" },
	{ "hidden", 1, "H", "moe: elements per token vector (default 4096)" },
	{ "elem-bytes", 1, "N", "moe: bytes per element (default: the --dtype size; 2 = bf16, 1 = fp8)" },
	{ "topk", 1, "K", "moe: experts per token (default 2)" },
	{ "experts-per-rank", 1, "E", "moe: experts on each rank (default 4; E x ranks in all)" },
	{ "routing", 1, "uniform|zipf:S", "moe: expert choice, uniform or Zipf-skewed popularity (default uniform)" },
	{ "seed", 1, "N", "moe: routing seed (default 1)" },
	{ NULL, 0, NULL, NULL },
};

static const struct cb_column dense_columns[] = {
	{ "bytes_per_peer", "per-peer", "(B)", 11, 0 },
	{ "intra_bytes", "intra-dom", "(B/op)", 13, 0 },
	{ "cross_bytes", "cross-dom", "(B/op)", 13, 0 },
	{ NULL, NULL, NULL, 0, 0 },
};

static const struct cb_column moe_columns[] = {
	{ "tokens", "tokens", "", 8, 0 },
	{ "dispatch_us.median", "dispatch", "(us)", 10, 2 },
	{ "combine_us.median", "combine", "(us)", 10, 2 },
	{ "intra_bytes", "intra-dom", "(B/op)", 13, 0 },
	{ "cross_bytes", "cross-dom", "(B/op)", 13, 0 },
	{ NULL, NULL, NULL, 0, 0 },
};

static void a2a_defaults(void *cfgp)
{
	struct a2a_cfg *cfg = cfgp;
	cfg->tokens[0] = 128;
	cfg->ntokens = 1;
	cfg->hidden = 4096;
	cfg->topk = 2;
	cfg->experts_per_rank = 4;
	cfg->routing.kind = CB_ROUTING_UNIFORM;
	cfg->seed = 1;
}

static int parse_tokens(struct a2a_cfg *cfg, const char *arg, char *err, size_t errlen)
{
	char *copy = strdup(arg), *save = NULL;
	int n = 0, rc = 0;
	if (!copy)
		return -1;
	for (char *t = strtok_r(copy, ",", &save); t && rc == 0; t = strtok_r(NULL, ",", &save)) {
		if (n == MAX_TOKEN_LIST) {
			snprintf(err, errlen, "more than %d values", MAX_TOKEN_LIST);
			rc = -1;
		} else {
			rc = cb_int_parse(t, 1, INT_MAX, &cfg->tokens[n++], err, errlen);
		}
	}
	free(copy);
	if (rc == 0 && n == 0) {
		snprintf(err, errlen, "empty list (expected token counts >= 1)");
		rc = -1;
	}
	if (rc == 0)
		cfg->ntokens = n;
	return rc;
}

static int a2a_set(void *cfgp, const char *name, const char *arg, char *err, size_t errlen)
{
	struct a2a_cfg *cfg = cfgp;
	if (strcmp(name, "pattern") == 0) {
		if (strcmp(arg, "moe") == 0 || strcmp(arg, "alltoall") == 0) {
			cfg->moe = arg[0] == 'm';
			return 0;
		}
		snprintf(err, errlen, "unknown pattern '%s' (expected alltoall or moe)", arg);
		return -1;
	}
	if (strcmp(name, "tokens") == 0) {
		cfg->moe_given |= GIVEN_TOKENS;
		return parse_tokens(cfg, arg, err, errlen);
	}
	if (strcmp(name, "hidden") == 0) {
		cfg->moe_given |= GIVEN_HIDDEN;
		return cb_int_parse(arg, 1, 1L << 24, &cfg->hidden, err, errlen);
	}
	if (strcmp(name, "elem-bytes") == 0) {
		cfg->moe_given |= GIVEN_ELEM;
		return cb_int_parse(arg, 1, 16, &cfg->elem_bytes, err, errlen);
	}
	if (strcmp(name, "topk") == 0) {
		cfg->moe_given |= GIVEN_TOPK;
		return cb_int_parse(arg, 1, 1024, &cfg->topk, err, errlen);
	}
	if (strcmp(name, "experts-per-rank") == 0) {
		cfg->moe_given |= GIVEN_EXPERTS;
		return cb_int_parse(arg, 1, 1 << 16, &cfg->experts_per_rank, err, errlen);
	}
	if (strcmp(name, "routing") == 0) {
		cfg->moe_given |= GIVEN_ROUTING;
		return cb_routing_parse(arg, &cfg->routing, err, errlen);
	}
	if (strcmp(name, "seed") == 0) {
		cfg->moe_given |= GIVEN_SEED;
		return cb_int_parse(arg, 0, LONG_MAX, &cfg->seed, err, errlen);
	}
	snprintf(err, errlen, "not an alltoall option");
	return -1;
}

/* ---- sizes ---- */

static size_t elem_bytes(const struct a2a_cfg *cfg, enum cb_dtype dt)
{
	return cfg->elem_bytes ? (size_t)cfg->elem_bytes : cb_dtype_size(dt);
}

/* moe: row size = bytes a rank sends in dispatch + combine. */
static uint64_t moe_bytes(const struct a2a_cfg *cfg, long tokens, size_t eb)
{
	return 2 * (uint64_t)tokens * (uint64_t)cfg->topk * (uint64_t)cfg->hidden * eb;
}

static long moe_tokens(const struct a2a_cfg *cfg, const struct cb_case *c)
{
	uint64_t per_token = moe_bytes(cfg, 1, elem_bytes(cfg, c->dtype));
	return (long)(c->bytes / per_token);
}

static uint64_t a2a_count(const struct cb_case *c)
{
	const struct a2a_state *s = c->kstate;
	if (s->cfg->moe)   /* elements a rank sends in dispatch + combine */
		return 2 * (uint64_t)moe_tokens(s->cfg, c) * (uint64_t)s->cfg->topk * (uint64_t)s->cfg->hidden;
	uint64_t elems = c->bytes / cb_dtype_size(c->dtype);
	return elems / (uint64_t)c->nranks * (uint64_t)c->nranks;
}

static uint64_t a2a_bytes_of(const struct cb_case *c)
{
	const struct a2a_state *s = c->kstate;
	return s->cfg->moe ? c->bytes : c->count * cb_dtype_size(c->dtype);
}

/* moe with --elem-bytes: the element is not the --dtype, name it by size. */
static const char *a2a_dtype_name(const struct cb_case *c)
{
	static const char *const by_size[] = { NULL, "8-bit", "16-bit", "24-bit", "32-bit", "40-bit", "48-bit",
					       "56-bit", "64-bit", "72-bit", "80-bit", "88-bit", "96-bit",
					       "104-bit", "112-bit", "120-bit", "128-bit" };
	const struct a2a_state *s = c->kstate;
	size_t eb = elem_bytes(s->cfg, c->dtype);
	return s->cfg->moe && eb != cb_dtype_size(c->dtype) && eb < 17 ? by_size[eb] : cb_dtype_name(c->dtype);
}

static long a2a_sizes(struct cb_kernel_ctx *k, uint64_t **sizes)
{
	const struct a2a_cfg *cfg = k->cfg;
	if (!cfg->moe)
		return -1;
	/* One size per --tokens value (moe takes a single dtype). */
	*sizes = malloc((size_t)cfg->ntokens * sizeof **sizes);
	if (!*sizes)
		return -1;
	for (int i = 0; i < cfg->ntokens; i++)
		(*sizes)[i] = moe_bytes(cfg, cfg->tokens[i], elem_bytes(cfg, k->opts->dtypes[0]));
	return cfg->ntokens;
}

static const struct moe_plan *plan_for(const struct a2a_state *s, long tokens)
{
	for (int i = 0; i < s->nplans; i++)
		if (s->plans[i].tokens == tokens)
			return &s->plans[i];
	return NULL;
}

static void a2a_buffers(const struct cb_case *c, size_t *send, size_t *recv)
{
	const struct a2a_state *s = c->kstate;
	if (!s->cfg->moe) {
		*send = *recv = (size_t)c->count * cb_dtype_size(c->dtype);
		return;
	}
	/* send: my token copies, by destination; recv: the rows routed to my
	 * experts (dispatch), then my token copies back (combine). */
	const struct moe_plan *pl = plan_for(s, moe_tokens(s->cfg, c));
	size_t row = (size_t)s->cfg->hidden * elem_bytes(s->cfg, c->dtype);
	size_t mine = (size_t)moe_tokens(s->cfg, c) * (size_t)s->cfg->topk * row;
	*send = mine;
	*recv = (pl ? (size_t)pl->recv_rows * row : 0) + mine;
}

static size_t a2a_scratch(const struct cb_case *c)
{
	const struct a2a_state *s = c->kstate;
	size_t bb = (size_t)(c->count / (uint64_t)c->nranks) * cb_dtype_size(c->dtype);
	if (s->cfg->moe)
		return 0;
	if (c->algo_index == ALGO_BRUCK)
		return cb_alltoall_bruck_scratch_bytes(c->nranks, bb);
	if (c->algo_index == ALGO_HIER)
		return cb_alltoall_hier_scratch_bytes(c->map, bb);
	return 0;
}

/* ---- init: option checks (identical on every rank), moe routing counts ---- */

static int refuse(struct cb_kernel_ctx *k, char *err, size_t errlen, const char *msg)
{
	snprintf(err, errlen, "%s", msg);
	return k->rank == 0 ? -1 : 0;   /* one message; every rank stops */
}

static int moe_init_plans(struct cb_kernel_ctx *k, struct a2a_state *s)
{
	const struct a2a_cfg *cfg = s->cfg;
	int p = k->nranks;
	long nexp = cfg->experts_per_rank * (long)p;
	s->plans = calloc((size_t)cfg->ntokens, sizeof *s->plans);
	if (!s->plans)
		return -1;
	s->nplans = cfg->ntokens;
	int ok = 1;
	for (int i = 0; i < cfg->ntokens; i++) {
		struct moe_plan *pl = &s->plans[i];
		long T = cfg->tokens[i];
		pl->tokens = T;
		pl->sendcounts = calloc((size_t)p, sizeof(int));
		pl->recvcounts = calloc((size_t)p, sizeof(int));
		int32_t *ex = malloc((size_t)T * (size_t)cfg->topk * sizeof *ex);
		if (!pl->sendcounts || !pl->recvcounts || !ex ||
		    cb_moe_route(&cfg->routing, (uint64_t)cfg->seed, k->rank, T, (int)cfg->topk, nexp, ex) != 0)
			ok = 0;
		for (long j = 0; ok && j < T * cfg->topk; j++)
			pl->sendcounts[ex[j] / cfg->experts_per_rank]++;
		free(ex);
		int allok;
		MPI_Allreduce(&ok, &allok, 1, MPI_INT, MPI_MIN, k->comm);
		if (!allok)
			return -1;
		MPI_Alltoall(pl->sendcounts, 1, MPI_INT, pl->recvcounts, 1, MPI_INT, k->comm);
		for (int j = 0; j < p; j++)
			pl->recv_rows += pl->recvcounts[j];
	}
	return 0;
}

static int a2a_init(struct cb_kernel_ctx *k, char *err, size_t errlen)
{
	const struct cb_opts *o = k->opts;
	const struct a2a_cfg *cfg = k->cfg;
	struct a2a_state *s = calloc(1, sizeof *s);
	if (!s)
		return -1;
	k->state = s;
	s->cfg = cfg;
	s->block = MPI_DATATYPE_NULL;
	if (!cfg->moe) {
		if (cfg->moe_given)
			return refuse(k, err, errlen,
				      "--tokens/--hidden/--elem-bytes/--topk/--experts-per-rank/--routing/--seed "
				      "apply only with --pattern moe");
		k->columns = dense_columns;
		return 0;
	}
	long nexp = cfg->experts_per_rank * (long)k->nranks;
	char msg[300];
	if (cfg->topk > nexp) {
		snprintf(msg, sizeof msg,
			 "--topk %ld is more than the %ld experts (--experts-per-rank %ld x %d ranks); "
			 "each token needs distinct experts",
			 cfg->topk, nexp, cfg->experts_per_rank, k->nranks);
		return refuse(k, err, errlen, msg);
	}
	if (o->sizes_given)
		return refuse(k, err, errlen,
			      "-b/-e/-f do not apply to --pattern moe: its sizes come from --tokens N[,N...]");
	if (o->ndtypes > 1)
		return refuse(k, err, errlen, "--dtype: --pattern moe takes one element type (or --elem-bytes N)");
	for (int i = 0; i < o->nalgos; i++)
		if (strcmp(o->algos[i], "mpi") != 0) {
			snprintf(msg, sizeof msg,
				 "--algo %s: --pattern moe runs only 'mpi' (MPI_Alltoallv dispatch and combine)",
				 o->algos[i]);
			return refuse(k, err, errlen, msg);
		}
	for (int i = 0; i < cfg->ntokens; i++) {
		size_t row = (size_t)cfg->hidden * elem_bytes(cfg, o->dtypes[0]);
		if ((uint64_t)cfg->tokens[i] * (uint64_t)cfg->topk > INT_MAX || row > INT_MAX) {
			snprintf(msg, sizeof msg, "--tokens %ld x --topk %ld rows of %zu B: beyond an MPI count",
				 cfg->tokens[i], cfg->topk, row);
			return refuse(k, err, errlen, msg);
		}
	}
	k->default_algos = moe_algos;
	k->columns = moe_columns;
	int p = k->nranks;
	s->xcounts = calloc((size_t)p, sizeof(int));
	s->sdispls = calloc((size_t)p, sizeof(int));
	s->rdispls = calloc((size_t)p, sizeof(int));
	s->t_dispatch = calloc((size_t)o->iters, sizeof(double));
	s->t_combine = calloc((size_t)o->iters, sizeof(double));
	int ok = s->xcounts && s->sdispls && s->rdispls && s->t_dispatch && s->t_combine, allok;
	MPI_Allreduce(&ok, &allok, 1, MPI_INT, MPI_MIN, k->comm);
	if (!allok || moe_init_plans(k, s) != 0) {
		snprintf(err, errlen, "out of memory for the moe routing");
		return -1;
	}
	return 0;
}

static void a2a_fini(struct cb_kernel_ctx *k)
{
	struct a2a_state *s = k->state;
	if (!s)
		return;
	for (int i = 0; i < s->nplans; i++) {
		free(s->plans[i].sendcounts);
		free(s->plans[i].recvcounts);
	}
	free(s->plans);
	free(s->xcounts);
	free(s->sdispls);
	free(s->rdispls);
	free(s->t_dispatch);
	free(s->t_combine);
	cb_a2a_hier_free(s->hier);
	free(s);
	k->state = NULL;
}

/* ---- per case ---- */

static void payload_accounting(struct a2a_state *s, const struct cb_mapping *m, int nranks)
{
	memset(&s->acct, 0, sizeof s->acct);
	uint64_t bb = s->block_bytes;
	if (bb == 0)
		return;
	cb_tier_add(&s->acct, CB_TIER_INTRA, (uint64_t)(m->domain_size - 1) * bb, (uint64_t)m->domain_size - 1);
	cb_tier_add(&s->acct, CB_TIER_CROSS, (uint64_t)(nranks - m->domain_size) * bb,
		    (uint64_t)(nranks - m->domain_size));
}

static int moe_prepare(struct cb_kernel_ctx *k, struct a2a_state *s, const struct cb_case *c)
{
	const struct a2a_cfg *cfg = s->cfg;
	long T = moe_tokens(cfg, c);
	s->plan = plan_for(s, T);
	s->row_bytes = (size_t)cfg->hidden * elem_bytes(cfg, c->dtype);
	s->experts = malloc((size_t)T * (size_t)cfg->topk * sizeof *s->experts);
	if (!s->plan || !s->experts ||
	    cb_moe_route(&cfg->routing, (uint64_t)cfg->seed, c->rank, T, (int)cfg->topk,
			 cfg->experts_per_rank * (long)c->nranks, s->experts) != 0)
		return -1;
	if (MPI_Type_contiguous((int)s->row_bytes, MPI_BYTE, &s->block) != MPI_SUCCESS)
		return -1;
	MPI_Type_commit(&s->block);
	s->have_block = 1;
	int sum = 0;
	for (int j = 0; j < c->nranks; j++) {
		s->sdispls[j] = sum;
		sum += s->plan->sendcounts[j];
	}
	/* What each rank sends per tier: dispatch by sendcounts, combine by recvcounts. */
	memset(&s->acct, 0, sizeof s->acct);
	s->accounting_counted = 0;
	s->acct.domain_of = k->map->domain_of;
	s->local_bytes = 0;
	for (int j = 0; j < c->nranks; j++) {
		uint64_t out = (uint64_t)s->plan->sendcounts[j] * s->row_bytes;
		uint64_t back = (uint64_t)s->plan->recvcounts[j] * s->row_bytes;
		if (j == c->rank) {
			s->local_bytes = out + back;
			continue;
		}
		if (out)
			cb_tier_send(&s->acct, c->rank, j, out);
		if (back)
			cb_tier_send(&s->acct, c->rank, j, back);
	}
	s->calls = 0;
	return 0;
}

static int a2a_prepare(struct cb_kernel_ctx *k, const struct cb_case *c)
{
	struct a2a_state *s = k->state;
	if (s->cfg->moe)
		return moe_prepare(k, s, c);
	uint64_t per_peer = c->count / (uint64_t)c->nranks;
	s->block_bytes = (size_t)per_peer * cb_dtype_size(c->dtype);
	if (MPI_Type_contiguous((int)per_peer, cb_mpi_dtype(c->dtype), &s->block) != MPI_SUCCESS)
		return -1;
	MPI_Type_commit(&s->block);
	s->have_block = 1;
	if (c->algo_index == ALGO_HIER && !s->hier && !(s->hier = cb_a2a_hier_plan(k->map)))
		return -1;
	size_t n = a2a_scratch(c);
	s->scratch = n ? malloc(n) : NULL;
	if (n && !s->scratch)
		return -1;
	s->accounting_counted = c->algo_index != ALGO_MPI;
	if (!s->accounting_counted)
		payload_accounting(s, k->map, c->nranks);
	s->acct.domain_of = k->map->domain_of;
	s->local_bytes = s->block_bytes;
	return 0;
}

static void a2a_release(struct cb_kernel_ctx *k, const struct cb_case *c)
{
	struct a2a_state *s = k->state;
	(void)c;
	if (s->have_block)
		MPI_Type_free(&s->block);
	s->have_block = 0;
	free(s->scratch);
	s->scratch = NULL;
	free(s->experts);
	s->experts = NULL;
}

static void moe_fill(const struct a2a_state *s, const struct cb_case *c, uint8_t *send, uint8_t *recv)
{
	const struct moe_plan *pl = s->plan;
	long T = pl->tokens, K = s->cfg->topk;
	size_t row = s->row_bytes;
	int *pos = s->xcounts;   /* free until run() */
	memcpy(pos, s->sdispls, (size_t)c->nranks * sizeof *pos);
	/* Rows by destination rank, token order kept inside one destination. */
	for (long t = 0; t < T; t++)
		for (int kk = 0; kk < K; kk++) {
			int dest = s->experts[t * K + kk] / (int)s->cfg->experts_per_rank;
			uint8_t *r = send + (size_t)pos[dest]++ * row;
			for (size_t b = 0; b < row; b++)
				r[b] = cb_moe_byte(c->rank, t, kk, b);
		}
	memset(recv, 0xA5, (size_t)pl->recv_rows * row);
	uint8_t *back = recv + (size_t)pl->recv_rows * row;
	for (size_t i = 0; i < (size_t)T * (size_t)K * row; i++)
		back[i] = (uint8_t)~send[i];
}

static void a2a_fill(struct cb_kernel_ctx *k, const struct cb_case *c, void *send, void *recv)
{
	struct a2a_state *s = k->state;
	if (s->cfg->moe) {
		moe_fill(s, c, send, recv);
		return;
	}
	uint64_t per_peer = c->count / (uint64_t)c->nranks;
	for (int j = 0; j < c->nranks; j++)
		for (uint64_t i = 0; i < per_peer; i++) {
			cb_dtype_store(c->dtype, send, (uint64_t)j * per_peer + i, cb_a2a_value(c->rank, j, i, c->nranks));
			cb_dtype_store(c->dtype, recv, (uint64_t)j * per_peer + i, -1.0);
		}
}

/* Dispatch: exchange row counts (the routing changes every step in a real
 * layer), then the rows; combine: the rows go back, counts now known. */
static int moe_run(struct a2a_state *s, const struct cb_case *c, void *send, void *recv)
{
	const struct moe_plan *pl = s->plan;
	char *back = (char *)recv + (size_t)pl->recv_rows * s->row_bytes;
	double t0 = MPI_Wtime();
	int rc = MPI_Alltoall(pl->sendcounts, 1, MPI_INT, s->xcounts, 1, MPI_INT, c->comm);
	int sum = 0;
	for (int j = 0; j < c->nranks; j++) {
		s->rdispls[j] = sum;
		sum += s->xcounts[j];
	}
	if (rc == MPI_SUCCESS)
		rc = MPI_Alltoallv(send, pl->sendcounts, s->sdispls, s->block, recv, s->xcounts, s->rdispls, s->block,
				   c->comm);
	double t1 = MPI_Wtime();
	if (rc == MPI_SUCCESS)
		rc = MPI_Alltoallv(recv, s->xcounts, s->rdispls, s->block, back, pl->sendcounts, s->sdispls, s->block,
				   c->comm);
	double t2 = MPI_Wtime();
	/* The harness runs warm-up, then the timed iterations, then the check. */
	long i = s->calls++ - c->opts->warmup;
	if (i >= 0 && i < c->opts->iters) {
		s->t_dispatch[i] = (t1 - t0) * 1e6;
		s->t_combine[i] = (t2 - t1) * 1e6;
	}
	return rc;
}

static int a2a_run(struct cb_kernel_ctx *k, const struct cb_case *c, void *send, void *recv)
{
	struct a2a_state *s = k->state;
	if (s->cfg->moe)
		return moe_run(s, c, send, recv);
	size_t bb = s->block_bytes;
	struct cb_tier_bytes *acct = s->accounting_counted ? &s->acct : NULL;
	if (acct)
		memset(acct->bytes, 0, sizeof acct->bytes), memset(acct->msgs, 0, sizeof acct->msgs);
	switch (c->algo_index) {
	case ALGO_PAIRWISE: return cb_alltoall_pairwise(send, recv, s->block, bb, c->comm, acct);
	case ALGO_BRUCK: return cb_alltoall_bruck(send, recv, s->block, bb, c->comm, s->scratch, acct);
	case ALGO_HIER: return cb_alltoall_hier(send, recv, s->block, bb, s->hier, s->scratch, acct);
	default:
		return MPI_Alltoall(send, 1, s->block, recv, 1, s->block, c->comm);
	}
}

/* ---- check ---- */

static uint64_t report(uint64_t wrong, const struct cb_case *c, const char *what, double got, double want)
{
	if (wrong < 3)
		fprintf(stderr, "cpobench: check failed: alltoall %s %s %llu B: rank %d %s = %g, expected %g\n", c->algo,
			cb_dtype_name(c->dtype), (unsigned long long)c->bytes, c->rank, what, got, want);
	return wrong + 1;
}

static uint64_t moe_check(struct a2a_state *s, const struct cb_case *c, const uint8_t *recv)
{
	const struct a2a_cfg *cfg = s->cfg;
	const struct moe_plan *pl = s->plan;
	long T = pl->tokens, K = cfg->topk;
	size_t row = s->row_bytes;
	uint64_t wrong = 0;
	char what[160];
	int32_t *theirs = malloc((size_t)T * (size_t)K * sizeof *theirs);
	if (!theirs)
		return 1;
	/* Dispatch: regenerate every rank's routing; the rows it sent me come
	 * in its token order. */
	size_t at = 0;
	for (int src = 0; src < c->nranks; src++) {
		cb_moe_route(&cfg->routing, (uint64_t)cfg->seed, src, T, (int)K, cfg->experts_per_rank * (long)c->nranks,
			     theirs);
		long n = 0;
		for (long t = 0; t < T; t++)
			for (int kk = 0; kk < K; kk++) {
				if (theirs[t * K + kk] / cfg->experts_per_rank != c->rank)
					continue;
				const uint8_t *r = recv + (at + (size_t)n++) * row;
				for (size_t b = 0; b < row && (size_t)n <= (size_t)pl->recvcounts[src]; b++)
					if (r[b] != cb_moe_byte(src, t, kk, b)) {
						snprintf(what, sizeof what, "dispatch: token %ld copy %d from rank %d byte %zu",
							 t, kk, src, b);
						wrong = report(wrong, c, what, r[b], cb_moe_byte(src, t, kk, b));
					}
			}
		if (n != pl->recvcounts[src]) {
			snprintf(what, sizeof what, "dispatch: rows from rank %d", src);
			wrong = report(wrong, c, what, (double)pl->recvcounts[src], (double)n);
		}
		at += (size_t)pl->recvcounts[src];
	}
	free(theirs);
	/* Combine: every copy of every token back in the slot it left from. */
	const uint8_t *back = recv + (size_t)pl->recv_rows * row;
	int *pos = s->xcounts;
	memcpy(pos, s->sdispls, (size_t)c->nranks * sizeof *pos);
	for (long t = 0; t < T; t++)
		for (int kk = 0; kk < K; kk++) {
			int dest = s->experts[t * K + kk] / (int)cfg->experts_per_rank;
			const uint8_t *r = back + (size_t)pos[dest]++ * row;
			for (size_t b = 0; b < row; b++)
				if (r[b] != cb_moe_byte(c->rank, t, kk, b)) {
					snprintf(what, sizeof what, "combine: token %ld copy %d (expert rank %d) byte %zu", t,
						 kk, dest, b);
					wrong = report(wrong, c, what, r[b], cb_moe_byte(c->rank, t, kk, b));
				}
		}
	return wrong;
}

static uint64_t a2a_check(struct cb_kernel_ctx *k, const struct cb_case *c, const void *send, void *recv)
{
	struct a2a_state *s = k->state;
	(void)send;
	if (s->cfg->moe)
		return moe_check(s, c, recv);
	uint64_t per_peer = c->count / (uint64_t)c->nranks, wrong = 0;
	char what[120];
	for (int src = 0; src < c->nranks; src++)
		for (uint64_t i = 0; i < per_peer; i++) {
			double got = cb_dtype_load(c->dtype, recv, (uint64_t)src * per_peer + i);
			double want = cb_a2a_value(src, c->rank, i, c->nranks);
			if (got != want) {
				snprintf(what, sizeof what, "element %llu (block from rank %d, index %llu)",
					 (unsigned long long)((uint64_t)src * per_peer + i), src, (unsigned long long)i);
				wrong = report(wrong, c, what, got, want);
			}
		}
	return wrong;
}

/* ---- results: per-tier bytes over ranks, moe phase times ---- */

static void a2a_collect(struct cb_kernel_ctx *k, const struct cb_case *c)
{
	struct a2a_state *s = k->state;
	uint64_t mine[2 * CB_NTIERS + 1] = { s->acct.bytes[0], s->acct.bytes[1], s->acct.msgs[0], s->acct.msgs[1],
					     s->local_bytes };
	if (s->block_bytes == 0 && !s->cfg->moe)
		memset(mine, 0, sizeof mine);
	MPI_Reduce(mine, s->tier_sum, 5, MPI_UINT64_T, MPI_SUM, 0, c->comm);
	MPI_Reduce(mine, s->tier_max, 5, MPI_UINT64_T, MPI_MAX, 0, c->comm);
	if (!s->cfg->moe)
		return;

	/* Per-phase bytes by tier: [0] local, [1] intra, [2] cross. */
	uint64_t ph[2][3] = { { 0 } };
	for (int j = 0; j < c->nranks; j++) {
		int tier = j == c->rank ? 0 : 1 + cb_mapping_tier(k->map, c->rank, j);
		ph[0][tier] += (uint64_t)s->plan->sendcounts[j] * s->row_bytes;
		ph[1][tier] += (uint64_t)s->plan->recvcounts[j] * s->row_bytes;
	}
	MPI_Reduce(ph, s->phase_bytes, 6, MPI_UINT64_T, MPI_SUM, 0, c->comm);
	long rows = s->plan->recv_rows, rows_max = 0, rows_sum = 0;
	MPI_Reduce(&rows, &rows_max, 1, MPI_LONG, MPI_MAX, 0, c->comm);
	MPI_Reduce(&rows, &rows_sum, 1, MPI_LONG, MPI_SUM, 0, c->comm);
	s->recv_rows_max = rows_max;
	s->recv_rows_mean = (double)rows_sum / c->nranks;

	long n = c->opts->iters;
	double *dmax = k->rank == 0 ? malloc((size_t)n * sizeof *dmax) : NULL;
	double *cmax = k->rank == 0 ? malloc((size_t)n * sizeof *cmax) : NULL;
	MPI_Reduce(s->t_dispatch, dmax, (int)n, MPI_DOUBLE, MPI_MAX, 0, c->comm);
	MPI_Reduce(s->t_combine, cmax, (int)n, MPI_DOUBLE, MPI_MAX, 0, c->comm);
	if (k->rank == 0 && dmax && cmax) {
		cb_stats_compute(dmax, (size_t)n, &s->dispatch_us);
		cb_stats_compute(cmax, (size_t)n, &s->combine_us);
	}
	free(dmax);
	free(cmax);
}

static json_t *stats_json(const struct cb_stats *st)
{
	return json_pack("{s:f, s:f, s:f, s:f, s:f}", "min", st->min, "median", st->median, "mean", st->mean, "p99",
			 st->p99, "max", st->max);
}

static void a2a_row_extra(struct cb_kernel_ctx *k, const struct cb_case *c, json_t *row)
{
	struct a2a_state *s = k->state;
	const struct a2a_cfg *cfg = s->cfg;
	json_object_set_new(row, "pattern", json_string(cfg->moe ? "moe" : "alltoall"));
	if (!cfg->moe) {
		json_object_set_new(row, "bytes_per_peer", json_integer((json_int_t)s->block_bytes));
		json_object_set_new(row, "count_per_peer", json_integer((json_int_t)(c->count / (uint64_t)c->nranks)));
	}
	/* Per tier, per operation: sum over ranks (energy) and max over ranks (time). */
	json_object_set_new(row, "tiers", json_pack("[s, s]", tier_names[0], tier_names[1]));
	/* With --topology: its innermost tier holds the domain; every byte that
	 * leaves the domain is put on the next tier out (the mapping has two levels). */
	if (k->topo && k->topo->ntiers > 1)
		json_object_set_new(row, "tier_names", json_pack("[s, s]", k->topo->tier[0].name, k->topo->tier[1].name));
	json_object_set_new(row, "tier_accounting", json_string(s->accounting_counted ? "sent" : "payload"));
	json_object_set_new(row, "intra_bytes", json_integer((json_int_t)s->tier_sum[0]));
	json_object_set_new(row, "cross_bytes", json_integer((json_int_t)s->tier_sum[1]));
	json_object_set_new(row, "intra_msgs", json_integer((json_int_t)s->tier_sum[2]));
	json_object_set_new(row, "cross_msgs", json_integer((json_int_t)s->tier_sum[3]));
	json_object_set_new(row, "local_bytes", json_integer((json_int_t)s->tier_sum[4]));
	json_object_set_new(row, "intra_bytes_max", json_integer((json_int_t)s->tier_max[0]));
	json_object_set_new(row, "cross_bytes_max", json_integer((json_int_t)s->tier_max[1]));
	json_object_set_new(row, "intra_msgs_max", json_integer((json_int_t)s->tier_max[2]));
	json_object_set_new(row, "cross_msgs_max", json_integer((json_int_t)s->tier_max[3]));
	if (!cfg->moe)
		return;
	char routing[64];
	json_object_set_new(row, "tokens", json_integer(s->plan->tokens));
	json_object_set_new(row, "hidden", json_integer(cfg->hidden));
	json_object_set_new(row, "elem_bytes", json_integer((json_int_t)elem_bytes(cfg, c->dtype)));
	json_object_set_new(row, "topk", json_integer(cfg->topk));
	json_object_set_new(row, "experts_per_rank", json_integer(cfg->experts_per_rank));
	json_object_set_new(row, "experts", json_integer(cfg->experts_per_rank * c->nranks));
	json_object_set_new(row, "routing", json_string(cb_routing_format(&cfg->routing, routing, sizeof routing)));
	json_object_set_new(row, "seed", json_integer(cfg->seed));
	json_object_set_new(row, "dispatch_us", stats_json(&s->dispatch_us));
	json_object_set_new(row, "combine_us", stats_json(&s->combine_us));
	static const char *const phase[2] = { "dispatch", "combine" };
	for (int i = 0; i < 2; i++)
		json_object_set_new(row, phase[i],
				    json_pack("{s:I, s:I, s:I}", "local_bytes", (json_int_t)s->phase_bytes[i][0],
					      "intra_bytes", (json_int_t)s->phase_bytes[i][1], "cross_bytes",
					      (json_int_t)s->phase_bytes[i][2]));
	json_object_set_new(row, "recv_rows_max", json_integer(s->recv_rows_max));
	json_object_set_new(row, "recv_rows_mean", json_real(s->recv_rows_mean));
}

const struct cb_kernel cb_kernel_alltoall = {
	.name = "alltoall",
	.summary = "every rank sends a distinct block to every rank; --pattern moe: MoE dispatch + combine",
	.algos = a2a_algos,
	.flags = 0,
	.size_convention = "size = bytes each rank sends in total, p blocks (nccl-tests); bytes_per_peer = size/p "
			   "(OMB's size); busbw = algbw * (p-1)/p; moe: size = bytes a rank sends in dispatch + "
			   "combine = 2 x tokens x topk x hidden x elem bytes",
	.kopts = a2a_kopts,
	.cfg_size = sizeof(struct a2a_cfg),
	.cfg_defaults = a2a_defaults,
	.cfg_set = a2a_set,
	.init = a2a_init,
	.fini = a2a_fini,
	.busbw_factor = cb_busbw_alltoall,
	.count_of = a2a_count,
	.bytes_of = a2a_bytes_of,
	.dtype_name = a2a_dtype_name,
	.buffer_bytes = a2a_buffers,
	.scratch_bytes = a2a_scratch,
	.prepare = a2a_prepare,
	.fill = a2a_fill,
	.run = a2a_run,
	.check = a2a_check,
	.release = a2a_release,
	.row_extra = a2a_row_extra,
	.sizes = a2a_sizes,
	.collect = a2a_collect,
	.columns = dense_columns,
};
