# pingpong: one pair per tier, rows tagged with the tier, per-tier alpha/beta
# calibration in the result file, and clear refusals.
. "$top_srcdir/tests/tap.sh"
j() { jq -r "$@" "$tmpdir/p.json"; }

# The issue's acceptance run: 4 ranks, --domain-size 2 (short sweep, few iterations).
mpi 4 pingpong --domain-size 2 -b 8 -e 64K -n 5 -w 1 -c --json "$tmpdir/p.json"
expect_status 0 "pingpong --domain-size 2 on 4 ranks passes --check"
[ "$(j '[.rows[] | select(.algo == "tier0" and .tier == 0 and .tier_name == "intra-domain" and .pair == [0,1])] | length')" = 14 ] \
	&& ok "14 tier0 rows: ranks 0-1, intra-domain" || not_ok "tier0 rows: $(j -c '.rows[0]')"
[ "$(j '[.rows[] | select(.algo == "tier1" and .tier == 1 and .tier_name == "cross-domain" and .pair == [0,2])] | length')" = 14 ] \
	&& ok "14 tier1 rows: ranks 0-2 (first rank of the next domain), cross-domain" || not_ok "tier1 rows"
[ "$(j '[.rows[] | select(.dtype == "byte" and .count == .bytes and .busbw_GBps == .algbw_GBps and .check == "pass")] | length')" = 28 ] \
	&& ok "rows count bytes, busbw factor 1, check pass" || not_ok "row fields: $(j -c '.rows[0]')"
for t in 0 1; do
	c=".calibration.tier$t"
	if [ "$(j "$c.tier == $t and $c.points == 14 and ($c.alpha_s | type) == \"number\" and $c.alpha_s >= 0
		and (($c.beta_Bps | type) == \"number\" and $c.beta_Bps > 0 or $c.beta_Bps == null and $c.constraint == \"beta = inf\")
		and ($c.r2 | type) == \"number\" and ($c.max_rel_residual | type) == \"number\"")" = true ]; then
		ok "calibration tier$t: alpha $(j "$c.alpha_s") s, beta $(j "$c.beta_Bps") B/s, r2 $(j "$c.r2") over 14 sizes"
	else
		not_ok "calibration tier$t: $(j -c "$c")"
	fi
done
expect_output "^# calibration tier0 \\(intra-domain, ranks 0-1\\): alpha [0-9.]+ us, beta " "tier0 fit in the output"
expect_output "^# calibration tier1 \\(cross-domain, ranks 0-2\\): alpha [0-9.]+ us, beta " "tier1 fit in the output"

# One node, by node: one domain, so only tier0; tier1 is skipped with the reason.
mpi 2 pingpong -b 8 -e 1K -n 3 -w 0 --json "$tmpdir/p.json"
expect_status 0 "2 ranks by node: runs"
expect_output "^# skipped: tier1: no rank pair with rank 0 crosses tier 1 \\(cross-domain\\): 1 domain by node" \
	"tier1 skipped, with the reason"
[ "$(j '[.rows[].algo] | unique')" = '[
  "tier0"
]' ] && ok "only tier0 rows" || not_ok "algos: $(j -c '[.rows[].algo] | unique')"

mpi 2 pingpong -b 64 -e 64 -n 1 -w 0 -c --test-fault corrupt --json "$tmpdir/p.json"
expect_status 1 "a corrupted echo fails --check"

mpi 2 pingpong -b 8 -e 8 --round-trips 4 -n 2 -w 0 --json "$tmpdir/p.json"
[ "$rc" = 0 ] && [ "$(j '.rows[0].round_trips')" = 4 ] && ok "--round-trips 4 recorded per row" || not_ok "--round-trips 4 ($rc)"

# Bad input.
mpi 1 pingpong -b 8 -e 8
expect_status 2 "pingpong on 1 rank refused"
expect_output "pingpong needs at least 2 ranks \\(this run has 1\\)" "... saying it needs 2 ranks"
mpi 2 pingpong --domain-size 1 --algo tier0 -b 8 -e 8
expect_status 2 "--algo tier0 with 1-rank domains refused"
expect_output "--algo tier0: rank 0 is alone in its domain \\(domain-size 1\\)" "... saying why"
mpi 2 pingpong --algo tier3 -b 8 -e 8
expect_status 2 "--algo tier3 without such a tier refused"
expect_output "--algo tier3: the mapping has 2 tiers \\(0..1\\)" "... saying how many tiers there are"
mpi 2 pingpong --round-trips 0
expect_status 2 "--round-trips 0 refused"
expect_output "--round-trips: '0' is not a whole number from 1 to 1000000" "... naming the option and range"
done_testing
