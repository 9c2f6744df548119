/* What `plot` and `report` write: data, gnuplot scripts and plots, CSV tables, report.md. */
#ifndef CB_REPORT_BUILD_H
#define CB_REPORT_BUILD_H

#include <stddef.h>
#include <stdint.h>

struct cb_report_opts {
	const char *out_dir;
	char **files;              /* result files (may be none: projections only) */
	int nfiles;
	const char *topology;      /* projections: topology file or name */
	int optics[8];             /* projections: media (enum cb_medium) */
	int noptics;
	const char *scaleout;      /* joins a scale-up-only topology beyond its size */
	uint64_t allreduce_bytes;  /* size for the plots against GPU count and the headline */
	uint64_t alltoall_bytes;
	const char *kv_model;      /* KV-cache preset */
	long kv_tokens;            /* headline KV request */
	int markdown;              /* 1: report.md too */
	const char *cmdline;
};

/* 0 ok; -1 bad input or unwritable output (err says which file and why). */
int cb_report_build(const struct cb_report_opts *o, char *err, size_t errlen);

#endif
