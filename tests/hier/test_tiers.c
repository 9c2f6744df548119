/* Topology mapping: endpoints in node order, and the tier a pair of endpoints crosses. */
#include "config.h"
#include "core/domains.h"
#include "tests/tap.h"

int main(void)
{
	int e[8];
	cb_domains_endpoints(6, NULL, e);
	ok(tap_same_ints(e, (int[]){ 0, 1, 2, 3, 4, 5 }, 6), "no node information: endpoint = rank");
	int rr[] = { 0, 1, 0, 1, 0, 1 };   /* --map-by node over two nodes */
	cb_domains_endpoints(6, rr, e);
	ok(tap_same_ints(e, (int[]){ 0, 3, 1, 4, 2, 5 }, 6), "round-robin placement: a node's ranks stay consecutive");
	int uneven[] = { 0, 0, 0, 3, 3, 5, 5, 5 };
	cb_domains_endpoints(8, uneven, e);
	ok(tap_same_ints(e, (int[]){ 0, 1, 2, 3, 4, 5, 6, 7 }, 8), "block placement, uneven nodes: endpoint = rank");

	/* GB200 NVL72-like: 72 per NVLink domain, 576 per leaf group, then the spine. */
	long g[] = { 72, 576, 1L << 40 };
	ok(cb_domains_tier_of_pair(0, 71, 3, g) == 0, "0-71: same NVL72, tier 0");
	ok(cb_domains_tier_of_pair(71, 72, 3, g) == 1, "71-72: next rack, same leaf group, tier 1");
	ok(cb_domains_tier_of_pair(5, 600, 3, g) == 2, "5-600: other leaf group, tier 2");
	long small[] = { 4, 8 };
	ok(cb_domains_tier_of_pair(0, 100, 2, small) == 1, "beyond the outermost group: the outermost tier");
	long one[] = { 2 };
	ok(cb_domains_tier_of_pair(0, 1, 1, one) == 0 && cb_domains_tier_of_pair(0, 2, 1, one) == 0,
	   "one tier: every pair crosses it");
	return tap_done();
}
