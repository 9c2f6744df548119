# Faults: a rank killed mid-sweep, a failed result write (injected ENOSPC) and
# an unwritable destination never lose what was measured or hang.
. "$top_srcdir/tests/tap.sh"

# kill:3 - the last rank dies by SIGKILL when the 4th size starts.
start=$(date +%s)
mpi 3 allreduce -b 8 -e 1K -n 3 -w 0 --algo mpi,ring --test-fault kill:3 --json "$tmpdir/k.json"
el=$(( $(date +%s) - start ))
[ "$rc" -ne 0 ] && ok "killed rank ends the job with non-zero status ($rc)" || not_ok "killed rank: status 0"
[ "$el" -lt 60 ] && ok "job ended in ${el}s" || not_ok "job took ${el}s"
jq -e '.schema == "cpobench.result.v1"' "$tmpdir/k.json" >/dev/null && ok "result file is valid JSON after the kill" \
	|| not_ok "result JSON after kill: $(head -c 300 "$tmpdir/k.json")"
[ "$(jq -c '[.rows[].bytes] | unique' "$tmpdir/k.json")" = "[8,16,32]" ] && ok "the 3 finished sizes (8, 16, 32 B) are all there" \
	|| not_ok "rows after kill: $(jq -c '[.rows[].bytes]' "$tmpdir/k.json")"
[ "$(($(wc -l < "$tmpdir/k.csv") - 1))" = 6 ] && ok "CSV has the same 6 rows" || not_ok "CSV rows after kill"
ls "$tmpdir" | grep -q tmp && not_ok "temporary file left behind" || ok "no temporary file left behind"
"$top_builddir/cpobench-report" check "$tmpdir/k.json" >/dev/null && ok "cpobench-report check accepts it" || not_ok "check after kill"

# enospc:2 - the 3rd result write fails: exit 2, message, previous file intact.
mpi 2 allreduce -b 8 -e 1K -n 2 -w 0 --algo mpi --test-fault enospc:2 --json "$tmpdir/e.json"
expect_status 2 "failed result write: exit status 2"
expect_output "cannot write results: .*e.json: write failed: No space left on device" "message names the file and the reason"
[ "$(jq '.rows | length' "$tmpdir/e.json")" = 2 ] && ok "file keeps the 2 sizes written before the failure" \
	|| not_ok "rows after failed write: $(jq '.rows | length' "$tmpdir/e.json")"

# A read-only directory (tmpfs not needed): refused before measuring.
mkdir "$tmpdir/ro" && chmod 0555 "$tmpdir/ro"
if [ "$(id -u)" -ne 0 ]; then
	mpi 2 allreduce -e 8 -n 1 --output-dir "$tmpdir/ro"
	expect_status 2 "read-only output directory refused"
	expect_output "cannot write results: $tmpdir/ro/allreduce-.*cannot create" "message names the file"
else
	# root ignores permissions: a file where the directory should be does the same job.
	: > "$tmpdir/ro/plain"
	mpi 2 allreduce -e 8 -n 1 --output-dir "$tmpdir/ro/plain/sub"
	expect_status 2 "output directory that cannot exist refused"
	expect_output "cannot create directory $tmpdir/ro/plain" "message names the directory"
fi
[ -z "$(printf '%s\n' "$out" | grep -E '^ +[0-9]+ ')" ] && ok "nothing was measured" || not_ok "rows measured before refusal"

mpi 2 allreduce --test-fault melt
expect_status 2 "unknown test fault refused"
expect_output "--test-fault: 'melt' is not one of" "message lists the faults"
done_testing
