# Emulated collectives against the textbook alpha-beta formulas (reference
# emulation.md, sections 1.7(a) and 4).  SimGrid is deterministic, so these are
# exact-value tests, not timings.  Every expectation is computed from the
# generated platform's tiers (latency_s, bw_Bps, uplink_Bps, group_size of the
# result's emulation record), never from stored results.  Tolerance: the
# percentage the issue names and, in absolute terms, the barrier exit skew the
# harness' timer includes: ranks leave MPI_Barrier up to a few message
# latencies apart and an iteration's time is the maximum over ranks
# (reference 1.7(a): residual 1 alpha on a flat platform; here at most 1 alpha
# flat and 3 alpha across the slow tier).
. "$top_srcdir/tests/tap.sh"
. "$top_srcdir/tests/emulate/emu.sh"
need_simgrid
cd "$tmpdir" || exit 99
flat="$top_srcdir/tests/emulate/flat.ini"
two="$top_srcdir/tests/emulate/twotier.ini"
a0='$t0.latency_s * 1e6'
a1x3='3 * $t1.latency_s * 1e6'

# One crossbar tier.  Ring all-reduce: 2(p-1) alpha + 2((p-1)/p) n / B.
# Pairwise all-to-all (n = bytes each rank sends, n/p per peer, one exchange
# per step): (p-1)(alpha + (n/p)/B).
ring='(2 * ($p - 1) * $t0.latency_s + 2 * ($p - 1) / $p * .bytes / $t0.bw_Bps) * 1e6'
pair='(($p - 1) * ($t0.latency_s + .bytes / $p / $t0.bw_Bps)) * 1e6'
for p in 8 64; do
	validate ring$p "$flat" $p "$ring" 0.02 "$a0" "flat, $p ranks: ring all-reduce = 2(p-1)a + 2(p-1)/p n/B within 2 % and 1 alpha" \
		-- allreduce -b 1M -e 16M -f 16 --algo ring
	validate a2a$p "$flat" $p "$pair" 0.02 "$a0" "flat, $p ranks: pairwise all-to-all = (p-1)(a + (n/p)/B) within 2 % and 1 alpha" \
		-- alltoall -b 1M -e 16M -f 16 --algo pairwise
done

# Two tiers: every ring step has one flow crossing the scale-out tier, which
# gets its own NIC's 50 GB/s (not the 2:1 uplink's 200 GB/s): 2(p-1)(a1 + (n/p)/B1).
ring2='(2 * ($p - 1) * ($t1.latency_s + .bytes / $p / $t1.bw_Bps)) * 1e6'
validate ring2 "$two" 64 "$ring2" 0.02 "$a1x3" "two tiers, 64 ranks: ring = 2(p-1)(a1 + (n/p)/B1), one flow per NIC, within 2 % and 3 alpha1" \
	-- allreduce -b 16M -e 16M --algo ring

# Recursive halving/doubling (our rabenseifner, p = 64 = 8 domains of 8),
# distance 1 first: partners 1, 2, 4 apart stay in the domain on n/2, n/4,
# n/8 bytes (B0); partners 8, 16, 32 apart cross the scale-out tier on n/16,
# n/32, n/64 with all 8 ranks of a domain at once, so the 2:1 uplink
# (8 x 50 / 2 = 200 GB/s) gives each flow min(B1, U/8) = 25 GB/s.  Twice
# (halving + doubling): 2 [3 a0 + 7n/8 / B0 + 3 a1 + 7n/64 / min(B1, U/8)].
# 64 MiB: the data terms dwarf the barrier skew (3 a1) at 2 %.
rab='(2 * (3 * $t0.latency_s + (.bytes * 7 / 8) / $t0.bw_Bps
	+ 3 * $t1.latency_s + (.bytes * 7 / 64) / ([$t1.bw_Bps, $t1.uplink_Bps / 8] | min))) * 1e6'
validate rab2 "$two" 64 "$rab" 0.02 "$a1x3" "two tiers, 64 ranks: rabenseifner, big halves inside the domain, small ones over the shared uplink (25 GB/s per flow), within 2 % and 3 alpha1" \
	-- allreduce -b 64M -e 64M --algo rabenseifner

# Hierarchical all-reduce (reference 4.4), L ranks per domain, N domains:
# ring reduce-scatter + all-gather in the domain (2(L-1) steps of n/L at B0),
# then per rail a ring across the domains on n/L bytes (2(N-1) steps of
# n/(L N)).  The domain's L rail flows cross the scale-out tier at once and
# share its uplink U (2:1: L x B1 / 2), so each gets min(B1, U/L) (25 GB/s,
# not the NIC's 50).  L and N come from the platform (tier-0 group, p / L).
hier_with() { # JQ_EXPR_OF_THE_PER_FLOW_SCALE_OUT_BANDWIDTH
	echo '($t0.group_size as $L | ($p / $L) as $N |
	(2 * ($L - 1) * $t0.latency_s + 2 * ($L - 1) / $L * .bytes / $t0.bw_Bps
	 + 2 * ($N - 1) * $t1.latency_s + 2 * ($N - 1) / $N * (.bytes / $L) / ('"$1"'))) * 1e6'
}
hier=$(hier_with '[$t1.bw_Bps, ($t1.uplink_Bps // $t1.bw_Bps) / $L] | min')
validate hier2 "$two" 64 "$hier" 0.05 "$a1x3" \
	"two tiers, 64 ranks: hier = 2(L-1)a0 + 2(L-1)/L n/B0 + 2(N-1)a1 + 2(N-1)/N (n/L)/min(B1, U/L) within 5 % and 3 alpha1" \
	-- allreduce -b 16M -e 16M --algo hier
# The same comparison must reject a model that ignores the oversubscribed
# uplink (every rail flow at the NIC's B1), or this test could not fail.
beyond hier2.json "$(hier_with '$t1.bw_Bps')" 0.05 "$a1x3" "two tiers: hier is NOT within 5 % of the formula without the uplink share"

# Element-wise correctness of our algorithms beyond the 5 ranks mpirun tests
# reach here: private buffers and real reductions (-c) at 13 ranks (domains of
# 8 and 5: a non-power of two for rabenseifner, uneven domains for hier) and 64.
for p in 13 64; do
	emulate --topology "$two" --np $p -- allreduce -b 0 -e 3000 -f 9 -c --algo ring,rabenseifner,hier --dtype float,int64 --op sum,max --json check$p.json
	expect_status 0 "$p ranks: ring, rabenseifner, hier pass --check under emulation"
	[ "$(jq '[.rows[] | select(.check == "pass")] | length' check$p.json 2>/dev/null)" = 60 ] \
		&& ok "$p ranks: 60 rows (counts 0, 1, 9, 81, 729 x 2 dtypes x 2 ops x 3 algorithms), every element checked" \
		|| not_ok "$p ranks: $(jq -c '[.rows[] | .check] | group_by(.) | map({(.[0]): length}) | add' check$p.json 2>&1)"
done
done_testing
