/*
 * Buffer memory for kernels and the harness: private memory on a real fabric;
 * under SimGrid SMPI (built with -DCB_SMPI) timing-only runs "fold" large
 * buffers with SMPI_SHARED_MALLOC, so hundreds of simulated ranks share one
 * physical copy and reductions become no-ops.  Folded buffers hold garbage:
 * fills, checks and local copies are skipped (they cost no simulated time when
 * smpi/simulate-computation is off, only wall time).
 */
#ifndef CB_CBMEM_H
#define CB_CBMEM_H

#include <mpi.h>
#include <stddef.h>

/* Called once after options are parsed: fold iff emulated and no --check. */
void cb_mem_configure(int timing_only);
/* 1 when buffers are folded (shared between simulated ranks, contents meaningless). */
int cb_mem_folded(void);
/* Copies of one rank's buffers that exist in this process: 1 when folded,
 * every simulated rank under SMPI, the node's ranks (local_ranks) otherwise. */
long cb_mem_copies(int local_ranks, int nranks);

/* Each call site is its own shared object under SMPI (smpi/shared-malloc:local). */
#define cb_mem_alloc(bytes) cb_mem_alloc_at((bytes), __FILE__, __LINE__)
void *cb_mem_alloc_at(size_t bytes, const char *file, int line);
void cb_mem_free(void *p);
/* memcpy, skipped when folded (use it for bulk local copies inside kernels). */
void cb_mem_copy(void *dst, const void *src, size_t bytes);
/* The operator to hand MPI: a no-op user operator when folded, op otherwise. */
MPI_Op cb_mem_op(MPI_Op op);

/* "shared (SMPI_SHARED_MALLOC)" or "private"; "noop" or "real". */
const char *cb_mem_buffers_name(void);
const char *cb_mem_reduction_name(void);

#endif
