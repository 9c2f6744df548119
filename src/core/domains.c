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
