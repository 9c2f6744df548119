#!/bin/sh
# Scale of emulation on this machine: wall time and peak memory of
# cpobench-emulate runs (NVL72 sweep, NVL576 1 GiB, all-to-all at 576 ranks).
# usage: BUILDDIR=/path/to/build [CASES="nvl72 nvl576 alltoall"] [NVL576=topology] [ALGOS=ring,hier] [A2A_ALGOS=pairwise,hier] [A2A_SIZE=128M] \
#        sh bench/emulate_scale.sh [OUTDIR]
# (needs GNU time and jq)
# Memory: every 0.25 s, the simulator's proportional set size (Pss of
# /proc/PID/smaps_rollup): private memory plus the shared-malloc pages in
# /dev/shm, each physical page counted once however many simulated ranks map
# it.  RssShmem and VmRSS count a folded page once per mapping (72 ranks x
# 1 GiB = 72 GiB for 1 GiB of real memory once the pages are touched) and are
# not reported.  Wall time includes waiting for a core on a loaded machine;
# CPU time (user + system of the process tree) does not: on a shared machine
# it is the honest figure, so every line also gives the load average.
set -u
B=${BUILDDIR:-.}
out=${1:-emulate-scale}
mkdir -p "$out"
# sim_kib TAG: Pss (KiB) of the smpimain whose command line holds TAG.
sim_kib() {
	for p in $(pgrep -f "smpimain.*$1" 2>/dev/null); do
		awk '/^Pss:/ { s += $2 } END { print s + 0 }' /proc/$p/smaps_rollup 2>/dev/null
	done | sort -n | tail -1
}

# run NAME ARGS...: one cpobench-emulate run, one line of figures: wall time,
# CPU time of the whole process tree (GNU time; wall includes waiting for a
# core on a loaded machine, CPU does not) and peak used memory.
run() {
	name=$1; shift
	peak=0
	start=$(date +%s.%N)
	/usr/bin/time -f '%U %S' -o "$out/$name.time" "$B/cpobench-emulate" "$@" > "$out/$name.log" 2>&1 &
	pid=$!
	while kill -0 "$pid" 2>/dev/null; do
		u=$(sim_kib "$out/$name.json"); [ "${u:-0}" -gt "$peak" ] && peak=$u
		sleep 0.25
	done
	wait "$pid"; rc=$?
	end=$(date +%s.%N)
	sim=$(jq -r '[.rows[] | "\(.algo)@\(.bytes / 1048576)MiB=\(.time_us.median | floor)us"] | join(" ")' "$out/$name.json" 2>/dev/null)
	cpu=$(tail -1 "$out/$name.time" 2>/dev/null | awk '{ print $1 + $2 }')
	printf '%-24s exit %d  wall %7.1f s  cpu %7.1f s  sim mem %6d MiB  load %s  %s\n' "$name" "$rc" \
		"$(awk -v a="$start" -v b="$end" 'BEGIN { print b - a }')" "${cpu:-0}" $(( peak / 1024 )) \
		"$(cut -d' ' -f1-3 /proc/loadavg | tr ' ' /)" "$sim"
}

# algos KERNEL WANTED: those of the comma list WANTED that this build's KERNEL has.
algos() {
	have=$("$B/cpobench" "$1" --help 2>/dev/null | sed -n 's/.*default: all of: \([a-z,]*\)).*/\1/p')
	for a in $(echo "$2" | tr , ' '); do
		case ",$have," in *",$a,"*) printf '%s\n' "$a";; esac
	done | paste -sd, -
}
echo "# $(date -u +%FT%TZ), $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg), $(awk '/MemTotal/ {print int($2/1048576)}' /proc/meminfo) GiB"
want() { case " ${CASES:-nvl72 nvl576 alltoall} " in *" $1 "*) return 0;; esac; return 1; }
nvl576=${NVL576:-rubin-ultra-nvl576-hybrid}
# One run per algorithm, so each has its own CPU time and memory.
for a in $(algos allreduce "${ALGOS:-ring,hier}" | tr , ' '); do
	want nvl72 && run nvl72-allreduce-1M-1G-$a --topology gb200-nvl72-cpo --np 72 -- allreduce -b 1M -e 1G --algo $a \
		--json "$out/nvl72-allreduce-1M-1G-$a.json"
	want nvl576 && run nvl576-allreduce-1G-$a --topology "$nvl576" --np 576 -- allreduce -b 1G -e 1G --algo $a \
		--json "$out/nvl576-allreduce-1G-$a.json"
done
# All-to-all at 576 ranks, A2A_SIZE sent per rank (default 128M, n/p = 228 KiB
# per peer).  The message count, and so the simulator's CPU time, does not
# depend on the size; 1G is refused by the harness' memory check, which takes
# the largest footprint of ALL the kernel's algorithms, hier's leader staging (2 x 72 x
# 504 blocks = 128 GiB at 1 GiB), even with --algo pairwise.
A2A_SIZE=${A2A_SIZE:-128M}
want alltoall && for a in $(algos alltoall "${A2A_ALGOS:-pairwise,hier}" | tr , ' '); do
	run nvl576-alltoall-$A2A_SIZE-$a --topology "$nvl576" --np 576 -- alltoall -b $A2A_SIZE -e $A2A_SIZE --algo $a \
		--json "$out/nvl576-alltoall-$A2A_SIZE-$a.json"
done
