/*
 * pingpong: latency and bandwidth between one representative rank pair per
 * tier, and the alpha-beta calibration of each tier.
 *
 * Pairs.  Algorithm "tierT" pairs rank 0 with the LOWEST rank whose pair
 * with rank 0 crosses tier T (cb_mapping_tier): tier 0 is rank 0's domain
 * neighbour, tier 1 the first rank of the next domain (with --domain-size 4:
 * ranks 0-1 and 0-4), and with a topology of more tiers the first rank
 * beyond each larger group.  One pair per tier, always including rank 0,
 * keeps the run short and the pairs reproducible; it measures one link per
 * tier, not the spread over links (run mpiGraph-style all-pairs for that).
 * Tiers no pair crosses are skipped (or refused when named in --algo).
 * All other ranks idle through each iteration (on an oversubscribed node
 * their polling still shares the cores).
 *
 * Timing.  One run() is --round-trips blocking MPI_Send/MPI_Recv round trips
 * of `size` bytes (rank 0 sends, the peer sends the same bytes back); the
 * reported time is the HALF round trip per message, as osu_latency and IMB
 * PingPong report it (ops_per_run = 2 x round trips).  algbw = size / half
 * round trip (IMB PingPong's bandwidth); busbw factor 1.
 *
 * Calibration.  After the sweep, rank 0 fits time = alpha + bytes / beta per
 * tier to the median times of all sizes (core/fit.h: relative least
 * squares) and stores it under the result's top-level "calibration" key,
 * documented in README.md ("pingpong").
 */
#include "config.h"
#include "harness/kernel.h"
#include "core/fit.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const pingpong_algos[] = { "tier0", "tier1", "tier2", "tier3",
					      "tier4", "tier5", "tier6", "tier7", NULL };

struct pingpong_cfg {
	long round_trips;
};

static const struct cb_kopt pingpong_kopts[] = {
	{ "round-trips", 1, "N", "round trips per timed iteration (default 1); more amortise the barrier's skew at small sizes" },
	{ NULL, 0, NULL, NULL },
};

static void pingpong_cfg_defaults(void *cfg)
{
	((struct pingpong_cfg *)cfg)->round_trips = 1;
}

static int pingpong_cfg_set(void *cfg, const char *name, const char *arg, char *err, size_t errlen)
{
	struct pingpong_cfg *c = cfg;
	if (strcmp(name, "round-trips") == 0) {
		char *end;
		long v = strtol(arg, &end, 10);
		if (end == arg || *end || v < 1 || v > 1000000) {
			snprintf(err, errlen, "--round-trips: '%s' is not a whole number from 1 to 1000000", arg);
			return -1;
		}
		c->round_trips = v;
		return 0;
	}
	snprintf(err, errlen, "unknown option --%s", name);
	return -1;
}

/* The peer of rank 0 for tier t, or -1 if no rank pair with rank 0 crosses it. */
static int tier_peer(const struct cb_mapping *m, int t)
{
	for (int r = 1; r < m->nranks; r++)
		if (cb_mapping_tier(m, 0, r) == t)
			return r;
	return -1;
}

static int pingpong_init(struct cb_kernel_ctx *k, char *err, size_t errlen)
{
	if (k->nranks < 2) {
		snprintf(err, errlen, "pingpong needs at least 2 ranks (this run has %d); run it under mpirun -np 2 or more",
			 k->nranks);
		return -1;
	}
	return 0;
}

static int pingpong_available(struct cb_kernel_ctx *k, int t, char *why, size_t whylen)
{
	const struct cb_mapping *m = k->map;
	if (t >= m->ntiers) {
		snprintf(why, whylen, "the mapping has %d tiers (0..%d)%s", m->ntiers, m->ntiers - 1,
			 m->endpoint_of ? "" : "; a --topology with more tiers adds tier2 and up");
		return 0;
	}
	if (tier_peer(m, t) < 0) {
		int d0 = cb_mapping_domain_size(m, 0);
		if (t == 0)
			snprintf(why, whylen, "rank 0 is alone in its domain (%s), so no pair stays inside one; use "
				 "--domain-size 2 or more", m->how);
		else
			snprintf(why, whylen, "no rank pair with rank 0 crosses tier %d (%s): %d domain%s by %s, rank 0's has %d "
				 "rank%s; use a smaller --domain-size or more nodes",
				 t, m->tier_name[t], m->ndomains, m->ndomains == 1 ? "" : "s", m->how, d0, d0 == 1 ? "" : "s");
		return 0;
	}
	return 1;
}

static double pingpong_busbw(int nranks)
{
	(void)nranks;
	return 1;
}

static uint64_t pingpong_count(const struct cb_case *c)
{
	return c->bytes;
}

static void pingpong_buffers(const struct cb_case *c, size_t *send, size_t *recv)
{
	*send = (size_t)c->bytes;
	*recv = (size_t)c->bytes;
}

static unsigned pingpong_ops(struct cb_kernel_ctx *k, const struct cb_case *c)
{
	(void)c;
	return 2u * (unsigned)((struct pingpong_cfg *)k->cfg)->round_trips;
}

/* Rank 0's bytes are what both ends must hold after a round trip. */
static unsigned char pattern_byte(int rank, uint64_t i)
{
	return (unsigned char)(cb_pattern_value(rank, i) + 17 * rank);
}

static void pingpong_fill(struct cb_kernel_ctx *k, const struct cb_case *c, void *send, void *recv)
{
	(void)k;
	for (uint64_t i = 0; i < c->count; i++) {
		((unsigned char *)send)[i] = pattern_byte(c->rank, i);
		((unsigned char *)recv)[i] = 0xEE;
	}
}

static int pingpong_run(struct cb_kernel_ctx *k, const struct cb_case *c, void *send, void *recv)
{
	int peer = tier_peer(k->map, c->algo_index);
	long n = ((struct pingpong_cfg *)k->cfg)->round_trips;
	int len = (int)c->bytes, rc = MPI_SUCCESS;
	if (c->rank == 0) {
		for (long i = 0; i < n && rc == MPI_SUCCESS; i++) {
			rc = MPI_Send(send, len, MPI_BYTE, peer, 7, c->comm);
			if (rc == MPI_SUCCESS)
				rc = MPI_Recv(recv, len, MPI_BYTE, peer, 7, c->comm, MPI_STATUS_IGNORE);
		}
	} else if (c->rank == peer) {
		/* The peer echoes what it received, so rank 0 can check the round trip. */
		for (long i = 0; i < n && rc == MPI_SUCCESS; i++) {
			rc = MPI_Recv(recv, len, MPI_BYTE, 0, 7, c->comm, MPI_STATUS_IGNORE);
			if (rc == MPI_SUCCESS)
				rc = MPI_Send(recv, len, MPI_BYTE, 0, 7, c->comm);
		}
	}
	return rc;
}

static uint64_t pingpong_check(struct cb_kernel_ctx *k, const struct cb_case *c, const void *send, void *recv)
{
	(void)send;
	if (c->rank != 0 && c->rank != tier_peer(k->map, c->algo_index))
		return 0;
	uint64_t wrong = 0;
	for (uint64_t i = 0; i < c->count; i++) {
		unsigned char got = ((unsigned char *)recv)[i], want = pattern_byte(0, i);
		if (got != want && wrong++ < 3)
			fprintf(stderr, "cpobench: check failed: pingpong %s %llu B: rank %d byte %llu = %u, expected %u\n",
				c->algo, (unsigned long long)c->bytes, c->rank, (unsigned long long)i, got, want);
	}
	return wrong;
}

static void pingpong_row_extra(struct cb_kernel_ctx *k, const struct cb_case *c, json_t *row)
{
	const struct cb_mapping *m = k->map;
	int t = c->algo_index;
	json_object_set_new(row, "tier", json_integer(t));
	json_object_set_new(row, "tier_name", json_string(m->tier_name[t]));
	json_object_set_new(row, "pair", json_pack("[i,i]", 0, tier_peer(m, t)));
	json_object_set_new(row, "round_trips", json_integer(((struct pingpong_cfg *)k->cfg)->round_trips));
}

/* Rank 0, after the sweep: fit each tier's medians; "calibration" in the result. */
static void pingpong_finish(struct cb_kernel_ctx *k, json_t *doc, FILE *out)
{
	const struct cb_mapping *m = k->map;
	json_t *rows = json_object_get(doc, "rows"), *cal = json_object();
	size_t nrows = json_array_size(rows);
	double *bytes = malloc((nrows ? nrows : 1) * sizeof(double)), *secs = malloc((nrows ? nrows : 1) * sizeof(double));
	if (!bytes || !secs) {
		free(bytes);
		free(secs);
		json_decref(cal);
		return;
	}
	for (int t = 0; t < m->ntiers; t++) {
		size_t n = 0, i;
		json_t *row;
		json_array_foreach(rows, i, row) {
			if (json_integer_value(json_object_get(row, "tier")) != t || !json_object_get(row, "tier"))
				continue;
			bytes[n] = (double)json_integer_value(json_object_get(row, "bytes"));
			secs[n++] = json_number_value(json_object_get(json_object_get(row, "time_us"), "median")) * 1e-6;
		}
		if (!n)
			continue;
		struct cb_fit f;
		char err[256], key[16];
		snprintf(key, sizeof key, "tier%d", t);
		json_t *e = json_pack("{s:i, s:s, s:[i,i], s:i, s:s}", "tier", t, "name", m->tier_name[t], "pair", 0,
				      tier_peer(m, t), "points", (int)n, "method",
				      "time = alpha_s + bytes / beta_Bps per message (half round trip); relative least "
				      "squares over the median time of every size");
		if (cb_fit_alpha_beta(bytes, secs, n, &f, err, sizeof err) != 0) {
			json_object_set_new(e, "error", json_string(err));
			fprintf(out, "# calibration %s (%s): not fitted: %s\n", key, m->tier_name[t], err);
		} else {
			json_object_set_new(e, "alpha_s", json_real(f.alpha_s));
			json_object_set_new(e, "beta_Bps", isinf(f.beta_Bps) ? json_null() : json_real(f.beta_Bps));
			json_object_set_new(e, "r2", json_real(f.r2));
			json_object_set_new(e, "max_rel_residual", json_real(f.max_rel_residual));
			json_object_set_new(e, "rms_rel_residual", json_real(f.rms_rel_residual));
			json_object_set_new(e, "constraint", f.constraint ? json_string(f.constraint) : json_null());
			char bw[32];
			if (isinf(f.beta_Bps))
				snprintf(bw, sizeof bw, "inf (time flat in size)");
			else
				snprintf(bw, sizeof bw, "%.3f GB/s", f.beta_Bps / 1e9);
			fprintf(out, "# calibration %s (%s, ranks 0-%d): alpha %.3f us, beta %s, r2 %.4f, max residual %.0f%% "
				     "over %zu sizes%s%s\n",
				key, m->tier_name[t], tier_peer(m, t), f.alpha_s * 1e6, bw, f.r2, f.max_rel_residual * 100, n,
				f.constraint ? "; held at " : "", f.constraint ? f.constraint : "");
		}
		json_object_set_new(cal, key, e);
	}
	free(bytes);
	free(secs);
	json_object_set_new(doc, "calibration", cal);
}

const struct cb_kernel cb_kernel_pingpong = {
	.name = "pingpong",
	.summary = "latency and bandwidth of one rank pair per tier (intra-/cross-domain), alpha-beta fit per tier",
	.algos = pingpong_algos,
	.flags = CB_KERNEL_BYTES,
	.size_convention = "size = bytes of one message; time = half round trip (osu_latency); algbw = size / time; busbw factor 1",
	.kopts = pingpong_kopts,
	.cfg_size = sizeof(struct pingpong_cfg),
	.cfg_defaults = pingpong_cfg_defaults,
	.cfg_set = pingpong_cfg_set,
	.init = pingpong_init,
	.busbw_factor = pingpong_busbw,
	.count_of = pingpong_count,
	.buffer_bytes = pingpong_buffers,
	.fill = pingpong_fill,
	.run = pingpong_run,
	.check = pingpong_check,
	.row_extra = pingpong_row_extra,
	.algo_available = pingpong_available,
	.ops_per_run = pingpong_ops,
	.finish = pingpong_finish,
};
