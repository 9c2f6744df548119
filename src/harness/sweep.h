/* The measurement loop: sizes x variants, timed per DESIGN.md "Measurement rules". */
#ifndef CB_SWEEP_H
#define CB_SWEEP_H

#include <stdio.h>

#include "core/result.h"
#include "harness/kernel.h"
#include "harness/meta.h"

/* Exit statuses (documented in --help and README). */
enum { CB_EXIT_OK = 0, CB_EXIT_WRONG = 1, CB_EXIT_USAGE = 2, CB_EXIT_TIMEOUT = 3 };

/*
 * Refuse, before measuring, what cannot run: algorithms the kernel lacks,
 * counts beyond MPI's int, memory the node does not have.  Collective;
 * returns CB_EXIT_OK or CB_EXIT_USAGE (message printed by rank 0).
 */
int cb_sweep_validate(const struct cb_kernel *K, struct cb_kernel_ctx *k, const struct cb_run_info *info);
/* Collective.  res may be NULL on ranks other than 0.  Returns an exit status. */
int cb_sweep_run(const struct cb_kernel *K, struct cb_kernel_ctx *k,
		 struct cb_result *res, FILE *out);

#endif
