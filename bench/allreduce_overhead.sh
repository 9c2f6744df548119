#!/bin/sh
# Harness overhead: cpobench allreduce --algo mpi against a minimal OMB-style
# MPI_Allreduce loop, interleaved launches at 2 ranks, 8 B - 4 MiB.  Prints the
# per-size median ratio over REPS launches (goal 0.95-1.05), our ring and
# rabenseifner against mpi at >= 1 MiB, and memcpy bandwidth for scale.
# usage: bench/allreduce_overhead.sh [REPS]   (from the build directory, after make bench)
set -e
reps=${1:-5}
iters=${ITERS:-200}
B=${BUILDDIR:-.}
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
for r in $(seq "$reps"); do
	mpirun -np 2 "$B/cpobench" allreduce --algo mpi,ring,rabenseifner -b 8 -e 4M -n "$iters" -w 20 \
		--json "$tmp/cb$r.json" >/dev/null
	jq -r '.rows[] | "\(.algo) \(.bytes) \(.time_us.median)"' "$tmp/cb$r.json" >> "$tmp/cb.txt"
	mpirun -np 2 "$B/bench/omb_allreduce" 8 4194304 "$iters" 20 | sed 's/^/omb /' >> "$tmp/cb.txt"
done
awk '
function median(arr, n,   i, j, t) { for (i = 2; i <= n; i++) { t = arr[i]; for (j = i - 1; j >= 1 && arr[j] > t; j--) arr[j+1] = arr[j]; arr[j+1] = t }
	return n % 2 ? arr[(n+1)/2] : (arr[n/2] + arr[n/2+1]) / 2 }
{ k = $1 " " $2; n[k]++; v[k, n[k]] = $3; sizes[$2] = 1 }
END {
	printf "%10s %12s %12s %8s %12s %12s\n", "bytes", "omb_us", "cpobench_us", "ratio", "ring/mpi", "rab/mpi"
	m = 0; for (s in sizes) ss[++m] = s + 0
	for (i = 2; i <= m; i++) { t = ss[i]; for (j = i - 1; j >= 1 && ss[j] > t; j--) ss[j+1] = ss[j]; ss[j+1] = t }
	for (i = 1; i <= m; i++) {
		s = ss[i]
		split("", a); for (x = 1; x <= n["omb " s]; x++) a[x] = v["omb " s, x]; o = median(a, n["omb " s])
		split("", a); for (x = 1; x <= n["mpi " s]; x++) a[x] = v["mpi " s, x]; c = median(a, n["mpi " s])
		split("", a); for (x = 1; x <= n["ring " s]; x++) a[x] = v["ring " s, x]; rg = median(a, n["ring " s])
		split("", a); for (x = 1; x <= n["rabenseifner " s]; x++) a[x] = v["rabenseifner " s, x]; rb = median(a, n["rabenseifner " s])
		printf "%10d %12.2f %12.2f %8.3f %12.3f %12.3f\n", s, o, c, c / o, rg / c, rb / c
	}
}' "$tmp/cb.txt"
echo "# memcpy bandwidth (GB/s), one core:"
for s in 1048576 4194304 67108864; do "$B/bench/memcpy_bw" $s 50; done
echo "# cpobench busbw at 4 MiB (GB/s, median over launches):"
for a in mpi ring rabenseifner; do
	for r in $(seq "$reps"); do jq -r ".rows[] | select(.algo==\"$a\" and .bytes==4194304) | .busbw_GBps" "$tmp/cb$r.json"; done |
		sort -g | awk -v a=$a '{x[NR]=$1} END {print a, x[int((NR+1)/2)]}'
done
