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
	/* added fields */
	double prop_s_per_m;           /* propagation per metre in this medium's cable */
	int optical;                   /* 1: each end is an optical port (pluggable, lpo, cpo) */
	double watts_port_gbps;        /* port speed (Gb/s) at which watts_per_port was quoted */
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
	/* added fields (resolved at parse time; topologies/README.md) */
	char network[32];       /* tiers of one network chain up a folded Clos; a new name starts a new network */
	enum cb_medium lower_medium; /* medium at the link's inner end (e.g. a NIC's pluggable under a CPO switch) */
	double fec_s;           /* host FEC latency per link on this tier's path */
	double prop_s_per_m;    /* propagation per metre on this tier's links */
	double links_per_endpoint; /* links entering this tier per endpoint, before oversubscription (default rails) */
	int switch_radix;       /* ports per switch at this tier's port speed; 0 = switch count not modelled */
	int hops_given;         /* 1: hops came from the file, 0: the folded-Clos default */
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
	/* added fields */
	int media_overridden[CB_MEDIUM_COUNT];    /* 1: a [media NAME] section changed it */
	int embedded;           /* 1: the built-in copy of `local` */
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

/* ---- added API ---- */

/* Reach of a medium at a lane rate (the entry with the smallest rate >= lane_gbps;
 * above every entry, the highest-rate entry).  Returns the reach in metres; *rate_used
 * (if not NULL) gets the lane rate of the entry used. */
double cb_media_reach_m(const struct cb_media *m, double lane_gbps, double *rate_used);

/* The one-way latency of a pair crossing tier i, term by term. */
struct cb_latency_parts {
	int hops, links;        /* switches and links on the path */
	double endpoint_s;      /* 2 x endpoint latency */
	double switch_s;        /* hops x per-hop */
	double media_s;         /* both ends of every link */
	double fec_s;           /* every link */
	double prop_s;          /* every link's cable */
	double total_s;
};
void cb_tier_latency_parts(const struct cb_topo *t, int i, struct cb_latency_parts *p);
/* First tier of the network chain tier i belongs to (links of tiers first..i are on its path). */
int cb_tier_chain_start(const struct cb_topo *t, int i);

/* Counts for n endpoints (see topologies/README.md, "Counting"). */
struct cb_topo_counts {
	long endpoints;
	int exceeds;            /* 1: n > outermost group size */
	int used[CB_TOPO_MAX_TIERS];      /* 1: some pair crosses this tier */
	long groups[CB_TOPO_MAX_TIERS];   /* ceil(n / group_size) */
	long links[CB_TOPO_MAX_TIERS];    /* links entering the tier's switches from below */
	long switches[CB_TOPO_MAX_TIERS]; /* -1: not modelled (no radix) */
	long links_by_medium[CB_MEDIUM_COUNT];    /* by the tier's (upper-end) medium */
	long ends_by_medium[CB_MEDIUM_COUNT];     /* link ends (ports), both ends counted */
	long switches_by_medium[CB_MEDIUM_COUNT]; /* switches whose tier uses the medium */
	long optical_ports;     /* ends on pluggable, lpo or cpo */
};
void cb_topo_count(const struct cb_topo *t, long n, struct cb_topo_counts *c);

/* The embedded `local` topology text (generated from topologies/local.ini). */
extern const char cb_topo_local_text[];

/* Where shipped names are looked up, in order, ':'-separated, into buf. */
void cb_topo_search_path(char *buf, size_t len);
/* Summary for result files and `cpobench-report topo --json`: name, path, sha256,
 * tiers with their key figures (latency and reach included).  New reference. */
struct json_t;
struct json_t *cb_topo_to_json(const struct cb_topo *t);

/* SHA-256 of bytes as 64 hex digits + NUL. */
void cb_sha256_hex(const void *data, size_t len, char out[65]);

#endif
