/* Which domain each rank belongs to (MPI-free, so it can be unit-tested). */
#ifndef CB_DOMAINS_H
#define CB_DOMAINS_H

/*
 * Fill domain_of[0..nranks): with domain_size > 0, ranks r belong to domain
 * r / domain_size (the last domain may be smaller); with domain_size == 0,
 * ranks sharing node_leader[r] (the lowest rank on their node) form a
 * domain, numbered in order of their leaders.  Returns the number of domains.
 */
int cb_domains_assign(int nranks, long domain_size, const int *node_leader, int *domain_of);

/*
 * Topology mapping.  Ranks are endpoints numbered in node order: all ranks of
 * the node whose leader is lowest first, each node's ranks in rank order
 * (node_leader NULL: endpoint = rank).  So with --map-by node placement the
 * endpoints of one node stay together and 18 nodes of 4 ranks fill one
 * 72-endpoint group.  Fills endpoint_of[0..nranks).
 */
void cb_domains_endpoints(int nranks, const int *node_leader, int *endpoint_of);
/*
 * Tier a pair of endpoints crosses: the innermost tier t whose groups of
 * group_size[t] consecutive endpoints hold both, else the outermost tier
 * (ntiers - 1).  group_size[] are cumulative (an NVL72 rack = 72).
 */
int cb_domains_tier_of_pair(long ea, long eb, int ntiers, const long *group_size);

#endif
