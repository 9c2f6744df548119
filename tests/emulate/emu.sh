# Helpers for the emulation tests (sourced after tests/tap.sh).
# emulate ARGS...: run cpobench-emulate; output in $out, status in $rc.
emulate() {
	out=$("$CPOBENCH_EMULATE" "$@" 2>&1)
	rc=$?
}
need_simgrid() {
	[ "$CB_SIMGRID" = yes ] || skip_all "SimGrid SMPI not configured (apt-get install libsimgrid-dev simgrid, then ./configure)"
}
# within FILE.json JQ_FORMULA_US REL ABS_US NAME: every row's median is within
# REL (relative) and ABS_US (absolute) of the formula, evaluated per row with
# $t0, $t1 (platform tiers), $p (ranks), .bytes.
within() {
	local f=$1 formula=$2 rel=$3 abs=$4 name=$5 bad
	bad=$(jq -r --argjson rel "$rel" --argjson abs "$abs" '
		.meta.ranks as $p | .meta.emulation.platform.tiers as $tiers | $tiers[0] as $t0 | ($tiers[1] // $t0) as $t1 |
		.rows[] | ('"$formula"') as $want | (.time_us.median - $want) as $d |
		select(($d | fabs) > $abs or ($d | fabs) > $rel * $want) |
		"\(.algo) \(.bytes) B: emulated \(.time_us.median) us, formula \($want) us"' "$f" 2>&1)
	if [ -z "$bad" ] && [ "$(jq '.rows | length' "$f" 2>/dev/null)" -gt 0 ] 2>/dev/null; then
		ok "$name"
	else
		not_ok "$name"
		printf '%s\n' "${bad:-no rows in $f}" | diag
	fi
}
