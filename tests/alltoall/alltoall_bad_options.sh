# Bad all-to-all and moe parameters: one clear message, exit status 2.
. "$top_srcdir/tests/tap.sh"

bad() { # want-regex args...
	local want=$1
	refused "$@"
	shift
	[ "$(printf '%s\n' "$out" | grep -cE -- "$want")" = 1 ] && ok "cpobench $*: said once" \
		|| not_ok "cpobench $*: message repeated $(printf '%s\n' "$out" | grep -cE -- "$want") times"
}
bad "unknown algorithm 'ring' for alltoall \(expected mpi, pairwise, bruck, hier\)" alltoall --algo pairwise,ring
bad "--pattern: unknown pattern 'dense' \(expected alltoall or moe\)" alltoall --pattern dense
bad "--topk 5 is more than the 4 experts \(--experts-per-rank 2 x 2 ranks\)" alltoall --pattern moe --topk 5 --experts-per-rank 2
bad "--tokens: 0 is out of range" alltoall --pattern moe --tokens 0
bad "--routing: 'zipf:abc' is not a routing \(expected uniform or zipf:S" alltoall --pattern moe --routing zipf:abc
bad "--routing: 'normal' is not a routing" alltoall --pattern moe --routing normal
bad "apply only with --pattern moe" alltoall --topk 2
bad "-b/-e/-f do not apply to --pattern moe" alltoall --pattern moe -e 1M
bad "--algo bruck: --pattern moe runs only 'mpi'" alltoall --pattern moe --algo mpi,bruck
bad "--dtype: --pattern moe takes one element type" alltoall --pattern moe --dtype float,double
mpi 1 alltoall --help
expect_status 0 "alltoall --help exits 0"
expect_output "--algo LIST .*mpi,pairwise,bruck,hier" "alltoall --help lists algorithms"
expect_output "--routing uniform\|zipf:S" "alltoall --help lists moe options"
done_testing
