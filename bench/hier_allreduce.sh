#!/bin/sh
# hier against ring, rabenseifner and mpi at NP ranks with --domain-size DS
# (default 4 and 2), REPS interleaved launches; then the pingpong alpha/beta of
# this machine per tier.  Prints the median over launches of each row's median
# time (us) per size and algorithm, and each launch's calibration.
# usage: bench/hier_allreduce.sh [REPS]   (from the build directory)
# On a machine with fewer cores than NP the timings are oversubscribed: noise.
set -e
reps=${1:-3}
np=${NP:-4}
ds=${DS:-2}
iters=${ITERS:-100}
B=${BUILDDIR:-.}
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
for r in $(seq "$reps"); do
	mpirun -np "$np" --oversubscribe "$B/cpobench" allreduce --algo hier,ring,rabenseifner,mpi --domain-size "$ds" \
		-b 8 -e 4M -f 4 -n "$iters" -w 10 --json "$tmp/h$r.json" >/dev/null
	jq -r '.rows[] | "\(.bytes) \(.algo) \(.time_us.median)"' "$tmp/h$r.json" >> "$tmp/h.txt"
done
echo "allreduce, $np ranks, --domain-size $ds: median over $reps launches of the median time (us)"
printf '%10s %10s %10s %12s %10s %10s\n' bytes hier ring rabenseifner mpi hier/ring
for s in $(awk '{ print $1 }' "$tmp/h.txt" | sort -nu); do
	awk -v s="$s" '$1 == s { a[$2] = a[$2] " " $3 }
		function med(list,   x, m, i, j, t) { m = split(list, x, " ")
			for (i = 1; i <= m; i++) for (j = i + 1; j <= m; j++) if (x[j] + 0 < x[i] + 0) { t = x[i]; x[i] = x[j]; x[j] = t }
			return m % 2 ? x[(m + 1) / 2] : (x[m / 2] + x[m / 2 + 1]) / 2 }
		END { h = med(a["hier"]); r = med(a["ring"]); printf "%10d %10.2f %10.2f %12.2f %10.2f %10.2f\n", s, h, r, med(a["rabenseifner"]), med(a["mpi"]), (r > 0 ? h / r : 0) }' "$tmp/h.txt"
done
echo
echo "pingpong, $np ranks, --domain-size $ds, per launch:"
for r in $(seq "$reps"); do
	mpirun -np "$np" --oversubscribe "$B/cpobench" pingpong --domain-size "$ds" -b 8 -e 4M -n "$iters" -w 10 \
		--json "$tmp/p$r.json" | grep '^# calibration'
done
