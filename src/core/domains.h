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

#endif
