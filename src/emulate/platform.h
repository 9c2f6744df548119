/*
 * SimGrid platform generator: a topology (src/topo/topo.h) and an endpoint
 * count become a SimGrid XML platform (DTD 4.1) plus a host file, one rank
 * per endpoint.  MPI-free.
 *
 * Model (see README "Emulated fabrics"):
 *   - one host per endpoint (GPU), named gpu0 .. gpu<N-1>, in host-file order;
 *   - tier i (innermost first) that the N endpoints need: one switch router per
 *     tier-i group, and per endpoint one private split-duplex access link of
 *     the tier's per-endpoint, per-direction bandwidth (its NIC or NVLink
 *     ports: a single flow never gets more) and half the tier's one-way
 *     latency (cb_tier_latency_s), so a route crossing tier i costs exactly
 *     that latency;
 *   - oversubscription s > 1 at tier i >= 1: the endpoints of each tier-(i-1)
 *     group reach the tier-i switch through one shared split-duplex uplink of
 *     (group endpoints x bandwidth / s);
 *   - one DijkstraCache zone: routes are computed from O(endpoints x tiers)
 *     one-hop routes, so the file grows linearly.  Dijkstra weighs a hop by
 *     its number of links, so zero-latency FATPIPE "pad" links make every
 *     tier-i path longer than any tier-(i-1) path: a pair always crosses
 *     exactly its lowest common tier.
 */
#ifndef CB_PLATFORM_H
#define CB_PLATFORM_H

#include <jansson.h>
#include <stdio.h>

#include "topo/topo.h"

/*
 * --optics M: set the medium of every tier whose file medium is not copper
 * (the links that leave the rack: AEC, pluggable, LPO or CPO tiers) to M;
 * copper tiers (in-rack backplanes and cables) keep copper.  A tier's inner
 * end (lower_medium) follows only when it had the same medium as the outer
 * end: a NIC's pluggable module under a CPO switch stays pluggable.  Returns the
 * number of tiers changed (0 = the topology has no such tier).
 */
int cb_platform_apply_optics(struct cb_topo *t, enum cb_medium m);

/*
 * Index of the outermost tier N endpoints need (the first whose group holds
 * them all), or -1 with "what was expected" in err (N < 1, N beyond the
 * outermost tier, group sizes that do not nest).
 */
int cb_platform_outer_tier(const struct cb_topo *t, long np, char *err, size_t errlen);

/* Writes the XML platform and (if hosts != NULL) the host file.  0 or -1 + err. */
int cb_platform_write(FILE *xml, FILE *hosts, const struct cb_topo *t, long np, char *err, size_t errlen);

/*
 * What the platform holds, per tier used: name, medium, group size, one-way
 * latency (s), per-endpoint bandwidth (B/s per direction), oversubscription,
 * uplink bandwidth, reach check.  NULL on bad input.
 */
json_t *cb_platform_summary(const struct cb_topo *t, long np);

/* The SimGrid settings that make SMPI an ideal contention-aware alpha-beta
 * model (also written into the platform's <config>), NULL-terminated
 * "key:value" strings. */
extern const char *const cb_platform_ideal_cfg[];

/* Writes both files (host file path NULL: XML path with ".xml" replaced by ".hosts"). */
int cb_platform_write_files(const struct cb_topo *t, long np, const char *xml_path, const char *hosts_path,
			    char *err, size_t errlen);
/* The default host-file name for an XML path (malloc'd). */
char *cb_platform_hosts_path(const char *xml_path);

#endif
