# cpobench-report platform: the generated SimGrid platform and host file.
# Generation needs no SimGrid; loading the file in smpirun does.
. "$top_srcdir/tests/tap.sh"
. "$top_srcdir/tests/emulate/emu.sh"
cd "$tmpdir" || exit 99
R=$CPOBENCH_REPORT
two="$top_srcdir/tests/emulate/twotier.ini"

out=$("$R" platform --topology "$two" --np 64 -o two.xml --json two.json 2>&1); rc=$?
expect_status 0 "platform for 64 endpoints of a two-tier file"
[ "$(wc -l < two.hosts)" = 64 ] && [ "$(head -1 two.hosts)" = gpu0 ] && [ "$(tail -1 two.hosts)" = gpu63 ] \
	&& ok "host file beside -o: gpu0 .. gpu63, one per line" || not_ok "host file: $(head -2 two.hosts)"
[ "$(grep -c '<host id="gpu' two.xml)" = 64 ] && ok "64 hosts in the XML" || not_ok "hosts in XML"
grep -q 'routing="DijkstraCache"' two.xml && ! grep -q 'routing="Full"' two.xml \
	&& ok "one DijkstraCache zone, no full route matrix" || not_ok "routing kind"
[ "$(grep -c '<link id="t0a' two.xml)" = 64 ] && [ "$(grep -c '<link id="t1a' two.xml)" = 64 ] \
	&& ok "one private access link per endpoint per tier (NIC model)" || not_ok "access links"
lat=$(sed -n 's/.*<link id="t0a5" bandwidth="900000000000Bps" latency="\([^"]*\)s" sharing_policy="SPLITDUPLEX"\/>.*/\1/p' two.xml)
awk -v l="$lat" 'BEGIN { exit !(l != "" && l - 5e-7 < 1e-15 && 5e-7 - l < 1e-15) }' \
	&& ok "tier 0 link: 900 GB/s per direction, half of the 1 us one-way latency, split duplex" \
	|| not_ok "tier 0 link: $(grep 't0a5"' two.xml)"
[ "$(grep -c '<link id="t1up' two.xml)" = 8 ] \
	&& grep -q '<link id="t1up3" bandwidth="200000000000Bps"' two.xml \
	&& ok "2:1 oversubscription: one uplink per 8-endpoint domain, 8 x 50 / 2 = 200 GB/s" || not_ok "uplinks"
grep -q '<prop id="network/TCP-gamma" value="1e15"/>' two.xml && grep -q '<prop id="smpi/bw-factor" value="0:1"/>' two.xml \
	&& ok "ideal SMPI settings in the platform's <config>" || not_ok "config props"
jq -e '.tiers | length == 2 and .[1].uplink_Bps == 2e11 and .[1].oversub == 2 and (.[0].latency_s - 1e-6 | fabs) < 1e-15' two.json >/dev/null \
	&& ok "--json summary: tiers, uplink, latency" || not_ok "summary: $(cat two.json)"

# Size grows linearly with endpoints (a full route matrix would grow 64x for 8x).
for n in 64 512; do "$R" platform --topology "$two" --np $n -o g$n.xml 2>/dev/null; done
s64=$(wc -c < g64.xml); s512=$(wc -c < g512.xml)
ratio=$(awk -v a="$s64" -v b="$s512" 'BEGIN { printf "%.2f", b / a }')
awk -v r="$ratio" 'BEGIN { exit !(r > 6 && r < 10) }' && ok "8x endpoints -> ${ratio}x bytes (O(endpoints))" \
	|| not_ok "size ratio $ratio ($s64 -> $s512 bytes)"

# --optics: non-copper tiers change medium (and so latency), copper tiers do not.
"$R" platform --topology gb200-nvl72-cpo --np 144 --optics pluggable --json plug.json > /dev/null 2>&1
"$R" platform --topology gb200-nvl72-cpo --np 144 --json cpo.json > /dev/null 2>&1
jq -e --slurpfile c cpo.json '.tiers[0].medium == "copper" and .tiers[1].medium == "pluggable" and $c[0].tiers[1].medium == "cpo"
	and .tiers[0].latency_s == $c[0].tiers[0].latency_s and .tiers[1].latency_s > $c[0].tiers[1].latency_s' plug.json >/dev/null \
	&& ok "--optics pluggable: scale-out tier pluggable and slower than CPO; copper NVLink tier unchanged" \
	|| not_ok "--optics: $(jq -c '[.tiers[] | [.medium, .latency_s]]' plug.json cpo.json)"

# Bad input: one line naming the option, exit 2.
out=$("$R" platform --topology "$two" --np 0 2>&1); rc=$?
expect_status 2 "--np 0 refused"; expect_output '^cpobench-report platform: --np: expected a whole number' "--np message"
out=$("$R" platform --topology "$two" --optics fibre 2>&1); rc=$?
expect_status 2 "--optics fibre refused"; expect_output "--optics: expected copper, aec, pluggable, lpo or cpo, got 'fibre'" "--optics message"
out=$("$R" platform --topology "$two" --np 5000 2>&1); rc=$?
expect_status 2 "--np beyond the outermost tier refused"; expect_output "holds at most 4096 endpoints" "names the limit"
out=$("$R" platform --np 8 2>&1); rc=$?
expect_status 2 "no --topology refused"; expect_output '--topology: required' "--topology message"
out=$("$R" platform --topology no-such-topology --np 8 2>&1); rc=$?
expect_status 2 "unknown topology refused"
out=$("$R" platform --topology "$two" --np 8 -o /nonexistent/dir/p.xml 2>&1); rc=$?
expect_status 2 "unwritable -o refused"; expect_output '/nonexistent/dir/p.xml: cannot write' "names the file"

# SimGrid loads the file and routes each pair over its lowest common tier.
if [ "$CB_SIMGRID" = yes ]; then
	emulate --topology "$two" --np 16 --keep plat -- allreduce -b 64 -e 64 -n 1 --algo ring -c --json tiny.json
	expect_status 0 "smpirun loads the generated platform (16 ranks, --check)"
	[ -f plat/platform.xml ] && [ -f plat/platform.hosts ] && ok "--keep keeps the platform files" || not_ok "--keep"
	jq -e '.meta.mapping.domains == 2 and .meta.mapping.domain_of_rank[8] == 1' tiny.json >/dev/null \
		&& ok "domains default to the innermost tier's groups (2 x 8)" || not_ok "mapping: $(jq -c .meta.mapping tiny.json)"
else
	ok "# SKIP SimGrid SMPI not configured: smpirun load not tested"
	ok "# SKIP SimGrid SMPI not configured"
	ok "# SKIP SimGrid SMPI not configured"
fi
done_testing
