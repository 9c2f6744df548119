# The shipped Slurm templates on a real slurmctld + 3 slurmd (multiple-slurmd mode) on this machine:
# sbatch of each template, srun --mpi=pmix directly, result files per job, domains from topology.conf.
# Root only (slurmd); installs slurm-wlm and munge with apt-get when missing (CPOBENCH_TEST_SLURM=no skips).
[ -n "${BASH_VERSION:-}" ] || exec bash "$0" "$@"
. "$top_srcdir/tests/tap.sh"
. "$top_srcdir/tests/slurm/cluster.sh"

[ "${CPOBENCH_TEST_SLURM:-yes}" = no ] && skip_all "CPOBENCH_TEST_SLURM=no"
[ "$(id -u)" -eq 0 ] || skip_all "needs root (slurmd runs jobs as root here); CI runs it as root"
for t in unshare mount; do command -v "$t" >/dev/null || skip_all "$t not found (util-linux)"; done
have_slurm() { [ -x /usr/sbin/slurmctld ] && [ -x /usr/sbin/slurmd ] && [ -x /usr/sbin/munged ] && command -v sbatch >/dev/null; }
if ! have_slurm; then
	command -v apt-get >/dev/null || skip_all "Slurm not installed and no apt-get (install slurm-wlm and munge)"
	export DEBIAN_FRONTEND=noninteractive
	pkgs="slurm-wlm munge"
	if ! timeout 300 apt-get install -y -qq --no-install-recommends $pkgs >"$tmpdir/apt.log" 2>&1; then
		timeout 300 apt-get update -qq >>"$tmpdir/apt.log" 2>&1
		timeout 300 apt-get install -y -qq --no-install-recommends $pkgs >>"$tmpdir/apt.log" 2>&1 ||
			skip_all "cannot install $pkgs: $(tail -1 "$tmpdir/apt.log")"
	fi
	have_slurm || skip_all "$pkgs installed but slurmctld/slurmd/munged/sbatch missing"
fi

D=$tmpdir/cluster
mkdir -p "$D"
chmod 755 "$tmpdir"   # munged wants every directory above its socket world-executable
trap 'cl_stop "$D"; rm -rf "$tmpdir"' EXIT
if ! cl_start "$D" 3 2>"$tmpdir/start.err"; then
	not_ok "cluster of 3 emulated nodes starts"
	{ cat "$tmpdir/start.err"; tail -n 5 "$D"/log/*; } 2>&1 | diag
	done_testing
	exit 1
fi
ok "cluster of 3 emulated nodes starts (munged, slurmctld, 3 slurmd)"
eval "$(cl_env "$D")"

jobs=$tmpdir/jobs
mkdir -p "$jobs"
export CPOBENCH="$top_builddir/cpobench" CPOBENCH_REPORT="$top_builddir/cpobench-report"
export CPOBENCH_ARGS="-e 256 -n 3 -w 1 -c"
# Open MPI 4.1 has no one-sided (osc) path over TCP between nodes: kvcache refuses put/get
# across emulated nodes (step 4b); its two-sided mechanism works everywhere.
export CPOBENCH_ARGS_kvcache="--mech send"
kernels=$("$CPOBENCH" --list-kernels)
have_report=no
"$CPOBENCH_REPORT" report --help >/dev/null 2>&1 && have_report=yes

# submit NAME SBATCH-ARGS...: sbatch, wait (bounded), $jid and $state set; shows the job log on failure
submit() {
	local name=$1; shift
	jid=$(sbatch --parsable -D "$jobs" -o "$jobs/job-%j.out" "$@" 2>&1) || { state="sbatch of $name failed: $jid"; jid=none; return 1; }
	state=$(cl_wait "$D" "$jid" 120)
	return 0
}
expect_state() {  # WANT NAME
	if [ "${state%% *}" = "$1" ]; then ok "$2"; else not_ok "$2 (job $jid: $state)"; tail -n 30 "$jobs/job-$jid.out" 2>&1 | diag; fi
}
# jq_ok FILE FILTER NAME
jq_ok() {
	if [ -f "$1" ] && jq -e "$2" "$1" >/dev/null 2>&1; then ok "$3"; else not_ok "$3"; { echo "jq: $2"; jq -c .meta "$1" 2>&1; } | diag; fi
}
# every kernel of `cpobench --list-kernels` has a result in DIR, all rows checked and passed
check_kernels() {  # DIR WHAT
	local k f
	for k in $kernels; do
		f=$(ls "$1"/"$k"-*.json 2>/dev/null | head -1)
		jq_ok "$f" '(.rows | length > 0) and ([.rows[] | select(.check != "pass")] | length == 0)' \
			"$2: $k result in $1 with --check passed"
	done
}

# 1. one node, srun --mpi=pmix, 2 ranks; then the post-step report
submit "sweep-1node" -N 1 --ntasks-per-node=2 "$top_srcdir/slurm/sweep-1node.sbatch"
expect_state COMPLETED "sweep-1node.sbatch (srun --mpi=pmix, 1 node x 2) completes"
one=$jid
r=$jobs/results/$one
check_kernels "$r" "sweep-1node"
f=$(ls "$r"/allreduce-*.json 2>/dev/null | head -1)
jq_ok "$f" ".meta.slurm_job_id == \"$one\" and .meta.launcher == \"srun\" and .meta.ranks == 2" \
	"sweep-1node: job id $one and launcher srun recorded"
jq_ok "$f" '.meta.slurm_partition == "debug" and (.meta.slurm_nodelist | test("^n[1-3]$")) and .meta.slurm_tasks_per_node == "2" and .meta.slurm_nnodes == 1' \
	"sweep-1node: partition, node list, tasks per node recorded"
case $(basename "$f") in allreduce-*-"$one".json) ok "result named <kernel>-<date>-<job id>.json in results/<job id>/" ;;
*) not_ok "result file name: $f" ;; esac
if [ "$have_report" = yes ]; then
	[ -s "$r/report/report.md" ] && ok "post-step wrote results/$one/report/report.md" || not_ok "post-step report: $(ls "$r" 2>&1)"
else
	grep -q "report: skipped (.*no 'report' subcommand" "$jobs/job-$one.out" && ok "post-step says why no report (reporter has no 'report' yet)" ||
		not_ok "post-step message"
fi

# 2. two nodes under one leaf switch (srun): 2 hosts, 1 domain by Slurm switch (by node it would be 2)
CPOBENCH_SKIP_REPORT=1 submit "sweep-multinode" -N 2 -w 'n[1-2]' --ntasks-per-node=1 "$top_srcdir/slurm/sweep-multinode.sbatch"
expect_state COMPLETED "sweep-multinode.sbatch on n[1-2] completes"
two=$jid
[ ! -e "$jobs/results/$two/report" ] && grep -q 'report: skipped (CPOBENCH_SKIP_REPORT=1)' "$jobs/job-$two.out" &&
	ok "CPOBENCH_SKIP_REPORT=1: no post-step report" || not_ok "CPOBENCH_SKIP_REPORT=1"
check_kernels "$jobs/results/$jid" "sweep-multinode"
f=$(ls "$jobs/results/$jid"/allreduce-*.json 2>/dev/null | head -1)
jq_ok "$f" '.meta.hosts == "n1,n2" and .meta.nhosts == 2 and .meta.slurm_nnodes == 2 and .meta.slurm_tasks_per_node == "1(x2)"' \
	"two-node job records two nodes"
jq_ok "$f" '.meta.mapping.how == "slurm switch leaf1" and .meta.mapping.domains == 1 and .meta.mapping.domain_of_rank == [0,0]' \
	"two nodes under leaf1 map to one domain (topology.conf)"

# 3. mpirun inside a 3-node allocation: launcher mpirun, ranks from MPI, domains leaf1 = {n1,n2}, leaf2 = {n3}
CPOBENCH_SKIP_REPORT=1 CPOBENCH_MPIRUN_ARGS="--bind-to none" submit "sweep-mpirun" -N 3 --ntasks-per-node=1 "$top_srcdir/slurm/sweep-mpirun.sbatch"
expect_state COMPLETED "sweep-mpirun.sbatch (mpirun, 3 nodes) completes"
check_kernels "$jobs/results/$jid" "sweep-mpirun"
f=$(ls "$jobs/results/$jid"/allreduce-*.json 2>/dev/null | head -1)
jq_ok "$f" ".meta.launcher == \"mpirun\" and .meta.slurm_job_id == \"$jid\" and .meta.hosts == \"n1,n2,n3\" and .meta.ranks == 3" \
	"mpirun in a job: launcher mpirun, job id, 3 hosts"
jq_ok "$f" '.meta.mapping.how == "slurm switch leaf1,leaf2" and .meta.mapping.domain_of_rank == [0,0,1]' \
	"3 nodes map to 2 switch domains [0,0,1]"

# 4. srun --mpi=pmix directly (its own allocation), --output-dir given, --domain-size overrides Slurm's
out=$(cd "$jobs" && timeout 120 srun --mpi=pmix -N 2 -w 'n[2-3]' -n 2 "$CPOBENCH" allreduce -e 64 -n 3 -w 0 -c \
	--output-dir direct --domain-size 1 2>&1)
rc=$?
expect_status 0 "srun --mpi=pmix -N 2 cpobench allreduce -c exits 0"
f=$(ls "$jobs"/direct/allreduce-*.json 2>/dev/null | head -1)
jq_ok "$f" '.meta.launcher == "srun" and (.meta.slurm_job_id | test("^[0-9]+$")) and .meta.hosts == "n2,n3" and ([.rows[] | .check] | unique == ["pass"])' \
	"direct srun: launcher srun, job id, --check passed, in --output-dir"
jq_ok "$f" '.meta.mapping.how == "domain-size 1" and .meta.mapping.domains == 2' "--domain-size 1 overrides the switch mapping"

# 4b. kvcache --mech put across two nodes: Open MPI 4.1 over TCP has no RMA path (MPI_ERR_WIN);
# refused with one line and exit 2, not an MPI abort or a hang
out=$(cd "$jobs" && timeout 120 srun --mpi=pmix -N 2 -w 'n[1-2]' -n 2 "$CPOBENCH" kvcache --mech put \
	--model custom:2,2,8,hidden=64 --isl 16 -n 1 -w 0 --output-dir rma 2>&1)
rc=$?
if printf '%s\n' "$out" | grep -q -- "--mech put: MPI_Win_create failed .*no one-sided (RMA) path between these ranks.*use --mech send"; then
	[ "$rc" -eq 2 ] && ok "kvcache --mech put across 2 nodes: refused (exit 2), names MPI_Win_create, suggests --mech send" ||
		{ not_ok "kvcache --mech put across 2 nodes: exit $rc"; printf '%s\n' "$out" | diag; }
elif [ "$rc" -eq 0 ]; then
	ok "kvcache --mech put across 2 nodes runs (this MPI has a one-sided path over TCP)"
else
	not_ok "kvcache --mech put across 2 nodes (exit $rc)"; printf '%s\n' "$out" | tail -20 | diag
fi

# 5. a malformed topology.conf is refused with file:line, before measuring
printf 'SwitchName=leaf1 Nodes=n[1-2\n' >"$tmpdir/bad-topology.conf"
out=$(cd "$jobs" && CPOBENCH_SLURM_TOPOLOGY=$tmpdir/bad-topology.conf timeout 120 srun --mpi=pmix -N 1 -n 1 \
	"$CPOBENCH" allreduce -e 8 -n 1 -w 0 2>&1)
rc=$?
[ "$rc" -ne 0 ] && printf '%s\n' "$out" | grep -q "bad-topology.conf:1: Nodes=n\[1-2: missing ']'" &&
	ok "malformed topology.conf: exit $rc, message names file:line" || { not_ok "malformed topology.conf (exit $rc)"; printf '%s\n' "$out" | diag; }

# 6. the emulation template checks for cpobench-emulate
if [ -x "$top_builddir/cpobench-emulate" ]; then
	PATH=$top_builddir:$PATH CPOBENCH_SKIP_REPORT=1 CPOBENCH_KERNELS=allreduce CPOBENCH_NP=4 CPOBENCH_TOPOLOGY=${CPOBENCH_TEST_EMU_TOPOLOGY:-local} \
		CPOBENCH_ARGS="-b 8 -e 1K -n 2 -w 0 -c" submit "emulate" --mem=1G "$top_srcdir/slurm/emulate.sbatch"
	expect_state COMPLETED "emulate.sbatch runs cpobench-emulate (4 emulated ranks)"
	f=$(ls "$jobs/results/$jid"/allreduce-*.json 2>/dev/null | head -1)
	jq_ok "$f" ".fabric == \"emulated\" and .meta.launcher == \"smpirun\" and .meta.slurm_job_id == \"$jid\"" \
		"emulated result in results/<job id>/ (fabric emulated, launcher smpirun)"
else
	CPOBENCH_EMULATE=cpobench-emulate-absent submit "emulate" --mem=100M "$top_srcdir/slurm/emulate.sbatch"
	expect_state FAILED "emulate.sbatch without cpobench-emulate fails"
	grep -q "cpobench-emulate-absent not found: this cpobench was built without SimGrid" "$jobs/job-$jid.out" &&
		ok "emulate.sbatch says cpobench-emulate is missing and how to get it" || not_ok "emulate.sbatch message"
fi

# 7. report.sbatch as a dependent job over jobs 1 and 2 (two directories: results/<its own id>/report/)
submit "report" --dependency="afterany:$one:$two" "$top_srcdir/slurm/report.sbatch" "$one" "$two"
if [ "$have_report" = yes ]; then
	expect_state COMPLETED "report.sbatch $one $two completes"
	[ -s "$jobs/results/$jid/report/report.md" ] && ok "report.sbatch wrote results/$jid/report/report.md" ||
		not_ok "report.sbatch output: $(ls -R "$jobs/results/$jid" 2>&1 | head -5)"
else
	expect_state FAILED "report.sbatch fails without a 'report' subcommand"
	grep -q "has no 'report' subcommand" "$jobs/job-$jid.out" && ok "report.sbatch says why" || not_ok "report.sbatch message"
fi

cl_stop "$D"
left=0
for p in "$D"/pids/*; do [ -f "$p" ] && left=$((left + 1)); done
[ "$left" -eq 0 ] && ok "daemons stopped by their recorded PIDs" || not_ok "daemons left: $(cat "$D"/pids/*)"
done_testing
