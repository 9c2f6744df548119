/* Rank mapping into domains, and the domain / cross-domain communicators. */
#include "config.h"
#include "harness/mapping.h"
#include "core/domains.h"

#include <stdlib.h>
#include <string.h>

int cb_mapping_build(struct cb_mapping *m, MPI_Comm comm, long domain_size, char *err, size_t errlen)
{
	memset(m, 0, sizeof *m);
	MPI_Comm_rank(comm, &m->rank);
	MPI_Comm_size(comm, &m->nranks);
	m->domain_of = malloc((size_t)m->nranks * sizeof(int));
	int *leader = malloc((size_t)m->nranks * sizeof(int));
	if (!m->domain_of || !leader) {
		snprintf(err, errlen, "out of memory building the rank mapping");
		free(leader);
		return -1;
	}
	MPI_Comm node;
	int my_leader;
	MPI_Comm_split_type(comm, MPI_COMM_TYPE_SHARED, m->rank, MPI_INFO_NULL, &node);
	MPI_Allreduce(&m->rank, &my_leader, 1, MPI_INT, MPI_MIN, node);
	MPI_Comm_free(&node);
	MPI_Allgather(&my_leader, 1, MPI_INT, leader, 1, MPI_INT, comm);
	m->ndomains = cb_domains_assign(m->nranks, domain_size, leader, m->domain_of);
	free(leader);
	if (domain_size > 0)
		snprintf(m->how, sizeof m->how, "domain-size %ld", domain_size);
	else
		snprintf(m->how, sizeof m->how, "node");

	m->domain = m->domain_of[m->rank];
	MPI_Comm_split(comm, m->domain, m->rank, &m->domain_comm);
	MPI_Comm_rank(m->domain_comm, &m->domain_rank);
	MPI_Comm_size(m->domain_comm, &m->domain_size);
	MPI_Comm_split(comm, m->domain_rank, m->rank, &m->cross_comm);
	return 0;
}

void cb_mapping_free(struct cb_mapping *m)
{
	if (m->domain_comm != MPI_COMM_NULL && m->domain_comm)
		MPI_Comm_free(&m->domain_comm);
	if (m->cross_comm != MPI_COMM_NULL && m->cross_comm)
		MPI_Comm_free(&m->cross_comm);
	free(m->domain_of);
	m->domain_of = NULL;
}

int cb_mapping_tier(const struct cb_mapping *m, int a, int b)
{
	return m->domain_of[a] != m->domain_of[b];
}

json_t *cb_mapping_json(const struct cb_mapping *m)
{
	json_t *dom = json_array();
	for (int r = 0; r < m->nranks; r++)
		json_array_append_new(dom, json_integer(m->domain_of[r]));
	return json_pack("{s:s, s:i, s:o}", "how", m->how, "domains", m->ndomains, "domain_of_rank", dom);
}

void cb_mapping_print(FILE *f, const struct cb_mapping *m)
{
	fprintf(f, "# mapping: %d domain%s by %s; domain of rank:", m->ndomains, m->ndomains == 1 ? "" : "s", m->how);
	for (int r = 0; r < m->nranks && r < 64; r++)
		fprintf(f, " %d", m->domain_of[r]);
	fprintf(f, "%s\n", m->nranks > 64 ? " ..." : "");
}
