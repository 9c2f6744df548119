#!/bin/sh
# cpobench-report project: shipped topologies, media, output formats, published anchors, bad input.
. "$top_srcdir/tests/tap.sh"
R="$top_builddir/cpobench-report"

run() { out=$("$R" "$@" 2>&1); rc=$?; }

# The "done when" command: NVL576, pluggable vs CPO, 576 -> 1M GPUs.
run project --topology rubin-ultra-nvl576-hybrid --optics pluggable,cpo --kernel allreduce --gpus 576:1048576 -b 1G -e 1G
expect_status 0 "NVL576 pluggable,cpo 576:1048576 runs"
expect_output '^# kernel .* time .* energy/op .* power' "table has time, energy and power columns"
expect_output 'model check: NONE' "an unchecked projection says so"
expect_output 'beyond 576 GPUs: domains joined by the tiers of scaleout-1m-pluggable' "growth beyond the file is stated"
n=$(printf '%s\n' "$out" | grep -c '^  allreduce .* pluggable .*1048576 .*1073741824')
[ "$n" -eq 3 ] && ok "three algorithms at 1,048,576 GPUs for pluggable" || not_ok "rows at 1M GPUs for pluggable: $n"
n=$(printf '%s\n' "$out" | grep -c '^  allreduce .* cpo ')
[ "$n" -eq 36 ] && ok "12 GPU counts x 3 algorithms for cpo" || not_ok "cpo rows: $n, expected 36"

# CSV: CPO's network power below pluggable's at the same GPU count, time within a few percent.
run project --topology rubin-ultra-nvl576-hybrid --optics pluggable,cpo --kernel allreduce --algo hier --gpus 4608 -b 1G -e 1G --csv -
expect_status 0 "CSV to stdout"
expect_output '^kernel,algo,optics,gpus,size,tiers,time_us,busbw_GBps,energy_J' "CSV header"
pw_pl=$(printf '%s\n' "$out" | awk -F, '$3=="pluggable"{print $13}')
pw_cpo=$(printf '%s\n' "$out" | awk -F, '$3=="cpo"{print $13}')
awk -v a="$pw_pl" -v b="$pw_cpo" 'BEGIN{exit !(b > 0 && b < a)}' && ok "CPO power $pw_cpo W < pluggable $pw_pl W" \
	|| not_ok "power cpo=$pw_cpo pluggable=$pw_pl"
t_pl=$(printf '%s\n' "$out" | awk -F, '$3=="pluggable"{print $7}')
t_cpo=$(printf '%s\n' "$out" | awk -F, '$3=="cpo"{print $7}')
awk -v a="$t_pl" -v b="$t_cpo" 'BEGIN{exit !(b <= a && (a-b)/a < 0.05)}' && ok "CPO time gain small: $t_pl -> $t_cpo us" \
	|| not_ok "time cpo=$t_cpo pluggable=$t_pl"

# JSON
run project --topology gb200-nvl72-cpo --optics cpo --kernel alltoall --gpus 72:288 -b 1M -e 1M --json -
expect_status 0 "JSON to stdout"
if printf '%s\n' "$out" | jq -e '.schema == "cpobench.projection.v1" and (.rows | length) == 9 and
	(.rows[0] | has("time_us") and has("energy_J") and has("power_W") and has("link_failures_per_day"))' >/dev/null; then
	ok "JSON document: schema and 3 GPU counts x 3 algorithms"
else not_ok "JSON document"; printf '%s\n' "$out" | head -20 | diag; fi

# Copper at 200 G/lane cannot span 8 racks; the all-copper NVL576 file says the same.
run project --topology rubin-ultra-nvl576-hybrid --optics copper,aec,cpo --kernel allreduce --algo ring --gpus 576 -b 1M -e 1M
expect_output '^  allreduce ring +copper .* NO$' "copper between 8 racks at 200G/lane: reach NO"
expect_output '^  allreduce ring +cpo .* ok$' "CPO between racks: reach ok"
run project --topology rubin-ultra-nvl576-copper --optics as-built --gpus 576 -b 1M -e 1M --algo ring
expect_output '^  allreduce ring +as-built .* NO$' "all-copper NVL576 file: reach NO"

# DistServe anchor: OPT-66B, 512 tokens = 1,207,959,552 B (1.13 GiB).
run project --topology gb200-nvl72-pluggable --optics pluggable --kernel kvcache --model opt-66b -b 512 -e 512 --gpus 576 --csv -
expect_status 0 "kvcache projection"
b=$(printf '%s\n' "$out" | awk -F, 'NR==2{print $18}')
[ "$b" = "1.20796e+09" ] && ok "OPT-66B 512 tokens = 1.208e9 B" || not_ok "kv bytes $b"

# Calibration from a ping-pong result: tier 0 takes the fit, time = alpha + n / B.
run project --topology local --gpus 2 --kernel pingpong -b 64K -e 64K --optics as-built \
	--calibrate "$top_srcdir/tests/model/data/pingpong-sample.json"
expect_status 0 "calibrated projection"
expect_output '^# calibrated: tier 0 alpha [0-9.]+ us, [0-9.]+ GB/s \(ping-pong fit, max error [0-9.]+ %\)' "calibration stated"
set -- $(printf '%s\n' "$out" | sed -n 's/^# calibrated: tier 0 alpha \([0-9.]*\) us, \([0-9.]*\) GB\/s.*/\1 \2/p')
want=$(awk -v a="$1" -v b="$2" 'BEGIN{printf "%.3f", a + 65536 / (b * 1e3)}')
got=$(printf '%s\n' "$out" | awk '$1=="pingpong"{print $6}')
awk -v w="$want" -v g="$got" 'BEGIN{exit !((g - w) < 0.002 && (w - g) < 0.002)}' \
	&& ok "calibrated ping-pong 64 KiB = alpha + n/B = $want us" || not_ok "calibrated time $got, expected $want"

# Full sweep finishes (speed is measured by bench/project_sweep.sh, not here).
run project --topology scaleout-1m-cpo --kernel all --optics all --gpus 8:1048576 -b 1 -e 512M --csv "$tmpdir/full.csv"
expect_status 0 "full sweep: every kernel x 5 media x 30 sizes x 8..1M GPUs"
rows=$(($(wc -l < "$tmpdir/full.csv") - 1))
[ "$rows" -eq $((5 * 18 * (6 * 30 + 1 * 30 + 2 * 8))) ] && ok "full sweep rows: $rows" || not_ok "full sweep rows: $rows"

# Bad input: one line naming the option, exit 2.
run project --topology local --gpus 100:10
expect_status 2 "--gpus 100:10 refused"
expect_output '^cpobench-report project: --gpus .100:10.: first count 100 is larger than last 10$' "message names --gpus"
run project --topology local --gpus abc
expect_status 2 "--gpus abc refused"
expect_output "--gpus 'abc': expected A, A:B or A:B:F" "message says what was expected"
run project --topology local --gpus 1
expect_status 2 "--gpus 1 refused"
run project --topology local --optics fiber
expect_status 2 "unknown optics refused"
expect_output "--optics: unknown medium 'fiber' \(expected copper, aec, pluggable, lpo, cpo, as-built or all\)" "message lists the media"
run project --topology local --kernel nope
expect_status 2 "unknown kernel refused"
run project --topology local --kernel allreduce --algo bruck
expect_status 2 "all-to-all algorithm for all-reduce refused"
expect_output "--algo: 'bruck' is not a allreduce algorithm" "message names the algorithm"
run project --optics cpo
expect_status 2 "missing --topology refused"
expect_output "--topology is required" "message says --topology is required"
run project --topology no-such-topology
expect_status 2 "unknown topology refused"
run project --topology local -b 1M -e 1K
expect_status 2 "-b > -e refused"
run project --topology local --calibrate "$top_srcdir/tests/model/data/allreduce-sample.json"
expect_status 2 "calibration from a non-pingpong file refused"
expect_output "calibration needs a pingpong result" "message says a pingpong result is needed"
# Tier indices and the block size take 0 (the innermost tier; one message per layer) up to their limit.
run project --topology local --kv-tier 99
expect_status 2 "--kv-tier 99 refused"
expect_output "^cpobench-report project: --kv-tier: 99 is out of range \(expected 0\.\.[0-9]+\)" "message gives the range from 0"
run project --topology local --cal-tier -1 --calibrate "$top_srcdir/tests/model/data/pingpong-sample.json"
expect_status 2 "--cal-tier -1 refused"
expect_output "--cal-tier: -1 is out of range \(expected 0\.\." "message names --cal-tier"
run project --topology local --cal-tier 0 --calibrate "$top_srcdir/tests/model/data/pingpong-sample.json" --kernel pingpong
expect_status 0 "--cal-tier 0 accepted"
expect_output "^# calibrated: tier 0 alpha" "tier 0 calibrated"
run project --topology local --block-tokens x
expect_status 2 "--block-tokens x refused"
expect_output "--block-tokens: 'x' is not an integer" "message names --block-tokens"
done_testing
