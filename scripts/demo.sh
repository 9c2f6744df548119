#!/bin/sh
# The default job: all-reduce on 4 local ranks, every algorithm, with --check; then the report.
# Table on screen; result files (JSON + CSV) in results/; report.md, plots and tables in report/.
set -e
cd "$(dirname "$0")/.."
sh scripts/deps.sh
sh scripts/build.sh build >/dev/null
if [ "$(id -u)" -eq 0 ]; then
	export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
fi
mpirun -np 4 --oversubscribe ./build/cpobench allreduce -c --output-dir results
ar=$(ls -t results/allreduce-*.json | head -1)
echo "results: $ar (+ .csv)"
# A ping-pong run of the same ranks calibrates the model for this machine (when the kernel is built in).
pp=""
if ./build/cpobench pingpong --help >/dev/null 2>&1; then
	mpirun -np 2 --oversubscribe ./build/cpobench pingpong --output-dir results >/dev/null
	pp=$(ls -t results/pingpong-*.json | head -1)
	echo "results: $pp (+ .csv)"
fi
# When SimGrid is installed, the same 144 GPUs on two emulated fabrics (README,
# "Emulated fabrics"): two NVL72 racks joined by 800G pluggable scale-out, and
# a what-if single NVLink domain spanning both racks over CPO.
em=""
if [ -f ./build/cpobench-smpi ]; then
	echo "emulated (SimGrid SMPI), 144 GPUs, median time and busbw:"
	for t in gb200-nvl72-pluggable gb200-nvl144-cpo-whatif; do
		for k in allreduce alltoall; do
			./build/cpobench --help | grep -q "^  $k " || continue
			# cpobench's own algorithms, so the report checks each row against
			# the model of the same algorithm
			case $k in allreduce) algos=ring,hier ;; *) algos=pairwise ;; esac
			./build/cpobench-emulate --topology $t --np 144 \
				-- $k -b 1M -e 64M -f 8 --algo $algos --json results/emulated-$k-$t.json >/dev/null
			jq -r --arg t "$t" '"  \(.kernel) \(.rows[] | "\(.algo) \((.bytes / 1048576 * 100 | round) / 100) MiB: \(.time_us.median | floor) us, \(.busbw_GBps | floor) GB/s") on \($t)"' \
				results/emulated-$k-$t.json
			em="$em results/emulated-$k-$t.json"
		done
	done
fi
./build/cpobench-report report "$ar" $pp $em --out report
echo "report: $(pwd)/report/report.md (plots: report/*.png and *.svg; tables: report/*.csv)"
