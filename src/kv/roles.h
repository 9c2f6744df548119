/* Which rank plays which prefill/decode rank, placed by domain (same, cross, or rank order). */
#ifndef CB_KV_ROLES_H
#define CB_KV_ROLES_H

#include <stddef.h>

enum cb_kv_side { CB_KV_IDLE, CB_KV_PREFILL, CB_KV_DECODE };
enum cb_kv_placement { CB_KV_PLACE_RANK, CB_KV_PLACE_SAME, CB_KV_PLACE_CROSS };

struct cb_kv_role {
	enum cb_kv_side side;
	int inst;    /* instance index on its side */
	int tp;      /* rank inside the instance */
};

struct cb_kv_shape {
	int prefill, tp_p, decode, tp_d;
	enum cb_kv_placement placement;
};

const char *cb_kv_placement_name(enum cb_kv_placement p);
/*
 * Assign roles to nranks ranks whose domains are domain_of[] (ndomains).
 * rank:  prefill ranks first, then decode, in rank order;
 * same:  every prefill and decode rank inside one domain (the first large enough);
 * cross: prefill ranks fill whole domains, decode ranks take later domains, so
 *        every prefill->decode transfer crosses domains.
 * Ranks left over are idle.  Returns 0, or -1 with a one-line message.
 */
int cb_kv_roles_assign(const struct cb_kv_shape *s, int nranks, const int *domain_of, int ndomains,
		       struct cb_kv_role *roles, char *err, size_t errlen);
/* The global rank of (side, inst, tp), or -1. */
int cb_kv_rank_of(const struct cb_kv_role *roles, int nranks, enum cb_kv_side side, int inst, int tp);

#endif
