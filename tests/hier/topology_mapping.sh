# --topology maps ranks to domains and tiers: `local` (2 endpoints per domain)
# and a three-tier test file (2 / 4 / 64); pingpong then measures one pair per
# tier and hier stays exact over the topology's domains.
. "$top_srcdir/tests/tap.sh"
three="$top_srcdir/tests/hier/three-tier.ini"
j() { jq -r "$@" "$tmpdir/t.json"; }

mpi 5 allreduce --topology local --algo hier -b 0 -e 1000 -f 10 -n 1 -w 0 -c --dtype all --op all --json "$tmpdir/t.json"
expect_status 0 "--topology local, 5 ranks: hier passes --check"
expect_output "^# topology: local " "topology in the header"
expect_output "^# mapping: 3 domains by topology local \\(tier domain: 2 endpoints\\); domain of rank: 0 0 1 1 2$" \
	"local: domain size 2 from the file"
[ "$(j -c '.meta.mapping | [.domain_sizes, .tiers, .tier_group_sizes]')" = '[[2,2,1],["domain","machine"],[2,4096]]' ] \
	&& ok "local: domain sizes, tier names and group sizes in the result" || not_ok "local: $(j -c .meta.mapping)"
[ "$(j .topology.name)" = local ] && ok "result's topology object names local" || not_ok "topology: $(j -c .topology.name)"

mpi 6 pingpong --topology "$three" -b 8 -e 1K -n 2 -w 0 -c --json "$tmpdir/t.json"
expect_status 0 "three-tier topology, 6 ranks: pingpong runs"
[ "$(j -c '.meta.mapping.tier_matrix[0]')" = '[0,0,1,1,2,2]' ] && ok "rank 0's tiers: 0 0 1 1 2 2" \
	|| not_ok "tier matrix row 0: $(j -c '.meta.mapping.tier_matrix[0]')"
[ "$(j -c '[.rows[] | [.algo, .tier, .tier_name, .pair[1]]] | unique')" = '[["tier0",0,"pair",1],["tier1",1,"quad",2],["tier2",2,"all",4]]' ] \
	&& ok "one pair per tier, named from the file: 0-1 pair, 0-2 quad, 0-4 all" \
	|| not_ok "pairs: $(j -c '[.rows[] | [.algo, .tier, .tier_name, .pair[1]]] | unique')"
[ "$(j -c '.calibration | keys')" = '["tier0","tier1","tier2"]' ] && [ "$(j '.calibration.tier2.name')" = all ] \
	&& ok "calibration for the three tiers" || not_ok "calibration keys: $(j -c '.calibration | keys')"

mpi 5 allreduce --topology "$three" --domain-size 3 --algo hier -b 0 -e 100 -f 10 -n 1 -w 0 -c --in-place --json "$tmpdir/t.json"
expect_status 0 "--domain-size 3 over the three-tier file: hier passes --check"
[ "$(j -c '.meta.mapping | [.domain_of_rank, .tiers[0], .tier_matrix[0]]')" = '[[0,0,0,1,1],"intra-domain",[0,0,0,1,2]]' ] \
	&& ok "--domain-size replaces tier 0, the file's outer tiers stay" || not_ok "mapping: $(j -c .meta.mapping)"

mpi 2 allreduce --topology "$top_srcdir/tests/hier/no-such.ini" -b 8 -e 8
expect_status 2 "a missing topology file is refused"
expect_output "cpobench allreduce: .*no-such.ini" "... naming the file"
done_testing
