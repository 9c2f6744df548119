/* Which rank plays which prefill/decode rank, placed by domain (same, cross, or rank order). */
#include "config.h"
#include "kv/roles.h"

#include <stdio.h>
#include <stdlib.h>

const char *cb_kv_placement_name(enum cb_kv_placement p)
{
	static const char *const n[] = { "rank", "same", "cross" };
	return n[p];
}

/* Give the ranks listed in order[] (n of them) prefill roles, then decode roles. */
static void fill_roles(const struct cb_kv_shape *s, const int *order, int np, const int *dorder, int nd,
		       struct cb_kv_role *roles)
{
	for (int i = 0; i < np; i++)
		roles[order[i]] = (struct cb_kv_role){ CB_KV_PREFILL, i / s->tp_p, i % s->tp_p };
	for (int i = 0; i < nd; i++)
		roles[dorder[i]] = (struct cb_kv_role){ CB_KV_DECODE, i / s->tp_d, i % s->tp_d };
}

int cb_kv_roles_assign(const struct cb_kv_shape *s, int nranks, const int *domain_of, int ndomains,
		       struct cb_kv_role *roles, char *err, size_t errlen)
{
	int np = s->prefill * s->tp_p, nd = s->decode * s->tp_d, need = np + nd;
	if (need > nranks) {
		snprintf(err, errlen,
			 "--prefill %d x --tp-p %d + --decode %d x --tp-d %d = %d ranks, but the run has %d (mpirun -np %d)",
			 s->prefill, s->tp_p, s->decode, s->tp_d, need, nranks, need);
		return -1;
	}
	for (int r = 0; r < nranks; r++)
		roles[r] = (struct cb_kv_role){ CB_KV_IDLE, -1, -1 };
	int *order = malloc((size_t)nranks * 2 * sizeof *order), *dorder = order + nranks;
	int *size = calloc((size_t)ndomains, sizeof *size);
	int rc = -1, n = 0, m = 0;
	if (!order || !size) {
		snprintf(err, errlen, "out of memory");
		goto out;
	}
	for (int r = 0; r < nranks; r++)
		size[domain_of[r]]++;
	if (s->placement == CB_KV_PLACE_RANK) {
		for (int r = 0; r < need; r++)
			if (r < np)
				order[n++] = r;
			else
				dorder[m++] = r;
	} else if (s->placement == CB_KV_PLACE_SAME) {
		int dom = -1, largest = 0;
		for (int d = 0; d < ndomains; d++) {
			largest = size[d] > largest ? size[d] : largest;
			if (dom < 0 && size[d] >= need)
				dom = d;
		}
		if (dom < 0) {
			snprintf(err, errlen,
				 "--placement same: prefill and decode need %d ranks in one domain, the largest has %d "
				 "(set --domain-size)", need, largest);
			goto out;
		}
		for (int r = 0; r < nranks && n + m < need; r++)
			if (domain_of[r] == dom && n < np)
				order[n++] = r;
			else if (domain_of[r] == dom)
				dorder[m++] = r;
	} else {
		/* prefill takes whole domains in order; decode starts at the next domain */
		int d = 0;
		for (; d < ndomains && n < np; d++)
			for (int r = 0; r < nranks && n < np; r++)
				if (domain_of[r] == d)
					order[n++] = r;
		for (; d < ndomains && m < nd; d++)
			for (int r = 0; r < nranks && m < nd; r++)
				if (domain_of[r] == d)
					dorder[m++] = r;
		if (n < np || m < nd) {
			snprintf(err, errlen,
				 "--placement cross: %d prefill and %d decode ranks do not fit in disjoint domains "
				 "(%d domains; set --domain-size so prefill ranks fill whole domains)", np, nd, ndomains);
			goto out;
		}
	}
	fill_roles(s, order, np, dorder, nd, roles);
	rc = 0;
out:
	free(order);
	free(size);
	return rc;
}

int cb_kv_rank_of(const struct cb_kv_role *roles, int nranks, enum cb_kv_side side, int inst, int tp)
{
	for (int r = 0; r < nranks; r++)
		if (roles[r].side == side && roles[r].inst == inst && roles[r].tp == tp)
			return r;
	return -1;
}
