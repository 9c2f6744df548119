/*
 * The kernel interface: everything the harness needs to sweep, time, check and
 * report one kind of operation.  A kernel is one file in benchmarks/ that
 * defines a `const struct cb_kernel` and one line in benchmarks/registry.c.
 * The harness (sweep, statistics, options, writers) knows nothing else of it.
 */
#ifndef CB_KERNEL_H
#define CB_KERNEL_H

#include <mpi.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <jansson.h>

#include "core/dtype.h"
#include "core/options.h"
#include "harness/mapping.h"
#include "topo/topo.h"

struct cb_column;  /* core/table.h */

/* One measured variant: what the sweep hands the kernel for each row. */
struct cb_case {
	const char *algo;      /* one of kernel->algos */
	int algo_index;
	enum cb_dtype dtype;
	enum cb_op op;         /* CB_OP_NONE when the kernel has no reduction */
	uint64_t bytes;        /* the row's size, as the kernel defines it */
	uint64_t count;        /* elements of dtype in that size */
	int in_place;
	int rank, nranks;
	MPI_Comm comm;
	const struct cb_opts *opts;
	const struct cb_mapping *map;  /* domains, as in the kernel context */
	void *kstate;                  /* the context's state, for hooks that see only the case */
};

/* Kernel-wide state: created once after options are parsed. */
struct cb_kernel_ctx {
	const struct cb_opts *opts;
	void *cfg;             /* kernel's own option values (cfg_size bytes) */
	void *state;           /* whatever init() keeps */
	MPI_Comm comm;
	int rank, nranks;
	const struct cb_mapping *map;  /* domains and tier communicators */
	const struct cb_topo *topo;    /* --topology, loaded on every rank; NULL without one */
	/* init() may set: the algorithms run when --algo is not given (NULL: all). */
	const char *const *default_algos;
	/* init() may set: extra table columns (NULL: the kernel's `columns`). */
	const struct cb_column *columns;
};

enum cb_kernel_flags {
	CB_KERNEL_USES_OP = 1u << 0,       /* --op applies */
	CB_KERNEL_IN_PLACE = 1u << 1,      /* --in-place applies */
	CB_KERNEL_BYTES = 1u << 2,         /* sizes are raw bytes: --dtype does not apply, rows say "byte" */
};

struct cb_kernel {
	const char *name;
	const char *summary;
	const char *const *algos;          /* NULL-terminated; all run by default */
	unsigned flags;
	const char *size_convention;       /* one line for the header and JSON */

	/* Kernel-specific options (NULL-terminated), parsed into cfg. */
	const struct cb_kopt *kopts;
	size_t cfg_size;
	void (*cfg_defaults)(void *cfg);
	int (*cfg_set)(void *cfg, const char *name, const char *arg, char *err, size_t errlen);

	int (*init)(struct cb_kernel_ctx *k, char *err, size_t errlen);   /* optional */
	void (*fini)(struct cb_kernel_ctx *k);                            /* optional */

	/* nccl-tests' bus-bandwidth factor for this operation at nranks. */
	double (*busbw_factor)(int nranks);
	/* Element count of one row of `bytes` bytes. */
	uint64_t (*count_of)(const struct cb_case *c);
	/* Optional: the row's actual size once count is known (e.g. rounded down
	 * to whole blocks per peer); default: the requested size. */
	uint64_t (*bytes_of)(const struct cb_case *c);
	/* Optional: the row's element type name when it is not the --dtype's
	 * (e.g. a kernel-specific element size); default cb_dtype_name(). */
	const char *(*dtype_name)(const struct cb_case *c);
	/* Per-rank bytes the harness allocates for one send and one recv buffer. */
	void (*buffer_bytes)(const struct cb_case *c, size_t *send, size_t *recv);
	/* Scratch the kernel itself needs per rank at this case (memory check). */
	size_t (*scratch_bytes)(const struct cb_case *c);

	int (*prepare)(struct cb_kernel_ctx *k, const struct cb_case *c);  /* before warm-up */
	void (*fill)(struct cb_kernel_ctx *k, const struct cb_case *c, void *send, void *recv);
	int (*run)(struct cb_kernel_ctx *k, const struct cb_case *c, void *send, void *recv);
	/* Number of wrong elements on this rank; prints the first few itself. */
	uint64_t (*check)(struct cb_kernel_ctx *k, const struct cb_case *c, const void *send, void *recv);
	void (*release)(struct cb_kernel_ctx *k, const struct cb_case *c);  /* after the case */
	/* Extra JSON fields for a row (optional). */
	void (*row_extra)(struct cb_kernel_ctx *k, const struct cb_case *c, json_t *row);

	/* Optional: the kernel's own list of sizes (malloc'd into *sizes), used
	 * instead of -b/-e/-f; return -1 to use the common sweep. */
	long (*sizes)(struct cb_kernel_ctx *k, uint64_t **sizes);
	/* Optional: on every rank after the timed iterations and the check, before
	 * row_extra; may communicate (e.g. reduce the kernel's own samples). */
	void (*collect)(struct cb_kernel_ctx *k, const struct cb_case *c);
	/* Optional: extra table columns, read from the row's extra JSON fields. */
	const struct cb_column *columns;   /* terminated by a NULL key */

	/* Optional: 0 if algorithm algo_index cannot run with this mapping (e.g. no
	 * rank pair crosses that tier), with the reason in why.  The sweep skips
	 * it when the run did not name it and refuses the run (exit 2) when it
	 * did.  Called on every rank, after the mapping is built. */
	int (*algo_available)(struct cb_kernel_ctx *k, int algo_index, char *why, size_t whylen);
	/* Optional: how many of the reported operation one run() performs (a
	 * ping-pong round trip is 2 messages); samples are divided by it. */
	unsigned (*ops_per_run)(struct cb_kernel_ctx *k, const struct cb_case *c);
	/* Optional: called once on rank 0 after a completed sweep with the result
	 * document (add top-level keys, e.g. "calibration") and the table stream
	 * (print # lines); the harness rewrites the result files afterwards. */
	void (*finish)(struct cb_kernel_ctx *k, json_t *doc, FILE *out);
	/* Optional: variant names known only after init (NULL-terminated, owned by the
	 * kernel); they replace algos in the sweep.  --algo X selects X and every "X:...". */
	const char *const *(*variants)(struct cb_kernel_ctx *k);
	/* Optional: bytes a row reports (and algbw divides by) when the size is not
	 * bytes; called on rank 0 between prepare and release. */
	uint64_t (*row_bytes)(struct cb_kernel_ctx *k, const struct cb_case *c);
	/* Optional, rank 0: describe the run's kernel settings, as '#' lines on f (when
	 * not NULL) and as fields added to the result's meta object (when not NULL). */
	void (*header)(struct cb_kernel_ctx *k, FILE *f, json_t *meta);
};

/* The registry (benchmarks/registry.c). */
extern const struct cb_kernel *const cb_kernels[];
const struct cb_kernel *cb_kernel_find(const char *name);

#endif
