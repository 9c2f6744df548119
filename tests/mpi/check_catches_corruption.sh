# --check must catch a wrong result: the test-only fault flips one byte of the
# last rank's result after the check operation; the run must exit 1, name the
# rank and element, and mark the rows "fail".
. "$top_srcdir/tests/tap.sh"

for algo in mpi ring rabenseifner hier; do
	mpi 3 allreduce -b 64 -e 64 -n 2 -w 0 -c --algo $algo --test-fault corrupt --json "$tmpdir/x.json"
	expect_status 1 "$algo: corrupted element gives exit status 1"
	expect_output "check failed: allreduce $algo float sum 64 B: rank 2 element 0" "$algo: message names rank and element"
	[ "$(jq -r '.rows[0].check' "$tmpdir/x.json")" = fail ] && ok "$algo: row marked fail" || not_ok "$algo: row marked fail"
	[ "$(jq -r '.rows[0].wrong' "$tmpdir/x.json")" = 1 ] && ok "$algo: one wrong element counted" || not_ok "$algo: wrong count"
done
mpi 2 allreduce -b 64 -e 64 -n 2 -w 0 --test-fault corrupt --json "$tmpdir/y.json"
expect_status 0 "without --check nothing is verified (check off)"
[ "$(jq -r '.rows[0].check' "$tmpdir/y.json")" = off ] && ok "row says check off" || not_ok "row says check off"
done_testing
