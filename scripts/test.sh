#!/bin/sh
# Install what is missing, build, run the whole test suite, print the tally.
cd "$(dirname "$0")/.." || exit 1
sh scripts/deps.sh || exit 1
sh scripts/build.sh >/dev/null || exit 1
make -j"$(nproc)" check >/dev/null 2>&1
rc=$?
log=test-suite.log
if [ ! -f "$log" ]; then
	echo "test.sh: make check produced no $log (exit $rc)" >&2
	echo "tests: 0 passed, 1 failed"
	exit 1
fi
n() { sed -n "s/^# $1: *//p" "$log" | head -1; }
pass=$(n PASS); fail=$(( $(n FAIL) + $(n ERROR) + $(n XPASS) )); skip=$(n SKIP)
# Show what failed, with its log.
grep -E '^(FAIL|ERROR|XPASS):' "$log" | head -50 >&2 || true
[ "$fail" -eq 0 ] || sed -n '/^FAIL\|^ERROR/,/^$/p' tests/*/*.log 2>/dev/null | head -100 >&2
if [ "${skip:-0}" -gt 0 ]; then
	echo "tests: $pass passed, $fail failed, $skip skipped"
else
	echo "tests: $pass passed, $fail failed"
fi
[ "$fail" -eq 0 ] && [ "$rc" -eq 0 ]
