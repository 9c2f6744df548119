# TAP helpers for MPI-free shell tests (tests/tap.sh skips everything without mpirun).
# Environment (set by make check): top_srcdir, top_builddir.
tap_n=0
tap_fail=0
ok()      { tap_n=$((tap_n + 1)); echo "ok $tap_n - $*"; }
not_ok()  { tap_n=$((tap_n + 1)); tap_fail=$((tap_fail + 1)); echo "not ok $tap_n - $*"; }
diag()    { sed 's/^/#   /'; }
done_testing() { echo "1..$tap_n"; [ "$tap_fail" -eq 0 ]; }
REPORT="$top_builddir/cpobench-report"
# report ARGS...: run cpobench-report; output (stdout + stderr) in $out, status in $rc.
report() { out=$("$REPORT" "$@" 2>&1); rc=$?; }
expect_status() {
	if [ "$rc" -eq "$1" ]; then ok "$2"; else not_ok "$2 (exit $rc, expected $1)"; printf '%s\n' "$out" | tail -20 | diag; fi
}
expect_output() {
	if printf '%s\n' "$out" | grep -Eq -- "$1"; then ok "$2"; else not_ok "$2 (no match for /$1/)"; printf '%s\n' "$out" | tail -30 | diag; fi
}
expect_fixed() {
	if printf '%s\n' "$out" | grep -Fq -- "$1"; then ok "$2"; else not_ok "$2 (no '$1')"; printf '%s\n' "$out" | tail -30 | diag; fi
}
tmpdir=$(mktemp -d "${TMPDIR:-/tmp}/cpobench-topo.XXXXXX")
trap 'rm -rf "$tmpdir"' EXIT
