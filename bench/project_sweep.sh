#!/bin/sh
# Speed of the projection model: the full sweep (every kernel x 5 media x 30 sizes x
# 8 -> 1,048,576 GPUs) through `cpobench-report project`, best of N runs.
# usage: sh bench/project_sweep.sh [BUILDDIR] [RUNS]
set -e
B=${1:-.}
runs=${2:-5}
R="$B/cpobench-report"
[ -x "$R" ] || { echo "project_sweep.sh: $R not found (give the build directory)" >&2; exit 2; }
out=$(mktemp)
trap 'rm -f "$out"' EXIT
best=""
for i in $(seq "$runs"); do
	t0=$(date +%s.%N)
	"$R" project --topology scaleout-1m-cpo --kernel all --optics all --gpus 8:1048576 -b 1 -e 512M --csv "$out" >/dev/null
	t1=$(date +%s.%N)
	t=$(echo "$t1 - $t0" | bc)
	best=$(echo "$t $best" | awk '{print ($2 == "" || $1 < $2) ? $1 : $2}')
done
rows=$(($(wc -l < "$out") - 1))
echo "full sweep: $rows rows (6 collectives x 30 sizes + 2 KV schedules x 8 contexts, x 5 media x 18 GPU counts)"
echo "best of $runs: $best s wall (requirement: < 1 s)"
awk -v t="$best" 'BEGIN{exit !(t < 1.0)}' && echo "PASS" || { echo "FAIL"; exit 1; }
