/* Binding each rank to a core with hwloc, or recording the launcher's binding. */
#ifndef CB_BINDING_H
#define CB_BINDING_H

#include <mpi.h>

enum cb_bound_by { CB_BOUND_NONE, CB_BOUND_LAUNCHER, CB_BOUND_CPOBENCH };

struct cb_rank_binding {
	char pus[48];          /* hwloc list of the PUs the rank may run on ("0", "0-3"); "" unknown */
	int by;                /* enum cb_bound_by */
	int core;              /* core index cpobench bound it to, -1 otherwise */
	int machine_rank;      /* index among the ranks on this physical machine */
	int machine_ranks;     /* ranks on this physical machine */
	int machine_cores;     /* cores hwloc sees (allowed to this process) */
};

/*
 * Collective.  A rank whose CPU set is already narrower than the machine
 * (mpirun --bind-to core, srun --cpu-bind) keeps it and records it as the
 * launcher's.  Otherwise, unless bind_none, it is bound to core
 * (machine_rank mod cores): round-robin when the machine has more ranks than
 * cores.  Ranks are counted per physical machine (kernel boot id, else host
 * name), not per MPI node, so emulated nodes sharing one machine (network
 * namespaces) do not all land on core 0.  Under SMPI nothing is bound.
 */
void cb_binding_apply(struct cb_rank_binding *b, MPI_Comm comm, int bind_none);

#endif
