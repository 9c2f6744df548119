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
./build/cpobench-report report "$ar" $pp --out report
echo "report: $(pwd)/report/report.md (plots: report/*.png and *.svg; tables: report/*.csv)"
