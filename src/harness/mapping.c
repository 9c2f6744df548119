/* Rank mapping into domains, and the domain / cross-domain communicators. */
#include "config.h"
#include "harness/mapping.h"
#include "core/domains.h"
#include "topo/topo.h"
#include "harness/mapping_slurm.h"

#include <stdlib.h>
#include <string.h>

/* Every rank's node leader (the lowest rank sharing its node); malloc'd. */
static int *node_leaders(MPI_Comm comm, int rank, int nranks)
{
	int *leader = malloc((size_t)nranks * sizeof(int));
	MPI_Comm node;
	int my_leader;
	MPI_Comm_split_type(comm, MPI_COMM_TYPE_SHARED, rank, MPI_INFO_NULL, &node);
	MPI_Allreduce(&rank, &my_leader, 1, MPI_INT, MPI_MIN, node);
	MPI_Comm_free(&node);
	int ok = leader != NULL, allok;
	MPI_Allreduce(&ok, &allok, 1, MPI_INT, MPI_MIN, comm);
	if (!allok) {
		free(leader);
		return NULL;
	}
	MPI_Allgather(&my_leader, 1, MPI_INT, leader, 1, MPI_INT, comm);
	return leader;
}

/* (Re)create the domain and cross-domain communicators from domain_of. */
static void split_comms(struct cb_mapping *m, MPI_Comm comm)
{
	if (m->domain_comm && m->domain_comm != MPI_COMM_NULL)
		MPI_Comm_free(&m->domain_comm);
	if (m->cross_comm && m->cross_comm != MPI_COMM_NULL)
		MPI_Comm_free(&m->cross_comm);
	m->domain = m->domain_of[m->rank];
	MPI_Comm_split(comm, m->domain, m->rank, &m->domain_comm);
	MPI_Comm_rank(m->domain_comm, &m->domain_rank);
	MPI_Comm_size(m->domain_comm, &m->domain_size);
	MPI_Comm_split(comm, m->domain_rank, m->rank, &m->cross_comm);
}

int cb_mapping_build(struct cb_mapping *m, MPI_Comm comm, long domain_size, char *err, size_t errlen)
{
	memset(m, 0, sizeof *m);
	MPI_Comm_rank(comm, &m->rank);
	MPI_Comm_size(comm, &m->nranks);
	m->domain_of = malloc((size_t)m->nranks * sizeof(int));
	int *leader = node_leaders(comm, m->rank, m->nranks);
	if (!m->domain_of || !leader) {
		snprintf(err, errlen, "out of memory building the rank mapping");
		free(leader);
		return -1;
	}
	int how_set = 0;
	if (domain_size == CB_DOMAIN_AUTO) {
		how_set = cb_mapping_slurm_switches(comm, leader, m->how, sizeof m->how, err, errlen);
		if (how_set < 0) {
			free(leader);
			return -1;
		}
		domain_size = 0;
	}
	m->ndomains = cb_domains_assign(m->nranks, domain_size, leader, m->domain_of);
	free(leader);
	m->domain_size_asked = domain_size;
	if (domain_size > 0)
		snprintf(m->how, sizeof m->how, "domain-size %ld", domain_size);
	else if (!how_set)
		snprintf(m->how, sizeof m->how, "node");

	m->ntiers = 2;
	snprintf(m->tier_name[0], sizeof m->tier_name[0], "intra-domain");
	snprintf(m->tier_name[1], sizeof m->tier_name[1], "cross-domain");
	split_comms(m, comm);
	return 0;
}

int cb_mapping_apply_topology(struct cb_mapping *m, MPI_Comm comm, const struct cb_topo *t, char *err, size_t errlen)
{
	int *leader = node_leaders(comm, m->rank, m->nranks);
	m->endpoint_of = malloc((size_t)m->nranks * sizeof(int));
	if (!leader || !m->endpoint_of) {
		snprintf(err, errlen, "out of memory building the rank mapping");
		free(leader);
		return -1;
	}
	cb_domains_endpoints(m->nranks, leader, m->endpoint_of);
	long domain = m->domain_size_asked > 0 ? m->domain_size_asked : t->tier[0].group_size;
	m->ndomains = 0;
	for (int r = 0; r < m->nranks; r++) {
		m->domain_of[r] = (int)(m->endpoint_of[r] / domain);
		if (m->domain_of[r] + 1 > m->ndomains)
			m->ndomains = m->domain_of[r] + 1;
	}
	if (m->domain_size_asked > 0)
		snprintf(m->how, sizeof m->how, "domain-size %ld, tiers of topology %.48s", domain, t->name);
	else
		snprintf(m->how, sizeof m->how, "topology %.40s (tier %.40s: %ld endpoints)", t->name, t->tier[0].name, domain);

	/* Tier 0 is the domain; above it the file's tiers (at least one more). */
	m->ntiers = t->ntiers > 1 ? t->ntiers : 2;
	m->tier_group[0] = domain;
	/* --domain-size replaces the file's innermost tier, so not its name either. */
	snprintf(m->tier_name[0], sizeof m->tier_name[0], "%s", m->domain_size_asked > 0 ? "intra-domain" : t->tier[0].name);
	snprintf(m->tier_name[1], sizeof m->tier_name[1], "cross-domain");
	m->tier_group[1] = 0;
	for (int i = 1; i < t->ntiers && i < CB_MAPPING_MAX_TIERS; i++) {
		snprintf(m->tier_name[i], sizeof m->tier_name[i], "%s", t->tier[i].name);
		m->tier_group[i] = t->tier[i].group_size;
	}

	/* Say when nodes and domains do not line up. */
	int straddle = 0, off_count = 0, bad_node_ranks = 0;
	for (int r = 0; r < m->nranks; r++) {
		if (leader[r] != r)
			continue;
		int n = 0, split = 0;
		for (int q = r; q < m->nranks; q++)
			if (leader[q] == r) {
				n++;
				split |= m->domain_of[q] != m->domain_of[r];
			}
		straddle += split;
		if (t->endpoints_per_node > 0 && n != t->endpoints_per_node && n != m->nranks) {
			off_count++;
			bad_node_ranks = n;
		}
	}
	free(leader);
	m->note[0] = '\0';
	/* A node holding several domains by design (local: 4096 per node, 2 per domain) is no news. */
	if (t->endpoints_per_node > 0 && t->endpoints_per_node > domain)
		straddle = 0;
	if (straddle)
		snprintf(m->note, sizeof m->note, "%d node%s %s ranks in more than one domain of %ld", straddle,
			 straddle == 1 ? "" : "s", straddle == 1 ? "has" : "have", domain);
	if (off_count) {
		size_t n = strlen(m->note);
		snprintf(m->note + n, sizeof m->note - n, "%s%d node%s run %d ranks, the topology has %ld endpoints per node",
			 n ? "; " : "", off_count, off_count == 1 ? "" : "s", bad_node_ranks, t->endpoints_per_node);
	}
	split_comms(m, comm);
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
	free(m->endpoint_of);
	m->domain_of = NULL;
	m->binding_of = NULL;
	m->endpoint_of = NULL;
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
	if (m->domain_of[a] == m->domain_of[b])
		return 0;
	if (!m->endpoint_of)
		return 1;
	return 1 + cb_domains_tier_of_pair(m->endpoint_of[a], m->endpoint_of[b], m->ntiers - 1, m->tier_group + 1);
}

/* Up to this many ranks the result also holds the full tier matrix. */
#define TIER_MATRIX_MAX_RANKS 16

/* Ranks per domain, in one pass; malloc'd (ndomains entries). */
static int *domain_sizes(const struct cb_mapping *m)
{
	int *n = calloc((size_t)(m->ndomains ? m->ndomains : 1), sizeof(int));
	for (int r = 0; n && r < m->nranks; r++)
		n[m->domain_of[r]]++;
	return n;
}

static const char *tier_rule(const struct cb_mapping *m)
{
	if (!m->endpoint_of)
		return "ranks a and b cross tier 0 when domain_of_rank[a] == domain_of_rank[b], else tier 1";
	return "ranks a and b cross tier 0 when domain_of_rank[a] == domain_of_rank[b]; else the lowest tier t >= 1 "
	       "with endpoint_of_rank[a] / tier_group_sizes[t] == endpoint_of_rank[b] / tier_group_sizes[t] "
	       "(integer division; 0 = no such group), else the last tier";
}

json_t *cb_mapping_json(const struct cb_mapping *m)
{
	json_t *dom = json_array(), *sizes = json_array(), *tiers = json_array();
	int *n = domain_sizes(m);
	for (int r = 0; r < m->nranks; r++)
		json_array_append_new(dom, json_integer(m->domain_of[r]));
	for (int d = 0; n && d < m->ndomains; d++)
		json_array_append_new(sizes, json_integer(n[d]));
	free(n);
	for (int t = 0; t < m->ntiers; t++)
		json_array_append_new(tiers, json_string(m->tier_name[t]));
	json_t *j = json_pack("{s:s, s:i, s:o, s:o, s:o, s:s}", "how", m->how, "domains", m->ndomains,
			      "domain_of_rank", dom, "domain_sizes", sizes, "tiers", tiers, "tier_rule", tier_rule(m));
	if (m->endpoint_of) {
		json_t *groups = json_array(), *ep = json_array();
		int identity = 1;
		for (int t = 0; t < m->ntiers; t++)
			json_array_append_new(groups, json_integer(m->tier_group[t]));
		for (int r = 0; r < m->nranks; r++) {
			json_array_append_new(ep, json_integer(m->endpoint_of[r]));
			identity &= m->endpoint_of[r] == r;
		}
		json_object_set_new(j, "tier_group_sizes", groups);
		json_object_set_new(j, "endpoint_of_rank", ep);
		json_object_set_new(j, "endpoints_in_rank_order", json_boolean(identity));
	}
	if (m->note[0])
		json_object_set_new(j, "note", json_string(m->note));
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
	if (m->note[0])
		fprintf(f, "# note: %s\n", m->note);
	int *n = domain_sizes(m);
	fprintf(f, "# domain sizes:");
	for (int d = 0; n && d < m->ndomains && d < 64; d++)
		fprintf(f, " %d", n[d]);
	free(n);
	if (!m->endpoint_of) {
		fprintf(f, "%s; a rank pair in one domain crosses tier 0 (%s), else tier 1 (%s)\n",
			m->ndomains > 64 ? " ..." : "", m->tier_name[0], m->tier_name[1]);
	} else {
		fprintf(f, "%s; a rank pair in one domain crosses tier 0 (%s), else the first tier whose group holds both:",
			m->ndomains > 64 ? " ..." : "", m->tier_name[0]);
		for (int t = 1; t < m->ntiers; t++)
			if (m->tier_group[t] > 0)
				fprintf(f, "%s %d (%s, %ld endpoints)", t > 1 ? "," : "", t, m->tier_name[t], m->tier_group[t]);
			else
				fprintf(f, "%s %d (%s)", t > 1 ? "," : "", t, m->tier_name[t]);
		fprintf(f, "\n");
	}
	if (m->bound && m->binding_of) {
		char note[256];
		binding_summary(m, note, sizeof note);
		fprintf(f, "# binding: %s; PUs of rank:", note);
		for (int r = 0; r < m->nranks && r < 64; r++)
			fprintf(f, " %s", m->binding_of[r].pus[0] ? m->binding_of[r].pus : "-");
		fprintf(f, "%s\n", m->nranks > 64 ? " ..." : "");
	}
}
