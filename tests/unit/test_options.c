/* Common option parsing: defaults, lists, bad values with clear messages. */
#include "config.h"
#include "core/options.h"
#include "tests/tap.h"

static int parse(struct cb_opts *o, char *err, size_t n, int argc, char **argv)
{
	cb_opts_defaults(o);
	return cb_opts_parse(o, argc, argv, 2, NULL, NULL, NULL, err, n);
}

#define ARGV(...) (sizeof((char *[]){ __VA_ARGS__ }) / sizeof(char *)), ((char *[]){ __VA_ARGS__ })

int main(void)
{
	struct cb_opts o;
	char err[512];
	ok(parse(&o, err, sizeof err, ARGV("cpobench", "allreduce")) == 0, "no options");
	ok(o.min_bytes == 8 && o.max_bytes == 4 << 20 && o.step_factor == 2 && o.iters == 100 && o.warmup == 10,
	   "defaults");
	cb_opts_free(&o);
	ok(parse(&o, err, sizeof err,
		 ARGV("cpobench", "allreduce", "-b", "1K", "-e", "1M", "-f", "4", "-n", "5", "-w", "0", "-c",
		      "--algo", "ring,mpi", "--dtype", "double,int32", "--op", "all", "--in-place", "--json",
		      "x.json", "--timeout", "30")) == 0,
	   "all common options parse (%s)", err);
	ok(o.min_bytes == 1024 && o.max_bytes == 1 << 20 && o.step_factor == 4 && o.iters == 5 && o.warmup == 0 &&
		   o.check && o.in_place && o.timeout_s == 30,
	   "values set");
	ok(o.nalgos == 2 && strcmp(o.algos[0], "ring") == 0 && strcmp(o.algos[1], "mpi") == 0, "algo list");
	ok(o.ndtypes == 2 && o.dtypes[0] == CB_DTYPE_DOUBLE && o.dtypes[1] == CB_DTYPE_INT32, "dtype list");
	ok(o.nops == 3, "op all");
	is_str(o.cmdline, "cpobench allreduce -b 1K -e 1M -f 4 -n 5 -w 0 -c --algo ring,mpi --dtype double,int32 --op all --in-place --json x.json --timeout 30",
	       "command line recorded");
	cb_opts_free(&o);

	struct {
		char *argv[4];
		const char *msg;
	} bad[] = {
		{ { "cpobench", "allreduce", "-b", "1Q" }, "-b/--min-bytes: '1Q' is not a size" },
		{ { "cpobench", "allreduce", "-n", "0" }, "-n/--iters: 0 is out of range" },
		{ { "cpobench", "allreduce", "-w", "-3" }, "-w/--warmup: -3 is out of range" },
		{ { "cpobench", "allreduce", "-f", "1" }, "-f/--step-factor: 1 is out of range" },
		{ { "cpobench", "allreduce", "--dtype", "half" }, "--dtype: unknown type 'half'" },
		{ { "cpobench", "allreduce", "--op", "prod" }, "--op: unknown operator 'prod'" },
		{ { "cpobench", "allreduce", "--frobnicate", NULL }, "unknown option '--frobnicate'" },
		{ { "cpobench", "allreduce", "--timeout", "soon" }, "--timeout: 'soon' is not a number of seconds" },
		{ { "cpobench", "allreduce", "stray", NULL }, "unexpected argument 'stray'" },
		{ { "cpobench", "allreduce", "-e", "4" }, "-b/--min-bytes (8 B) is larger than -e/--max-bytes (4 B)" },
		{ { "cpobench", "allreduce", "--json", NULL }, "option '--json' needs a value" },
		{ { "cpobench", "allreduce", "--domain-size", "0" }, "--domain-size: 0 is out of range" },
	};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		int argc = bad[i].argv[3] ? 4 : 3;
		err[0] = '\0';
		int rc = parse(&o, err, sizeof err, argc, bad[i].argv);
		ok(rc == -1 && strstr(err, bad[i].msg), "refused: %s %s -> %s", bad[i].argv[2],
		   bad[i].argv[3] ? bad[i].argv[3] : "", err);
		cb_opts_free(&o);
	}

	/* --test-fault: parsed once, when the option is read. */
	cb_opts_defaults(&o);
	ok(o.fault.kind == CB_FAULT_NONE, "no --test-fault: no fault");
	ok(parse(&o, err, sizeof err, ARGV("cpobench", "allreduce", "--test-fault", "kill:3")) == 0 &&
		   o.fault.kind == CB_FAULT_KILL && o.fault.step == 3 && strcmp(o.test_fault, "kill:3") == 0,
	   "--test-fault kill:3: kill at size step 3, string kept");
	cb_opts_free(&o);
	static const struct {
		const char *spec;
		enum cb_fault_kind kind;
		long step;
	} faults[] = {
		{ "corrupt", CB_FAULT_CORRUPT, -1 },   { "stall", CB_FAULT_STALL, -1 },
		{ "stall-in-op", CB_FAULT_STALL_IN_OP, -1 }, { "kill:0", CB_FAULT_KILL, 0 },
		{ "enospc:12", CB_FAULT_ENOSPC, 12 },  { "melt", CB_FAULT_INVALID, -1 },
		{ "stall-in", CB_FAULT_INVALID, -1 },  { "corrupt:1", CB_FAULT_INVALID, -1 },
		{ "kill", CB_FAULT_INVALID, -1 },      { "kill:", CB_FAULT_INVALID, -1 },
		{ "kill:-1", CB_FAULT_INVALID, -1 },   { "enospc:2x", CB_FAULT_INVALID, -1 },
		{ "killer:1", CB_FAULT_INVALID, -1 },  { "", CB_FAULT_INVALID, -1 },
	};
	for (size_t i = 0; i < sizeof faults / sizeof faults[0]; i++) {
		struct cb_fault f = cb_fault_parse(faults[i].spec);
		ok(f.kind == faults[i].kind && f.step == faults[i].step, "fault '%s' -> kind %d step %ld", faults[i].spec,
		   (int)f.kind, f.step);
	}
	ok(cb_fault_parse(NULL).kind == CB_FAULT_NONE, "fault NULL -> none");
	return tap_done();
}
