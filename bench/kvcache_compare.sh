#!/bin/sh
# KV transfer on this machine: desc vs coalesce vs layer vs request granularity (request/layer
# both as MPI derived datatypes and packed through a staging buffer) for Llama-3.1-70B at 4k and
# 32k prompt tokens (1P1D, TP1, bf16, 16-token blocks), send vs put vs get; then bulk vs
# layer-wise against the real prefill clock at 4k.  Prints messages/request, message size,
# transfer GB/s (wall clock), transfer p50, exposed p50/p99, post and pack time per request.
# usage: bench/kvcache_compare.sh   (from the build directory)
#   ITERS (2), WARMUP (1): per variant at 4k; ITERS_LONG (1) at prompts above 8192 tokens
#   ISLS ("4096 32768"), MECHS (send,put,get), GRANS (desc,coalesce,layer,request),
#   PACKED (layer-packed,request-packed: only up to 8192 tokens, staging doubles the memory),
#   OUT (a directory to keep the result files; default: a temporary one), CLOCK=no skips the
#   bulk vs layer-wise part
# Memory: a 32k request is 10 GiB on the decode rank; the prefill pool is capped at 1 GiB
# (sources wrap, as nixlbench does), so about 11 GiB in all; 4k packed needs ~5 GiB.
# Measured on a shared 2-core VM (load 7-26): 4k, 18 variants at -n 1 -w 0: 23 min; 32k: 2-7 min per
# variant at -n 1 -w 0 (each iteration moves 10 GiB; send:desc the longest).  With the 1 GiB source pool,
# sources wrap at 32k, so coalesce merges fewer runs there (1,760 messages/request instead of 160).
set -e
B=${BUILDDIR:-.}
iters=${ITERS:-2}
iters_long=${ITERS_LONG:-1}
warmup=${WARMUP:-1}
isls=${ISLS:-"4096 32768"}
mechs=${MECHS:-send,put,get}
grans=${GRANS:-desc,coalesce,layer,request}
packed=${PACKED-layer-packed,request-packed}
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
if [ -n "${OUT:-}" ]; then tmp=$OUT; mkdir -p "$tmp"; else tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT; fi
row() {
	jq -r '.rows[] | [.algo, .count, .msgs_req_mean, (.msg_B_mean|floor), .agg_GBps, .xfer_ms_p50, .exposed_ms_p50,
		.exposed_ms_p99, .post_us_mean, .pack_us_p50, .unpack_us_p50] | @tsv' "$1" |
		awk '{ printf "%-28s %7d %10.0f %10d %9.3f %10.2f %10.2f %10.2f %11.0f %9.0f %9.0f\n", $1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11 }'
}
echo "# $(date -u '+%F %T') UTC, $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg)"
printf '%-28s %7s %10s %10s %9s %10s %10s %10s %11s %9s %9s\n' variant isl msgs/req msg_B GB/s xfer_p50 exp_p50 exp_p99 post_us \
	pack_us unpk_us
# transfer cost alone: a fast prefill clock (1e9 tokens/s) so bulk exposure = transfer time
for isl in $isls; do
	g=$grans n=$iters
	if [ "$isl" -le 8192 ]; then g=$grans${packed:+,$packed}; else n=$iters_long; fi
	mpirun -np 2 "$B/cpobench" kvcache --model llama-3.1-70b --isl "$isl" --prefill-tps 1e9 \
		--mech "$mechs" --granularity "$g" --schedule bulk \
		--pool-mib 11000 --src-pool-mib 1024 -n "$n" -w "$warmup" --json "$tmp/g$isl.json" >/dev/null
	row "$tmp/g$isl.json"
done
if [ "${CLOCK:-yes}" != no ]; then
	echo "# 4k, real prefill clock (989 TFLOP/s x MFU 0.5 = 1.07 s): bulk vs layer-wise, put"
	mpirun -np 2 "$B/cpobench" kvcache --model llama-3.1-70b --isl 4096 --mech put --granularity coalesce,layer \
		--schedule bulk,layer -n "$iters" -w "$warmup" --json "$tmp/s.json" >/dev/null
	row "$tmp/s.json"
fi
echo "# $(date -u '+%F %T') UTC, load average $(cut -d' ' -f1-3 /proc/loadavg)"
