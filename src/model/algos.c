/* Time, bytes per tier and energy of one collective, per algorithm (docs/model.md section 3). */
#include "config.h"
#include "model/model.h"

#include <math.h>
#include <string.h>

static const struct {
	const char *kernel, *name;
} algo_names[CB_ALGO_COUNT] = {
	[CB_ALGO_AR_RING] = { "allreduce", "ring" },
	[CB_ALGO_AR_RABENSEIFNER] = { "allreduce", "rabenseifner" },
	[CB_ALGO_AR_HIER] = { "allreduce", "hier" },
	[CB_ALGO_A2A_PAIRWISE] = { "alltoall", "pairwise" },
	[CB_ALGO_A2A_BRUCK] = { "alltoall", "bruck" },
	[CB_ALGO_A2A_HIER] = { "alltoall", "hier" },
	[CB_ALGO_PINGPONG] = { "pingpong", "pingpong" },
	[CB_ALGO_KV_BULK] = { "kvcache", "bulk" },
	[CB_ALGO_KV_LAYER] = { "kvcache", "layer" },
};

const char *cb_model_algo_kernel(enum cb_model_algo a)
{
	return a < CB_ALGO_COUNT ? algo_names[a].kernel : "?";
}

const char *cb_model_algo_name(enum cb_model_algo a)
{
	return a < CB_ALGO_COUNT ? algo_names[a].name : "?";
}

int cb_model_algo_find(const char *kernel, const char *algo, enum cb_model_algo *out)
{
	if (strcmp(kernel, "alltoall") == 0 && strcmp(algo, "pair") == 0)
		algo = "pairwise";
	for (int a = 0; a < CB_ALGO_COUNT; a++)
		if (strcmp(algo_names[a].kernel, kernel) == 0 &&
		    (strcmp(algo_names[a].name, algo) == 0 || a == CB_ALGO_PINGPONG)) {
			*out = (enum cb_model_algo)a;
			return 0;
		}
	return -1;
}

/* One step of a message of `bytes` across tier i with k flows per lower-group uplink. */
static double step_s(const struct cb_model *m, int i, double bytes, long k)
{
	return m->overhead_s + m->t[i].alpha_s + bytes / cb_model_flow_bw(m, i, k);
}

static long lower_group(const struct cb_model *m, int i)
{
	return i > 0 ? m->t[i - 1].group : 1;
}

/* Charge one synchronous step: every tier with traffic runs at once, the slowest bounds it. */
struct step {
	double s[CB_MODEL_MAX_TIERS];
	int any[CB_MODEL_MAX_TIERS];
};

static void charge(struct cb_model_cost *c, const struct step *st, double times)
{
	int worst = -1;
	for (int i = 0; i < CB_MODEL_MAX_TIERS; i++)
		if (st->any[i] && (worst < 0 || st->s[i] > st->s[worst]))
			worst = i;
	if (worst < 0)
		return;
	c->time_s += times * st->s[worst];
	c->tier_time_s[worst] += times * st->s[worst];
	c->messages += times;
}

/* Ring all-reduce: 2(p-1) steps of n/p; one edge per lower group crosses each tier. */
static void ar_ring(const struct cb_model *m, double n, struct cb_model_cost *c)
{
	long p = m->p;
	struct step st = { 0 };
	for (int i = 0; i < m->ntiers; i++) {
		double edges_ge_i = i == 0 ? (double)p : (double)((p + lower_group(m, i) - 1) / lower_group(m, i));
		double edges_ge_next = i + 1 < m->ntiers ? (double)((p + m->t[i].group - 1) / m->t[i].group) : 0;
		if (edges_ge_next == 1) /* a single group has no outgoing edge */
			edges_ge_next = 0;
		double here = edges_ge_i - edges_ge_next;
		if (here <= 0)
			continue;
		st.any[i] = 1;
		st.s[i] = step_s(m, i, n / p, 1);
		c->tier_bytes[i] += 2.0 * (p - 1) * (n / p) * here;
	}
	charge(c, &st, 2.0 * (p - 1));
}

/* Share of endpoints whose partner at distance d leaves their group of g
 * (butterfly pairs r ^ d, or shifts r + d when shift != 0). */
static double leave_share(long g, long d, int shift)
{
	if (d >= g)
		return 1.0;
	if (!shift && g % (2 * d) == 0)
		return 0.0;
	return (double)d / (double)g;
}

static void butterfly_step(const struct cb_model *m, long ranks, long d, double bytes, int shift, struct step *st,
			   double tier_share[])
{
	double ge[CB_MODEL_MAX_TIERS + 1] = { 0 };
	ge[0] = 1.0;
	for (int i = 1; i < m->ntiers; i++)
		ge[i] = leave_share(lower_group(m, i), d, shift);
	for (int i = 0; i < m->ntiers; i++) {
		double exact = ge[i] - ge[i + 1];
		tier_share[i] = exact > 0 ? exact * (double)ranks * bytes : 0;
		if (exact <= 0)
			continue;
		long g = lower_group(m, i), k = d < g ? d : g;
		st->any[i] = 1;
		st->s[i] = step_s(m, i, bytes, i == 0 ? 1 : k);
	}
}

/* Rabenseifner as src/coll does it (MPICH's order): fold the p - 2^k extra ranks
 * at distance 1, recursive halving from distance 1 up to 2^k/2 (n / 2d bytes at
 * distance d), recursive doubling retracing it, unfold. */
static void ar_rabenseifner(const struct cb_model *m, double n, struct cb_model_cost *c)
{
	long p = m->p, pof2 = 1;
	while (pof2 * 2 <= p)
		pof2 *= 2;
	long rem = p - pof2;
	if (rem > 0) {
		struct step st = { 0 };
		st.any[0] = 1;
		st.s[0] = step_s(m, 0, n, 1);
		charge(c, &st, 2.0);
		c->tier_bytes[0] += 2.0 * rem * n;
	}
	for (long d = 1; d < pof2; d *= 2) {
		struct step st = { 0 };
		double share[CB_MODEL_MAX_TIERS] = { 0 };
		double bytes = n / (2.0 * (double)d);
		butterfly_step(m, pof2, d, bytes, 0, &st, share);
		charge(c, &st, 2.0); /* same step in the halving and the doubling phase */
		for (int i = 0; i < m->ntiers; i++)
			c->tier_bytes[i] += 2.0 * share[i];
	}
}

/* Hierarchical all-reduce: at every tier a ring among its member groups, all
 * local ranks at once (k = lower group flows per uplink) on n / group bytes;
 * reduce-scatter going out, all-gather coming back. */
static void ar_hier(const struct cb_model *m, double n, struct cb_model_cost *c)
{
	for (int i = 0; i < m->ntiers; i++) {
		long members = m->t[i].members, g = lower_group(m, i);
		if (members < 2)
			continue;
		double chunk = n / ((double)g * (double)members);
		struct step st = { 0 };
		st.any[i] = 1;
		st.s[i] = step_s(m, i, chunk, g);
		charge(c, &st, 2.0 * (members - 1));
		c->tier_bytes[i] += 2.0 * (members - 1) * chunk * (double)m->p;
	}
}

/* Pairwise all-to-all: p-1 steps of n/p; the peers reached across tier i are
 * group_i - group_{i-1}, and in those steps every rank of a lower group crosses. */
static void a2a_pairwise(const struct cb_model *m, double n, struct cb_model_cost *c)
{
	long p = m->p;
	for (int i = 0; i < m->ntiers; i++) {
		long g = lower_group(m, i);
		double peers = (double)(m->t[i].group - g);
		if (peers <= 0)
			continue;
		struct step st = { 0 };
		st.any[i] = 1;
		st.s[i] = step_s(m, i, n / p, g);
		charge(c, &st, peers);
		c->tier_bytes[i] += peers * n;
	}
}

/* Bruck all-to-all: ceil(lg p) steps to r + 2^k carrying the blocks with bit k set. */
static void a2a_bruck(const struct cb_model *m, double n, struct cb_model_cost *c)
{
	long p = m->p;
	for (long d = 1; d < p; d *= 2) {
		long blocks = (p / (2 * d)) * d + (p % (2 * d) > d ? p % (2 * d) - d : 0);
		double bytes = (double)blocks * n / (double)p;
		struct step st = { 0 };
		double share[CB_MODEL_MAX_TIERS] = { 0 };
		butterfly_step(m, p, d, bytes, 1, &st, share);
		charge(c, &st, 1.0);
		for (int i = 0; i < m->ntiers; i++)
			c->tier_bytes[i] += share[i];
	}
}

/* Hierarchical all-to-all: at every tier, exchange with the same local rank of
 * the other member groups, n / members bytes each, all local ranks at once. */
static void a2a_hier(const struct cb_model *m, double n, struct cb_model_cost *c)
{
	for (int i = 0; i < m->ntiers; i++) {
		long members = m->t[i].members, g = lower_group(m, i);
		if (members < 2)
			continue;
		double per_peer = n / (double)members;
		struct step st = { 0 };
		st.any[i] = 1;
		st.s[i] = step_s(m, i, per_peer, g);
		charge(c, &st, (double)(members - 1));
		c->tier_bytes[i] += (double)(members - 1) * per_peer * (double)m->p;
	}
}

/* Ping-pong: one message across the outermost tier in use (half a round trip). */
static void pingpong(const struct cb_model *m, double n, struct cb_model_cost *c)
{
	int i = m->ntiers - 1;
	c->time_s = cb_model_p2p_s(m, i, n);
	c->tier_time_s[i] = c->time_s;
	c->tier_bytes[i] = n;
	c->messages = 1;
}

int cb_model_cost(const struct cb_model *m, enum cb_model_algo a, double n, struct cb_model_cost *c)
{
	memset(c, 0, sizeof *c);
	switch (a) {
	case CB_ALGO_AR_RING: ar_ring(m, n, c); break;
	case CB_ALGO_AR_RABENSEIFNER: ar_rabenseifner(m, n, c); break;
	case CB_ALGO_AR_HIER: ar_hier(m, n, c); break;
	case CB_ALGO_A2A_PAIRWISE: a2a_pairwise(m, n, c); break;
	case CB_ALGO_A2A_BRUCK: a2a_bruck(m, n, c); break;
	case CB_ALGO_A2A_HIER: a2a_hier(m, n, c); break;
	case CB_ALGO_PINGPONG:
	case CB_ALGO_KV_BULK:
	case CB_ALGO_KV_LAYER: pingpong(m, n, c); break;
	default: return -1;
	}
	for (int i = 0; i < m->ntiers; i++)
		c->energy_j += c->tier_bytes[i] * 8.0 * cb_model_tier_j_per_bit(m, i);
	return 0;
}
