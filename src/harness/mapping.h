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
	/* With a topology (cb_mapping_apply_topology): each rank's endpoint
	 * (core/domains.h: node order) and the endpoints per group of each tier
	 * (tier_group[0] = the domain size; 0 = "everything beyond"). */
	int *endpoint_of;
	long tier_group[CB_MAPPING_MAX_TIERS];
	char note[256];        /* how nodes and domains fail to line up ("" = they do) */

	/* Binding (cb_mapping_bind): this rank's, and every rank's on rank 0. */
	int bound;                          /* cb_mapping_bind ran */
	int bind_none;                      /* --bind none */
	struct cb_rank_binding binding;
	struct cb_rank_binding *binding_of; /* rank 0 only */
};

/* domain_size for "auto": the allocation's topology (Slurm leaf switches,
 * see mapping_slurm.h) when there is one, else ranks sharing a node. */
#define CB_DOMAIN_AUTO (-1L)

/* Collective.  domain_size 0 = ranks sharing a node form a domain.
 * Returns 0, or -1 with err (the same on every rank; m is then only freeable). */
int cb_mapping_build(struct cb_mapping *m, MPI_Comm comm, long domain_size, char *err, size_t errlen);
void cb_mapping_free(struct cb_mapping *m);
/* Collective: regroup by a topology after cb_mapping_build: ranks become
 * endpoints in node order; a domain is the topology's tier-0 group (or
 * --domain-size consecutive endpoints when that was given); pairs in
 * different domains cross the innermost outer tier whose group holds both.
 * Tier names come from the file. */
struct cb_topo;
int cb_mapping_apply_topology(struct cb_mapping *m, MPI_Comm comm, const struct cb_topo *t, char *err, size_t errlen);
/* Collective: bind (or record the launcher's binding, see binding.h) and
 * gather every rank's binding to rank 0 for the header and result file. */
void cb_mapping_bind(struct cb_mapping *m, MPI_Comm comm, int bind_none);
/* Ranks in domain d. */
int cb_mapping_domain_size(const struct cb_mapping *m, int d);
/* 0 if ranks a and b share a domain, 1 if the pair crosses domains; with a
 * topology, the tier index the pair crosses (1 .. ntiers-1 across domains). */
int cb_mapping_tier(const struct cb_mapping *m, int a, int b);
json_t *cb_mapping_json(const struct cb_mapping *m);
void cb_mapping_print(FILE *f, const struct cb_mapping *m);

#endif
