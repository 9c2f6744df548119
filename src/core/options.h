/* Command-line options shared by every kernel, plus each kernel's own. */
#ifndef CB_OPTIONS_H
#define CB_OPTIONS_H

#include <stdint.h>
#include <stdio.h>

#include "core/dtype.h"

#define CB_MAX_LIST 16

/* A kernel-specific option: --name [ARG]. */
struct cb_kopt {
	const char *name;
	int has_arg;            /* 0 or 1 */
	const char *metavar;
	const char *help;
};

typedef int (*cb_kopt_set_fn)(void *cfg, const char *name, const char *arg, char *err, size_t errlen);

/* Test-only fault injection (--test-fault), parsed once when the option is read. */
enum cb_fault_kind {
	CB_FAULT_NONE = 0,
	CB_FAULT_CORRUPT,      /* "corrupt": one wrong element in the checked result */
	CB_FAULT_STALL,        /* "stall": the last rank sleeps before a size step */
	CB_FAULT_STALL_IN_OP,  /* "stall-in-op": the last rank sleeps inside the operation */
	CB_FAULT_KILL,         /* "kill:N": the last rank exits at size step N */
	CB_FAULT_ENOSPC,       /* "enospc:N": writing the result after size step N fails */
	CB_FAULT_INVALID,      /* anything else: refused with the option's message */
};
struct cb_fault {
	enum cb_fault_kind kind;
	long step;             /* N of kill:N and enospc:N, else -1 */
};
/* Parse a --test-fault value; an unknown or malformed one gives CB_FAULT_INVALID. */
struct cb_fault cb_fault_parse(const char *spec);

struct cb_opts {
	uint64_t min_bytes, max_bytes, step_factor;
	long iters, warmup;
	int check;
	int in_place;
	int off_cache;
	double timeout_s;          /* 0: off */
	const char *algos[CB_MAX_LIST];
	int nalgos;                /* 0: all of the kernel's */
	enum cb_dtype dtypes[CB_MAX_LIST];
	int ndtypes;
	enum cb_op ops[CB_MAX_LIST];
	int nops;
	const char *json_path;     /* NULL: <output_dir>/<kernel>-<stamp>.json */
	const char *output_dir;
	const char *topology;      /* file or shipped name; NULL: none */
	long domain_size;          /* 0: ranks sharing a node form a domain */
	int bind_none;             /* --bind none: leave ranks where the launcher put them */
	int domain_auto;           /* --domain-size auto: from the allocation's topology (domain_size 0) */
	int domain_size_given;     /* --domain-size was on the command line */
	int output_dir_given;      /* --output-dir was on the command line (else results/, or results/JOBID/ under Slurm) */
	const char *test_fault;    /* test-only fault injection, e.g. "corrupt" (as given) */
	struct cb_fault fault;     /* test_fault parsed */
	int help;
	int sizes_given;           /* -b, -e or -f was on the command line */
	char *cmdline;             /* argv joined, for the record */
	char *algo_list;           /* storage behind algos[] */
};

void cb_opts_defaults(struct cb_opts *o);
/*
 * Parse argv[first..argc) for kernel `kernel`.  kopts/kset/kcfg add the
 * kernel's own options.  Returns 0, or -1 with a one-line message in err
 * naming the option and what was expected.
 */
int cb_opts_parse(struct cb_opts *o, int argc, char **argv, int first,
		  const struct cb_kopt *kopts, cb_kopt_set_fn kset, void *kcfg,
		  char *err, size_t errlen);
void cb_opts_usage(FILE *f, const char *kernel, const char *summary, const char *const *algos,
		   const struct cb_kopt *kopts);
void cb_opts_free(struct cb_opts *o);

#endif
