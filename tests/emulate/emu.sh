# Helpers for the emulation tests (sourced after tests/tap.sh).
# emulate ARGS...: run cpobench-emulate; output in $out, status in $rc.
emulate() {
	out=$("$CPOBENCH_EMULATE" "$@" 2>&1)
	rc=$?
}
need_simgrid() {
	[ "$CB_SIMGRID" = yes ] || skip_all "SimGrid SMPI not configured (apt-get install libsimgrid-dev simgrid, then ./configure)"
}
# misfit FILE.json JQ_FORMULA_US REL JQ_ABS_US: the rows whose median is more
# than REL (relative) or JQ_ABS_US (absolute) from the formula, one line each;
# both are evaluated per row with $t0, $t1 (platform tiers of the result's
# emulation record), $p (ranks) and .bytes.  Status 1 when the file has no rows.
misfit() {
	jq -e '.rows | length > 0' "$1" >/dev/null 2>&1 || return 1
	jq -r --argjson rel "$3" '
		.meta.ranks as $p | .meta.emulation.platform.tiers as $tiers | $tiers[0] as $t0 | ($tiers[1] // $t0) as $t1 |
		.rows[] | ('"$2"') as $want | ('"$4"') as $abs | (.time_us.median - $want) as $d |
		select(($d | fabs) > $abs or ($d | fabs) > $rel * $want) |
		"\(.algo) \(.bytes) B: emulated \(.time_us.median) us, formula \($want) us (tolerance \($abs) us, \($rel * 100) %)"' "$1"
}
# within FILE.json JQ_FORMULA_US REL JQ_ABS_US NAME: every row within tolerance.
# beyond (same arguments): some row is NOT within tolerance (a wrong model must
# fail the comparison, or the test could not fail).
within() { judge within "$@"; }
beyond() { judge beyond "$@"; }
judge() {
	local want=$1 bad fit
	shift
	if ! bad=$(misfit "$1" "$2" "$3" "$4" 2>&1); then
		fit=no
	elif [ -z "$bad" ]; then
		fit=within
	else
		fit=beyond
	fi
	if [ "$fit" = "$want" ]; then
		ok "$5"
		return
	fi
	not_ok "$5"
	case $fit in
	no) echo "no rows in $1 ($bad)";;
	within) echo "every row of $1 is within tolerance of this formula";;
	*) printf '%s\n' "$bad";;
	esac | diag
}
# validate TAG TOPOLOGY NP JQ_FORMULA_US REL JQ_ABS_US NAME -- KERNEL [OPTIONS]:
# emulate the kernel on NP endpoints of TOPOLOGY (result in TAG.json) and
# compare every row with the formula.
validate() {
	local tag=$1 topo=$2 np=$3 formula=$4 rel=$5 abs=$6 name=$7
	shift 8
	emulate --topology "$topo" --np "$np" -- "$@" --json "$tag.json"
	expect_status 0 "$name: emulated run"
	within "$tag.json" "$formula" "$rel" "$abs" "$name"
}
