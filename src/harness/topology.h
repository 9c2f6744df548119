/* --topology at run time: every rank loads the file and all must hold the same bytes. */
#ifndef CB_HARNESS_TOPOLOGY_H
#define CB_HARNESS_TOPOLOGY_H

#include <mpi.h>
#include <stdio.h>

#include "topo/topo.h"

/*
 * Collective.  Loads FILE|NAME on every rank into *out (malloc'd; free() it).
 * Returns 0, or 2 (bad input) after the failing rank has printed
 * "cpobench KERNEL: FILE:LINE: ..." -- also when ranks loaded different bytes.
 */
int cb_topology_setup(const char *arg, MPI_Comm comm, const char *kernel, struct cb_topo **out);
/* "# topology: NAME (PATH, sha256 ...)" and one line per tier. */
void cb_topology_print(FILE *f, const struct cb_topo *t);

#endif
