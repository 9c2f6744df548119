# Per-tier byte accounting: what each algorithm really sends inside a domain
# and across domains, against closed forms.  p ranks, domains of d_r ranks,
# N domains, B bytes per peer:
#   pairwise (and mpi, as payload): intra = sum_r (d_r - 1) B, cross = sum_r (p - d_r) B
#   bruck: every rank sends sum over k = 1,2,4.. < p of #{i < p : i & k} blocks
#   hier: cross = pairwise cross, in N(N-1) messages; intra = pairwise intra
#         + 2 sum over non-leaders of (p - d) B (gather and scatter)
. "$top_srcdir/tests/tap.sh"

check_case() { # np domain-size
	local np=$1 ds=$2 f="$tmpdir/t-$1-$2.json"
	mpi "$np" alltoall -b 240 -e 240 -n 2 -w 0 -c --domain-size "$ds" --json "$f"
	expect_status 0 "np $np domain-size $ds: runs and passes --check"
	for algo in mpi pairwise; do
		jq -e --arg a $algo --argjson p "$np" '
			.meta.mapping.domain_of_rank as $dom
			| [range($p) | . as $r | [$dom[] | select(. == $dom[$r])] | length] as $d
			| .rows[] | select(.algo == $a) | .bytes_per_peer as $B
			| .intra_bytes == (($d | map(. - 1) | add) * $B)
			  and .cross_bytes == (($d | map($p - .) | add) * $B)
			  and .intra_msgs == ($d | map(. - 1) | add)
			  and .cross_bytes_max == (($d | map($p - .) | max) * $B)
			  and .local_bytes == $p * $B' "$f" >/dev/null \
			&& ok "np $np ds $ds $algo: intra/cross bytes match the closed form" \
			|| not_ok "np $np ds $ds $algo: $(jq -c --arg a $algo '.rows[] | select(.algo == $a) | [.bytes_per_peer, .intra_bytes, .cross_bytes, .intra_msgs, .cross_bytes_max]' "$f")"
	done
	jq -e --argjson p "$np" '
		([range(0; 31) | pow(2; .) | select(. < $p) | floor] | map(. as $k | [range($p) | select((. / $k | floor) % 2 == 1)] | length) | add) as $blocks
		| .rows[] | select(.algo == "bruck")
		| (.intra_bytes + .cross_bytes) == $p * $blocks * .bytes_per_peer' "$f" >/dev/null \
		&& ok "np $np ds $ds bruck: total bytes = p x sum_k #{i: bit k set} blocks" \
		|| not_ok "np $np ds $ds bruck: $(jq -c '.rows[] | select(.algo == "bruck") | [.bytes_per_peer, .intra_bytes, .cross_bytes]' "$f")"
	jq -e --argjson p "$np" '
		.meta.mapping.domain_of_rank as $dom
		| ($dom | unique | length) as $N
		| [range($p) | . as $r | [$dom[] | select(. == $dom[$r])] | length] as $d
		| [range($p) | . as $r | select(([range($r)] | map(select($dom[.] == $dom[$r])) | length) > 0) | $p - $d[$r]] as $members_out
		| (.rows | map(select(.algo == "pairwise"))[0]) as $pw
		| .rows[] | select(.algo == "hier") | .bytes_per_peer as $B
		| .cross_bytes == $pw.cross_bytes and .cross_msgs == $N * ($N - 1)
		  and .intra_bytes == $pw.intra_bytes + 2 * ($members_out | add // 0) * $B' "$f" >/dev/null \
		&& ok "np $np ds $ds hier: cross bytes as pairwise in N(N-1) messages, intra + gather + scatter" \
		|| not_ok "np $np ds $ds hier: $(jq -c '.rows[] | select(.algo == "hier") | [.bytes_per_peer, .intra_bytes, .cross_bytes, .cross_msgs]' "$f")"
}

check_case 5 2
check_case 6 4
check_case 6 3
check_case 4 1
check_case 3 8
jq -e '[.rows[] | .tiers == ["intra-domain", "cross-domain"] and (.tier_accounting == (if .algo == "mpi" then "payload" else "sent" end))] | all' \
	"$tmpdir/t-5-2.json" >/dev/null && ok "rows name the tiers and how bytes were accounted" || not_ok "tiers / tier_accounting fields"
jq -e '[.rows[] | .bytes == 240 and .bytes_per_peer == 48 and .count_per_peer == 12 and .count == 60] | all' "$tmpdir/t-5-2.json" >/dev/null \
	&& ok "size convention: 240 B per rank = 5 x 48 B per peer" || not_ok "size convention fields"
jq -e '[.rows[] | select(.time_us.median > 0) | ((.busbw_GBps / .algbw_GBps) - 4/5 | fabs) < 1e-9] | all' "$tmpdir/t-5-2.json" >/dev/null \
	&& ok "busbw = algbw x (p-1)/p at p=5" || not_ok "busbw factor"
mpi 3 alltoall -b 100 -e 100 -n 1 -w 0 --json "$tmpdir/r.json"
jq -e '.rows[0] | .bytes == 96 and .bytes_per_peer == 32' "$tmpdir/r.json" >/dev/null \
	&& ok "100 B at 3 ranks rounds down to 96 B (8 floats per peer)" || not_ok "rounding: $(jq -c '.rows[0] | [.bytes, .bytes_per_peer]' "$tmpdir/r.json")"
expect_output "size = bytes each rank sends in total.*bytes_per_peer = size/p" "header states both size conventions"
expect_output "per-peer +intra-dom +cross-dom" "table shows per-peer size and per-tier bytes"
if "$top_builddir/cpobench-report" check "$tmpdir"/t-*.json >"$tmpdir/check.out" 2>&1; then
	ok "cpobench-report check accepts alltoall result files"
else
	not_ok "cpobench-report check on alltoall files"; diag < "$tmpdir/check.out"
fi
mpi 2 alltoall --topology gb200-nvl72-cpo -b 64 -e 64 -n 1 -w 0 --algo pairwise --json "$tmpdir/topo.json"
jq -e '.rows[0].tier_names == ["nvlink", "leaf"]' "$tmpdir/topo.json" >/dev/null \
	&& ok "--topology: rows name the topology's tiers for intra- and cross-domain bytes" \
	|| not_ok "tier names: $(jq -c '.rows[0].tier_names' "$tmpdir/topo.json")"
done_testing
