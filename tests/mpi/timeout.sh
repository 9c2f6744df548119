# --timeout turns a hang into exit status 3 with a message naming kernel,
# algorithm, size, phase and the ranks that had not arrived; sizes finished
# before stay in the result file.
. "$top_srcdir/tests/tap.sh"

start=$(date +%s)
mpi 3 allreduce -b 8 -e 16 -n 3 -w 0 --algo ring --timeout 3 --test-fault stall --json "$tmpdir/t.json"
el=$(( $(date +%s) - start ))
expect_status 3 "rank stalled before the barrier: exit status 3"
expect_output "timeout: allreduce algo ring size 16 B did not finish within 3 s \(phase: barrier before timed iteration, iteration 0\): rank 2 had not arrived at the barrier" \
	"message names kernel, algo, size, phase and the missing rank"
[ "$el" -lt 60 ] && ok "ended in ${el}s, not hung" || not_ok "took ${el}s"
jq -e '.schema == "cpobench.result.v1" and (.rows | length) == 1 and .rows[0].bytes == 8' "$tmpdir/t.json" >/dev/null \
	&& ok "result file is valid JSON and keeps the finished 8 B row" || not_ok "result file after timeout: $(cat "$tmpdir/t.json")"

mpi 3 allreduce -b 8 -e 16 -n 3 -w 0 --algo rabenseifner --timeout 3 --test-fault stall-in-op --json "$tmpdir/u.json"
expect_status 3 "operation that never completes: exit status 3"
expect_output "rank [01]: timeout: allreduce algo rabenseifner size 16 B did not finish within 3 s \(phase: timed iteration, iteration 0\)" \
	"in-operation hang: each rank says where it was"
jq -e '(.rows | length) == 1' "$tmpdir/u.json" >/dev/null && ok "finished size kept" || not_ok "finished size kept"

mpi 2 allreduce -b 8 -e 64 -n 3 -w 0 --timeout 30 --json "$tmpdir/v.json"
expect_status 0 "a generous --timeout does not disturb a healthy run"
[ "$(jq '.rows | length' "$tmpdir/v.json")" = 16 ] && ok "all 16 rows (4 sizes x 4 algos) with --timeout on" || not_ok "rows with --timeout"
done_testing
