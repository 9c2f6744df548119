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
};

/* Collective.  domain_size 0 = ranks sharing a node form a domain. */
int cb_mapping_build(struct cb_mapping *m, MPI_Comm comm, long domain_size, char *err, size_t errlen);
void cb_mapping_free(struct cb_mapping *m);
/* 0 if ranks a and b share a domain, 1 if the pair crosses domains. */
int cb_mapping_tier(const struct cb_mapping *m, int a, int b);
json_t *cb_mapping_json(const struct cb_mapping *m);
void cb_mapping_print(FILE *f, const struct cb_mapping *m);

#endif
