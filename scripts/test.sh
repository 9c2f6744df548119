#!/bin/sh
# The whole test suite: install what is missing, then
#   1. build/       make check (unit tests, mpirun tests, bad-input corpus, faults)
#   2. build-asan/  the same suite under AddressSanitizer + UBSan (--enable-sanitizers)
#   3. fuzz smoke:  every libFuzzer target for CPOBENCH_FUZZ_SECONDS (default 60) s
#   4. build-clang/ every program and test program compiled by clang through
#                   the MPI wrapper with -Wall -Wextra -Werror (compile only)
# and print one tally line.  CPOBENCH_TEST_SANITIZERS=0 / CPOBENCH_FUZZ_SECONDS=0
# / CPOBENCH_TEST_CLANG=0 skip steps 2 / 3 / 4.
cd "$(dirname "$0")/.." || exit 1
sh scripts/deps.sh || { echo "tests: 0 passed, 1 failed"; exit 1; }
pass=0 fail=0 skip=0

# suite DIR: make check in DIR and add its counts.
suite() {
	make -C "$1" -j"$(nproc)" check >/dev/null 2>&1
	log="$1/test-suite.log"
	if [ ! -f "$log" ]; then
		echo "test.sh: $1: make check produced no test-suite.log" >&2
		fail=$((fail + 1))
		return
	fi
	n() { sed -n "s/^# $1: *//p" "$log" | head -1; }
	pass=$((pass + $(n PASS))); skip=$((skip + $(n SKIP)))
	f=$(( $(n FAIL) + $(n ERROR) + $(n XPASS) ))
	fail=$((fail + f))
	[ "$f" -eq 0 ] || { grep -E '^(FAIL|ERROR|XPASS):' "$log" | head -40 >&2; }
	echo "test.sh: $1: $(n PASS) passed, $f failed, $(n SKIP) skipped" >&2
}

if sh scripts/build.sh build >/dev/null 2>&1; then suite build; else echo "test.sh: build failed" >&2; fail=$((fail + 1)); fi
if [ "${CPOBENCH_TEST_SANITIZERS:-1}" != 0 ]; then
	# MPI processes (mpirun, srun, singletons, the installed programs) keep
	# Open MPI plugin allocations LeakSanitizer cannot attribute, so the suite
	# runs with leak detection off; ASan/UBSan errors stay fatal.  The
	# MPI-free unit tests then run again with LeakSanitizer on.
	if sh scripts/build.sh build-asan --enable-sanitizers >/dev/null 2>&1; then
		# The Slurm workflow test runs once, in build/: under ASan its
		# multi-node jobs outgrow their time limits.
		export ASAN_OPTIONS=detect_leaks=0 CPOBENCH_TEST_SLURM=no
		suite build-asan
		unset ASAN_OPTIONS CPOBENCH_TEST_SLURM
		for t in build-asan/tests/*/test_*; do
			[ -x "$t" ] && [ -f "$t" ] || continue
			if top_srcdir="$(pwd)" ASAN_OPTIONS=detect_leaks=1 "$t" >/dev/null 2>"$t.lsan"; then
				pass=$((pass + 1))
			else
				fail=$((fail + 1)); echo "test.sh: LeakSanitizer: $t" >&2; tail -20 "$t.lsan" >&2
			fi
		done
	else echo "test.sh: sanitizer build failed" >&2; fail=$((fail + 1)); fi
fi
secs=${CPOBENCH_FUZZ_SECONDS:-60}
if [ "$secs" != 0 ]; then
	out=$(make -C build fuzz-smoke FUZZ_SECONDS="$secs" 2>&1)
	echo "$out" | grep -E '^(PASS|FAIL):' >&2
	p=$(echo "$out" | grep -c '^PASS: fuzz_'); f=$(echo "$out" | grep -c '^FAIL: fuzz_')
	if [ "$p" -eq 0 ] && [ "$f" -eq 0 ]; then
		echo "$out" | tail -5 >&2; f=1
	fi
	pass=$((pass + p)); fail=$((fail + f))
fi
if [ "${CPOBENCH_TEST_CLANG:-1}" != 0 ]; then
	if command -v clang >/dev/null 2>&1; then
		# Open MPI's wrapper runs $OMPI_CC; cpobench-smpi stays on smpicc (gcc).
		if OMPI_CC=clang sh scripts/build.sh build-clang >build-clang.log 2>&1 &&
		   OMPI_CC=clang make -C build-clang -j"$(nproc)" check TESTS= >>build-clang.log 2>&1; then
			pass=$((pass + 1)); echo "test.sh: build-clang: clang -Werror build clean" >&2
		else
			fail=$((fail + 1)); echo "test.sh: build-clang: clang -Werror build failed" >&2
			grep -E 'error|warning' build-clang.log | head -20 >&2
		fi
	else
		skip=$((skip + 1)); echo "test.sh: build-clang: skipped, clang not installed" >&2
	fi
fi
if [ "$skip" -gt 0 ]; then
	echo "tests: $pass passed, $fail failed, $skip skipped"
else
	echo "tests: $pass passed, $fail failed"
fi
[ "$fail" -eq 0 ]
