# pingpong under cpobench-emulate recovers the generated platform's per-tier
# alpha (one-way latency) and beta (bandwidth per direction) within 2 %.
# Expected values: `cpobench-report platform --json` for the same topology and
# endpoint count (tiers[].latency_s, bw_Bps), not stored figures.  Enough
# round trips per iteration (100) make the barrier exit skew, which the
# iteration's maximum over ranks includes, negligible at small sizes.
. "$top_srcdir/tests/tap.sh"
. "$top_srcdir/tests/emulate/emu.sh"
need_simgrid
cd "$tmpdir" || exit 99

# misfit_tiers PLATFORM.json RESULT.json REL: one line per platform tier whose
# calibration is missing or off by more than REL in alpha or beta.
misfit_tiers() {
	jq -r --slurpfile plat "$1" --argjson rel "$3" '
		.calibration as $cal | $plat[0].tiers[] | . as $t | $cal["tier\(.index)"] as $c |
		if $c == null then "tier \($t.index) (\($t.name)): no calibration"
		elif $c.alpha_s == null or $c.beta_Bps == null
			or (($c.alpha_s / $t.latency_s - 1) | fabs) > $rel or (($c.beta_Bps / $t.bw_Bps - 1) | fabs) > $rel
		then "tier \($t.index) (\($t.name)): alpha \($c.alpha_s) s vs \($t.latency_s), beta \($c.beta_Bps) B/s vs \($t.bw_Bps)"
		else empty end' "$2"
}

for case in twotier:16 threetier:32; do
	name=${case%:*} np=${case#*:}
	topo="$top_srcdir/tests/emulate/$name.ini"
	"$CPOBENCH_REPORT" platform --topology "$topo" --np "$np" -o $name.xml --json $name.platform.json >/dev/null 2>&1
	tiers=$(jq '.tiers | length' $name.platform.json 2>/dev/null)
	[ "${tiers:-0}" -ge 2 ] && ok "$name: platform of $np endpoints has $tiers tiers" || not_ok "$name: platform --json"
	emulate --topology "$topo" --np "$np" -- pingpong -b 8 -e 16M -f 8 --round-trips 100 --topology "$topo" --json $name.json
	expect_status 0 "$name: emulated pingpong runs"
	bad=$(misfit_tiers $name.platform.json $name.json 0.02 2>&1)
	[ -z "$bad" ] && [ "$(jq '.calibration | length' $name.json 2>/dev/null)" = "$tiers" ] \
		&& ok "$name: pingpong's fit recovers every tier's alpha and beta of the generated platform within 2 %" \
		|| { not_ok "$name: alpha/beta per tier"; printf '%s\n' "${bad:-calibration: $(jq -c .calibration $name.json 2>&1 | head -c 600)}" | diag; }
	jq -r --slurpfile plat $name.platform.json '.calibration as $cal | $plat[0].tiers[] |
		"tier \(.index) \(.name): platform \(.latency_s * 1e6) us, \(.bw_Bps / 1e9) GB/s; fit \($cal["tier\(.index)"].alpha_s * 1e6) us, \($cal["tier\(.index)"].beta_Bps / 1e9) GB/s"' \
		$name.json 2>/dev/null | diag
done
# The comparison must fail for a platform other than the one emulated: the
# three-tier fit against the two-tier platform's figures (tiers 0 and 1).
bad=$(misfit_tiers twotier.platform.json threetier.json 0.02 2>&1)
[ -n "$bad" ] && ok "the three-tier fit does NOT match the two-tier platform's alpha/beta" \
	|| not_ok "the fit matched another platform's figures: the comparison cannot fail"
done_testing
