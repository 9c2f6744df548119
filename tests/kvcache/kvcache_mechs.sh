# kvcache under mpirun: every mechanism verifies every byte at several P/D shapes;
# placement same/cross; Poisson arrivals reproducible; corruption caught; the issue's run.
. "$top_srcdir/tests/tap.sh"

tiny="--model custom:4,4,16,hidden=256 --isl 64 --block-tokens 4 --prefill-tps 1e7 -n 2 -w 0 -c"
j="$tmpdir/r.json"

for mech in send put get; do
	mpi 2 kvcache $tiny --mech $mech --granularity desc,coalesce,layer,request --schedule bulk,layer,chunk:16 --json "$j"
	expect_status 0 "$mech: 1P1D, 4 granularities x 3 schedules, --check"
	n=$(jq '[.rows[] | select(.check == "pass")] | length' "$j" 2>/dev/null)
	[ "$n" = 12 ] && ok "$mech: 12 rows pass" || not_ok "$mech: 12 rows pass (got $n)"
	case $mech in  # one more shape per mechanism
	send) shape="--prefill 1 --tp-p 2 --decode 1 --tp-d 2 --granularity desc,request"; np=4; what="TP2 -> TP2" ;;
	put) shape="--prefill 1 --tp-p 1 --decode 1 --tp-d 2 --granularity coalesce,layer"; np=3; what="TP1 -> TP2 resharding" ;;
	get) shape="--prefill 2 --decode 1 --requests 2 --layout cross --alloc random --granularity desc,coalesce"; np=3
	     what="2P1D incast, cross-layer blocks, random blocks" ;;
	esac
	mpi $np kvcache $tiny --mech $mech $shape --json "$j"
	expect_status 0 "$mech: $what, --check"
done
mpi 6 kvcache --model custom:4,2,16,hidden=256 --isl 40 --block-tokens 8 --prefill-tps 1e7 -n 1 -w 0 -c \
	--mech put --tp-p 4 --tp-d 2 --granularity desc,layer --json "$j"
expect_status 0 "GQA 2 heads, TP4 -> TP2 (replicas deduplicated), --check"
mpi 5 kvcache --model custom:3,1,40,attn=mla,hidden=256 --isl 33 --block-tokens 8 --prefill-tps 1e7 -n 1 -w 0 -c \
	--mech get --tp-p 2 --tp-d 3 --granularity desc,request --kv-dtype fp8 --json "$j"
expect_status 0 "MLA TP2 -> TP3, fp8, one source per decode rank, --check"
bytes=$(jq '[.rows[0].bytes_req_mean] | .[0]' "$j")
[ "$bytes" = "$((3 * 40 * 5 * 8 * 3))" ] || [ "$bytes" = "$((3 * 40 * 5 * 8 * 3)).0" ] &&
	ok "MLA: each of 3 decode ranks gets the whole latent once ($bytes B)" || not_ok "MLA bytes per request ($bytes)"

# placement: 4 ranks, TP2 -> TP2
mpi 4 kvcache $tiny --prefill 1 --tp-p 2 --decode 1 --tp-d 2 --placement cross --domain-size 2 --json "$j"
expect_status 0 "cross placement, domains of 2"
expect_output "roles: 0=P0.0@d0 1=P0.1@d0 2=D0.0@d1 3=D0.1@d1" "cross: prefill in domain 0, decode in domain 1"
[ "$(jq '.rows[0].cross_domain_frac' "$j")" = 1 ] || [ "$(jq '.rows[0].cross_domain_frac' "$j")" = 1.0 ] &&
	ok "cross: every byte crosses domains" || not_ok "cross: cross_domain_frac = $(jq '.rows[0].cross_domain_frac' "$j")"
mpi 4 kvcache $tiny --prefill 1 --tp-p 2 --decode 1 --tp-d 2 --placement same --domain-size 4 --json "$j"
expect_status 0 "same placement, one domain of 4"
[ "$(jq '.rows[0].cross_domain_frac' "$j")" = 0 ] || [ "$(jq '.rows[0].cross_domain_frac' "$j")" = 0.0 ] &&
	ok "same: no byte crosses domains" || not_ok "same: cross_domain_frac = $(jq '.rows[0].cross_domain_frac' "$j")"

# Poisson arrivals and normal prompt lengths: the same seed gives the same requests
for run in 1 2; do
	rm -f "$tmpdir/req$run.jsonl"
	mpi 2 kvcache --model custom:2,2,8,hidden=128 --isl normal:60,30,8,120 --block-tokens 4 --prefill-tps 1e6 \
		--arrival poisson:2000 --requests 6 --seed 11 -n 1 -w 0 --requests-jsonl "$tmpdir/req$run.jsonl" --json "$j"
	jq -c '[.isl, .t_arr_ms, .bytes]' "$tmpdir/req$run.jsonl" > "$tmpdir/req$run.key"
done
[ -s "$tmpdir/req1.key" ] && cmp -s "$tmpdir/req1.key" "$tmpdir/req2.key" &&
	ok "same seed: same prompt lengths, arrival times and bytes" || not_ok "Poisson runs differ"
[ "$(sort -u "$tmpdir/req1.key" | wc -l)" -ge 4 ] && ok "6 requests with varied lengths/arrivals" ||
	not_ok "requests not varied: $(cat "$tmpdir/req1.key")"

# corruption after the transfer is found and reported
mpi 2 kvcache $tiny --test-fault corrupt --json "$j"
expect_status 1 "a corrupted byte fails the check (exit 1)"
expect_output "check failed: kvcache put:desc:bulk isl 64: rank 1 request 0 from rank 0: layer 0 tensor 0 heads 0-3 block 0: 1 of 512 bytes wrong" \
	"the failure names request, layer, tensor, heads and block"

# the issue's run, shortened (-n 2 -w 0, 64-token prompts, fast prefill clock)
mpi 4 kvcache --model llama-3.1-70b --isl 64 --prefill 2 --decode 2 --granularity desc,coalesce --schedule bulk,layer -c \
	-n 2 -w 0 --prefill-tps 1e6 --json "$j"
expect_status 0 "llama-3.1-70b, 2P2D, desc/coalesce x bulk/layer, --check"
expect_output "#kv put:coalesce:layer +64 +160\.0 " "coalesce, layer schedule: 2*L messages per request"
expect_output "#kv put:desc:bulk +64 +640\.0 " "desc: 2*L*nb = 640 messages per request"
expect_output "exp_p50 +exp_p90 +exp_p99 +exp_p999 +exp_max" "exposed-latency percentiles in the table"
jq -e '.rows | length == 4 and all(.[]; .check == "pass" and .exposed_ms_p99 >= 0 and .msgs_req_mean > 0)' "$j" >/dev/null &&
	ok "4 rows with exposed p99 and messages per request in the result file" || not_ok "result rows"

mpi 2 kvcache --model deepseek-v3 --isl 16 --prefill-tps 1e6 -n 1 -w 0 --json "$j"
expect_output "DeepSeek-V3 .*MLA, 61 layers, latent\+rope 576, bf16 KV -> 70,272 bytes/token" "DeepSeek-V3 prints 70,272 B/token"
done_testing
