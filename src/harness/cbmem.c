/* Buffer memory: private on real MPI, folded (SMPI_SHARED_MALLOC) for timing-only emulation. */
#include "config.h"
#include "harness/cbmem.h"

#include <stdlib.h>
#include <string.h>

static int folded;
static MPI_Op noop_op = MPI_OP_NULL;

void cb_mem_configure(int timing_only)
{
#ifdef CB_SMPI
	folded = timing_only;
#else
	(void)timing_only;
	folded = 0;
#endif
}

int cb_mem_folded(void)
{
	return folded;
}

long cb_mem_copies(int local_ranks, int nranks)
{
	if (folded)
		return 1;
#ifdef CB_SMPI
	(void)local_ranks;
	return nranks; /* every simulated rank lives in this one process */
#else
	(void)nranks;
	return local_ranks;
#endif
}

void *cb_mem_alloc_at(size_t bytes, const char *file, int line)
{
#ifdef CB_SMPI
	if (folded)
		return smpi_shared_malloc(bytes ? bytes : 1, file, line);
#endif
	(void)file;
	(void)line;
	void *p = NULL;
	/* page-aligned, as the harness always had it */
	return posix_memalign(&p, 4096, bytes ? bytes : 1) == 0 ? p : NULL;
}

void cb_mem_free(void *p)
{
	if (!p)
		return;
#ifdef CB_SMPI
	if (folded) {
		smpi_shared_free(p);
		return;
	}
#endif
	free(p);
}

void cb_mem_copy(void *dst, const void *src, size_t bytes)
{
	if (!folded && bytes && dst != src)
		memcpy(dst, src, bytes);
}

static void noop_fn(void *in, void *inout, int *len, MPI_Datatype *dt)
{
	(void)in;
	(void)inout;
	(void)len;
	(void)dt;
}

MPI_Op cb_mem_op(MPI_Op op)
{
	if (!folded)
		return op;
	if (noop_op == MPI_OP_NULL)
		MPI_Op_create(noop_fn, 1, &noop_op);
	return noop_op;
}

const char *cb_mem_buffers_name(void)
{
	return folded ? "shared (SMPI_SHARED_MALLOC)" : "private";
}

const char *cb_mem_reduction_name(void)
{
	return folded ? "noop" : "real";
}
