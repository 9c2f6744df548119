/*
 * --timeout: a hung size step becomes exit status 3 with a message naming
 * kernel, algorithm, size, phase and -- when the hang is at the barrier
 * before an iteration -- the ranks that had not arrived.  Result files
 * written so far stay intact (they are rewritten atomically per size).
 *
 * Two mechanisms: with a timeout, the barrier before each iteration is an
 * MPI_Ibarrier polled against the step's deadline; at the deadline every
 * rank that did arrive tells rank 0 on a side communicator, rank 0 names
 * the others and aborts the job.  A hang inside an operation (no MPI call
 * can run there) is caught by an alarm shortly after the deadline: each
 * rank prints where it was and exits 3.
 */
#ifndef CB_WATCHDOG_H
#define CB_WATCHDOG_H

#include <mpi.h>

/* Collective: seconds <= 0 turns everything into plain MPI_Barrier. */
void cb_watchdog_init(MPI_Comm comm, double seconds);
void cb_watchdog_fini(void);
/* Start a size step: its deadline is now + seconds. */
void cb_watchdog_arm(const char *kernel, const char *algo, unsigned long long bytes);
void cb_watchdog_phase(const char *phase, long iteration);  /* phase: a string literal */
/* The barrier before a timed iteration or the check. */
void cb_watchdog_barrier(void);
void cb_watchdog_disarm(void);

#endif
