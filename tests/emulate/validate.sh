# Emulated collectives against the textbook alpha-beta formulas (reference
# emulation.md, sections 1.7(a) and 4).  SimGrid is deterministic, so these are
# exact-value tests, not timings.  Tolerance: 2 % (the bar) and, in
# absolute terms, the barrier exit skew the harness' timer includes: ranks
# leave MPI_Barrier up to a few message latencies apart and an iteration's
# time is the maximum over ranks (reference 1.7(a): residual 1 alpha on a
# flat platform; here at most 1 alpha flat and 3 alpha across the slow tier).
. "$top_srcdir/tests/tap.sh"
. "$top_srcdir/tests/emulate/emu.sh"
need_simgrid
cd "$tmpdir" || exit 99
flat="$top_srcdir/tests/emulate/flat.ini"
two="$top_srcdir/tests/emulate/twotier.ini"

# Ring all-reduce on one crossbar tier: 2(p-1) alpha + 2((p-1)/p) n / B.
ring='(2 * ($p - 1) * $t0.latency_s + 2 * ($p - 1) / $p * .bytes / $t0.bw_Bps) * 1e6'
for p in 8 64; do
	emulate --topology "$flat" --np $p -- allreduce -b 1M -e 16M -f 16 --algo ring --json ring$p.json
	expect_status 0 "flat, $p ranks: emulated ring all-reduce runs"
	within ring$p.json "$ring" 0.02 2.0 "flat, $p ranks: ring = 2(p-1)a + 2(p-1)/p n/B within 2 % and 1 alpha (2 us)"
done

# Pairwise all-to-all on one crossbar tier (n = bytes each rank sends, n/p per
# peer, one exchange per step): (p-1)(alpha + (n/p)/B).
pair='(($p - 1) * ($t0.latency_s + .bytes / $p / $t0.bw_Bps)) * 1e6'
for p in 8 64; do
	emulate --topology "$flat" --np $p -- alltoall -b 1M -e 16M -f 16 --algo pairwise --json a2a$p.json
	expect_status 0 "flat, $p ranks: emulated pairwise all-to-all runs"
	within a2a$p.json "$pair" 0.02 2.0 "flat, $p ranks: pairwise all-to-all = (p-1)(a + (n/p)/B) within 2 % and 1 alpha"
done

# Two tiers: every ring step has one flow crossing the scale-out tier, which
# gets its own NIC's 50 GB/s (not the 2:1 uplink's 200 GB/s): 2(p-1)(a1 + (n/p)/B1).
ring2='(2 * ($p - 1) * ($t1.latency_s + .bytes / $p / $t1.bw_Bps)) * 1e6'
emulate --topology "$two" --np 64 -- allreduce -b 16M -e 16M --algo ring --json ring2.json
expect_status 0 "two tiers, 64 ranks: emulated ring runs"
within ring2.json "$ring2" 0.02 15.6 "two tiers: ring = 2(p-1)(a1 + (n/p)/B1): one flow per NIC, within 2 % and 3 alpha1 (15.6 us)"

# Recursive halving/doubling (our rabenseifner, p = 64 = 8 domains of 8): partners
# 32, 16, 8 apart cross the scale-out tier with all 8 ranks of a domain at once,
# so the 2:1 uplink (8 x 50 / 2 = 200 GB/s) gives each flow 25 GB/s; partners
# 4, 2, 1 apart stay in the domain (900 GB/s).  Twice (halving + doubling):
# 2 [3 a1 + (n/2 + n/4 + n/8) / min(B1, U/8) + 3 a0 + (n/16 + n/32 + n/64) / B0].
rab='(2 * (3 * $t1.latency_s + (.bytes * 7 / 8) / ([$t1.bw_Bps, $t1.uplink_Bps / 8] | min)
	+ 3 * $t0.latency_s + (.bytes * 7 / 64) / $t0.bw_Bps)) * 1e6'
emulate --topology "$two" --np 64 -- allreduce -b 16M -e 16M --algo rabenseifner --json rab2.json
expect_status 0 "two tiers, 64 ranks: emulated rabenseifner runs"
within rab2.json "$rab" 0.02 15.6 "two tiers: oversubscribed uplink shared by the domain's 8 flows (25 GB/s each), within 2 %"
done_testing
