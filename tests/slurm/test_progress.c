/* Progress line: when it shows, its text, and the ETA estimate. */
#include "config.h"
#include "core/progress.h"
#include "tests/tap.h"

#include <stdlib.h>

int main(void)
{
	ok(cb_progress_wanted(1, NULL, NULL, NULL) == 1, "terminal, no Slurm: on");
	ok(cb_progress_wanted(0, NULL, NULL, NULL) == 0, "stderr not a terminal: off");
	ok(cb_progress_wanted(1, NULL, "42", NULL) == 0, "Slurm batch job: off even on a terminal");
	ok(cb_progress_wanted(1, NULL, "42", "35001") == 1, "srun --pty (SLURM_PTY_PORT): on");
	ok(cb_progress_wanted(0, "1", "42", NULL) == 1, "CPOBENCH_PROGRESS=1 forces it on");
	ok(cb_progress_wanted(1, "0", NULL, NULL) == 0, "CPOBENCH_PROGRESS=0 forces it off");

	char buf[160];
	cb_progress_format(buf, sizeof buf, "allreduce", 2, 20, 65536, 62.0, 190.0);
	is_str(buf, "allreduce  size 3/20 (64 KiB)  elapsed 1m02s  ETA ~3m10s", "line text");
	cb_progress_format(buf, sizeof buf, "alltoall", 0, 4, 8, 0.2, -1);
	is_str(buf, "alltoall  size 1/4 (8 B)  elapsed 0s  ETA ~?", "first step: ETA unknown");
	cb_progress_format(buf, sizeof buf, "kvcache", 9, 10, 1ull << 30, 7300, 5);
	is_str(buf, "kvcache  size 10/10 (1 GiB)  elapsed 2h01m  ETA ~5s", "hours");

	/* sizes 0 B and 128 KiB - 64 KiB: weights 64K and 192K: after the first, 3 units left per unit done */
	uint64_t sizes[] = { 0, 131072 };
	is_num(cb_progress_eta(sizes, 2, 1, 10.0), 30.0, 1e-9, "ETA in proportion to bytes + 64 KiB floor");
	is_num(cb_progress_eta(sizes, 2, 2, 10.0), 0.0, 1e-9, "nothing left: ETA 0");
	ok(cb_progress_eta(sizes, 2, 0, 10.0) < 0, "nothing done: no estimate");

	/* drawing: \r, clear-to-end, text; clear removes it; off writes nothing */
	char *mem = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&mem, &len);
	struct cb_progress p;
	cb_progress_start(&p, f, "allreduce", sizes, 2, 100.0);
	cb_progress_update(&p, 1, 110.0);
	cb_progress_clear(&p);
	cb_progress_clear(&p);
	fclose(f);
	is_str(mem, "\r\033[Kallreduce  size 1/2 (0 B)  elapsed 0s  ETA ~?"
		    "\r\033[Kallreduce  size 2/2 (128 KiB)  elapsed 10s  ETA ~30s\r\033[K",
	       "start, update, clear (once)");
	free(mem);
	struct cb_progress off;
	cb_progress_start(&off, NULL, "allreduce", sizes, 2, 0);
	cb_progress_update(&off, 1, 1);
	cb_progress_clear(&off);
	ok(off.drawn == 0, "off: nothing drawn");
	return tap_done();
}
