/*
 * Topology: an ordered list of tiers, innermost first (NVLink rack ->
 * multi-rack NVLink domain -> scale-out leaf -> spine), plus the media table
 * every figure of the model comes from.  MPI-free.  Parsed from INI files
 * (topologies/README.md documents every key); units are SI in memory:
 * bytes/s, seconds, metres, joules/bit, watts.
 *
 * This header is the contract between the parser (src/topo), the reporter
 * (`cpobench-report topo/project/platform`), the model and the emulator.
 * Add fields freely; do not rename.
 */
#ifndef CB_TOPO_H
#define CB_TOPO_H

#include <stddef.h>
#include <stdint.h>

#define CB_TOPO_MAX_TIERS 8
#define CB_MEDIA_MAX_REACH 6

enum cb_medium { CB_MEDIUM_COPPER, CB_MEDIUM_AEC, CB_MEDIUM_PLUGGABLE, CB_MEDIUM_LPO, CB_MEDIUM_CPO, CB_MEDIUM_COUNT };

const char *cb_medium_name(enum cb_medium m);
int cb_medium_parse(const char *s, enum cb_medium *out);

/* One medium's figures, per link END unless said otherwise (a link has two). */
struct cb_media {
	enum cb_medium medium;
	double pj_per_bit;             /* media energy per end, J/bit * 1e12 */
	double host_serdes_pj_per_bit; /* host long-reach SerDes per end when this medium needs it (0 = none) */
	double latency_s;              /* added latency per end (DSP, retimer, ...) */
	double watts_per_port;         /* per end at the tier's port speed */
	double failure_rel;            /* link failure rate relative to baseline (pluggable = 1) */
	int nreach;
	struct { double lane_gbps; double reach_m; } reach[CB_MEDIA_MAX_REACH]; /* max cable length at a lane rate */
	char source[512];              /* where the figures come from */
};

struct cb_tier {
	char name[64];
	long group_size;        /* endpoints per group at this tier (cumulative: an NVL72 rack = 72) */
	double bw_Bps;          /* per endpoint, per direction, bytes/s */
	int lanes;              /* 0 if bandwidth was given directly */
	double lane_gbps;       /* per-lane signalling rate (Gb/s), used for reach */
	double encoding;        /* efficiency when bw is derived from lanes (default 1) */
	int hops;               /* switch traversals for a pair that crosses this tier */
	double switch_s;        /* per hop */
	double endpoint_s;      /* NIC / endpoint latency, per end */
	double cable_m;         /* longest cable at this tier */
	enum cb_medium medium;
	double oversub;         /* >= 1: uplink bandwidth = bw / oversub */
	int rails;              /* NICs (rails) per endpoint at this tier */
	int rail_aligned;       /* 1: rail-optimised (same-rail peers one hop apart) */
	int line;               /* line of the [tier] section, for messages */
};

struct cb_topo {
	char name[64];          /* file's own name (or the shipped name) */
	char path[512];         /* file it came from ("" for embedded) */
	char sha256[65];        /* of the file's bytes */
	char description[256];
	long endpoints;         /* default endpoint count (GPUs) */
	long endpoints_per_node;/* GPUs per node/tray; 0 = unknown */
	double fec_s;           /* host FEC latency per link (separate term) */
	double prop_s_per_m;    /* propagation per metre of cable */
	double switch_pj_per_bit; /* switch ASIC energy per bit per hop */
	int ntiers;
	struct cb_tier tier[CB_TOPO_MAX_TIERS];
	struct cb_media media[CB_MEDIUM_COUNT];   /* defaults, overridden per file */
};

/* The shipped defaults (with sources) for every medium. */
void cb_media_defaults(struct cb_media media[CB_MEDIUM_COUNT]);

/*
 * Load a topology from a file path, or by shipped name ("local",
 * "gb200-nvl72-cpo", ...) looked up in $CPOBENCH_TOPOLOGY_PATH, then the
 * source tree's topologies/, then the installed pkgdatadir.  Returns 0, or
 * -1 with "file:line: what was expected" in err.
 */
int cb_topo_load(const char *path_or_name, struct cb_topo *t, char *err, size_t errlen);
/* Parse from a string (tests, embedded default); fname is used in messages. */
int cb_topo_parse_string(const char *text, const char *fname, struct cb_topo *t, char *err, size_t errlen);

/* One-way latency of a pair that crosses tier i: endpoint (both ends) + hops x switch
 * + media adders (both ends) + FEC + propagation. */
double cb_tier_latency_s(const struct cb_topo *t, int i);
/* Reach feasibility of tier i at its lane rate: returns 1 if cable_m <= reach; *reach_m set. */
int cb_tier_reach_ok(const struct cb_topo *t, int i, double *reach_m);

#endif
