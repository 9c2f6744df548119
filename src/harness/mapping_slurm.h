/* Domains from the allocation: ranks under the same Slurm leaf switch (topology.conf) form a domain. */
#ifndef CB_MAPPING_SLURM_H
#define CB_MAPPING_SLURM_H

#include <mpi.h>
#include <stddef.h>

/*
 * Collective.  leader[r] holds, for every rank r, the lowest rank of r's node;
 * when Slurm's topology is found (see cb_slurm_topo_find) it becomes the lowest
 * rank under r's leaf switch.  A node is named by SLURMD_NODENAME (right per
 * node under srun and under mpirun) or else its processor name.  Returns 1 when
 * it wrote how (switches used, or why not), 0 when there is no Slurm topology,
 * -1 with err (the same on every rank) when the topology file is unreadable or
 * malformed.  Under SMPI (emulated fabric) always 0: emulated ranks are not
 * on the allocation's nodes.
 */
int cb_mapping_slurm_switches(MPI_Comm comm, int *leader, char *how, size_t howlen, char *err, size_t errlen);

#endif
