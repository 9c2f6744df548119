# Every all-to-all algorithm verified element by element (--check) at 1..6
# ranks, with domains that divide the rank count and domains that do not,
# over sizes giving zero, odd and fewer-elements-than-ranks blocks, plus one
# size past the eager limit.
. "$top_srcdir/tests/tap.sh"

# pass NAME: every row of $tmpdir/a.json passed, and there are $1 rows
rows_pass() {
	local rows pass
	rows=$(jq '.rows | length' "$tmpdir/a.json")
	pass=$(jq '[.rows[] | select(.check == "pass")] | length' "$tmpdir/a.json")
	[ "$rows" = "$1" ] && [ "$pass" = "$1" ] && ok "$2: $1 rows, all pass" || not_ok "$2: $pass of $rows rows pass (expected $1)"
}

for np in 1 2 3 4 5 6; do
	# domain size 2 divides even rank counts, not odd ones; at 3 and 5 ranks
	# the sweep goes on to 1.5 MiB per rank, past the eager limit.
	# sizes 0,1,3,...,3^k B per rank; x 4 dtypes x 4 algos
	max=3000 n=9
	case $np in 3|5) max=2M n=15 ;; esac
	mpi "$np" alltoall -b 0 -e $max -f 3 -n 2 -w 1 -c --algo mpi,pairwise,bruck,hier --dtype all \
		--domain-size 2 --json "$tmpdir/a.json"
	expect_status 0 "np $np domain-size 2: all algos x dtypes pass --check"
	rows_pass $((n * 16)) "np $np domain-size 2"
done
for case in "6 3" "6 4" "5 4" "4 auto"; do
	set -- $case
	mpi "$1" alltoall -b 0 -e 3000 -f 3 -n 1 -w 0 -c --domain-size "$2" --json "$tmpdir/a.json"
	expect_status 0 "np $1 domain-size $2: all algos pass --check"
	rows_pass 36 "np $1 domain-size $2"
done

# --check must catch a wrong result (the test-only fault flips one byte of the
# last rank's receive buffer after every variant's check operation): exit 1,
# a message naming rank, element and source, the rows marked fail.
mpi 3 alltoall -b 96 -e 96 -n 2 -w 0 -c --test-fault corrupt --json "$tmpdir/x.json"
expect_status 1 "corrupted element gives exit status 1"
for algo in mpi pairwise bruck hier; do
	expect_output "check failed: alltoall $algo float 96 B: rank 2 element 0 \(block from rank 0, index 0\) = 123.002, expected 123" \
		"$algo: message names rank, element and source"
	[ "$(jq -r --arg a $algo '.rows[] | select(.algo == $a) | .check + " " + (.wrong | tostring)' "$tmpdir/x.json")" = "fail 1" ] \
		&& ok "$algo: row marked fail, one wrong element" || not_ok "$algo: row marked fail"
done
done_testing
