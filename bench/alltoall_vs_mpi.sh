#!/bin/sh
# Benchmark (not a test): our all-to-all algorithms against MPI_Alltoall on
# this machine, 8 B to 4 MiB per peer, at 2 and 4 ranks (domains of 2 ranks,
# so hier has one domain at 2 ranks and two at 4).  Prints, per size, each
# algorithm's median time and its ratio to mpi.
#   BUILDDIR=/path/to/build sh bench/alltoall_vs_mpi.sh [ITERS]
# Interleaved variants share the machine's noise; an oversubscribed or
# loaded machine makes the numbers noise.
set -eu
b=${BUILDDIR:-.}
iters=${1:-50}
command -v jq >/dev/null || { echo "needs jq" >&2; exit 2; }
out=$(mktemp -d "${TMPDIR:-/tmp}/a2a-bench.XXXXXX")
trap 'rm -rf "$out"' EXIT
cores=$(nproc)
for np in 2 4; do
	# total per rank = p x per-peer: 8 B .. 4 MiB per peer
	min=$((8 * np)) max=$((4194304 * np)) over=
	[ "$np" -gt "$cores" ] && over=--oversubscribe
	mpirun -np $np $over "$b/cpobench" alltoall -b $min -e $max -f 4 -n "$iters" -w 5 --domain-size 2 \
		--algo mpi,pairwise,bruck,hier --json "$out/a$np.json" >/dev/null
	for stat in median min; do
		echo "# np $np${over:+ (oversubscribed: $cores cores)}, domain size 2: $stat time in us (ratio to mpi)"
		printf '# %10s %12s %20s %20s %20s\n' per-peer mpi pairwise bruck hier
		jq -r --arg s $stat '.rows | group_by(.bytes_per_peer)[] | (map({(.algo): .time_us[$s]}) | add) as $t
			| [.[0].bytes_per_peer, $t.mpi, $t.pairwise, ($t.pairwise / $t.mpi), $t.bruck, ($t.bruck / $t.mpi),
			   $t.hier, ($t.hier / $t.mpi)] | @tsv' "$out/a$np.json" |
		while IFS='	' read -r B m pw pwr br brr hi hir; do
			printf '  %10s %12.2f %12.2f (%5.2f) %12.2f (%5.2f) %12.2f (%5.2f)\n' "$B" "$m" "$pw" "$pwr" "$br" "$brr" "$hi" "$hir"
		done
	done
done
