/*
 * --timeout: a per-size-step alarm.  If a step (warm-up, timed iterations and
 * check of one size) does not finish in time, the rank prints what it was
 * doing and exits with status 3; result files written so far stay intact.
 */
#ifndef CB_WATCHDOG_H
#define CB_WATCHDOG_H

void cb_watchdog_arm(double seconds, int rank, const char *kernel, const char *algo, unsigned long long bytes);
void cb_watchdog_phase(const char *phase);   /* a string literal */
void cb_watchdog_disarm(void);

#endif
