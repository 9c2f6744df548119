/* Domain assignment: by domain size (dividing np or not) and by node. */
#include "config.h"
#include "core/domains.h"
#include "tests/tap.h"

int main(void)
{
	int d[8];
	ok(cb_domains_assign(6, 4, NULL, d) == 2 && tap_same_ints(d, (int[]){ 0, 0, 0, 0, 1, 1 }, 6), "6 ranks, size 4: 4+2");
	ok(cb_domains_assign(6, 3, NULL, d) == 2 && tap_same_ints(d, (int[]){ 0, 0, 0, 1, 1, 1 }, 6), "6 ranks, size 3: 3+3");
	ok(cb_domains_assign(5, 2, NULL, d) == 3 && tap_same_ints(d, (int[]){ 0, 0, 1, 1, 2 }, 5), "5 ranks, size 2: 2+2+1");
	ok(cb_domains_assign(1, 4, NULL, d) == 1 && d[0] == 0, "1 rank, size 4");
	ok(cb_domains_assign(3, 8, NULL, d) == 1 && tap_same_ints(d, (int[]){ 0, 0, 0 }, 3), "size larger than np: one domain");
	int lead[] = { 0, 1, 0, 1, 4, 4 }; /* round-robin placement over two nodes, then a third */
	ok(cb_domains_assign(6, 0, lead, d) == 3 && tap_same_ints(d, (int[]){ 0, 1, 0, 1, 2, 2 }, 6), "by node leader");
	int one[] = { 0, 0, 0 };
	ok(cb_domains_assign(3, 0, one, d) == 1 && tap_same_ints(d, (int[]){ 0, 0, 0 }, 3), "one node: one domain");
	return tap_done();
}
