/*
 * allreduce: every rank ends with the element-wise reduction of all ranks'
 * vectors.  Size = bytes of one rank's vector (nccl-tests' convention);
 * busbw factor 2(p-1)/p.  Algorithms: the library's MPI_Allreduce, and our
 * ring, Rabenseifner and hierarchical (over the run's domains: --domain-size,
 * nodes or --topology) on point-to-point (src/coll).
 */
#include "config.h"
#include "harness/kernel.h"
#include "coll/coll.h"
#include "core/busbw.h"
#include "harness/cbmem.h"
#include "mpi/mpitypes.h"

#include <stdio.h>
#include <stdlib.h>

enum { ALGO_MPI, ALGO_RING, ALGO_RABENSEIFNER, ALGO_HIER };
static const char *const allreduce_algos[] = { "mpi", "ring", "rabenseifner", "hier", NULL };

struct allreduce_state {
	void *scratch;
	struct cb_hier_plan hier;   /* built on first use: the mapping is fixed for the run */
	int have_hier;
	double expected[CB_PATTERN_PERIOD];
};

static uint64_t allreduce_count(const struct cb_case *c)
{
	return c->bytes / cb_dtype_size(c->dtype);
}

static void allreduce_buffers(const struct cb_case *c, size_t *send, size_t *recv)
{
	size_t b = (size_t)c->count * cb_dtype_size(c->dtype);
	*send = c->in_place ? 0 : b;
	*recv = b;
}

/* The hier plan, as every rank computes it from the mapping. */
static int hier_plan(const struct cb_case *c, struct cb_hier_plan *p)
{
	return cb_hier_plan_build(p, c->map->domain_of, c->map->nranks, c->map->rank);
}

static size_t allreduce_scratch(const struct cb_case *c)
{
	size_t ds = cb_dtype_size(c->dtype);
	if (c->algo_index == ALGO_HIER) {
		struct cb_hier_plan p;
		if (hier_plan(c, &p) != 0)
			return (size_t)c->count * ds;
		size_t n = cb_allreduce_hier_scratch_bytes(&p, c->count, ds);
		cb_hier_plan_free(&p);
		return n;
	}
	if (c->algo_index == ALGO_RING)
		return cb_allreduce_ring_scratch_bytes(c->count, c->nranks, ds);
	if (c->algo_index == ALGO_RABENSEIFNER)
		return cb_allreduce_rabenseifner_scratch_bytes(c->count, c->nranks, ds);
	return 0;
}

static int allreduce_init(struct cb_kernel_ctx *k, char *err, size_t errlen)
{
	(void)err;
	(void)errlen;
	k->state = calloc(1, sizeof(struct allreduce_state));
	return k->state ? 0 : -1;
}

static void allreduce_fini(struct cb_kernel_ctx *k)
{
	struct allreduce_state *s = k->state;
	if (s && s->have_hier)
		cb_hier_plan_free(&s->hier);
	free(k->state);
	k->state = NULL;
}

static int allreduce_prepare(struct cb_kernel_ctx *k, const struct cb_case *c)
{
	struct allreduce_state *s = k->state;
	if (c->algo_index == ALGO_HIER && !s->have_hier) {
		if (hier_plan(c, &s->hier) != 0)
			return -1;
		s->have_hier = 1;
	}
	size_t n = allreduce_scratch(c);
	s->scratch = n ? cb_mem_alloc(n) : NULL;
	if (n && !s->scratch)
		return -1;
	cb_pattern_expected(c->op, c->nranks, s->expected);
	return 0;
}

static void allreduce_release(struct cb_kernel_ctx *k, const struct cb_case *c)
{
	struct allreduce_state *s = k->state;
	(void)c;
	cb_mem_free(s->scratch);
	s->scratch = NULL;
}

static void allreduce_fill(struct cb_kernel_ctx *k, const struct cb_case *c, void *send, void *recv)
{
	(void)k;
	void *in = c->in_place ? recv : send;
	for (uint64_t i = 0; i < c->count; i++)
		cb_dtype_store(c->dtype, in, i, cb_pattern_value(c->rank, i));
	if (!c->in_place)
		for (uint64_t i = 0; i < c->count; i++)
			cb_dtype_store(c->dtype, recv, i, -1.0);
}

static int allreduce_run(struct cb_kernel_ctx *k, const struct cb_case *c, void *send, void *recv)
{
	struct allreduce_state *s = k->state;
	const void *in = c->in_place ? MPI_IN_PLACE : send;
	MPI_Datatype dt = cb_mpi_dtype(c->dtype);
	MPI_Op op = cb_mpi_op(c->op);
	switch (c->algo_index) {
	case ALGO_RING: return cb_allreduce_ring(in, recv, c->count, dt, op, c->comm, s->scratch);
	case ALGO_RABENSEIFNER: return cb_allreduce_rabenseifner(in, recv, c->count, dt, op, c->comm, s->scratch);
	case ALGO_HIER:
		return cb_allreduce_hier(in, recv, c->count, dt, op, &s->hier, c->comm, k->map->domain_comm,
					 k->map->cross_comm, s->scratch);
	default: return MPI_Allreduce(in, recv, (int)c->count, dt, op, c->comm);
	}
}

static uint64_t allreduce_check(struct cb_kernel_ctx *k, const struct cb_case *c, const void *send, void *recv)
{
	struct allreduce_state *s = k->state;
	uint64_t wrong = 0;
	(void)send;
	for (uint64_t i = 0; i < c->count; i++) {
		double got = cb_dtype_load(c->dtype, recv, i), want = s->expected[i % CB_PATTERN_PERIOD];
		if (got != want && wrong++ < 3)
			fprintf(stderr, "cpobench: check failed: allreduce %s %s %s %llu B: rank %d element %llu = %g, expected %g\n",
				c->algo, cb_dtype_name(c->dtype), cb_op_name(c->op), (unsigned long long)c->bytes,
				c->rank, (unsigned long long)i, got, want);
	}
	return wrong;
}

const struct cb_kernel cb_kernel_allreduce = {
	.name = "allreduce",
	.summary = "element-wise reduction of every rank's vector, result on every rank",
	.algos = allreduce_algos,
	.flags = CB_KERNEL_USES_OP | CB_KERNEL_IN_PLACE,
	.size_convention = "size = bytes of each rank's vector (nccl-tests); busbw = algbw * 2(p-1)/p",
	.init = allreduce_init,
	.fini = allreduce_fini,
	.busbw_factor = cb_busbw_allreduce,
	.count_of = allreduce_count,
	.buffer_bytes = allreduce_buffers,
	.scratch_bytes = allreduce_scratch,
	.prepare = allreduce_prepare,
	.fill = allreduce_fill,
	.run = allreduce_run,
	.check = allreduce_check,
	.release = allreduce_release,
};
