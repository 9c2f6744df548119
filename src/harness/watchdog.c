/* --timeout: hung size steps become exit status 3 with the ranks that had not arrived. */
#include "config.h"
#include "harness/watchdog.h"

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>
#include <unistd.h>

#define PRESENCE_TAG 7001
#define COLLECT_S 0.5   /* rank 0 listens this long for arrived ranks */
#define ALARM_AFTER_S 1.5 /* the in-operation backstop fires this long after the deadline */

static MPI_Comm comm = MPI_COMM_NULL, side = MPI_COMM_NULL;
static int rank, nranks;
static double seconds, deadline;
static char what[384];
static volatile const char *phase = "setup";
static volatile long iteration = -1;

/* async-signal-safe decimal */
static size_t utoa(unsigned long v, char *buf)
{
	char tmp[24];
	size_t n = 0, i = 0;
	do
		tmp[n++] = (char)('0' + v % 10);
	while ((v /= 10) && n < sizeof tmp);
	while (n)
		buf[i++] = tmp[--n];
	return i;
}

static void on_alarm(int sig)
{
	(void)sig;
	char line[640];
	size_t n = strlen(what);
	memcpy(line, what, n);
	const char *p = (const char *)phase;
	size_t pl = strlen(p);
	memcpy(line + n, p, pl);
	n += pl;
	if (iteration >= 0) {
		memcpy(line + n, ", iteration ", 12);
		n += 12;
		n += utoa((unsigned long)iteration, line + n);
	}
	memcpy(line + n, ")\n", 2);
	n += 2;
	if (write(STDERR_FILENO, line, n) < 0)
		_exit(3);
	_exit(3);
}

void cb_watchdog_init(MPI_Comm c, double s)
{
	comm = c;
	seconds = s;
	MPI_Comm_rank(c, &rank);
	MPI_Comm_size(c, &nranks);
	if (s > 0) {
		MPI_Comm_dup(c, &side);
		struct sigaction sa;
		memset(&sa, 0, sizeof sa);
		sa.sa_handler = on_alarm;
		sigaction(SIGALRM, &sa, NULL);
	}
}

void cb_watchdog_fini(void)
{
	if (side != MPI_COMM_NULL)
		MPI_Comm_free(&side);
}

void cb_watchdog_arm(const char *kernel, const char *algo, unsigned long long bytes)
{
	if (seconds <= 0)
		return;
	snprintf(what, sizeof what, "cpobench: rank %d: timeout: %s algo %s size %llu B did not finish within %g s (phase: ",
		 rank, kernel, algo, bytes, seconds);
	phase = "setup";
	iteration = -1;
	deadline = MPI_Wtime() + seconds;
	double a = seconds + ALARM_AFTER_S;
	struct itimerval it = { { 0, 0 }, { (time_t)a, (suseconds_t)((a - (double)(time_t)a) * 1e6) } };
	setitimer(ITIMER_REAL, &it, NULL);
}

void cb_watchdog_phase(const char *p, long i)
{
	phase = p;
	iteration = i;
}

void cb_watchdog_disarm(void)
{
	if (seconds <= 0)
		return;
	struct itimerval it;
	memset(&it, 0, sizeof it);
	setitimer(ITIMER_REAL, &it, NULL);
}

/* Rank 0, at the deadline: hear from every rank that arrived, name the rest, abort. */
static void name_missing(void)
{
	char *seen = calloc((size_t)nranks, 1);
	seen[0] = 1;
	double until = MPI_Wtime() + COLLECT_S;
	while (MPI_Wtime() < until) {
		int flag = 0;
		MPI_Status st;
		MPI_Iprobe(MPI_ANY_SOURCE, PRESENCE_TAG, side, &flag, &st);
		if (flag) {
			int dummy;
			MPI_Recv(&dummy, 1, MPI_INT, st.MPI_SOURCE, PRESENCE_TAG, side, MPI_STATUS_IGNORE);
			seen[st.MPI_SOURCE] = 1;
		}
	}
	char list[1024];
	int n = 0, missing = 0;
	for (int r = 0; r < nranks; r++)
		if (!seen[r]) {
			if (missing < 32 && n < (int)sizeof list - 16)
				n += snprintf(list + n, sizeof list - (size_t)n, "%s%d", missing ? ", " : "", r);
			missing++;
		}
	if (missing > 32)
		snprintf(list + n, sizeof list - (size_t)n, ", ... (%d in all)", missing);
	char head[384];
	snprintf(head, sizeof head, "%s", what);
	head[strcspn(head, "(")] = '\0';
	fprintf(stderr, "%s(phase: %s, iteration %ld): rank%s %s had not arrived at the barrier\n", head,
		(const char *)phase, (long)iteration, missing == 1 ? "" : "s", missing ? list : "(none?)");
	fflush(stderr);
	free(seen);
	MPI_Abort(comm, 3);
}

void cb_watchdog_barrier(void)
{
	if (seconds <= 0) {
		MPI_Barrier(comm);
		return;
	}
	MPI_Request req;
	int done = 0;
	MPI_Ibarrier(comm, &req);
	while (!done) {
		MPI_Test(&req, &done, MPI_STATUS_IGNORE);
		if (!done && MPI_Wtime() > deadline) {
			if (rank == 0)
				name_missing();
			int one = 1;
			MPI_Send(&one, 1, MPI_INT, 0, PRESENCE_TAG, side);
			for (;;)
				pause(); /* rank 0 aborts the job; the alarm is the backstop */
		}
	}
}
