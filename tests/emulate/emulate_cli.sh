# cpobench-emulate: options, the result record, checked runs, forced library algorithms.
. "$top_srcdir/tests/tap.sh"
. "$top_srcdir/tests/emulate/emu.sh"
need_simgrid
cd "$tmpdir" || exit 99
flat="$top_srcdir/tests/emulate/flat.ini"

emulate --topology "$flat" --np 4
expect_status 2 "no kernel refused"; expect_output '^cpobench-emulate: no kernel given: expected -- KERNEL' "says what is expected"
emulate --topology "$flat" --algo-map allreduce=fastest -- allreduce
expect_status 2 "unknown SMPI algorithm refused"; expect_output "SimGrid has no allreduce algorithm 'fastest' \(expected one of: default lr" "lists the algorithms"
emulate --topology "$flat" --algo-map allsum=lr -- allreduce
expect_status 2 "unknown collective refused"; expect_output "unknown collective 'allsum'" "names it"
emulate --topology "$flat" --cfg novalue -- allreduce
expect_status 2 "--cfg without KEY:VALUE refused"
emulate --topology "$flat" --np 4 -- nosuchkernel
expect_status 2 "unknown kernel: cpobench-smpi's exit status 2 comes back"; expect_output "unknown kernel 'nosuchkernel'" "its message too"
emulate --topology "$flat" --np 4 -- allreduce --bogus
expect_status 2 "bad kernel option: exit 2"

emulate --topology "$flat" --np 4 --dry-run -- allreduce -e 1G
expect_status 0 "--dry-run"
for c in smpi/bw-factor:0:1 smpi/lat-factor:0:1 network/crosstraffic:0 network/TCP-gamma:1e15 smpi/host-speed:1Gf \
	smpi/simulate-computation:no smpi/coll-selector:ompi smpi/shared-malloc:; do
	expect_output "--cfg=$c" "smpirun gets --cfg=$c"
done

# Timing-only run: folded buffers, no-op reductions, everything recorded.
emulate --topology gb200-nvl72-cpo --optics pluggable --np 8 --algo-map allreduce=lr --cfg smpi/wtime:0 \
	-- allreduce -b 1K -e 4K -f 4 --json t.json
expect_status 0 "emulated run on a shipped topology"
jq -e '.fabric == "emulated" and .meta.launcher == "smpirun" and .topology.name == "gb200-nvl72-cpo"
	and .meta.emulation.optics == "pluggable" and .meta.emulation.endpoints == 8 and .meta.ranks == 8' t.json >/dev/null \
	&& ok "result: fabric emulated, launcher smpirun, topology, optics, endpoints" || not_ok "result: $(jq -c '[.fabric, .meta.launcher, .topology.name, .meta.emulation.optics]' t.json)"
jq -e '.meta.emulation.simgrid.cfg | index("network/TCP-gamma:1e15") and index("smpi/allreduce:lr") and index("smpi/wtime:0")
	and index("smpi/bw-factor:0:1") and index("network/crosstraffic:0")' t.json >/dev/null \
	&& ok "every SimGrid setting recorded, ours and --cfg's" || not_ok "cfg: $(jq -c .meta.emulation.simgrid.cfg t.json)"
jq -e '.meta.emulation | .algo_map.allreduce == "lr" and .algo_map.selector == "ompi" and .buffers == "shared (SMPI_SHARED_MALLOC)"
	and .reduction == "noop" and (.shared_malloc.mode | test("local|global")) and (.platform.tiers | length) == 1' t.json >/dev/null \
	&& ok "algorithm map, folded buffers, no-op reduction, platform recorded" || not_ok "emulation: $(jq -c .meta.emulation t.json | head -c 600)"
jq -e '(.rows | length) > 0 and ([.rows[] | .iters == 1] | all)' t.json >/dev/null && ok "defaults -n 1 -w 0: every row has 1 iteration" \
	|| not_ok "iters: $(jq -c '[.rows[].iters]' t.json)"

# -c: private buffers and real reductions, every element checked (p = 5: no power of two).
emulate --topology "$flat" --np 5 -- allreduce -b 8 -e 64K -f 8 -c --json c.json
expect_status 0 "-c under SMPI passes"
jq -e '([.rows[] | .check == "pass"] | all) and ([.rows[].bytes] | unique | length) == 5 and (.rows | length) == 5 * ([.rows[].algo] | unique | length)' c.json >/dev/null && ok "5 sizes x every algorithm, all checked and correct" \
	|| not_ok "check rows: $(jq -c '[.rows[].check]' c.json)"
jq -e '.meta.emulation | .buffers == "private" and .reduction == "real" and .shared_malloc.mode == "no"' c.json >/dev/null \
	&& ok "-c recorded as private buffers, real reductions, shared-malloc no" || not_ok "-c record"

# --algo mpi with SMPI's lr forced is the ring: same formula as our ring.
emulate --topology "$flat" --np 8 --algo-map allreduce=lr -- allreduce -b 1M -e 1M --algo mpi,ring --json lr.json
expect_status 0 "--algo mpi with allreduce=lr"
within lr.json '(2 * ($p - 1) * $t0.latency_s + 2 * ($p - 1) / $p * .bytes / $t0.bw_Bps) * 1e6' 0.02 2.0 \
	"forced lr (mpi) and our ring both match the ring formula"
done_testing
