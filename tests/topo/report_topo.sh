#!/bin/sh
# cpobench-report topo: output, counts, reach violation with numbers, --strict, --json, every shipped file.
. "$top_srcdir/tests/topo/tap-lite.sh"
topo="$top_srcdir/topologies"

# Every shipped topology parses, by path and by name, and is feasible except the all-copper NVL576.
for f in "$topo"/*.ini; do
	name=$(basename "$f" .ini)
	report topo --strict "$f"
	if [ "$name" = rubin-ultra-nvl576-copper ]; then
		expect_status 1 "$name: --strict exits 1 (infeasible on reach)"
	else
		expect_status 0 "$name: parses and is feasible under --strict"
	fi
	report topo --json "$name"
	if [ "$rc" -le 1 ] && printf '%s\n' "$out" | jq -e --arg n "$name" '.name == $n and (.tiers | length) >= 1 and (.sha256 | length) == 64' >/dev/null; then
		ok "$name: found by name, --json names it with tiers and a sha256"
	else
		not_ok "$name: by name / --json"; printf '%s\n' "$out" | tail -5 | diag
	fi
done

# The NVL576 all-copper reach violation, with both numbers; no --strict: exit 0.
report topo rubin-ultra-nvl576-copper
expect_status 0 "nvl576-copper without --strict exits 0"
expect_output 'nvl576 +copper +200G +5m +1m +NO: INFEASIBLE: 5 m cable > 1 m copper reach at 200 Gb/s per lane' \
	"nvl576-copper: tier flagged with cable 5 m and reach 1 m at 200G"
expect_output '^rack +copper +200G +1m +1m +yes' "nvl576-copper: the in-rack tier is feasible"
expect_fixed '# 1 tier INFEASIBLE on reach' "summary line counts the infeasible tier"
report topo rubin-ultra-nvl576-hybrid --strict
expect_status 0 "nvl576-hybrid (CPO between racks) is feasible under --strict"
expect_output 'nvl576 +cpo +200G +5m +500m +yes' "nvl576-hybrid: 5 m of CPO within 500 m"
report topo --json rubin-ultra-nvl576-copper
if printf '%s\n' "$out" | jq -e '.feasible == false and .tiers[1].reach_ok == false and .tiers[1].cable_m == 5 and .tiers[1].reach_m == 1' >/dev/null; then
	ok "--json: feasible false, tier nvl576 cable 5 reach 1"
else
	not_ok "--json reach fields"; printf '%s\n' "$out" | diag
fi

# Header states the counting assumptions; tiers, latency terms, counts.
report topo gb200-nvl72-pluggable
expect_status 0 "gb200-nvl72-pluggable"
expect_output '^# topology: gb200-nvl72-pluggable \(.*gb200-nvl72-pluggable.ini, sha256 [0-9a-f]{64}\)' "header names file and sha256"
expect_fixed "# counting: a tier's links = endpoints x links_per_endpoint / oversubscription" "header states the counting assumption"
expect_fixed "# latency: one way for a pair that crosses the tier = 2 x endpoint + hops x switch" "header states the latency formula"
expect_output '^nvlink +72 +128 +nvlink +copper +900\.0 ' "nvlink tier: group 72, 128 racks of 9216, 900 GB/s"
expect_output '^nvlink +708\.6 +200\.0 +1x300=300 +0\.0 +200\.0 +1m +8\.6 ' "nvlink latency terms: 200 + 300 + 0 + 200 + 8.6 = 708.6 ns"
expect_output '^spine +2524\.0 +0\.0 +3x150=450 +400\.0 +400\.0 +100m +1274\.0 +\(4 links\)' \
	"spine latency: 3 x 150 ns + 4 links x (2 x 50 ns DSP + 100 ns FEC) + (2 x 30 m + 2 x 100 m) x 4.9 ns/m" 
expect_output '^leaf +9216 +pluggable +128 +144' "leaf: 9216 links, 128 switches of 144 ports"
expect_output '^spine +9216 +pluggable +64 +144' "spine: 9216 links, 64 switches"
expect_fixed 'optical ports: 36864' "optical ports = 2 x (9216 + 9216)"
sha=$(sha256sum "$topo/gb200-nvl72-pluggable.ini" | cut -d' ' -f1)
expect_fixed "sha256 $sha" "sha256 matches sha256sum"

# --gpus changes the counts; a rack alone crosses no scale-out tier.
report topo gb200-nvl72-pluggable --gpus 72
expect_status 0 "--gpus 72"
expect_output '^leaf +0 +pluggable +\(not crossed\)' "--gpus 72: scale-out not crossed"
expect_fixed 'optical ports: 0' "--gpus 72: no optical ports"
report topo gb200-nvl72-cpo --gpus 1152
expect_output '^leaf +1152 +cpo/pluggable +16 +144' "cpo file, 1152 GPUs: 16 leaves"
expect_output '^pluggable +0 +1152 +0' "cpo file: the NIC ends stay pluggable"

# Bad usage: exit 2 with a one-line message.
report topo gb200-nvl72-pluggable --gpus 50000
expect_status 2 "--gpus beyond the outermost group: exit 2"
expect_fixed "--gpus 50000 exceeds the outermost tier 'spine'" "message names the tier and the limit"
report topo gb200-nvl72-pluggable --gpus zero
expect_status 2 "--gpus zero: exit 2"
report topo --bogus local
expect_status 2 "unknown option: exit 2"
expect_fixed "unknown option '--bogus'" "message names the option"
report topo
expect_status 2 "no topology: exit 2"
report topo no-such-topology
expect_status 2 "unknown name: exit 2"
expect_fixed "topology 'no-such-topology' not found" "message names the topology"

# --list: every shipped name with its description.
report topo --list
expect_status 0 "--list"
for f in "$topo"/*.ini; do
	name=$(basename "$f" .ini)
	expect_output "^$name +[A-Za-z1-9]" "--list shows $name"
done
report topo --list local
expect_status 2 "--list with a topology: exit 2"

# Lookup: $CPOBENCH_TOPOLOGY_PATH first.
sed 's/^name = local/name = shadow/' "$topo/local.ini" > "$tmpdir/local.ini"
out=$(CPOBENCH_TOPOLOGY_PATH="$tmpdir" "$REPORT" topo local 2>&1); rc=$?
expect_output '^# topology: shadow ' "\$CPOBENCH_TOPOLOGY_PATH is searched before the shipped files"
report topo local
expect_output '^# topology: local ' "local by name"
expect_output '^domain +copper +- +0m +- +yes \(no lane rate' "a zero-length link without a lane rate is feasible, shown without a reach"
done_testing
