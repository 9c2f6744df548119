/* --timeout: per-size-step alarm that turns a hang into exit status 3. */
#include "config.h"
#include "harness/watchdog.h"

#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/time.h>
#include <unistd.h>

static char what[512];
static volatile const char *phase = "setup";

static void on_alarm(int sig)
{
	(void)sig;
	/* async-signal-safe: write(2) and _exit(2) only */
	const char *p = (const char *)phase;
	if (write(STDERR_FILENO, what, strlen(what)) < 0 || write(STDERR_FILENO, p, strlen(p)) < 0 ||
	    write(STDERR_FILENO, ")\n", 2) < 0)
		_exit(3);
	_exit(3);
}

void cb_watchdog_arm(double seconds, int rank, const char *kernel, const char *algo, unsigned long long bytes)
{
	if (seconds <= 0)
		return;
	snprintf(what, sizeof what,
		 "cpobench: rank %d: timeout: %s algo %s size %llu B did not finish within %g s (phase: ", rank,
		 kernel, algo, bytes, seconds);
	phase = "setup";
	struct sigaction sa;
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_alarm;
	sigaction(SIGALRM, &sa, NULL);
	struct itimerval it = { { 0, 0 }, { (time_t)seconds, (suseconds_t)((seconds - (double)(time_t)seconds) * 1e6) } };
	if (it.it_value.tv_sec == 0 && it.it_value.tv_usec == 0)
		it.it_value.tv_usec = 1;
	setitimer(ITIMER_REAL, &it, NULL);
}

void cb_watchdog_phase(const char *p)
{
	phase = p;
}

void cb_watchdog_disarm(void)
{
	struct itimerval it;
	memset(&it, 0, sizeof it);
	setitimer(ITIMER_REAL, &it, NULL);
}
