# TAP helpers for shell tests: source it, call ok/not_ok/check_*, end with done_testing.
# Environment (set by make check): CPOBENCH, MPIRUN, top_srcdir, top_builddir.
tap_n=0
tap_fail=0
ok()      { tap_n=$((tap_n + 1)); echo "ok $tap_n - $*"; }
not_ok()  { tap_n=$((tap_n + 1)); tap_fail=$((tap_fail + 1)); echo "not ok $tap_n - $*"; }
diag()    { sed 's/^/#   /'; }
skip_all(){ echo "1..0 # SKIP $*"; exit 0; }
done_testing() { echo "1..$tap_n"; [ "$tap_fail" -eq 0 ]; }

# mpi NP ARGS...: run cpobench under mpirun with NP ranks; output in $out, status in $rc.
mpi() {
	local np=$1; shift
	out=$("$MPIRUN" -np "$np" --oversubscribe "$CPOBENCH" "$@" </dev/null 2>&1)
	rc=$?
}
# expect_status WANT NAME: record ok if $rc == WANT, else show the output.
expect_status() {
	if [ "$rc" -eq "$1" ]; then ok "$2"; else not_ok "$2 (exit $rc, expected $1)"; printf '%s\n' "$out" | tail -20 | diag; fi
}
# expect_output REGEX NAME: $out matches the extended regex.
expect_output() {
	if printf '%s\n' "$out" | grep -Eq -- "$1"; then ok "$2"; else not_ok "$2 (no match for /$1/)"; printf '%s\n' "$out" | tail -20 | diag; fi
}
# refused WANT ARGS...: cpobench ARGS on 2 ranks exits with status 2 and a message matching WANT.
refused() {
	local want=$1; shift
	mpi 2 "$@"
	expect_status 2 "cpobench $* -> exit 2"
	expect_output "$want" "cpobench $* -> message /$want/"
}

tmpdir=$(mktemp -d "${TMPDIR:-/tmp}/cpobench-test.XXXXXX")
trap 'rm -rf "$tmpdir"' EXIT
[ -n "$MPIRUN" ] && [ "$MPIRUN" != no ] || skip_all "no mpirun found by configure"
