/* Which domain each rank belongs to. */
#include "config.h"
#include "core/domains.h"

int cb_domains_assign(int nranks, long domain_size, const int *node_leader, int *domain_of)
{
	int ndomains = 0;
	if (domain_size > 0) {
		for (int r = 0; r < nranks; r++)
			domain_of[r] = (int)(r / domain_size);
		return nranks ? domain_of[nranks - 1] + 1 : 0;
	}
	/* A leader is its own lowest rank, so leaders appear in rank order. */
	for (int r = 0; r < nranks; r++)
		if (node_leader[r] == r)
			domain_of[r] = ndomains++;
	for (int r = 0; r < nranks; r++)
		domain_of[r] = domain_of[node_leader[r]];
	return ndomains;
}

void cb_domains_endpoints(int nranks, const int *node_leader, int *endpoint_of)
{
	int next = 0;
	for (int r = 0; r < nranks; r++) {
		if (node_leader && node_leader[r] != r)
			continue;
		/* r leads a node: its ranks, in rank order, take the next endpoints. */
		for (int q = r; q < nranks; q++)
			if (!node_leader ? q == r : node_leader[q] == r)
				endpoint_of[q] = next++;
	}
}

int cb_domains_tier_of_pair(long ea, long eb, int ntiers, const long *group_size)
{
	for (int t = 0; t < ntiers; t++)
		if (group_size[t] > 0 && ea / group_size[t] == eb / group_size[t])
			return t;
	return ntiers - 1;
}
