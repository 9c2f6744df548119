/* Our element types and operators as MPI handles. */
#ifndef CB_MPITYPES_H
#define CB_MPITYPES_H

#include <mpi.h>

#include "core/dtype.h"

MPI_Datatype cb_mpi_dtype(enum cb_dtype t);
MPI_Op cb_mpi_op(enum cb_op op);

#endif
