/*
 * Rank mapping: ranks grouped into domains (an NVLink domain, a node, or a
 * virtual slice of one machine) and the two communicators hierarchical
 * algorithms need.  Built once per run; every kernel sees it in its context.
 */
#ifndef CB_MAPPING_H
#define CB_MAPPING_H

#include <jansson.h>
#include <mpi.h>
#include <stdio.h>

#include "harness/binding.h"

#define CB_MAPPING_MAX_TIERS 8

struct cb_mapping {
	int rank, nranks;
	int ndomains;
	int domain;            /* my domain */
	int domain_rank;       /* my index inside it */
	int domain_size;       /* ranks in my domain (the last may be smaller) */
	int *domain_of;        /* domain of every rank */
	MPI_Comm domain_comm;  /* the ranks of my domain, in rank order */
	MPI_Comm cross_comm;   /* the ranks with my domain_rank, one per domain */
	char how[128];         /* "node", "domain-size 4", ... */
	long domain_size_asked;/* --domain-size (0 = by node) */

	/* Tiers a rank pair can cross, innermost first (cb_mapping_tier).  Without a
	 * topology: 0 "intra-domain", 1 "cross-domain". */
	int ntiers;
	char tier_name[CB_MAPPING_MAX_TIERS][64];

	/* Binding (cb_mapping_bind): this rank's, and every rank's on rank 0. */
	int bound;                          /* cb_mapping_bind ran */
	int bind_none;                      /* --bind none */
	struct cb_rank_binding binding;
	struct cb_rank_binding *binding_of; /* rank 0 only */
};

/* Collective.  domain_size 0 = ranks sharing a node form a domain. */
int cb_mapping_build(struct cb_mapping *m, MPI_Comm comm, long domain_size, char *err, size_t errlen);
void cb_mapping_free(struct cb_mapping *m);
/* Collective: bind (or record the launcher's binding, see binding.h) and
 * gather every rank's binding to rank 0 for the header and result file. */
void cb_mapping_bind(struct cb_mapping *m, MPI_Comm comm, int bind_none);
/* Ranks in domain d. */
int cb_mapping_domain_size(const struct cb_mapping *m, int d);
/* 0 if ranks a and b share a domain, 1 if the pair crosses domains. */
int cb_mapping_tier(const struct cb_mapping *m, int a, int b);
json_t *cb_mapping_json(const struct cb_mapping *m);
void cb_mapping_print(FILE *f, const struct cb_mapping *m);

#endif
