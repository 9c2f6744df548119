# --pattern moe: expert-parallel dispatch and combine through MPI_Alltoallv.
# Rows carry dispatch and combine times and bytes per tier; routing is
# reproducible for a seed; skewed routing conserves tokens.
. "$top_srcdir/tests/tap.sh"

# The issue's example, on one rank (every expert local).
mpi 1 alltoall --pattern moe --topk 2 --experts-per-rank 2 --routing zipf:1.2 -n 5 -w 1 -c --json "$tmpdir/one.json"
expect_status 0 "moe zipf:1.2 on 1 rank runs and passes --check"
expect_output "tokens +dispatch +combine +intra-dom +cross-dom" "table has tokens, dispatch, combine and tier columns"
jq -e '.rows | length == 1 and (.[0] | .pattern == "moe" and .tokens == 128 and .topk == 2 and .experts == 2
	and .routing == "zipf:1.2" and .dispatch_us.median > 0 and .combine_us.median > 0
	and .intra_bytes == 0 and .cross_bytes == 0 and .local_bytes == .bytes and .check == "pass")' "$tmpdir/one.json" >/dev/null \
	&& ok "one rank: dispatch/combine times, all bytes local" || not_ok "one rank row: $(jq -c '.rows[0]' "$tmpdir/one.json")"

# conserve FILE: dispatch and combine each move every token copy exactly once.
conserve() {
	jq -e '.meta.ranks as $p | [.rows[] | ($p * .tokens * .topk * .hidden * .elem_bytes) as $all
		| (.dispatch.local_bytes + .dispatch.intra_bytes + .dispatch.cross_bytes) == $all
		and (.combine.local_bytes + .combine.intra_bytes + .combine.cross_bytes) == $all
		and .intra_bytes == .dispatch.intra_bytes + .combine.intra_bytes
		and .cross_bytes == .dispatch.cross_bytes + .combine.cross_bytes
		and .bytes == 2 * .tokens * .topk * .hidden * .elem_bytes
		and .recv_rows_mean == .tokens * .topk] | all' "$1" >/dev/null
}

for np in 3 4; do
	mpi $np alltoall --pattern moe --tokens 1,7,64 --hidden 33 --topk 3 --experts-per-rank 2 --routing zipf:1.5 \
		--seed 11 --domain-size 2 -n 3 -w 1 -c --json "$tmpdir/z$np.json"
	expect_status 0 "np $np zipf:1.5, 1/7/64 tokens, odd hidden: every row passes --check"
	[ "$(jq '[.rows[] | select(.check == "pass")] | length' "$tmpdir/z$np.json")" = 3 ] && ok "np $np: 3 rows pass" || not_ok "np $np rows"
	conserve "$tmpdir/z$np.json" && ok "np $np: dispatch and combine each move tokens x topk copies (skewed routing conserves tokens)" \
		|| not_ok "np $np conservation: $(jq -c '.rows[] | [.tokens, .dispatch, .combine]' "$tmpdir/z$np.json")"
	jq -e '[.rows[] | .dispatch_us.median > 0 and .combine_us.median > 0 and .dispatch_us.min <= .dispatch_us.max
		and .time_us.median > 0] | all' "$tmpdir/z$np.json" >/dev/null && ok "np $np: dispatch and combine timed separately" \
		|| not_ok "np $np times"
done
jq -e '.rows[-1] | .recv_rows_max > 1.3 * .recv_rows_mean' "$tmpdir/z4.json" >/dev/null \
	&& ok "zipf:1.5: the hottest expert rank receives well above the mean" \
	|| not_ok "skew: $(jq -c '.rows[-1] | [.recv_rows_max, .recv_rows_mean]' "$tmpdir/z4.json")"

# Reproducible: same seed -> same byte counts; another seed -> others.
counts() { jq -c '[.rows[] | [.dispatch, .combine, .recv_rows_max, .intra_bytes, .cross_bytes]]' "$1"; }
for run in a b c; do
	seed=5; [ $run = c ] && seed=6
	mpi 4 alltoall --pattern moe --tokens 64 --hidden 8 --experts-per-rank 2 --routing zipf:1.2 --seed $seed \
		--domain-size 2 -n 2 -w 0 --json "$tmpdir/s-$run.json"
done
[ "$(counts "$tmpdir/s-a.json")" = "$(counts "$tmpdir/s-b.json")" ] && ok "same seed: same dispatch/combine byte counts" \
	|| not_ok "same seed differs: $(counts "$tmpdir/s-a.json") vs $(counts "$tmpdir/s-b.json")"
[ "$(counts "$tmpdir/s-a.json")" != "$(counts "$tmpdir/s-c.json")" ] && ok "another seed: other byte counts" \
	|| not_ok "seeds 5 and 6 gave the same counts"

# Uniform routing, 2 domains of 2: a token copy stays in its domain with
# probability 2/4 (own rank 1/4 + neighbour 1/4): local ~ intra, cross ~ half.
mpi 4 alltoall --pattern moe --tokens 2000 --hidden 4 --elem-bytes 2 --topk 2 --experts-per-rank 4 --domain-size 2 \
	-n 2 -w 0 -c --json "$tmpdir/u.json"
expect_status 0 "uniform, --elem-bytes 2, passes --check"
jq -e '.rows[0] | .elem_bytes == 2 and (.dispatch.cross_bytes / (.dispatch.local_bytes + .dispatch.intra_bytes + .dispatch.cross_bytes) - 0.5 | fabs) < 0.05' \
	"$tmpdir/u.json" >/dev/null && ok "uniform: half the dispatched bytes cross domains" \
	|| not_ok "uniform shares: $(jq -c '.rows[0].dispatch' "$tmpdir/u.json")"
jq -e '.rows[0] | .dtype == "16-bit" and .count == 2 * 2000 * 2 * 4 and .bytes == .count * 2' "$tmpdir/u.json" >/dev/null \
	&& ok "--elem-bytes 2: type 16-bit, count = elements sent, bytes = count x 2" \
	|| not_ok "elem-bytes row: $(jq -c '.rows[0] | [.dtype, .count, .bytes]' "$tmpdir/u.json")"
if "$top_builddir/cpobench-report" check "$tmpdir/u.json" "$tmpdir/z4.json" "$tmpdir/one.json" >"$tmpdir/check.out" 2>&1; then
	ok "cpobench-report check accepts moe result files"
else
	not_ok "cpobench-report check on moe files"; diag < "$tmpdir/check.out"
fi

mpi 3 alltoall --pattern moe --tokens 8 --hidden 16 -n 2 -w 0 -c --test-fault corrupt --json "$tmpdir/x.json"
expect_status 1 "moe: a corrupted byte gives exit status 1"
expect_output "check failed: alltoall mpi float [0-9]+ B: rank 2 dispatch: token [0-9]+ copy [0-9] from rank [0-9] byte 0" \
	"moe: message names rank, token, copy and source"
done_testing
