# Every allreduce algorithm x dtype x op verified element by element (--check)
# at 1..5 ranks, in place and out of place, over sizes giving zero, odd and
# smaller-than-rank-count element counts, plus one size past the eager limit.
. "$top_srcdir/tests/tap.sh"

for np in 1 2 3 4 5; do
	for mode in "" --in-place; do
		mpi "$np" allreduce -b 0 -e 3000 -f 3 -n 2 -w 1 -c --algo mpi,ring,rabenseifner \
			--dtype all --op all $mode --json "$tmpdir/a.json"
		expect_status 0 "np $np ${mode:-out-of-place}: all algos x dtypes x ops pass --check"
		rows=$(jq '.rows | length' "$tmpdir/a.json")
		pass=$(jq '[.rows[] | select(.check == "pass")] | length' "$tmpdir/a.json")
		# sizes 0,1,3,...,2187 = 9; x 4 dtypes x 3 ops x 3 algos
		[ "$rows" = 324 ] && [ "$pass" = 324 ] && ok "np $np ${mode:-out-of-place}: 324 rows, all pass" \
			|| not_ok "np $np ${mode:-out-of-place}: $pass of $rows rows pass (expected 324)"
	done
	mpi "$np" allreduce -b 1M -e 1M -n 2 -w 0 -c --dtype float,int64 --json "$tmpdir/b.json"
	expect_status 0 "np $np: 1 MiB float and int64, all algos, pass --check"
done
mpi 3 allreduce -b 33 -e 33 -n 2 -w 0 -c --off-cache --json "$tmpdir/c.json"
expect_status 0 "--off-cache rotates buffers and still passes --check"
done_testing
