/* Our element types and operators as MPI handles. */
#include "config.h"
#include "mpi/mpitypes.h"
#include "harness/cbmem.h"

MPI_Datatype cb_mpi_dtype(enum cb_dtype t)
{
	switch (t) {
	case CB_DTYPE_FLOAT: return MPI_FLOAT;
	case CB_DTYPE_DOUBLE: return MPI_DOUBLE;
	case CB_DTYPE_INT32: return MPI_INT32_T;
	case CB_DTYPE_INT64: return MPI_INT64_T;
	default: return MPI_BYTE;
	}
}

/* A no-op operator when buffers are folded (timing-only emulation). */
MPI_Op cb_mpi_op(enum cb_op op)
{
	switch (op) {
	case CB_OP_MAX: return cb_mem_op(MPI_MAX);
	case CB_OP_MIN: return cb_mem_op(MPI_MIN);
	default: return cb_mem_op(MPI_SUM);
	}
}
