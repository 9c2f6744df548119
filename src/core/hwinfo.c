/* What this node is: hwloc summary, cache and memory sizes. */
#include "config.h"
#include "core/hwinfo.h"
#include "core/units.h"

#include <hwloc.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

static int load(hwloc_topology_t *t)
{
	if (hwloc_topology_init(t) != 0)
		return -1;
	if (hwloc_topology_load(*t) != 0) {
		hwloc_topology_destroy(*t);
		return -1;
	}
	return 0;
}

static uint64_t llc_of(hwloc_topology_t t, int *level)
{
	uint64_t best = 0;
	*level = 0;
	for (hwloc_obj_t o = NULL; (o = hwloc_get_next_obj_by_type(t, HWLOC_OBJ_L3CACHE, o));)
		if (o->attr->cache.size > best) {
			best = o->attr->cache.size;
			*level = 3;
		}
	if (!best)
		for (hwloc_obj_t o = NULL; (o = hwloc_get_next_obj_by_type(t, HWLOC_OBJ_L2CACHE, o));)
			if (o->attr->cache.size > best) {
				best = o->attr->cache.size;
				*level = 2;
			}
	return best;
}

int cb_hwinfo_summary(char *buf, size_t len)
{
	hwloc_topology_t t;
	if (load(&t) != 0) {
		snprintf(buf, len, "hwloc: topology not available");
		return -1;
	}
	int pk = hwloc_get_nbobjs_by_type(t, HWLOC_OBJ_PACKAGE);
	int nn = hwloc_get_nbobjs_by_type(t, HWLOC_OBJ_NUMANODE);
	int co = hwloc_get_nbobjs_by_type(t, HWLOC_OBJ_CORE);
	int pu = hwloc_get_nbobjs_by_type(t, HWLOC_OBJ_PU);
	int lvl;
	uint64_t llc = llc_of(t, &lvl);
	uint64_t mem = hwloc_get_root_obj(t)->total_memory;
	char a[32], b[32];
	snprintf(buf, len, "%d package%s, %d NUMA node%s, %d core%s, %d PU%s, L%d %s, %s memory", pk,
		 pk == 1 ? "" : "s", nn, nn == 1 ? "" : "s", co, co == 1 ? "" : "s", pu, pu == 1 ? "" : "s", lvl,
		 cb_size_format(llc, a, sizeof a), cb_size_format(mem, b, sizeof b));
	hwloc_topology_destroy(t);
	return 0;
}

uint64_t cb_hwinfo_llc_bytes(void)
{
	hwloc_topology_t t;
	uint64_t llc = 0;
	int lvl;
	if (load(&t) == 0) {
		llc = llc_of(t, &lvl);
		hwloc_topology_destroy(t);
	}
	return llc ? llc : 32u << 20;
}

uint64_t cb_mem_available_bytes(void)
{
	FILE *f = fopen("/proc/meminfo", "r");
	char line[256];
	unsigned long long kb = 0;
	if (f) {
		while (fgets(line, sizeof line, f))
			if (sscanf(line, "MemAvailable: %llu kB", &kb) == 1)
				break;
		fclose(f);
	}
	if (kb)
		return (uint64_t)kb * 1024;
	long pages = sysconf(_SC_AVPHYS_PAGES), psz = sysconf(_SC_PAGESIZE);
	return (pages > 0 && psz > 0) ? (uint64_t)pages * (uint64_t)psz : 0;
}
