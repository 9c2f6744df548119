#!/bin/sh
# cpobench --topology: header line, result JSON "topology" object, bad files refused with exit 2 on every rank.
. "$top_srcdir/tests/tap.sh"
bad="$top_srcdir/tests/topo/bad"

mpi 2 allreduce -b 8 -e 64 -n 2 -w 1 -c --topology local --json "$tmpdir/local.json"
expect_status 0 "--topology local runs"
expect_output '^# topology: local \(.*, sha256 [0-9a-f]{64}\)$' "header names the topology and its sha256"
expect_output '^#   tier 0 domain +group 2, 5\.0 GB/s per direction' "header lists the tiers"
if jq -e '.topology.name == "local" and (.topology.sha256 | length) == 64 and (.topology.tiers | length) == 2
          and .topology.tiers[0].group_size == 2 and .topology.tiers[0].latency_ns.total == 500' "$tmpdir/local.json" >/dev/null; then
	ok "result JSON carries the topology summary (name, sha256, tiers with latency)"
else
	not_ok "result JSON topology"; jq .topology "$tmpdir/local.json" 2>&1 | head -20 | diag
fi
sha=$(sha256sum "$top_srcdir/topologies/local.ini" | cut -d' ' -f1)
if [ "$(jq -r .topology.sha256 "$tmpdir/local.json")" = "$sha" ]; then ok "sha256 is the file's"; else not_ok "sha256 differs from sha256sum"; fi

mpi 2 allreduce -b 8 -e 8 -n 1 -w 0 --topology "$top_srcdir/topologies/rubin-ultra-nvl576-copper.ini" --json "$tmpdir/cu.json"
expect_status 0 "--topology by path"
expect_output 'tier 1 nvl576 .*INFEASIBLE' "an infeasible tier is flagged in the header"

mpi 2 allreduce -b 8 -e 8 -n 1 --topology "$bad/unknown-key.ini" --json "$tmpdir/bad.json"
expect_status 2 "a malformed topology: exit 2"
expect_output "unknown-key.ini:9: unknown key 'grop_size' in \[tier a\]" "message names file:line and the key"
if [ "$(printf '%s\n' "$out" | grep -c 'grop_size')" -eq 1 ]; then ok "one message, not one per rank"; else not_ok "message repeated"; printf '%s\n' "$out" | diag; fi
[ ! -e "$tmpdir/bad.json" ] && ok "no result file for a refused topology" || not_ok "result file written"

mpi 2 allreduce --topology no-such-topology
expect_status 2 "an unknown name: exit 2"
expect_output "topology 'no-such-topology' not found" "message names it"

# Ranks that read different files (different nodes, different copies) are refused.
mkdir -p "$tmpdir/a" "$tmpdir/b"
cp "$top_srcdir/topologies/local.ini" "$tmpdir/a/mix.ini"
sed 's/^endpoints = 4/endpoints = 2/' "$top_srcdir/topologies/local.ini" > "$tmpdir/b/mix.ini"
out=$("$MPIRUN" --oversubscribe -np 1 env CPOBENCH_TOPOLOGY_PATH="$tmpdir/a" "$CPOBENCH" allreduce -b 8 -e 8 -n 1 --topology mix : \
	-np 1 env CPOBENCH_TOPOLOGY_PATH="$tmpdir/b" "$CPOBENCH" allreduce -b 8 -e 8 -n 1 --topology mix 2>&1)
rc=$?
expect_status 2 "different topology bytes on different ranks: exit 2"
expect_output "rank 1: topology 'mix' .* has sha256 [0-9a-f]{64}, rank 0's has [0-9a-f]{64}" "message names the rank and both checksums"
done_testing
