# --timeout turns a hang into exit status 3 with a message naming kernel,
# algorithm, size and phase; sizes finished before stay in the result file.
. "$top_srcdir/tests/tap.sh"

start=$(date +%s)
mpi 2 allreduce -b 8 -e 16 -n 3 -w 0 --algo ring --timeout 2 --test-fault stall --json "$tmpdir/t.json"
el=$(( $(date +%s) - start ))
expect_status 3 "stalled rank: exit status 3"
expect_output "timeout: allreduce algo ring size 16 B did not finish within 2 s \(phase: timed iterations\)" "message names kernel, algo, size, phase"
[ "$el" -lt 60 ] && ok "ended in ${el}s, not hung" || not_ok "took ${el}s"
jq -e '.schema == "cpobench.result.v1" and (.rows | length) == 1 and .rows[0].bytes == 8' "$tmpdir/t.json" >/dev/null \
	&& ok "result file is valid JSON and keeps the finished 8 B row" || not_ok "result file after timeout: $(cat "$tmpdir/t.json")"
done_testing
