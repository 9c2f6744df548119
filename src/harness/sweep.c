/*
 * The measurement loop.  For each size, every variant (dtype x op x algo) runs
 * back to back, so variants are interleaved in time and share the machine's
 * noise.  Per variant: prepare, fill, warm-up, timed iterations (barrier, then
 * each rank times its own call; the iteration's time is the maximum over
 * ranks), then one untimed check.  Rank 0 rewrites the result files after
 * every size.
 */
#include "config.h"
#include "harness/sweep.h"
#include "harness/cbmem.h"
#include "harness/watchdog.h"
#include "core/hwinfo.h"
#include "core/progress.h"
#include "core/table.h"
#include "core/units.h"

#include <limits.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define SLOT_ALIGN 64

/* Buffers for one variant; with --off-cache, many slots spanning >= 2x LLC. */
struct slots {
	char *base;
	size_t send, recv, stride;
	long n;
};

static size_t round_up(size_t v, size_t a)
{
	return (v + a - 1) / a * a;
}

static long slot_count(const struct cb_opts *o, size_t stride)
{
	if (!o->off_cache)
		return 1;
	/* Enough slots to span 2x the LLC, but never more than the iterations
	 * use (IMB's -off_cache does the same): tiny messages stay cache-warm
	 * either way, and millions of slots would only cost memory and time. */
	uint64_t llc2 = 2 * cb_hwinfo_llc_bytes();
	uint64_t n = (llc2 + stride - 1) / (stride ? stride : 1);
	uint64_t used = (uint64_t)o->warmup + (uint64_t)o->iters + 1;
	if (n > used)
		n = used;
	return n < 2 ? 2 : (long)n;
}

static void case_init(struct cb_case *c, const struct cb_kernel *K, struct cb_kernel_ctx *k, uint64_t bytes,
		      enum cb_dtype dt, enum cb_op op, const char *algo, int ai)
{
	memset(c, 0, sizeof *c);
	if (K->flags & CB_KERNEL_BYTES)
		dt = CB_DTYPE_BYTE;
	c->algo = algo;
	c->algo_index = ai;
	c->dtype = dt;
	c->op = (K->flags & CB_KERNEL_USES_OP) ? op : CB_OP_NONE;
	c->bytes = bytes;
	c->in_place = (K->flags & CB_KERNEL_IN_PLACE) ? k->opts->in_place : 0;
	c->rank = k->rank;
	c->nranks = k->nranks;
	c->comm = k->comm;
	c->opts = k->opts;
	c->map = k->map;
	c->kstate = k->state;
	c->count = K->count_of ? K->count_of(c) : bytes / cb_dtype_size(dt);
	c->bytes = K->count_of ? bytes : c->count * cb_dtype_size(dt);
	if (K->bytes_of)
		c->bytes = K->bytes_of(c);
}

/* Bytes per rank one variant needs: buffer slots plus kernel scratch. */
static uint64_t case_footprint(const struct cb_kernel *K, const struct cb_case *c, const struct cb_opts *o)
{
	size_t s, r;
	K->buffer_bytes(c, &s, &r);
	size_t stride = round_up(round_up(s, SLOT_ALIGN) + r, SLOT_ALIGN);
	uint64_t total = (uint64_t)stride * (uint64_t)slot_count(o, stride);
	return total + (K->scratch_bytes ? K->scratch_bytes(c) : 0);
}

/* The variants a run can choose from: the kernel's algos, or its run-time variants. */
static const char *const *kernel_algos(const struct cb_kernel *K, struct cb_kernel_ctx *k)
{
	const char *const *v = K->variants ? K->variants(k) : NULL;
	return v ? v : K->algos;
}

/* --algo X names variant X, or with run-time variants every "X:..." one. */
static int algo_matches(const struct cb_kernel *K, const char *variant, const char *want)
{
	size_t n = strlen(want);
	return strcmp(variant, want) == 0 || (K->variants && strncmp(variant, want, n) == 0 && variant[n] == ':');
}

static int algo_index(const char *const *algos, const char *name)
{
	for (int i = 0; algos[i]; i++)
		if (strcmp(algos[i], name) == 0)
			return i;
	return -1;
}

static int algo_known(const struct cb_kernel *K, const char *const *algos, const char *want)
{
	for (int i = 0; algos[i]; i++)
		if (algo_matches(K, algos[i], want))
			return 1;
	return 0;
}

/* The sizes to measure: the kernel's own list, or the -b/-e/-f sweep. */
static long sweep_sizes(const struct cb_kernel *K, struct cb_kernel_ctx *k, uint64_t **sizes)
{
	const struct cb_opts *o = k->opts;
	long n = K->sizes ? K->sizes(k, sizes) : -1;
	return n >= 0 ? n : cb_sizes_sweep(o->min_bytes, o->max_bytes, o->step_factor, sizes);
}

int cb_sweep_validate(const struct cb_kernel *K, struct cb_kernel_ctx *k, const struct cb_run_info *info)
{
	const struct cb_opts *o = k->opts;
	char msg[768] = "";
	uint64_t *sizes = NULL, max_bytes = o->max_bytes;
	long nsizes = sweep_sizes(K, k, &sizes);
	if (K->sizes && nsizes > 0) {
		max_bytes = 0;
		for (long i = 0; i < nsizes; i++)
			max_bytes = sizes[i] > max_bytes ? sizes[i] : max_bytes;
	}
	free(sizes);
	const char *const *algos = kernel_algos(K, k);
	for (int i = 0; i < o->nalgos && !msg[0]; i++)
		if (!algo_known(K, algos, o->algos[i])) {
			int n = snprintf(msg, sizeof msg, "--algo: unknown algorithm '%s' for %s (expected", o->algos[i],
					 K->name);
			for (int j = 0; algos[j] && n < (int)sizeof msg - 16; j++)
				n += snprintf(msg + n, sizeof msg - (size_t)n, "%s%s", j ? ", " : " ", algos[j]);
			snprintf(msg + n, sizeof msg - (size_t)(n < (int)sizeof msg ? n : (int)sizeof msg - 1), ")");
		}

	if (!msg[0] && o->fault.kind == CB_FAULT_INVALID)
		snprintf(msg, sizeof msg, "--test-fault: '%s' is not one of corrupt, stall, stall-in-op, kill:N, enospc:N",
			 o->test_fault);

	/* Algorithms this mapping cannot run: refused when named, skipped otherwise. */
	int navailable = 0;
	char why[256] = "";
	for (int a = 0; K->algos[a] && !msg[0]; a++) {
		char w[256] = "";
		int named = 0;
		for (int i = 0; i < o->nalgos; i++)
			named |= strcmp(o->algos[i], K->algos[a]) == 0;
		if (!K->algo_available || K->algo_available(k, a, w, sizeof w)) {
			navailable += named || !o->nalgos;
			continue;
		}
		if (named)
			snprintf(msg, sizeof msg, "--algo %s: %s", K->algos[a], w);
		else if (!why[0])
			snprintf(why, sizeof why, "%s", w);
	}
	if (!msg[0] && !navailable)
		snprintf(msg, sizeof msg, "no algorithm of %s can run here: %s", K->name, why);

	/* Largest footprint over every variant at the largest size. */
	uint64_t need = 0;
	const char *worst_algo = "";
	enum cb_dtype worst_dt = o->dtypes[0];
	int ndtypes = (K->flags & CB_KERNEL_BYTES) ? 1 : o->ndtypes;
	for (int d = 0; d < ndtypes && !msg[0]; d++)
		for (int a = 0; algos[a]; a++) {
			struct cb_case c;
			case_init(&c, K, k, max_bytes, o->dtypes[d], o->ops[0], algos[a], a);
			if (c.count > INT_MAX) {
				char b[32];
				snprintf(msg, sizeof msg,
					 "-e/--max-bytes %s is %llu %s elements, more than an MPI count can hold (%d)",
					 cb_size_format(max_bytes, b, sizeof b), (unsigned long long)c.count,
					 cb_dtype_name(c.dtype), INT_MAX);
				break;
			}
			uint64_t f = case_footprint(K, &c, o);
			if (f > need) {
				need = f;
				worst_algo = algos[a];
				worst_dt = o->dtypes[d];
			}
		}
	uint64_t avail = cb_mem_available_bytes();
	uint64_t node_need = need * (uint64_t)cb_mem_copies(info->local_ranks, info->nranks);
	if (!msg[0] && avail && node_need > avail / 10 * 9) {
		char a[32], b[32], c[32], d[32];
		snprintf(msg, sizeof msg,
			 "-e/--max-bytes %s needs %s per rank (%s %s%s) x %ld copies in memory = %s, "
			 "but only %s is available; lower -e%s",
			 cb_size_format(max_bytes, a, sizeof a), cb_size_format(need, b, sizeof b), worst_algo,
			 cb_dtype_name(worst_dt), o->off_cache ? ", --off-cache slots" : "", cb_mem_copies(info->local_ranks, info->nranks),
			 cb_size_format(node_need, c, sizeof c), cb_size_format(avail, d, sizeof d),
			 o->off_cache ? " or drop --off-cache" : "");
	}
	/* Every rank must agree: any rank's refusal stops all. */
	int bad = msg[0] != '\0', anybad = 0;
	MPI_Allreduce(&bad, &anybad, 1, MPI_INT, MPI_MAX, k->comm);
	if (bad && (k->rank == 0 || info->local_rank == 0))
		fprintf(stderr, "cpobench %s: %s\n", K->name, msg);
	return anybad ? CB_EXIT_USAGE : CB_EXIT_OK;
}

static int slots_alloc(struct slots *s, const struct cb_kernel *K, const struct cb_case *c, const struct cb_opts *o)
{
	K->buffer_bytes(c, &s->send, &s->recv);
	s->stride = round_up(round_up(s->send, SLOT_ALIGN) + s->recv, SLOT_ALIGN);
	if (s->stride == 0)
		s->stride = SLOT_ALIGN;
	s->n = slot_count(o, s->stride);
	s->base = cb_mem_alloc(s->stride * (size_t)s->n);
	return s->base ? 0 : -1;
}

static void slot_ptrs(const struct slots *s, long i, void **send, void **recv)
{
	char *b = s->base + (size_t)(i % s->n) * s->stride;
	*send = s->send ? b : NULL;
	*recv = b + round_up(s->send, SLOT_ALIGN);
}

static void corrupt_one(const struct cb_case *c, const struct slots *s, void *recv)
{
	if (c->rank == c->nranks - 1 && s->recv > 0)
		((unsigned char *)recv)[0] ^= 0xFF;
}

/* One variant: returns 0 and fills row, or -1 on an allocation failure. */
static int run_case(const struct cb_kernel *K, struct cb_kernel_ctx *k, struct cb_case *c, double *samples,
		    double *maxed, struct cb_row *row, uint64_t *wrong_total)
{
	const struct cb_opts *o = k->opts;
	struct slots s = { 0 };
	int ok = slots_alloc(&s, K, c, o) == 0 && (!K->prepare || K->prepare(k, c) == 0);
	int allok = 0;
	MPI_Allreduce(&ok, &allok, 1, MPI_INT, MPI_MIN, k->comm);
	if (!allok) {
		cb_mem_free(s.base);
		if (K->release)
			K->release(k, c);
		return -1;
	}
	void *send, *recv;
	cb_watchdog_phase("fill", -1);
	for (long i = 0; i < s.n && !cb_mem_folded(); i++) {
		slot_ptrs(&s, i, &send, &recv);
		K->fill(k, c, send, recv);
	}

	unsigned ops = K->ops_per_run ? K->ops_per_run(k, c) : 1;
	if (!ops)
		ops = 1;
	for (long i = 0; i < o->warmup; i++) {
		cb_watchdog_phase("warm-up", i);
		slot_ptrs(&s, i, &send, &recv);
		K->run(k, c, send, recv);
	}
	/* test-only: from the second size on, the last rank stops before the
	 * barrier (stall) or skips the operation (stall-in-op) so the others
	 * hang in it; --timeout must turn either into exit status 3. */
	int stall = o->fault.kind == CB_FAULT_STALL && c->rank == c->nranks - 1 && (c->bytes > o->min_bytes || o->min_bytes == o->max_bytes);
	int stall_in_op = o->fault.kind == CB_FAULT_STALL_IN_OP && c->rank == c->nranks - 1 &&
			  (c->bytes > o->min_bytes || o->min_bytes == o->max_bytes);
	for (long i = 0; i < o->iters; i++) {
		slot_ptrs(&s, o->warmup + i, &send, &recv);
		cb_watchdog_phase("barrier before timed iteration", i);
		while (stall)
			pause();
		cb_watchdog_barrier();
		cb_watchdog_phase("timed iteration", i);
		while (stall_in_op)
			pause();
		double t0 = MPI_Wtime();
		K->run(k, c, send, recv);
		samples[i] = (MPI_Wtime() - t0) * 1e6 / ops;
	}
	cb_watchdog_phase("collecting samples", -1);
	MPI_Reduce(samples, maxed, (int)o->iters, MPI_DOUBLE, MPI_MAX, 0, k->comm);

	uint64_t wrong = 0;
	if (o->check) {
		cb_watchdog_phase("barrier before check", -1);
		slot_ptrs(&s, 0, &send, &recv);
		K->fill(k, c, send, recv);
		cb_watchdog_barrier();
		cb_watchdog_phase("check", -1);
		K->run(k, c, send, recv);
		if (o->fault.kind == CB_FAULT_CORRUPT)
			corrupt_one(c, &s, recv);
		wrong = K->check(k, c, send, recv);
	}
	MPI_Reduce(&wrong, wrong_total, 1, MPI_UINT64_T, MPI_SUM, 0, k->comm);
	if (K->collect)
		K->collect(k, c);

	memset(row, 0, sizeof *row);
	if (k->rank == 0) {
		cb_stats_compute(maxed, (size_t)o->iters, &row->time_us);
		row->algo = c->algo;
		row->bytes = K->row_bytes ? K->row_bytes(k, c) : c->bytes;
		row->count = c->count;
		row->dtype = K->dtype_name ? K->dtype_name(c) : cb_dtype_name(c->dtype);
		row->op = cb_op_name(c->op);
		row->in_place = c->in_place;
		row->iters = o->iters;
		double med_s = row->time_us.median * 1e-6;
		row->algbw_GBps = med_s > 0 ? (double)row->bytes / med_s / 1e9 : 0;
		row->busbw_GBps = row->algbw_GBps * K->busbw_factor(c->nranks);
		row->check = !o->check ? "off" : (*wrong_total ? "fail" : "pass");
		row->wrong = *wrong_total;
	}
	if (K->row_extra && k->rank == 0) {
		row->extra = json_object();
		K->row_extra(k, c, row->extra);
	}
	if (K->release)
		K->release(k, c);
	cb_mem_free(s.base);
	return 0;
}

int cb_sweep_run(const struct cb_kernel *K, struct cb_kernel_ctx *k,
		 struct cb_result *res, FILE *out)
{
	const struct cb_opts *o = k->opts;
	uint64_t *sizes = NULL;
	long nsizes = sweep_sizes(K, k, &sizes);
	if (nsizes < 0)
		return CB_EXIT_USAGE;

	const char *const *all = kernel_algos(K, k);
	const char *algos[512];
	int nalgos = 0;
	if (K->variants)  /* run-time variants: those --algo selects, in the kernel's order */
		for (int i = 0; all[i] && nalgos < (int)(sizeof algos / sizeof algos[0]); i++) {
			int chosen = o->nalgos == 0;
			for (int j = 0; j < o->nalgos && !chosen; j++)
				chosen = algo_matches(K, all[i], o->algos[j]);
			if (chosen)
				algos[nalgos++] = all[i];
		}
	else if (o->nalgos)
		for (int i = 0; i < o->nalgos; i++)
			algos[nalgos++] = o->algos[i];
	else {
		const char *const *list = k->default_algos ? k->default_algos : K->algos;
		for (int i = 0, n = 0; list[i] && nalgos < (int)(sizeof algos / sizeof algos[0]); i++) {
			char why[256] = "", next[256] = "";
			int ai = algo_index(all, list[i]);
			if (K->algo_available && ai >= 0 && !K->algo_available(k, ai, why, sizeof why)) {
				/* One line per run of algorithms skipped for the same reason. */
				int ni = list[i + 1] ? algo_index(all, list[i + 1]) : -1;
				int last = ni < 0 || K->algo_available(k, ni, next, sizeof next) || strcmp(next, why) != 0;
				if (k->rank == 0)
					fprintf(out, "%s%s", n++ ? ", " : "# skipped: ", list[i]);
				if (k->rank == 0 && last)
					fprintf(out, ": %s\n", why);
				if (last)
					n = 0;
				continue;
			}
			algos[nalgos++] = list[i];
		}
	}

	int nops = (K->flags & CB_KERNEL_USES_OP) ? o->nops : 1;
	double *samples = malloc((size_t)o->iters * sizeof *samples);
	double *maxed = malloc((size_t)o->iters * sizeof *maxed);
	int status = CB_EXIT_OK;
	if (!samples || !maxed) {
		status = CB_EXIT_USAGE;
		goto out;
	}
	if (k->rank == 0)
		cb_table_header_cols(out, k->columns ? k->columns : K->columns);
	cb_watchdog_init(k->comm, o->timeout_s);
	struct cb_progress prog = { 0 };
	if (k->rank == 0 && cb_progress_wanted(isatty(STDERR_FILENO), getenv("CPOBENCH_PROGRESS"),
					       getenv("SLURM_JOB_ID"), getenv("SLURM_PTY_PORT"))) {
		fflush(out);
		cb_progress_start(&prog, stderr, K->name, sizes, nsizes, MPI_Wtime());
	}

	int ndtypes = (K->flags & CB_KERNEL_BYTES) ? 1 : o->ndtypes;
	for (long si = 0; si < nsizes && status != CB_EXIT_USAGE; si++) {
		/* test-only: the last rank dies after kill:N finished sizes */
		if (o->fault.kind == CB_FAULT_KILL && si == o->fault.step && k->rank == k->nranks - 1)
			raise(SIGKILL);
		for (int d = 0; d < ndtypes; d++)
			for (int p = 0; p < nops; p++)
				for (int a = 0; a < nalgos; a++) {
					struct cb_case c;
					struct cb_row row;
					uint64_t wrong = 0;
					case_init(&c, K, k, sizes[si], o->dtypes[d], o->ops[p], algos[a],
						  algo_index(all, algos[a]));
					cb_watchdog_arm(K->name, c.algo, (unsigned long long)c.bytes);
					int rc = run_case(K, k, &c, samples, maxed, &row, &wrong);
					cb_watchdog_disarm();
					if (rc != 0) {
						if (k->rank == 0)
							fprintf(stderr, "cpobench %s: cannot allocate buffers for %s at %llu B\n",
								K->name, c.algo, (unsigned long long)c.bytes);
						status = CB_EXIT_USAGE;
						goto sizes_done;
					}
					if (k->rank == 0) {
						cb_progress_clear(&prog);
						cb_table_row_cols(out, &row, k->columns ? k->columns : K->columns);
						cb_result_add_row(res, &row);
						json_decref(row.extra);
						if (wrong && status == CB_EXIT_OK)
							status = CB_EXIT_WRONG;
					}
				}
sizes_done:
		/* Rank 0 rewrites the files; a write failure stops every rank. */
		if (k->rank == 0) {
			char err[512];
			if (o->fault.kind == CB_FAULT_ENOSPC && si == o->fault.step)
				cb_result_inject_write_error(res, "No space left on device (injected by --test-fault)");
			if (cb_result_write(res, err, sizeof err) != 0) {
				fprintf(stderr, "cpobench %s: cannot write results: %s\n", K->name, err);
				status = CB_EXIT_USAGE;
			}
		}
		MPI_Bcast(&status, 1, MPI_INT, 0, k->comm);
		if (prog.f) {
			fflush(out);
			cb_progress_update(&prog, si + 1, MPI_Wtime());
		}
	}
	cb_watchdog_fini();
	cb_progress_clear(&prog);
out:
	free(samples);
	free(maxed);
	free(sizes);
	return status;
}
