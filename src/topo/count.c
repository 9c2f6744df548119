/* Groups, links, switches and optical ports of a topology for n endpoints. */
#include "config.h"
#include "topo/topo.h"

#include <math.h>
#include <string.h>

static long ceil_div(double a, double b)
{
	return (long)ceil(a / b - 1e-9);
}

void cb_topo_count(const struct cb_topo *t, long n, struct cb_topo_counts *c)
{
	memset(c, 0, sizeof *c);
	c->endpoints = n;
	c->exceeds = t->ntiers > 0 && n > t->tier[t->ntiers - 1].group_size;
	for (int i = 0; i < t->ntiers; i++) {
		const struct cb_tier *T = &t->tier[i];
		c->groups[i] = ceil_div((double)n, (double)T->group_size);
		c->used[i] = i == 0 ? n > 1 : n > t->tier[i - 1].group_size;
		/* Links entering this tier from below: every endpoint's links, thinned by oversubscription. */
		c->links[i] = c->used[i] ? ceil_div(n * T->links_per_endpoint, T->oversub) : 0;
	}
	for (int i = 0; i < t->ntiers; i++) {
		const struct cb_tier *T = &t->tier[i];
		if (!c->used[i]) {
			c->switches[i] = 0;
			continue;
		}
		if (T->hops == 0) {
			c->switches[i] = 0;  /* direct links */
		} else if (T->switch_radix <= 0) {
			c->switches[i] = -1;
		} else {
			/* A switch of this tier has the links from below as down ports and, when the
			 * next tier continues the same network, the next tier's links as up ports. */
			long ports = c->links[i];
			if (i + 1 < t->ntiers && c->used[i + 1] && cb_tier_chain_start(t, i + 1) <= i)
				ports += c->links[i + 1];
			c->switches[i] = ceil_div((double)ports, T->switch_radix);
		}
		c->links_by_medium[T->medium] += c->links[i];
		c->ends_by_medium[T->medium] += c->links[i];
		c->ends_by_medium[T->lower_medium] += c->links[i];
		if (c->switches[i] > 0)
			c->switches_by_medium[T->medium] += c->switches[i];
	}
	for (int m = 0; m < CB_MEDIUM_COUNT; m++)
		if (t->media[m].optical)
			c->optical_ports += c->ends_by_medium[m];
}
