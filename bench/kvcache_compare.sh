#!/bin/sh
# KV transfer on this machine: desc vs coalesce vs layer vs request granularity for
# Llama-3.1-70B at 4k and 32k prompt tokens (1P1D, TP1, bf16, 16-token blocks), and
# send vs put vs get; then bulk vs layer-wise against the real prefill clock at 4k.
# Prints messages/request, message size, transfer GB/s (wall clock), exposed p50/p99.
# usage: bench/kvcache_compare.sh   (from the build directory; ITERS, WARMUP, ISLS, MECHS, GRANS override)
# Memory: a 32k request is 10 GiB on the decode rank; the prefill pool is capped at 1 GiB
# (sources wrap, as nixlbench does), so about 11 GiB in all.
set -e
B=${BUILDDIR:-.}
iters=${ITERS:-3}
warmup=${WARMUP:-1}
isls=${ISLS:-"4096 32768"}
mechs=${MECHS:-send,put,get}
grans=${GRANS:-desc,coalesce,layer,request}
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
row() { jq -r '.rows[] | [.algo, .count, .msgs_req_mean, (.msg_B_mean|floor), .agg_GBps, .xfer_ms_p50, .exposed_ms_p50, .exposed_ms_p99, .post_us_mean] | @tsv' "$1"; }
printf '%-26s %7s %10s %10s %9s %10s %10s %10s %11s\n' variant isl msgs/req msg_B GB/s xfer_p50 exp_p50 exp_p99 post_us
# transfer cost alone: a fast prefill clock (1e9 tokens/s) so bulk exposure = transfer time
for isl in $isls; do
	mpirun -np 2 "$B/cpobench" kvcache --model llama-3.1-70b --isl "$isl" --prefill-tps 1e9 \
		--mech "$mechs" --granularity "$grans" --schedule bulk \
		--pool-mib 11000 --src-pool-mib 1024 -n "$iters" -w "$warmup" --json "$tmp/g$isl.json" >/dev/null
	row "$tmp/g$isl.json" | awk '{ printf "%-26s %7d %10.0f %10d %9.3f %10.2f %10.2f %10.2f %11.0f\n", $1, $2, $3, $4, $5, $6, $7, $8, $9 }'
done
echo "# 4k, real prefill clock (989 TFLOP/s x MFU 0.5 = 1.07 s): bulk vs layer-wise, put"
mpirun -np 2 "$B/cpobench" kvcache --model llama-3.1-70b --isl 4096 --mech put --granularity coalesce,layer \
	--schedule bulk,layer -n "$iters" -w "$warmup" --json "$tmp/s.json" >/dev/null
row "$tmp/s.json" | awk '{ printf "%-26s %7d %10.0f %10d %9.3f %10.2f %10.2f %10.2f %11.0f\n", $1, $2, $3, $4, $5, $6, $7, $8, $9 }'
