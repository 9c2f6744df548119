/* Binding each rank to a core with hwloc, or recording the launcher's binding. */
#include "config.h"
#include "harness/binding.h"

#include <hwloc.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MACHINE_KEY_LEN 64

/* What identifies the physical machine: the kernel's boot id is shared by
 * every network/UTS namespace on it; the host name is the fallback. */
static void machine_key(char key[MACHINE_KEY_LEN])
{
	memset(key, 0, MACHINE_KEY_LEN);
	FILE *f = fopen("/proc/sys/kernel/random/boot_id", "r");
	if (f) {
		if (fgets(key, MACHINE_KEY_LEN, f))
			key[strcspn(key, "\n")] = '\0';
		fclose(f);
	}
	if (!key[0]) {
		int n = 0;
		char name[MPI_MAX_PROCESSOR_NAME];
		MPI_Get_processor_name(name, &n);
		memcpy(key, name, (size_t)(n < MACHINE_KEY_LEN - 1 ? n : MACHINE_KEY_LEN - 1));
	}
}

/* My index among the ranks with the same machine key, and their number. */
static void machine_rank(MPI_Comm comm, int *index, int *count)
{
	char key[MACHINE_KEY_LEN];
	machine_key(key);
	unsigned h = 2166136261u;   /* FNV-1a, to split by machine; collisions are resolved below */
	for (const char *c = key; *c; c++)
		h = (h ^ (unsigned char)*c) * 16777619u;
	int rank;
	MPI_Comm_rank(comm, &rank);
	MPI_Comm same;
	MPI_Comm_split(comm, (int)(h & 0x7fffffff), rank, &same);
	int n, me;
	MPI_Comm_size(same, &n);
	MPI_Comm_rank(same, &me);
	char *all = malloc((size_t)n * MACHINE_KEY_LEN);
	*index = 0;
	*count = 1;
	if (all) {
		MPI_Allgather(key, MACHINE_KEY_LEN, MPI_CHAR, all, MACHINE_KEY_LEN, MPI_CHAR, same);
		*count = 0;
		for (int i = 0; i < n; i++)
			if (strncmp(all + (size_t)i * MACHINE_KEY_LEN, key, MACHINE_KEY_LEN) == 0) {
				if (i < me)
					++*index;
				++*count;
			}
		free(all);
	}
	MPI_Comm_free(&same);
}

void cb_binding_apply(struct cb_rank_binding *b, MPI_Comm comm, int bind_none)
{
	memset(b, 0, sizeof *b);
	b->core = -1;
	machine_rank(comm, &b->machine_rank, &b->machine_ranks);
#ifdef CB_SMPI
	(void)bind_none;
	snprintf(b->pus, sizeof b->pus, "emulated");
	return;
#else
	hwloc_topology_t t;
	if (hwloc_topology_init(&t) != 0)
		return;
	if (hwloc_topology_load(t) != 0) {
		hwloc_topology_destroy(t);
		return;
	}
	hwloc_bitmap_t set = hwloc_bitmap_alloc();
	hwloc_const_bitmap_t all = hwloc_topology_get_topology_cpuset(t);
	b->machine_cores = hwloc_get_nbobjs_by_type(t, HWLOC_OBJ_CORE);
	int got = set ? hwloc_get_cpubind(t, set, HWLOC_CPUBIND_PROCESS) : -1;
	if (got == 0 && !hwloc_bitmap_isincluded(all, set)) {
		b->by = CB_BOUND_LAUNCHER;
	} else if (!bind_none && b->machine_cores > 0) {
		int core = b->machine_rank % b->machine_cores;
		hwloc_obj_t obj = hwloc_get_obj_by_type(t, HWLOC_OBJ_CORE, (unsigned)core);
		if (obj && hwloc_set_cpubind(t, obj->cpuset, HWLOC_CPUBIND_PROCESS) == 0) {
			b->by = CB_BOUND_CPOBENCH;
			b->core = core;
			hwloc_get_cpubind(t, set, HWLOC_CPUBIND_PROCESS);
		}
	}
	if (set && (got == 0 || b->by == CB_BOUND_CPOBENCH))
		hwloc_bitmap_list_snprintf(b->pus, sizeof b->pus, set);
	hwloc_bitmap_free(set);
	hwloc_topology_destroy(t);
#endif
}
