# Rank mapping at 1..6 ranks with domain sizes that do and do not divide the
# rank count (and exceed it): the result file's mapping (domain of every rank,
# domain sizes, tier matrix, binding) and header, and the hier all-reduce
# verified element by element there (every dtype and op, zero, odd and
# smaller-than-domain counts; in place and out of place alternate).
. "$top_srcdir/tests/tap.sh"

# jq program: is .meta.mapping what --domain-size $ds gives at $np ranks?
mapping_ok='.meta.mapping as $m | ([range($np)] | map(. / $ds | floor)) as $d
  | ($d | max + 1) as $nd
  | $m.how == "domain-size \($ds)" and $m.domains == $nd and $m.domain_of_rank == $d
  and $m.domain_sizes == [range($nd) as $i | $d | map(select(. == $i)) | length]
  and $m.tiers == ["intra-domain", "cross-domain"]
  and $m.tier_matrix == [range($np) as $a | [range($np) as $b | if $d[$a] == $d[$b] then 0 else 1 end]]
  and ($m.binding.pus_of_rank | length) == $np and all($m.binding.pus_of_rank[]; length > 0)
  and ($m.binding.bound_by == "cpobench" or $m.binding.bound_by == "launcher")'

for np in 1 2 3 4 5 6; do
	for ds in 1 2 3 4; do
		mode=; [ $(((np + ds) % 2)) -eq 1 ] && mode=--in-place
		name="np $np --domain-size $ds ${mode:-out-of-place}"
		mpi "$np" allreduce --algo hier --domain-size "$ds" -b 0 -e 300 -f 3 -n 1 -w 0 -c --dtype all --op all \
			$mode --json "$tmpdir/m.json"
		expect_status 0 "$name: hier passes --check"
		pass=$(jq '[.rows[] | select(.check == "pass" and .algo == "hier")] | length' "$tmpdir/m.json")
		# sizes 0,1,3,...,243 = 7; x 4 dtypes x 3 ops
		[ "$pass" = 84 ] && ok "$name: 84 rows pass" || not_ok "$name: $pass of 84 rows pass"
		if jq -e --argjson np "$np" --argjson ds "$ds" "$mapping_ok" "$tmpdir/m.json" >/dev/null; then
			ok "$name: mapping in the result file"
		else
			not_ok "$name: mapping in the result file"
			jq -c .meta.mapping "$tmpdir/m.json" | diag
		fi
		nd=$(( (np + ds - 1) / ds ))
		sizes=$(jq -r '.meta.mapping.domain_sizes | map(tostring) | join(" ")' "$tmpdir/m.json")
		expect_output "^# mapping: $nd domains? by domain-size $ds; domain of rank: " "$name: mapping in the header"
		expect_output "^# domain sizes: $sizes; a rank pair in one domain crosses tier 0" "$name: domain sizes in the header"
	done
done

# What a domain size larger than the rank count, or not dividing it, does.
mpi 3 allreduce --algo hier --domain-size 8 -b 8 -e 8 -n 1 -w 0 -c --json "$tmpdir/big.json"
expect_status 0 "--domain-size 8 at 3 ranks runs"
expect_output "^# note: --domain-size 8 is larger than the 3 ranks: they form one domain" "... and says they form one domain"
mpi 5 allreduce --algo hier --domain-size 2 -b 8 -e 8 -n 1 -w 0 --json "$tmpdir/odd.json"
expect_output "^# note: 5 ranks are not a multiple of --domain-size 2: the last domain has 1" "uneven last domain is stated"

# The acceptance command (fewer iterations: oversubscribed timings are noise anyway).
mpi 6 allreduce --algo hier --domain-size 4 -c -n 2 -w 1 --json "$tmpdir/six.json"
expect_status 0 "mpirun -np 6 allreduce --algo hier --domain-size 4 -c passes (8 B .. 4 MiB)"
n=$(jq '[.rows[] | select(.check == "pass")] | length' "$tmpdir/six.json")
[ "$n" = 20 ] && ok "... all 20 sizes pass" || not_ok "... $n of 20 sizes pass"

# By node (no --domain-size): one domain on this machine; hier is then a ring.
mpi 3 allreduce --algo hier,ring -b 0 -e 1000 -f 10 -n 1 -w 0 -c --dtype int64 --op all --json "$tmpdir/node.json"
expect_status 0 "hier by node (one domain) passes --check"
expect_output "^# mapping: 1 domain by node" "by-node mapping in the header"
done_testing
