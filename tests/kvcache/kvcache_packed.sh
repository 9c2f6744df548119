# kvcache packed messages (--granularity layer-packed,request-packed): staged through a
# contiguous buffer and unpacked at the destination; every byte verified for send/put/get,
# message counts equal to the derived-datatype forms, pack/unpack time reported.
. "$top_srcdir/tests/tap.sh"

# 4 layers x K,V x 4 heads x 16 dims x 2 B = 1 KiB per token: 64 KiB per request, 16 KiB per layer
tiny="--model custom:4,4,16,hidden=256 --isl 64 --block-tokens 4 --prefill-tps 1e7 -n 2 -w 0 -c"
j="$tmpdir/r.json"

for mech in send put get; do
	mpi 2 kvcache $tiny --mech $mech --granularity layer,request,layer-packed,request-packed --json "$j"
	expect_status 0 "$mech: layer/request as datatype and packed, --check"
	jq -e '.rows | length == 4 and all(.[]; .check == "pass")' "$j" >/dev/null &&
		ok "$mech: 4 rows, every byte verified" || not_ok "$mech: rows $(jq -c '[.rows[] | [.algo, .check]]' "$j")"
	got=$(jq -c '[.rows[] | [.granularity, .pack, .msgs_req_mean, .msg_B_max]]' "$j")
	want='[["layer","dtype",4,16384],["request","dtype",1,65536],["layer","copy",4,16384],["request","copy",1,65536]]'
	[ "$got" = "$want" ] && ok "$mech: 4 messages/request per layer, 1 per request, packed or not" ||
		not_ok "$mech: messages/request: $got"
	jq -e '(.rows[0:2] | all(.[]; .pack_us_p50 == 0 and .unpack_us_p50 == 0)) and
	       (.rows[2:4] | all(.[]; .pack_us_p50 > 0 and .pack_us_p99 >= .pack_us_p50 and .unpack_us_p50 > 0))' "$j" >/dev/null &&
		ok "$mech: pack/unpack time only for packed rows" ||
		not_ok "$mech: pack times $(jq -c '[.rows[] | [.pack_us_p50, .pack_us_p99, .unpack_us_p50]]' "$j")"
done
expect_output "#kv variant .* pack_us +unpk_us" "the #kv table has pack/unpack columns"
# the CSV beside the result carries the kernel's fields after the fixed columns
csv=${j%.json}.csv
head -1 "$csv" | grep -q '^algo,bytes,count,dtype,op,in_place,iters,time_us_min,time_us_median,time_us_mean,time_us_p99,time_us_max,algbw_GBps,busbw_GBps,check,wrong,mech,granularity,pack,' &&
	ok "CSV header: fixed columns, then mech, granularity, pack, ..." || not_ok "CSV header: $(head -1 "$csv")"
want=$(jq -r '[.rows[] | .exposed_ms_p99, .msgs_req_mean, .pack_us_p50] | map(tostring) | join(" ")' "$j")
got=$(awk -F, 'NR == 1 { for (i = 1; i <= NF; i++) c[$i] = i; next }
	{ printf "%s %s %s ", $c["exposed_ms_p99"], $c["msgs_req_mean"], $c["pack_us_p50"] }' "$csv")
[ "$(printf '%s' "$got" | wc -w)" = 12 ] &&
	awk -v a="$got" -v b="$want" 'BEGIN { n = split(a, x, " "); split(b, y, " "); for (i = 1; i <= n; i++) if ((x[i] - y[i]) ^ 2 > 1e-12 * (1 + y[i] ^ 2)) exit 1 }' &&
	ok "CSV: exposed_ms_p99, msgs_req_mean, pack_us_p50 equal the JSON rows" || not_ok "CSV values '$got' vs JSON '$want'"

# resharding and replicas: staging bands per head slice, at 3 and 6 ranks
mpi 3 kvcache $tiny --mech send,put,get --granularity layer-packed,request-packed --tp-p 1 --tp-d 2 \
	--schedule bulk,layer --json "$j"
expect_status 0 "TP1 -> TP2, packed, send/put/get x bulk/layer, --check"
[ "$(jq '[.rows[] | select(.check == "pass")] | length' "$j")" = 12 ] && ok "TP1 -> TP2: 12 rows pass" ||
	not_ok "TP1 -> TP2 rows: $(jq -c '[.rows[] | [.algo, .check]]' "$j")"
mpi 6 kvcache --model custom:4,2,16,hidden=256 --isl 40 --block-tokens 8 --prefill-tps 1e7 -n 1 -w 0 -c \
	--mech get,put --tp-p 2 --tp-d 4 --prefill 1 --decode 1 --requests 2 --alloc random --granularity request-packed --json "$j"
expect_status 0 "GQA 2 heads TP2 -> TP4 (replicated heads), 2 requests, random blocks, packed, --check"

# a corrupted byte after unpacking is caught
mpi 2 kvcache $tiny --mech put --granularity request-packed --test-fault corrupt --json "$j"
expect_status 1 "packed: a corrupted byte fails the check (exit 1)"
expect_output "check failed: kvcache put:request-packed:bulk isl 64: rank 1 request 0 from rank 0: layer 0 tensor 0" \
	"packed: the failure names the piece"
done_testing
