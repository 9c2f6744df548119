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
	m->domain_size_asked = domain_size;
	if (domain_size > 0)
		snprintf(m->how, sizeof m->how, "domain-size %ld", domain_size);
	else
		snprintf(m->how, sizeof m->how, "node");

	m->ntiers = 2;
	snprintf(m->tier_name[0], sizeof m->tier_name[0], "intra-domain");
	snprintf(m->tier_name[1], sizeof m->tier_name[1], "cross-domain");

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
	free(m->binding_of);
	m->domain_of = NULL;
	m->binding_of = NULL;
}

void cb_mapping_bind(struct cb_mapping *m, MPI_Comm comm, int bind_none)
{
	cb_binding_apply(&m->binding, comm, bind_none);
	m->bound = 1;
	m->bind_none = bind_none;
	if (m->rank == 0)
		m->binding_of = calloc((size_t)m->nranks, sizeof *m->binding_of);
	/* The struct holds only chars and ints: bytes are portable within one job. */
	int fail = m->rank == 0 && !m->binding_of;
	MPI_Bcast(&fail, 1, MPI_INT, 0, comm);
	if (!fail)
		MPI_Gather(&m->binding, (int)sizeof m->binding, MPI_BYTE, m->binding_of, (int)sizeof m->binding,
			   MPI_BYTE, 0, comm);
}

int cb_mapping_domain_size(const struct cb_mapping *m, int d)
{
	int n = 0;
	for (int r = 0; r < m->nranks; r++)
		n += m->domain_of[r] == d;
	return n;
}

/* Rank 0: who bound the ranks, in one phrase, and the worst oversubscription. */
static const char *binding_summary(const struct cb_mapping *m, char *note, size_t len)
{
	int count[3] = { 0, 0, 0 }, over_ranks = 0, over_cores = 0;
	for (int r = 0; r < m->nranks; r++) {
		const struct cb_rank_binding *b = &m->binding_of[r];
		count[b->by]++;
		if (b->machine_cores > 0 && b->machine_ranks > b->machine_cores &&
		    b->machine_ranks * over_cores >= over_ranks * b->machine_cores) {
			over_ranks = b->machine_ranks;
			over_cores = b->machine_cores;
		}
	}
	const char *by;
	int n;
	if (count[CB_BOUND_CPOBENCH] == m->nranks) {
		by = "cpobench";
		n = snprintf(note, len, "cpobench bound each rank to one core (hwloc)");
	} else if (count[CB_BOUND_LAUNCHER] == m->nranks) {
		by = "launcher";
		n = snprintf(note, len, "kept the launcher's binding");
	} else if (count[CB_BOUND_NONE] == m->nranks) {
		by = "none";
		n = snprintf(note, len, "%s", m->binding_of[0].pus[0] == 'e' ? "not bound (emulated ranks)" :
				 m->bind_none ? "not bound (--bind none)" : "not bound (hwloc could not bind)");
	} else {
		by = "mixed";
		n = snprintf(note, len, "mixed: %d by the launcher, %d by cpobench, %d unbound", count[CB_BOUND_LAUNCHER],
			     count[CB_BOUND_CPOBENCH], count[CB_BOUND_NONE]);
	}
	if (over_ranks && n > 0 && (size_t)n < len)
		snprintf(note + n, len - (size_t)n, "; %d ranks on %d cores of one machine%s: oversubscribed timings",
			 over_ranks, over_cores, count[CB_BOUND_CPOBENCH] ? ", bound round-robin" : "");
	return by;
}

int cb_mapping_tier(const struct cb_mapping *m, int a, int b)
{
	return m->domain_of[a] != m->domain_of[b];
}

/* Up to this many ranks the result also holds the full tier matrix. */
#define TIER_MATRIX_MAX_RANKS 16

json_t *cb_mapping_json(const struct cb_mapping *m)
{
	json_t *dom = json_array(), *sizes = json_array(), *tiers = json_array();
	for (int r = 0; r < m->nranks; r++)
		json_array_append_new(dom, json_integer(m->domain_of[r]));
	for (int d = 0; d < m->ndomains; d++)
		json_array_append_new(sizes, json_integer(cb_mapping_domain_size(m, d)));
	for (int t = 0; t < m->ntiers; t++)
		json_array_append_new(tiers, json_string(m->tier_name[t]));
	json_t *j = json_pack("{s:s, s:i, s:o, s:o, s:o, s:s}", "how", m->how, "domains", m->ndomains,
			      "domain_of_rank", dom, "domain_sizes", sizes, "tiers", tiers, "tier_rule",
			      "ranks a and b cross tier 0 when domain_of_rank[a] == domain_of_rank[b], else tier 1");
	if (m->nranks <= TIER_MATRIX_MAX_RANKS) {
		json_t *mat = json_array();
		for (int a = 0; a < m->nranks; a++) {
			json_t *row = json_array();
			for (int b = 0; b < m->nranks; b++)
				json_array_append_new(row, json_integer(cb_mapping_tier(m, a, b)));
			json_array_append_new(mat, row);
		}
		json_object_set_new(j, "tier_matrix", mat);
	}
	if (m->bound && m->binding_of) {
		char note[256];
		const char *by = binding_summary(m, note, sizeof note);
		json_t *pus = json_array();
		for (int r = 0; r < m->nranks; r++)
			json_array_append_new(pus, json_string(m->binding_of[r].pus));
		json_object_set_new(j, "binding", json_pack("{s:s, s:s, s:s, s:o}", "policy", m->bind_none ? "none" : "core",
							  "bound_by", by, "note", note, "pus_of_rank", pus));
	}
	return j;
}

void cb_mapping_print(FILE *f, const struct cb_mapping *m)
{
	fprintf(f, "# mapping: %d domain%s by %s; domain of rank:", m->ndomains, m->ndomains == 1 ? "" : "s", m->how);
	for (int r = 0; r < m->nranks && r < 64; r++)
		fprintf(f, " %d", m->domain_of[r]);
	fprintf(f, "%s\n", m->nranks > 64 ? " ..." : "");
	if (m->domain_size_asked > m->nranks)
		fprintf(f, "# note: --domain-size %ld is larger than the %d ranks: they form one domain, no pair crosses domains\n",
			m->domain_size_asked, m->nranks);
	else if (m->domain_size_asked > 0 && m->nranks % m->domain_size_asked)
		fprintf(f, "# note: %d ranks are not a multiple of --domain-size %ld: the last domain has %d\n", m->nranks,
			m->domain_size_asked, (int)(m->nranks % m->domain_size_asked));
	fprintf(f, "# domain sizes:");
	for (int d = 0; d < m->ndomains && d < 64; d++)
		fprintf(f, " %d", cb_mapping_domain_size(m, d));
	fprintf(f, "%s; a rank pair in one domain crosses tier 0 (%s), else tier 1 (%s)\n", m->ndomains > 64 ? " ..." : "",
		m->tier_name[0], m->tier_name[1]);
	if (m->bound && m->binding_of) {
		char note[256];
		binding_summary(m, note, sizeof note);
		fprintf(f, "# binding: %s; PUs of rank:", note);
		for (int r = 0; r < m->nranks && r < 64; r++)
			fprintf(f, " %s", m->binding_of[r].pus[0] ? m->binding_of[r].pus : "-");
		fprintf(f, "%s\n", m->nranks > 64 ? " ..." : "");
	}
}
