/* What this node is: hwloc summary, cache and memory sizes. */
#ifndef CB_HWINFO_H
#define CB_HWINFO_H

#include <stddef.h>
#include <stdint.h>

/* "1 package, 1 NUMA node, 2 cores, 2 PUs, L3 32 MiB, 23.4 GiB" */
int cb_hwinfo_summary(char *buf, size_t len);
/* Size of the largest (last-level) cache in bytes; 32 MiB if hwloc finds none. */
uint64_t cb_hwinfo_llc_bytes(void);
/* Memory available to new allocations (MemAvailable), in bytes; 0 if unknown. */
uint64_t cb_mem_available_bytes(void);

#endif
