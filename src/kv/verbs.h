/* RDMA device detection for --mech verbs (libibverbs, when configure found it). */
#ifndef CB_KV_VERBS_H
#define CB_KV_VERBS_H

#include <stddef.h>

/* Number of RDMA devices libibverbs lists (name of the first in name), 0 when
 * none, -1 when cpobench was built without libibverbs. */
int cb_kv_verbs_devices(char *name, size_t len);

#endif
