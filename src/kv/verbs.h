/*
 * --mech verbs: the RDMA device (opened once per run) and, per case, memory
 * registration of the KV pools, RC queue pairs between each prefill rank and
 * the decode ranks it writes to (attributes exchanged over MPI), and the
 * RDMA WRITE data path driven by the transfer engine (kv/xfer.c).
 * Settings come from the environment:
 *   CPOBENCH_VERBS_DEVICE     device name (first device)
 *   CPOBENCH_VERBS_PORT       port number (1)
 *   CPOBENCH_VERBS_GID_INDEX  GID index (RoCE: the RoCE v2 IPv4-mapped GID, else
 *                             the first RoCE v2 GID, else 0; InfiniBand: none, LID routing)
 *   CPOBENCH_VERBS_SQ_DEPTH   send queue depth per QP (128, capped by the device)
 *   CPOBENCH_VERBS_FAULT=rkey test only: prefill uses a wrong rkey (error completions)
 */
#ifndef CB_KV_VERBS_H
#define CB_KV_VERBS_H

#include <stddef.h>

struct cb_kv_engine;
struct cb_kv_verbs_dev;

/* Number of RDMA devices libibverbs lists (name of the first in name), 0 when
 * none, -1 when cpobench was built without libibverbs. */
int cb_kv_verbs_devices(char *name, size_t len);

/* Open the device, port and GID the environment selects (local, not collective).
 * Returns NULL with a one-line reason in err. */
struct cb_kv_verbs_dev *cb_kv_verbs_open(char *err, size_t errlen);
void cb_kv_verbs_close(struct cb_kv_verbs_dev *d);
/* One line: device, port, link layer, MTU, GID, limits. */
void cb_kv_verbs_describe(const struct cb_kv_verbs_dev *d, char *buf, size_t len);

/* Collective over e->comm: register e->pool, create and connect one RC QP per
 * peer of e->flows, plan every flow's work requests.  Returns 0 on every rank,
 * or -1 on every rank (after printing why on the failing ones). */
int cb_kv_verbs_connect(struct cb_kv_engine *e, struct cb_kv_verbs_dev *d);
void cb_kv_verbs_disconnect(struct cb_kv_engine *e);
/* Prefill: post the RDMA WRITEs of flow f's messages up to issue group g. */
void cb_kv_verbs_issue(struct cb_kv_engine *e, size_t f, int g);
/* Prefill: wait until every write of flow f has completed (the data is in the
 * peer's memory), as MPI_Win_flush does for put. */
void cb_kv_verbs_flush(struct cb_kv_engine *e, size_t f);
/* Seconds the slowest rank spent registering its pool in the last connect. */
double cb_kv_verbs_reg_seconds(const struct cb_kv_engine *e);

#endif
